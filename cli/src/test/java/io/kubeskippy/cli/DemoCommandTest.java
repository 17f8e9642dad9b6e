package io.kubeskippy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

    @Test
    void helpNamesEveryOption() {
        SkippyTest.Run run = SkippyTest.run("demo", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains(
                        "--duration=D",
                        "--llm-url=URL",
                        "--llm-provider=P",
                        "--llm-model=M",
                        "--web-ui-port=N",
                        "--work-dir=DIR",
                        "--kube-context=CTX",
                        "--namespaces=a,b",
                        "--remote-write-port=N",
                        "--no-prometheus");
    }

    @Test
    void unknownKubeContextIsOneLineAndStartsNothing() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "demo-cmd-");
        SkippyTest.Run run =
                SkippyTest.run(
                        "demo",
                        "--kube-context",
                        "no-such-context-of-kubeskippy",
                        "--work-dir",
                        work.toString(),
                        "--no-prometheus");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .startsWith("skippy demo: no kubeconfig context no-such-context-of-kubeskippy in ")
                .doesNotContain("\tat ");
        assertThat(work.resolve("kafka")).doesNotExist();
    }

    @Test
    void zeroDurationIsAUsageError() {
        SkippyTest.Run run = SkippyTest.run("demo", "--duration", "0s");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("skippy demo: --duration must be > 0\n");
    }
}
