package io.kubeskippy.job.policytest;

import static io.kubeskippy.job.policytest.SeriesNotation.expand;
import static io.kubeskippy.job.policytest.SeriesNotation.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeskippy.job.policytest.SeriesNotation.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Prometheus' expanding notation, with promtool's own examples. */
class SeriesNotationTest {

    @ParameterizedTest(name = "''{0}'' = {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                // promtool's documentation
                "1+1x3                | 1 2 3 4",
                "1-1x2                | 1 0 -1",
                "_x3                  | _ _ _",
                "1 _x3 stale          | 1 _ _ _ stale",
                "1+1x3 _x2 5          | 1 2 3 4 _ _ 5",
                "-2+4x3               | -2 2 6 10",
                "1x3                  | 1 1 1 1",
                "stale                | stale",
                "_                    | _",
                // scientific notation, as in '100e6+1e6x400'
                "100e6+1e6x2          | 100000000 101000000 102000000",
                "1e3 2.5e-1 -1.5E2    | 1000 0.25 -150",
                "1e+3+1e+3x1          | 1000 2000",
                ".5+.25x2             | 0.5 0.75 1",
                // no hexadecimal: promtool reads 0x3 as 0 repeated, not as 3
                "0x3                  | 0 0 0 0",
                "+Inf -Inf NaN inf    | +Inf -Inf NaN +Inf",
                "'  1   2  '          | 1 2",
            })
    void expandsAsPromtoolDoes(String values, String expected) {
        assertThat(format(expand(values))).isEqualTo(expected);
    }

    @Test
    void accumulatesByRepeatedAdditionAsPromtoolDoes() {
        // 0.1 added ten times is not 1.0 in binary floating point; promtool gives the same
        double v = 0;
        for (int i = 0; i < 10; i++) {
            v += 0.1;
        }
        assertThat(expand("0+0.1x10").get(10).value()).isEqualTo(v);
    }

    @Test
    void onlyFiniteSamplesReachTheJob() {
        assertThat(expand("1 _ stale NaN Inf 2").stream().filter(Value::isSample).count())
                .isEqualTo(2);
        assertThat(expand("_").get(0)).isEqualTo(Value.OMITTED);
        assertThat(expand("stale").get(0)).isEqualTo(Value.STALE);
        assertThat(expand("")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "abc      | cannot read 'abc': expected a number (1, -2.5, 1e6), a+bxn",
                "1+x3     | cannot read '1+x3'",
                "1+1x     | cannot read '1+1x'",
                "1++1x2   | cannot read '1++1x2'",
                "1+1x-2   | cannot read '1+1x-2'",
                "stalex2  | cannot read 'stalex2'",
                "_x       | cannot read '_x'",
            })
    void rejectsWhatPromtoolRejects(String values, String message) {
        assertThatThrownBy(() -> expand(values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void boundsTheNumberOfValues() {
        assertThatThrownBy(() -> expand("1x99999999999"))
                .hasMessage("'1x99999999999' repeats 99999999999 times; at most 1000000");
        assertThatThrownBy(() -> expand("1x600000 1x600000"))
                .hasMessage("expands to more than 1000000 values; shorten it");
    }

    @Test
    void readsASeriesAsPromtoolWritesIt() {
        SeriesNotation.Series s =
                SeriesNotation.parseSeries(
                        "container_memory_working_set_bytes{namespace=\"shop\",pod=\"leaky-1\","
                                + " container='app', }");
        assertThat(s.name()).isEqualTo("container_memory_working_set_bytes");
        assertThat(s.labels())
                .containsExactly(
                        Map.entry("namespace", "shop"),
                        Map.entry("pod", "leaky-1"),
                        Map.entry("container", "app"));

        assertThat(SeriesNotation.parseSeries("up").labels()).isEmpty();
        assertThat(SeriesNotation.parseSeries("{__name__=\"up\", job=\"a\\\"b\"}"))
                .isEqualTo(new SeriesNotation.Series("up", Map.of("job", "a\"b")));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "up{job=~\"a\"}           | a series has label values, not matchers (=~) at character 8",
                "up{job!=\"a\"}           | expected '=' after job (only = is allowed) at character 7",
                "up{job=\"a\"             | expected '}' at character 11",
                "up{job=a}                | expected a quoted label value at character 8",
                "up{job=\"a\",job=\"b\"}  | label job appears twice at character 12",
                "{job=\"a\"}              | a series needs a metric name, e.g. up{job=\"api\"}",
                "up{job=\"a\"} 1 2        | unexpected text after '}' at character 13",
                "1up                      | expected a metric name such as up, or '{' at character 1",
            })
    void rejectsSeriesItCannotRead(String series, String message) {
        assertThatThrownBy(() -> SeriesNotation.parseSeries(series))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }
}
