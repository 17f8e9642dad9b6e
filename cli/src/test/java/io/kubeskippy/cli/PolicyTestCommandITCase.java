package io.kubeskippy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code skippy policy test}: exit codes and reports, on a local Flink cluster. */
class PolicyTestCommandITCase {

    private static final Path CRASH_LOOP = Path.of("../policies/crash-loop.yaml").toAbsolutePath();

    private static final String TESTS =
            """
            policies: ['%s']
            tests:
              - name: three BackOffs delete the pod
                pods: [{name: cart-1, namespace: shop}]
                events:
                  - {pod: cart-1, reason: BackOff, at: 1m}
                  - {pod: cart-1, reason: BackOff, at: 2m}
                  - {pod: cart-1, reason: BackOff, at: 3m}
                actions:
                  - {policy: crash-loop, target: Pod/shop/cart-1, action: delete-pod, at: 3m}
              - name: expects nothing but gets the loop
                pods: [{name: cart-1, namespace: shop}]
                events:
                  - {pod: cart-1, reason: BackOff, at: 1m}
                  - {pod: cart-1, reason: BackOff, at: 2m}
                  - {pod: cart-1, reason: BackOff, at: 3m}
                actions: []
            """;

    @Test
    void failingCaseExitsOneWithADiff(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("crash-loop.yaml");
        Files.writeString(file, TESTS.formatted(CRASH_LOOP));

        SkippyTest.Run run = SkippyTest.run("policy", "test", file.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out())
                .startsWith("Unit Testing: " + file + "\n")
                .contains("  PASS three BackOffs delete the pod (")
                .contains("  FAIL expects nothing but gets the loop (")
                .contains("      + unexpected: crash-loop Pod/shop/cart-1 delete-pod at 3m\n")
                .contains("1 file, 2 cases: 1 passed, 1 failed (");

        SkippyTest.Run passing =
                SkippyTest.run("policy", "test", "--run", "^three", file.toString());
        assertThat(passing.exitCode()).as(passing.out() + passing.err()).isZero();
        assertThat(passing.out()).contains("1 file, 1 case: 1 passed, 0 failed (");
    }

    @Test
    void badOrMissingFilesExitOneWithoutAStackTrace(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(
                bad, TESTS.formatted(CRASH_LOOP).replace("at: 3m}\n    actions: []", "at: 3m}"));
        Path missing = dir.resolve("missing.yaml");

        SkippyTest.Run run = SkippyTest.run("policy", "test", bad.toString(), missing.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out())
                .contains(
                        bad
                                + ":11: tests[1].actions: is required: the actions expected ([]"
                                + " for none)")
                .contains(missing + ": cannot read: no such file")
                .contains("2 files, 0 cases: 0 passed, 0 failed; 2 files with errors (")
                .doesNotContain("\tat ");
        assertThat(run.err()).doesNotContain("\tat ");
    }
}
