package io.kubeskippy.ingest.prometheus;

import java.net.URI;
import java.time.Duration;

/**
 * Options of the Prometheus query-API poller, validated once.
 *
 * @param baseUrl Prometheus' base URL, e.g. {@code http://prometheus:9090}
 * @param step how often every query is evaluated; evaluations are aligned to multiples of it
 * @param requestTimeout how long one query may take (also sent as the query's {@code timeout})
 * @param initialBackoff the first wait after Prometheus could not be reached; doubled per failure
 * @param maxBackoff the cap of that wait
 * @param maxResponseBytes the largest answer read; a larger one is a query error
 */
public record PrometheusPollerOptions(
        URI baseUrl,
        Duration step,
        Duration requestTimeout,
        Duration initialBackoff,
        Duration maxBackoff,
        int maxResponseBytes) {

    public static final Duration DEFAULT_STEP = Duration.ofSeconds(15);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(1);
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

    public PrometheusPollerOptions {
        if (baseUrl == null
                || baseUrl.getScheme() == null
                || !(baseUrl.getScheme().equals("http") || baseUrl.getScheme().equals("https"))
                || baseUrl.getHost() == null) {
            throw new IllegalArgumentException(
                    "Prometheus URL must be http(s)://host[:port][/path], got " + baseUrl);
        }
        requirePositive(step, "step");
        requirePositive(requestTimeout, "request timeout");
        requirePositive(initialBackoff, "initial backoff");
        requirePositive(maxBackoff, "max backoff");
        if (step.toMillis() < 1) {
            throw new IllegalArgumentException("step must be at least 1ms, got " + step);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "max backoff ("
                            + maxBackoff
                            + ") must be >= initial backoff ("
                            + initialBackoff
                            + ")");
        }
        if (maxResponseBytes < 1) {
            throw new IllegalArgumentException(
                    "max response bytes must be >= 1, got " + maxResponseBytes);
        }
        // "http://p:9090/" and "http://p:9090" mean the same server.
        String text = baseUrl.toString();
        if (text.endsWith("/")) {
            baseUrl = URI.create(text.substring(0, text.length() - 1));
        }
    }

    /** The defaults for a Prometheus at {@code baseUrl}. */
    public static PrometheusPollerOptions of(URI baseUrl) {
        return new PrometheusPollerOptions(
                baseUrl,
                DEFAULT_STEP,
                DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_INITIAL_BACKOFF,
                DEFAULT_MAX_BACKOFF,
                DEFAULT_MAX_RESPONSE_BYTES);
    }

    public PrometheusPollerOptions withStep(Duration step) {
        return new PrometheusPollerOptions(
                baseUrl, step, requestTimeout, initialBackoff, maxBackoff, maxResponseBytes);
    }

    public PrometheusPollerOptions withRequestTimeout(Duration requestTimeout) {
        return new PrometheusPollerOptions(
                baseUrl, step, requestTimeout, initialBackoff, maxBackoff, maxResponseBytes);
    }

    public PrometheusPollerOptions withBackoff(Duration initialBackoff, Duration maxBackoff) {
        return new PrometheusPollerOptions(
                baseUrl, step, requestTimeout, initialBackoff, maxBackoff, maxResponseBytes);
    }

    public PrometheusPollerOptions withMaxResponseBytes(int maxResponseBytes) {
        return new PrometheusPollerOptions(
                baseUrl, step, requestTimeout, initialBackoff, maxBackoff, maxResponseBytes);
    }

    /** The instant-query endpoint. */
    public URI queryUrl() {
        return URI.create(baseUrl + "/api/v1/query");
    }

    private static void requirePositive(Duration duration, String what) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be > 0, got " + duration);
        }
    }
}
