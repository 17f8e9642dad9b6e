package io.kubeskippy.model.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go/Kubernetes duration strings, as policies write them. */
class DurationsTest {

    @ParameterizedTest(name = "''{0}'' is {1}")
    @CsvSource({
        "90s,        PT1M30S",
        "5m,         PT5M",
        "1h30m,      PT1H30M",
        "1.5h,       PT1H30M",
        "250ms,      PT0.25S",
        "0,          PT0S",
        "0s,         PT0S",
        "0m0s,       PT0S",
        ".5s,        PT0.5S",
        "5.s,        PT5S",
        "1h0m30s,    PT1H30S",
        "2h45m30.5s, PT2H45M30.5S",
        "100us,      PT0.0001S",
        "100µs,      PT0.0001S",
        "1500ns,     PT0.0000015S",
        "1m1m,       PT2M",
        "' 5m ',     PT5M",
        "72h,        PT72H"
    })
    void parses(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest(name = "''{0}'' is rejected")
    @ValueSource(
            strings = {
                "5 minutes",
                "5",
                "m",
                "5d",
                "1w",
                "5M",
                "5S",
                "1h 30m",
                "1.2.3s",
                "h1",
                "1hh",
                "5m30",
                "PT5M",
                "5min",
                "five minutes",
                "1,5h",
                "∞"
            })
    void rejectsWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "must be a duration such as 90s, 5m or 1h30m (units ns, us, ms, s, m, h),"
                                + " got '"
                                + text
                                + "'");
    }

    @ParameterizedTest(name = "blank ''{0}'' is rejected")
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\t"})
    void rejectsBlank(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must be a duration such as 90s, 5m or 1h30m");
    }

    @ParameterizedTest(name = "''{0}'' is negative")
    @ValueSource(strings = {"-5m", "-0s", "-1h30m"})
    void rejectsNegative(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must not be negative, got '" + text + "'");
    }

    @ParameterizedTest(name = "''{0}'' is too long")
    @ValueSource(strings = {"9999999999h", "2562048h", "99999999999999999999s"})
    void rejectsWhatDoesNotFitInNanoseconds(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("is too long, got '" + text + "'");
    }

    @ParameterizedTest(name = "{0} is written {1}")
    @CsvSource({
        "PT0S,        0s",
        "PT1M30S,     1m30s",
        "PT1H30M,     1h30m",
        "PT5M,        5m",
        "PT72H,       72h",
        "PT0.25S,     250ms",
        "PT1.5S,      1.5s",
        "PT1H0.5S,    1h0.5s",
        "PT0.000001S, 1000ns"
    })
    void formatsLikeKubernetesWithoutZeroParts(String iso, String text) {
        Duration d = Duration.parse(iso);
        assertThat(Durations.format(d)).isEqualTo(text);
        assertThat(Durations.parse(text)).as("reads back").isEqualTo(d);
    }
}
