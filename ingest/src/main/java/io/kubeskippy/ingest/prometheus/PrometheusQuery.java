package io.kubeskippy.ingest.prometheus;

import java.util.regex.Pattern;

/**
 * One PromQL expression the poller evaluates every step.
 *
 * @param name the metric name of the samples it yields; null to keep each series' own {@code
 *     __name__} (a result without one is then dropped). A queries file restricts it to {@link
 *     #METRIC_NAME}; a policy trigger's query is named {@code kubeskippy:<policy>:<trigger>}, which
 *     may hold a hyphen
 * @param query the PromQL expression
 */
public record PrometheusQuery(String name, String query) {

    /** Prometheus' metric name syntax. */
    public static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    public PrometheusQuery {
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException("query must not be blank");
        }
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("name must be null or not blank");
        }
        query = query.strip();
    }

    /** How logs name this query: its name, or the expression itself. */
    public String describe() {
        return name != null ? name : query;
    }
}
