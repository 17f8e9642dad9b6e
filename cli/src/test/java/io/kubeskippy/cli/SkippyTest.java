package io.kubeskippy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class SkippyTest {

    /** The outcome of one CLI run. */
    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        CommandLine cli = Skippy.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEverySubcommandOfTheDesign() {
        Run run = run("--help");
        assertThat(run.exitCode()).isZero();
        for (String command :
                new String[] {
                    "demo",
                    "kafka",
                    "policy",
                    "replay",
                    "bench",
                    "ingest",
                    "job",
                    "actuator",
                    "actions"
                }) {
            assertThat(run.out()).containsPattern("(?m)^  " + command + "\\s");
        }
        assertThat(run("policy", "--help").out()).contains("check", "explain", "test");
        assertThat(run("actions", "--help").out()).contains("tail", "approve");
    }

    @Test
    void versionNamesTheProgram() {
        Run run = run("--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("skippy ");
    }

    @Test
    void demoRejectsBadOptionsBeforeStartingAnything() {
        Run badDuration = run("demo", "--duration", "soon");
        assertThat(badDuration.exitCode()).isEqualTo(2);
        assertThat(badDuration.err()).startsWith("skippy demo: --duration: ");
        assertThat(badDuration.out()).isEmpty();

        Run unknown = run("demo", "--some-option", "value");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown options: '--some-option'");
        assertThat(unknown.out()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "demo",
                "kafka",
                "replay",
                "bench",
                "ingest",
                "job",
                "actuator",
                "policy check",
                "actions tail"
            })
    void everySubcommandHasHelp(String command) {
        Run run = run((command + " --help").split(" "));
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: skippy " + command);
    }

    @Test
    void userErrorsGoToStderrWithoutAStackTrace() {
        Run badValue = run("kafka", "--port", "not-a-port");
        assertThat(badValue.exitCode()).isEqualTo(2);
        assertThat(badValue.err()).contains("Invalid value for option '--port'");
        assertThat(badValue.err()).doesNotContain("\tat ");

        Run outOfRange = run("kafka", "--port", "70000");
        assertThat(outOfRange.exitCode()).isEqualTo(2);
        assertThat(outOfRange.err())
                .isEqualTo("skippy kafka: --port must be 0..65535, got 70000\n");

        Run blankTopic = run("kafka", "--topic-pods", " ");
        assertThat(blankTopic.exitCode()).isEqualTo(2);
        assertThat(blankTopic.err()).contains("topic name for pods must not be blank");

        Run unknown = run("frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched argument");
    }

    @Test
    void groupCommandWithoutSubcommandIsAUsageError() {
        Run run = run("policy");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("choose a subcommand: check, explain or test");
    }
}
