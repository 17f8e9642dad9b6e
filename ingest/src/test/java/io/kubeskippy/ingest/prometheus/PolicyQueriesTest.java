package io.kubeskippy.ingest.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.ingest.policy.PolicyFixtures;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicyFile;
import io.kubeskippy.model.policy.PolicyReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class PolicyQueriesTest {

    private static final String ERROR_RATE =
            "sum by (namespace, pod) (rate(http_requests_total{code=~\"5..\"}[5m]))";

    /** A policy named {@code name} whose trigger {@code trigger} evaluates {@code query}. */
    static HealingPolicy policy(String name, String trigger, String query) {
        PolicyFile file =
                PolicyReader.readText(
                        name + ".yaml",
                        PolicyFixtures.metricPolicy(name, trigger, query)
                                .getBytes(StandardCharsets.UTF_8));
        assertThat(file.diagnostics()).noneMatch(d -> d.isError());
        return file.policies().get(0);
    }

    static HealingPolicy policy(String name) {
        return policy(name, "high-error-rate", ERROR_RATE);
    }

    @Test
    void everyPromqlMetricTriggerBecomesAQueryNamedByPolicyAndTrigger() {
        Map<String, HealingPolicy> policies = new TreeMap<>();
        policies.put("web", policy("web"));
        policies.put("classic", policy("classic", "high-memory", "memory_usage_percent"));

        List<PrometheusQuery> queries = PolicyQueries.of(policies);

        assertThat(queries)
                .containsExactly(new PrometheusQuery("kubeskippy:web:high-error-rate", ERROR_RATE));
    }

    @Test
    void followsThePoliciesAsTheyChangeAfterTheFileQueries() {
        AtomicReference<Map<String, HealingPolicy>> active = new AtomicReference<>(Map.of());
        PrometheusQuery fileQuery = new PrometheusQuery("up_named", "up");
        Supplier<List<PrometheusQuery>> queries =
                PolicyQueries.withFile(List.of(fileQuery), active::get);

        assertThat(queries.get()).containsExactly(fileQuery);

        Map<String, HealingPolicy> two = new TreeMap<>();
        two.put("api", policy("api"));
        two.put("web", policy("web"));
        active.set(two);
        assertThat(queries.get())
                .extracting(PrometheusQuery::name)
                .containsExactly(
                        "up_named",
                        "kubeskippy:api:high-error-rate",
                        "kubeskippy:web:high-error-rate");

        active.set(Map.of("web", policy("web")));
        assertThat(queries.get())
                .extracting(PrometheusQuery::name)
                .containsExactly("up_named", "kubeskippy:web:high-error-rate");
    }

    @Test
    void aFileQueryOfTheSameNameWins() {
        PrometheusQuery own = new PrometheusQuery("kubeskippy:web:high-error-rate", "vector(1)");

        assertThat(PolicyQueries.withFile(List.of(own), () -> Map.of("web", policy("web"))).get())
                .containsExactly(own);
    }
}
