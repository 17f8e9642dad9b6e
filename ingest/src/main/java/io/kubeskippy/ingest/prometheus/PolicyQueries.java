package io.kubeskippy.ingest.prometheus;

import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.MetricQuery;
import io.kubeskippy.model.policy.Trigger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The PromQL expressions of the active policies' metric triggers, as queries the poller evaluates,
 * so that Prometheus computes them and their results stream in like any other sample.
 *
 * <p>The samples of trigger {@code t} of policy {@code p} are named {@code kubeskippy:p:t}, the
 * name the job binds that trigger to; each keeps the labels of its result series, so a query that
 * keeps {@code namespace} and {@code pod} (e.g. {@code max by (namespace, pod) (...)}) is keyed by
 * its pod.
 */
public final class PolicyQueries {

    private PolicyQueries() {}

    /** The queries of every metric trigger whose query is PromQL, in policy and trigger order. */
    public static List<PrometheusQuery> of(Map<String, HealingPolicy> policies) {
        List<PrometheusQuery> queries = new ArrayList<>();
        for (HealingPolicy policy : policies.values()) {
            for (Trigger trigger : policy.spec().triggers()) {
                if (trigger.type() != Trigger.Type.METRIC || trigger.metricTrigger() == null) {
                    continue;
                }
                MetricQuery query = trigger.metricTrigger().classified();
                if (query != null && query.kind() == MetricQuery.Kind.PROMQL) {
                    queries.add(
                            new PrometheusQuery(
                                    io.kubeskippy.model.policy.MetricQuery.sampleName(
                                            policy.name(), trigger.name()),
                                    query.query()));
                }
            }
        }
        return List.copyOf(queries);
    }

    /**
     * The queries of a file followed by those of the current policies, read anew on every call; a
     * policy query whose name a file query already has is left out.
     */
    public static Supplier<List<PrometheusQuery>> withFile(
            List<PrometheusQuery> fileQueries, Supplier<Map<String, HealingPolicy>> policies) {
        List<PrometheusQuery> fixed = List.copyOf(fileQueries);
        Set<String> fileNames = new HashSet<>();
        fixed.forEach(q -> fileNames.add(q.name()));
        return () -> {
            List<PrometheusQuery> all = new ArrayList<>(fixed);
            for (PrometheusQuery q : of(policies.get())) {
                if (!fileNames.contains(q.name())) {
                    all.add(q);
                }
            }
            return all;
        };
    }
}
