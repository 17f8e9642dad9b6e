package io.kubeskippy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeskippy.model.serde.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCommandTest {

    private static final Path GOOD = Path.of("../policies/testdata/good");
    private static final String POLICY =
            """
            apiVersion: kubeskippy.io/v1alpha1
            kind: HealingPolicy
            metadata:
              name: memory
            spec:
              selector:
                resources: [{kind: Pod}]
              triggers:
                - name: high
                  type: metric
                  metricTrigger: {query: memory_usage_percent, threshold: 90, operator: ">"}
              actions:
                - name: restart
                  type: restart
            """;

    @Test
    void checkAcceptsTheGoodFixturesAndExitsZero() {
        SkippyTest.Run run = SkippyTest.run("policy", "check", GOOD.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains(": ok: memory-pressure-healing (version ")
                .contains(" 0 errors");
    }

    @Test
    void checkReportsEveryErrorOfAFileAndExitsOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(
                file,
                POLICY.replace("threshold: 90", "threshold: high")
                        .replace("type: restart", "type: reboot"),
                StandardCharsets.UTF_8);
        SkippyTest.Run run = SkippyTest.run("policy", "check", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out())
                .contains(
                        file
                                + ":11: spec.triggers[0].metricTrigger.threshold: must be a number, got 'high'")
                .contains(
                        file
                                + ":14: spec.actions[0].type: must be one of restart, scale, patch,"
                                + " delete, custom, got 'reboot'")
                .contains("1 files, 0 policies, 2 errors, 0 warnings");
    }

    @Test
    void checkReportsInertTriggersAsWarningsAndStillPasses(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("inert.yaml");
        Files.writeString(file, POLICY.replace("memory_usage_percent", "system_health_score"));
        SkippyTest.Run run = SkippyTest.run("policy", "check", file.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("warning: 'system_health_score' has no defined meaning")
                .contains("; inert: high)");
    }

    @Test
    void checkSpeaksJson(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, POLICY.replace("name: memory", "name: Memory_Policy"));
        SkippyTest.Run run = SkippyTest.run("policy", "check", "--format", "json", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        JsonNode json = Json.mapper().readTree(run.out());
        assertThat(json.path("errors").asInt()).isEqualTo(1);
        JsonNode diagnostic = json.path("files").get(0).path("diagnostics").get(0);
        assertThat(diagnostic.path("severity").asText()).isEqualTo("error");
        assertThat(diagnostic.path("line").asInt()).isEqualTo(4);
        assertThat(diagnostic.path("path").asText()).isEqualTo("metadata.name");
    }

    @Test
    void checkOfAMissingPathIsAUserError() {
        SkippyTest.Run run = SkippyTest.run("policy", "check", "no/such/dir");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .isEqualTo("skippy policy check: no/such/dir: no such file or directory\n");
    }

    @Test
    void explainSaysHowEachTriggerIsEvaluated() {
        SkippyTest.Run run =
                SkippyTest.run(
                        "policy", "explain", GOOD.resolve("trend-memory-growth.yaml").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains(
                        "samples: container_memory_working_set_bytes{container=\"app\"} from skippy.metrics, per owning workload")
                .contains(
                        "features: one point per 30s over a sliding 30m window; none for 5m after a container (re)starts")
                .contains("the forecast reaches the container's limit within 20m")
                .contains("more-memory: raise limits: memory x1.5 within 256Mi..2Gi (priority 40)");
    }

    @Test
    void explainRefusesAFileWithErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, POLICY.replace("kind: Pod", "kind: Pdo"));
        SkippyTest.Run run = SkippyTest.run("policy", "explain", file.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("spec.selector.resources[0].kind: must be one of");
    }
}
