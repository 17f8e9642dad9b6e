package io.kubeskippy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.cli.SkippyTest.Run;
import io.kubeskippy.ingest.IngestOption;
import org.junit.jupiter.api.Test;

/** {@code skippy ingest} as the command line parses it; nothing is started. */
class IngestCommandTest {

    @Test
    void helpListsEveryIngestOptionWithItsDefault() {
        Run run = SkippyTest.run("ingest", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: skippy ingest");
        for (IngestOption o : IngestOption.values()) {
            assertThat(run.out())
                    .contains(o.isFlag() ? o.optionName() : o.optionName() + "=" + o.paramLabel());
        }
        assertThat(run.out()).contains("Default: 9301.").contains("Default: skippy.metrics.");
    }

    @Test
    void anUnknownOptionIsOneLineWithExitCodeTwo() {
        Run run = SkippyTest.run("ingest", "--kafka", "127.0.0.1:9092", "--frobnicate", "3");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo(
                        "skippy ingest: unknown option or argument '--frobnicate'; see skippy"
                                + " ingest --help\n");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void badValuesAreOneLineNamingEveryOptionAtFault() {
        Run run =
                SkippyTest.run(
                        "ingest", "--metrics-port", "lots", "--step", "-5s", "--namespaces", "A_B");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("skippy ingest: ")
                .contains("--kafka HOST:PORT is required")
                .contains("--metrics-port must be a port 0..65535, got 'lots'")
                .contains("--step must not be negative")
                .contains("--namespaces: 'A_B' is not a namespace name")
                .endsWith("\n")
                .doesNotContain("\tat ");
        assertThat(run.err().strip()).doesNotContain("\n");
    }

    @Test
    void anOptionWithoutItsValueIsOneLineToo() {
        Run run = SkippyTest.run("ingest", "--no-kubernetes", "--kafka");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo(
                        "skippy ingest: --kafka needs a value: HOST:PORT; --no-kubernetes leaves"
                                + " nothing to ingest: give --prometheus URL, --remote-write-port N"
                                + " or --policies DIR");
    }
}
