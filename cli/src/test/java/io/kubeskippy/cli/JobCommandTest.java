package io.kubeskippy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code skippy job} and {@code skippy replay} take the job's options, and say what is wrong. */
class JobCommandTest {

    @Test
    void helpListsTheJobOptions() {
        SkippyTest.Run run = SkippyTest.run("job", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--metric-step", "--checkpoint-interval", "--topic-<role>");
    }

    @Test
    void jobNeedsKafka() {
        SkippyTest.Run run = SkippyTest.run("job", "--web-ui-port", "18081");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("skippy job: --kafka HOST:PORT is required\n");
    }

    @Test
    void badJobOptionsAreOneLineErrors() {
        SkippyTest.Run run =
                SkippyTest.run(
                        "job", "--kafka", "x:1", "--metric-step", "soon", "--parallelism", "0");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("skippy job: --metric-step must be a duration")
                .contains("--parallelism must be >= 1, got 0")
                .doesNotContain("\tat ");
        SkippyTest.Run unknown =
                SkippyTest.run(
                        "replay", "--policies", "../policies", "--pods", "x", "--frobnicate", "1");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("skippy replay: unknown job option --frobnicate\n");
    }

    @Test
    void replayReportsAMissingFile() {
        SkippyTest.Run run =
                SkippyTest.run("replay", "--policies", "../policies", "--metrics", "no-such.jsonl");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("skippy replay: no-such.jsonl: no such file\n");
    }
}
