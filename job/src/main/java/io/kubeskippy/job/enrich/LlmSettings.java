package io.kubeskippy.job.enrich;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the job talks to its LLM, from the {@code --llm-*} job options. Holds where the API key is
 * (an environment variable or a file), never the key itself, so settings can be printed and shipped
 * with the job graph.
 *
 * @param url base URL of the server; empty when no LLM is configured
 * @param callTimeout what one HTTP call may take
 * @param retries retries of a call that timed out or got 429 or 5xx
 * @param backoff the wait before the first retry, doubled for each next one
 * @param breakerFailures consecutive failed enrichments that open the circuit breaker
 * @param breakerCoolOff how long an open breaker skips the LLM
 * @param cacheTtl how long a reply is reused; zero disables the cache
 */
public record LlmSettings(
        String url,
        LlmProvider provider,
        String model,
        Duration callTimeout,
        String keyEnv,
        String keyFile,
        double temperature,
        int retries,
        Duration backoff,
        int breakerFailures,
        Duration breakerCoolOff,
        Duration cacheTtl)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public LlmSettings {
        url = url == null ? "" : url.trim();
        model = model == null ? "" : model.trim();
        keyEnv = keyEnv == null ? "" : keyEnv.trim();
        keyFile = keyFile == null ? "" : keyFile.trim();
    }

    /** Whether an LLM is configured at all. */
    public boolean configured() {
        return !url.isEmpty();
    }

    /** The chat endpoint this configuration calls. */
    public String endpoint() {
        return provider.endpoint(url);
    }

    /** Problems of these settings, each naming the option and the fix; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (configured()) {
            try {
                URI uri = URI.create(url);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
                        || uri.getHost() == null) {
                    problems.add(
                            "--llm-url must be an http:// or https:// URL, e.g."
                                    + " http://localhost:11434");
                } else if (okhttp3.HttpUrl.parse(endpoint()) == null) {
                    problems.add(
                            "--llm-url is not a URL the HTTP client can call (a port over 65535,"
                                    + " a bad host?): "
                                    + redactedUrl());
                }
            } catch (IllegalArgumentException e) {
                problems.add("--llm-url is not a URL: " + e.getMessage());
            }
            if (model.isEmpty()) {
                problems.add("--llm-model must name a model, e.g. qwen2.5:1.5b-instruct");
            }
        }
        if (!keyEnv.isEmpty() && !keyFile.isEmpty()) {
            problems.add("--llm-key-env and --llm-key-file: give one of them, not both");
        }
        if (!Double.isFinite(temperature) || temperature < 0 || temperature > 2) {
            problems.add("--llm-temperature must be within 0..2, got " + temperature);
        }
        if (retries < 0 || retries > 10) {
            problems.add("--llm-retries must be within 0..10, got " + retries);
        }
        if (breakerFailures < 1) {
            problems.add("--llm-breaker-failures must be >= 1, got " + breakerFailures);
        }
        return problems;
    }

    /** The URL without user info or query, which may hold credentials: for messages and logs. */
    public String redactedUrl() {
        try {
            URI uri = URI.create(url);
            return new URI(
                            uri.getScheme(),
                            null,
                            uri.getHost(),
                            uri.getPort(),
                            uri.getPath(),
                            null,
                            null)
                    .toString();
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            return "(invalid URL)";
        }
    }

    @Override
    public String toString() {
        return configured()
                ? provider.wireName() + " " + model + " at " + redactedUrl()
                : "no LLM configured";
    }
}
