package io.kubeskippy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.actuator.ActuatorOption;
import io.kubeskippy.cli.SkippyTest.Run;
import org.junit.jupiter.api.Test;

/** {@code skippy actuator} and {@code skippy actions} as the command line parses them. */
class ActuatorCommandTest {

    @Test
    void helpListsEveryActuatorOptionWithItsDefault() {
        Run run = SkippyTest.run("actuator", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: skippy actuator");
        for (ActuatorOption o : ActuatorOption.values()) {
            assertThat(run.out())
                    .contains(o.isFlag() ? o.optionName() : o.optionName() + "=" + o.paramLabel());
        }
        assertThat(run.out()).contains("Default: 9302.").contains("Default: 50%.");
    }

    @Test
    void badValuesAreOneLineNamingEveryOptionAtFault() {
        Run run =
                SkippyTest.run(
                        "actuator", "--metrics-port", "lots", "--namespaces", "kube-system", "--x");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).doesNotContain("\n");
        assertThat(run.err()).startsWith("skippy actuator: unknown option or argument '--x'");

        Run values =
                SkippyTest.run("actuator", "--metrics-port", "lots", "--namespaces", "kube-system");
        assertThat(values.exitCode()).isEqualTo(2);
        assertThat(values.err())
                .contains("--kafka HOST:PORT is required")
                .contains("--metrics-port must be a port 0..65535, got 'lots'")
                .contains("--namespaces: kube-system is a protected namespace")
                .doesNotContain("\tat ");
    }

    @Test
    void anUnreachableKafkaIsOneLineWithExitCodeOne() {
        Run run =
                SkippyTest.run(
                        "actuator",
                        "--kafka",
                        "127.0.0.1:1",
                        "--start-timeout",
                        "2s",
                        "--metrics-port",
                        "0");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .startsWith(
                        "skippy actuator: cannot reach Kafka at 127.0.0.1:1 within --start-timeout 2s");
        assertThat(run.err().strip()).doesNotContain("\n");
    }

    @Test
    void actionsHaveHelpAndCheckTheirArguments() {
        assertThat(SkippyTest.run("actions", "tail", "--help").out())
                .contains("--from-beginning", "--limit");
        assertThat(SkippyTest.run("actions", "approve", "--help").out())
                .contains("--reject", "--namespace");

        Run noKafka = SkippyTest.run("actions", "tail");
        assertThat(noKafka.exitCode()).isEqualTo(2);
        assertThat(noKafka.err()).contains("Missing required option: '--kafka=HOST:PORT'");

        Run badFormat = SkippyTest.run("actions", "tail", "--kafka", "k:9092", "--format", "xml");
        assertThat(badFormat.exitCode()).isEqualTo(2);
        assertThat(badFormat.err())
                .isEqualTo("skippy actions tail: --format must be text or json, got 'xml'\n");

        Run noName = SkippyTest.run("actions", "approve");
        assertThat(noName.exitCode()).isEqualTo(2);
        assertThat(noName.err()).contains("Missing required parameter: 'NAME'");

        Run badKubeconfig =
                SkippyTest.run("actions", "approve", "x", "--kubeconfig", "/no/such/file");
        assertThat(badKubeconfig.exitCode()).isEqualTo(2);
        assertThat(badKubeconfig.err())
                .isEqualTo(
                        "skippy actions approve: --kubeconfig /no/such/file: no such readable file\n");
    }
}
