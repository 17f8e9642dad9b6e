package io.kubeskippy.model.policy;

/**
 * How a metric trigger's {@code query} is evaluated: a built-in name computed from the stream, a
 * PromQL expression evaluated by Prometheus, or an unknown bare name that stays inert.
 *
 * @param builtIn the canonical built-in name, for {@link Kind#BUILT_IN}
 */
public record MetricQuery(Kind kind, String query, BuiltInMetric builtIn) {

    /** How a query is evaluated. */
    public enum Kind {
        BUILT_IN,
        PROMQL,
        INERT
    }

    /**
     * Classifies {@code query}: built-in names as the seed matched them (by substring), then
     * PromQL.
     */
    public static MetricQuery classify(String query) {
        String q = query.trim();
        if (!BuiltInMetric.isBareName(q)) {
            return new MetricQuery(Kind.PROMQL, q, null);
        }
        return BuiltInMetric.find(q)
                .map(b -> new MetricQuery(b.inert() ? Kind.INERT : Kind.BUILT_IN, q, b))
                .orElseGet(() -> new MetricQuery(Kind.INERT, q, null));
    }

    /**
     * The name ingest gives the samples of a policy trigger's PromQL query, and the job reads:
     * {@code kubeskippy:<policy>:<trigger>}; the result's labels (namespace, pod, ...) are kept.
     */
    public static String sampleName(String policy, String trigger) {
        return "kubeskippy:" + policy + ":" + trigger;
    }

    /** One line saying how this query is evaluated. */
    public String explain() {
        return switch (kind) {
            case PROMQL -> "PromQL, evaluated by Prometheus (ingest polls it): " + query;
            case BUILT_IN -> "built-in " + builtIn.wireName() + ": " + builtIn.derivation();
            case INERT ->
                    builtIn != null
                            ? "inert: '"
                                    + query
                                    + "' has no defined meaning ("
                                    + builtIn.derivation()
                                    + ")"
                            : "inert: '" + query + "' is neither a built-in name nor PromQL";
        };
    }
}
