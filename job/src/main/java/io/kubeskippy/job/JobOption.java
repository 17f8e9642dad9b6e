package io.kubeskippy.job;

/**
 * Every option of the job, with its key, default and description in one place. {@code skippy job}
 * and {@code skippy replay} take them as {@code --KEY VALUE}; README's job option table is kept in
 * step with this enum by a test.
 */
public enum JobOption {
    KAFKA("kafka", "", "Kafka bootstrap servers, HOST:PORT (required for `skippy job`)."),
    METRIC_STEP(
            "metric-step",
            "15s",
            "Interval of the points metric (threshold) triggers are evaluated on."),
    LATENESS(
            "lateness",
            "30s",
            "How late a sample may arrive behind the newest of its pod and still count."),
    OUT_OF_ORDERNESS(
            "out-of-orderness", "10s", "Bounded out-of-orderness of the sources' watermarks."),
    SOURCE_IDLENESS(
            "source-idleness",
            "30s",
            "A source partition without records for this long stops holding back event time."),
    IDLE_TTL(
            "idle-ttl",
            "1h",
            "State of a (target, trigger) that sees no input for this long is cleared."),
    CHECKPOINT_INTERVAL(
            "checkpoint-interval",
            "10s",
            "Checkpoint interval; actions are committed to Kafka exactly once per checkpoint."),
    PARALLELISM("parallelism", "2", "Parallelism of the job."),
    ENRICHMENT_CAPACITY(
            "enrichment-capacity",
            "100",
            "Findings being enriched at once per subtask (async stage capacity); a finding beyond it goes on rule-based at once."),
    ENRICHMENT_TIMEOUT(
            "enrichment-timeout",
            "30s",
            "Time one enrichment (every LLM attempt) may take before the finding goes on without it."),
    LLM_URL(
            "llm-url",
            "",
            "Base URL of the LLM server, e.g. http://localhost:11434 (Ollama) or http://localhost:8000/v1 (OpenAI-compatible); empty: no LLM, every action is rule-based."),
    LLM_PROVIDER(
            "llm-provider",
            "ollama",
            "API of the LLM server: ollama (/api/chat) or openai (/v1/chat/completions: OpenAI, vLLM, llama.cpp server, LM Studio)."),
    LLM_MODEL("llm-model", "qwen2.5:1.5b-instruct", "Model the LLM server is asked to use."),
    LLM_TIMEOUT("llm-timeout", "10s", "Time one LLM call may take."),
    LLM_KEY_ENV(
            "llm-key-env",
            "",
            "Environment variable holding the API key, sent as a bearer token (never logged, never in an action)."),
    LLM_KEY_FILE("llm-key-file", "", "File holding the API key (instead of --llm-key-env)."),
    LLM_TEMPERATURE("llm-temperature", "0", "Sampling temperature of the LLM (0..2)."),
    LLM_RETRIES(
            "llm-retries",
            "2",
            "Retries of an LLM call that timed out or got HTTP 429 or 5xx, with exponential backoff; other failures are not retried."),
    LLM_BACKOFF(
            "llm-backoff",
            "500ms",
            "Wait before the first retry, doubled for each next one (a 429's Retry-After is honoured)."),
    LLM_BREAKER_FAILURES(
            "llm-breaker-failures",
            "5",
            "Consecutive failed enrichments (after their retries) that open the circuit breaker."),
    LLM_BREAKER_COOL_OFF(
            "llm-breaker-cool-off",
            "1m",
            "How long an open circuit breaker skips the LLM before one trial call."),
    LLM_CACHE_TTL(
            "llm-cache-ttl",
            "10m",
            "How long a reply is reused for the same policy version, workload, pattern and evidence bucket; 0 disables the cache."),
    START_FROM(
            "start-from",
            "latest",
            "Where a new job (no checkpoint, no committed offsets) starts reading samples, pods and events: earliest or latest. Policies are always read from the start."),
    GROUP_ID("group-id", "kubeskippy-job", "Kafka consumer group of the job's sources."),
    WEB_UI_PORT("web-ui-port", "8081", "Port of the Flink web dashboard (local cluster only)."),
    PROMETHEUS_PORT(
            "prometheus-port",
            "9249",
            "Port of Flink's Prometheus metrics reporter (local cluster only).");

    private final String key;
    private final String defaultValue;
    private final String description;

    JobOption(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }
}
