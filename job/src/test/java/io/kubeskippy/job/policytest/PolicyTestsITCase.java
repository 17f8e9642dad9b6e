package io.kubeskippy.job.policytest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.job.JobSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shipped policies' unit tests, and what a failing test reports, in a MiniCluster. */
class PolicyTestsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    private static final Path SHIPPED = Path.of("../policies/tests");
    private static final Path CRASH_LOOP = Path.of("../policies/crash-loop.yaml").toAbsolutePath();

    private static PolicyTestRunner runner(StringWriter out) {
        return new PolicyTestRunner(
                JobSettings.defaults(),
                () -> {
                    StreamExecutionEnvironment env =
                            StreamExecutionEnvironment.getExecutionEnvironment();
                    env.setParallelism(1);
                    return env;
                },
                new PrintWriter(out, true));
    }

    private static List<Path> shippedTests() throws IOException {
        try (Stream<Path> files = Files.list(SHIPPED)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** The report without run times, which vary. */
    private static String timeless(StringWriter out) {
        return out.toString().replaceAll("\\(\\d+\\.\\ds\\)", "(T)");
    }

    @Test
    void everyShippedPolicyTestPasses() throws Exception {
        StringWriter out = new StringWriter();
        List<Path> files = shippedTests();
        assertThat(files)
                .extracting(p -> p.getFileName().toString())
                .contains(
                        "memory-leak.yaml",
                        "cpu-oscillation.yaml",
                        "crash-loop.yaml",
                        "repeated-oomkilled.yaml",
                        "classic-threshold.yaml");

        PolicyTestRunner.Summary summary = runner(out).run(files);

        assertThat(summary.passed()).as(out.toString()).isTrue();
        assertThat(summary.exitCode()).isZero();
        assertThat(summary.cases()).isGreaterThanOrEqualTo(18);
        assertThat(out.toString()).doesNotContain("FAIL", "ERROR");
    }

    @Test
    void aWrongExpectationFailsWithADiffAndABadFileWithItsErrors() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "policytest-");
        Path wrong = dir.resolve("wrong.yaml");
        Files.writeString(
                wrong,
                """
                policies: ['%s']
                tests:
                  - name: right
                    pods: [{name: cart-1, namespace: shop}]
                    events:
                      - {pod: cart-1, reason: BackOff, at: 1m}
                      - {pod: cart-1, reason: BackOff, at: 2m}
                      - {pod: cart-1, reason: BackOff, at: 3m20s}
                    actions:
                      - {policy: crash-loop, target: Pod/shop/cart-1, action: delete-pod, at: 3m20s}

                  - name: wrong
                    pods:
                      - {name: cart-1, namespace: shop}
                      - {name: web-1, namespace: shop}
                    events:
                      - {pod: cart-1, reason: BackOff, at: 1m}
                      - {pod: cart-1, reason: BackOff, at: 2m}
                      - {pod: cart-1, reason: BackOff, at: 3m20s}
                      - {pod: web-1, reason: BackOff, at: 2m}
                      - {pod: web-1, reason: BackOff, at: 3m}
                      - {pod: web-1, reason: BackOff, at: 4m}
                    actions:
                      - {policy: crash-loop, target: Pod/shop/cart-1, action: delete-pod, at: 2m}
                      - {policy: crash-loop, target: Pod/shop/cart-2, action: delete-pod, before: 5m}
                """
                        .formatted(CRASH_LOOP));
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(
                bad,
                """
                policies: ['%s']
                tests:
                  - name: typo
                    pod: []
                    actions: []
                """
                        .formatted(CRASH_LOOP));
        StringWriter out = new StringWriter();

        PolicyTestRunner.Summary summary = runner(out).run(List.of(wrong, bad));

        assertThat(summary.exitCode()).isEqualTo(1);
        assertThat(summary.files().get(0).cases())
                .extracting(PolicyTestRunner.CaseResult::outcome)
                .containsExactly(PolicyTestRunner.Outcome.PASS, PolicyTestRunner.Outcome.FAIL);
        assertThat(timeless(out))
                .startsWith(
                        """
                        Unit Testing: %s
                          PASS right (T)
                          FAIL wrong (T)
                            expected:
                              crash-loop Pod/shop/cart-1 delete-pod, detectedAt 2m
                              crash-loop Pod/shop/cart-2 delete-pod, detectedAt before 5m
                            got:
                              crash-loop Pod/shop/cart-1 delete-pod at 3m20s
                              crash-loop Pod/shop/web-1 delete-pod at 4m
                            diff:
                              ~ crash-loop Pod/shop/cart-1 delete-pod: detectedAt 3m20s, expected 2m
                              - missing:    crash-loop Pod/shop/cart-2 delete-pod, detectedAt before 5m
                              + unexpected: crash-loop Pod/shop/web-1 delete-pod at 4m
                            evidence of crash-loop Pod/shop/cart-1 delete-pod at 3m20s: """
                                .formatted(wrong))
                .contains(
                        """
                          1 passed, 1 failed (T)

                        Unit Testing: %s
                          %s:4: tests[0].pod: unknown key; expected one of: name, interval, pods, \
                        inputSeries, events, podChanges, actions
                          FAILED: 1 error; no case ran

                        2 files, 2 cases: 1 passed, 1 failed; 1 file with errors (T)
                        """
                                .formatted(bad, bad));
    }
}
