package io.kubeskippy.model.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Policies written for the original KubeSkippy (the {@code seed-*.yaml} good fixtures: its
 * documented examples) load with the same meaning: the same values, and the original's defaults
 * where a field is left out (HEALINGPOLICY.md).
 */
class SeedCompatibilityTest {

    @Test
    void memoryThresholdExampleKeepsItsMeaning() {
        HealingPolicy p = seed("seed-memory-threshold.yaml");
        assertThat(p.name()).isEqualTo("memory-pressure-healing");
        assertThat(p.metadata().namespace()).isEqualTo("default");

        Selector selector = p.spec().selector();
        assertThat(selector.namespaces()).containsExactly("default", "production");
        assertThat(selector.labelSelector().matchLabels()).isEqualTo(Map.of("app", "web"));
        assertThat(selector.labelSelector().matches(Map.of("app", "web", "pod", "x"))).isTrue();
        assertThat(selector.labelSelector().matches(Map.of("app", "api"))).isFalse();
        assertThat(selector.resources())
                .containsExactly(new ResourceSelector("v1", "Pod", List.of()));

        Trigger trigger = p.spec().triggers().get(0);
        assertThat(trigger.name()).isEqualTo("high-memory");
        assertThat(trigger.type()).isEqualTo(Trigger.Type.METRIC);
        assertThat(trigger.cooldownPeriod())
                .as("default cooldownPeriod")
                .isEqualTo(Duration.ofMinutes(5));
        Trigger.MetricTrigger metric = trigger.metricTrigger();
        assertThat(metric.query()).isEqualTo("memory_usage_percent");
        assertThat(metric.threshold()).isEqualTo(90.0);
        assertThat(metric.operator()).isEqualTo(Trigger.Comparison.GT);
        assertThat(metric.operator().test(90.5, 90)).isTrue();
        assertThat(metric.operator().test(90, 90)).isFalse();
        assertThat(metric.duration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(metric.classified().kind()).isEqualTo(MetricQuery.Kind.BUILT_IN);
        assertThat(metric.classified().builtIn()).isEqualTo(BuiltInMetric.MEMORY_USAGE_PERCENT);

        PolicyAction restart = p.spec().actions().get(0);
        assertThat(restart.type()).isEqualTo(ActionType.RESTART);
        assertThat(restart.priority()).isEqualTo(10);
        assertThat(restart.requiresApproval()).isFalse();
        assertThat(restart.description()).isEqualTo("Restart the pod to free leaked memory");
        assertThat(restart.restartAction())
                .isEqualTo(new RestartAction(RestartAction.Strategy.ROLLING, 1, 30));

        PolicyAction scale = p.spec().actions().get(1);
        assertThat(scale.type()).isEqualTo(ActionType.SCALE);
        assertThat(scale.priority()).isEqualTo(5);
        assertThat(scale.scaleAction())
                .isEqualTo(new ScaleAction(ScaleAction.Direction.UP, 1, 2, 10));

        SafetyRules safety = p.spec().safetyRules();
        assertThat(safety.maxActionsPerHour()).isEqualTo(5);
        assertThat(safety.protectedResources())
                .containsExactly(
                        new ResourceSelector("apps/v1", "Deployment", List.of("critical-*")));
        assertThat(safety.protectedResources().get(0).excludes("critical-db")).isTrue();
        assertThat(safety.requireHealthCheck()).isFalse();
        assertThat(safety.healthCheckTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(p.spec().mode()).isEqualTo(PolicySpec.Mode.DRYRUN);
    }

    @Test
    void crashLoopExampleKeepsItsMeaning() {
        HealingPolicy p = seed("seed-crashloop-events.yaml");
        ResourceSelector pods = p.spec().selector().resources().get(0);
        assertThat(pods.kind()).isEqualTo("Pod");
        assertThat(pods.apiVersion()).isNull();
        assertThat(pods.coversKind("v1", "Pod")).isTrue();
        assertThat(pods.excludes("web-canary")).isTrue();
        assertThat(pods.excludes("web-7f9c")).isFalse();

        Trigger backOff = p.spec().triggers().get(0);
        assertThat(backOff.type()).isEqualTo(Trigger.Type.EVENT);
        assertThat(backOff.cooldownPeriod()).isEqualTo(Duration.ofMinutes(10));
        assertThat(backOff.eventTrigger())
                .isEqualTo(
                        new Trigger.EventTrigger("BackOff", "Warning", 3, Duration.ofMinutes(5)));

        Trigger notReady = p.spec().triggers().get(1);
        assertThat(notReady.cooldownPeriod()).isEqualTo(Trigger.DEFAULT_COOLDOWN);
        assertThat(notReady.conditionTrigger())
                .isEqualTo(new Trigger.ConditionTrigger("Ready", "False", Duration.ofMinutes(3)));

        PolicyAction delete = p.spec().actions().get(0);
        assertThat(delete.type()).isEqualTo(ActionType.DELETE);
        assertThat(delete.requiresApproval()).isTrue();
        assertThat(delete.priority()).as("default priority").isEqualTo(50);
        assertThat(delete.deleteAction())
                .isEqualTo(new DeleteAction(0, false, DeleteAction.PropagationPolicy.BACKGROUND));
        assertThat(p.spec().mode()).isEqualTo(PolicySpec.Mode.AUTOMATIC);
        assertThat(p.spec().safetyRules()).isEqualTo(SafetyRules.DEFAULTS);
    }

    @Test
    void leftOutFieldsTakeTheOriginalsDefaults() {
        HealingPolicy p = seed("seed-defaults.yaml");
        PolicySpec spec = p.spec();

        Trigger memory = spec.triggers().get(0);
        assertThat(memory.cooldownPeriod()).as("cooldownPeriod").isEqualTo(Duration.ofMinutes(5));
        assertThat(memory.metricTrigger().duration())
                .as("duration")
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(memory.metricTrigger().operator()).isEqualTo(Trigger.Comparison.GE);

        Trigger backOff = spec.triggers().get(1);
        assertThat(backOff.cooldownPeriod()).isEqualTo(Duration.ofMinutes(5));
        assertThat(backOff.eventTrigger().reason()).isEqualTo("BackOff");
        assertThat(backOff.eventTrigger().count()).isEqualTo(3);
        assertThat(backOff.eventTrigger().type()).as("any event type").isNull();
        assertThat(backOff.eventTrigger().window()).as("window").isEqualTo(Duration.ofMinutes(5));

        assertThat(spec.actions())
                .extracting(PolicyAction::priority)
                .as("priority")
                .containsOnly(50);
        assertThat(spec.actions()).extracting(PolicyAction::requiresApproval).containsOnly(false);
        assertThat(spec.actions().get(0).restartAction())
                .as("restart: rolling, one at a time, 30 s grace")
                .isEqualTo(new RestartAction(RestartAction.Strategy.ROLLING, 1, 30))
                .isEqualTo(RestartAction.DEFAULTS);
        assertThat(spec.actions().get(1).scaleAction())
                .as("scale up by 1 within 0..100")
                .isEqualTo(new ScaleAction(ScaleAction.Direction.UP, 1, 0, 100));
        assertThat(spec.actions().get(2).deleteAction())
                .as("delete with 30 s grace")
                .isEqualTo(new DeleteAction(30, false, null));

        assertThat(spec.safetyRules().maxActionsPerHour()).isEqualTo(10);
        assertThat(spec.safetyRules().protectedResources()).isEmpty();
        assertThat(spec.safetyRules().requireHealthCheck()).isFalse();
        assertThat(spec.safetyRules().healthCheckTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(spec.mode()).as("mode").isEqualTo(PolicySpec.Mode.MONITOR);
        // our additions stay out of the way of a seed policy
        assertThat(spec.groupBy()).isEqualTo(PolicySpec.GroupBy.POD);
        assertThat(spec.ai()).isEqualTo(AiOptions.DEFAULTS);
        assertThat(spec.ai().mayRank())
                .as("the LLM may not reorder a seed policy's actions")
                .isFalse();

        Selector selector = spec.selector();
        assertThat(selector.namespaces()).isEmpty();
        assertThat(selector.labelSelector()).isEqualTo(LabelSelector.EVERYTHING);
        assertThat(selector.selectsNamespace("shop")).isTrue();
        assertThat(selector.selectsNamespace("kube-system"))
                .as("protected namespaces are never selected implicitly")
                .isFalse();
    }

    @ParameterizedTest(name = "{0} is the built-in {1}")
    @CsvSource({
        "memory_usage_percent,            MEMORY_USAGE_PERCENT",
        "memory_usage_bytes,              MEMORY_USAGE_BYTES",
        "cpu_usage_percent,               CPU_USAGE_PERCENT",
        "pod_restart,                     POD_RESTART",
        "restart_count,                   RESTART_COUNT",
        "error_rate,                      ERROR_RATE",
        "error_rate_percent,              ERROR_RATE_PERCENT",
        "availability_percent,            AVAILABILITY_PERCENT",
        "node_cpu,                        NODE_CPU",
        "container_memory_usage_percent,  MEMORY_USAGE_PERCENT",
        "pod_memory_usage_bytes,          MEMORY_USAGE_BYTES",
        "container_cpu_usage_percent_max, CPU_USAGE_PERCENT",
        "http_error_rate_percent,         ERROR_RATE_PERCENT",
        "pod_restart_count,               RESTART_COUNT",
        "memory_usage_trend_5m,           MEMORY_USAGE_TREND_5M",
        "error_rate_trend_3m,             ERROR_RATE_TREND_3M",
        "cpu_oscillation_amplitude_trend, CPU_OSCILLATION_AMPLITUDE_TREND",
        "' memory_usage_percent ',        MEMORY_USAGE_PERCENT"
    })
    void builtInNamesAreMatchedBySubstringLongestFirst(String query, BuiltInMetric expected) {
        MetricQuery q = MetricQuery.classify(query);
        assertThat(q.kind()).isEqualTo(MetricQuery.Kind.BUILT_IN);
        assertThat(q.builtIn()).isEqualTo(expected);
        assertThat(q.explain()).startsWith("built-in " + expected.wireName() + ": ");
    }

    @ParameterizedTest(name = "{0} is PromQL")
    @ValueSource(
            strings = {
                "rate(container_cpu_usage_seconds_total[5m])",
                "sum by (pod) (container_memory_working_set_bytes)",
                "container_memory_working_set_bytes{container=\"app\"}",
                "kube_pod_container_status_restarts_total > 3",
                "up == 0",
                "100 * (1 - avg(rate(node_cpu_seconds_total{mode=\"idle\"}[5m])))"
            })
    void expressionsArePromQl(String query) {
        MetricQuery q = MetricQuery.classify(query);
        assertThat(q.kind()).isEqualTo(MetricQuery.Kind.PROMQL);
        assertThat(q.builtIn()).isNull();
        assertThat(q.explain()).startsWith("PromQL");
    }

    @ParameterizedTest(name = "{0} is inert")
    @CsvSource({
        "system_health_score, SYSTEM_HEALTH_SCORE",
        "correlation_risk_score, CORRELATION_RISK_SCORE"
    })
    void theOriginalsFakedScoresAreInert(String query, BuiltInMetric builtIn) {
        MetricQuery q = MetricQuery.classify(query);
        assertThat(q.kind()).isEqualTo(MetricQuery.Kind.INERT);
        assertThat(q.builtIn()).isEqualTo(builtIn);
        assertThat(builtIn.inert()).isTrue();
        assertThat(q.explain()).startsWith("inert: ");
    }

    @ParameterizedTest(name = "{0} is an unknown bare name")
    @ValueSource(
            strings = {
                "http_requests_total",
                "up",
                "queue_depth",
                "container_memory_working_set_bytes"
            })
    void unknownBareNamesAreInert(String query) {
        MetricQuery q = MetricQuery.classify(query);
        assertThat(q.kind()).isEqualTo(MetricQuery.Kind.INERT);
        assertThat(q.builtIn()).isNull();
        assertThat(q.explain())
                .isEqualTo("inert: '" + query + "' is neither a built-in name nor PromQL");
    }

    @Test
    void everyBuiltInButTheFakedScoresIsLive() {
        for (BuiltInMetric b : BuiltInMetric.values()) {
            boolean faked =
                    b == BuiltInMetric.SYSTEM_HEALTH_SCORE
                            || b == BuiltInMetric.CORRELATION_RISK_SCORE;
            assertThat(b.inert()).as(b.wireName()).isEqualTo(faked);
            assertThat(MetricQuery.classify(b.wireName()).builtIn()).isEqualTo(b);
        }
    }

    private static HealingPolicy seed(String file) {
        Fixture fixture =
                Fixture.good().stream()
                        .filter(f -> f.name().equals("policies/testdata/good/" + file))
                        .findFirst()
                        .orElseThrow();
        PolicyFile read = fixture.read();
        assertThat(read.diagnostics()).as("diagnostics of " + file).isEmpty();
        assertThat(read.policies()).hasSize(1);
        return read.policies().get(0);
    }
}
