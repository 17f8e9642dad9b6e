package io.kubeskippy.job;

import io.kubeskippy.job.enrich.LlmProvider;
import io.kubeskippy.job.enrich.LlmSettings;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.policy.Durations;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The job's settings, parsed once from {@link JobOption}s; immutable. */
public record JobSettings(
        String kafka,
        Topics topics,
        Duration metricStep,
        Duration lateness,
        Duration outOfOrderness,
        Duration sourceIdleness,
        Duration idleTtl,
        Duration checkpointInterval,
        int parallelism,
        int enrichmentCapacity,
        Duration enrichmentTimeout,
        String groupId,
        boolean startFromEarliest,
        int webUiPort,
        int prometheusPort,
        LlmSettings llm)
        implements Serializable {

    public static JobSettings defaults() {
        return from(Map.of(), Topics.defaults());
    }

    /**
     * Parses the given option values (by key); absent ones take their defaults.
     *
     * @throws IllegalArgumentException listing every invalid value at once
     */
    public static JobSettings from(Map<String, String> values, Topics topics) {
        Map<JobOption, String> v = new EnumMap<>(JobOption.class);
        for (JobOption o : JobOption.values()) {
            v.put(o, values.getOrDefault(o.key(), o.defaultValue()));
        }
        for (String key : values.keySet()) {
            boolean known = false;
            for (JobOption o : JobOption.values()) {
                known |= o.key().equals(key);
            }
            if (!known) {
                throw new IllegalArgumentException("unknown job option --" + key);
            }
        }
        List<String> errors = new ArrayList<>();
        Parser p = new Parser(v, errors);
        JobSettings settings =
                new JobSettings(
                        v.get(JobOption.KAFKA),
                        topics,
                        p.duration(JobOption.METRIC_STEP),
                        p.duration(JobOption.LATENESS),
                        p.duration(JobOption.OUT_OF_ORDERNESS),
                        p.duration(JobOption.SOURCE_IDLENESS),
                        p.duration(JobOption.IDLE_TTL),
                        p.duration(JobOption.CHECKPOINT_INTERVAL),
                        p.positive(JobOption.PARALLELISM),
                        p.positive(JobOption.ENRICHMENT_CAPACITY),
                        p.duration(JobOption.ENRICHMENT_TIMEOUT),
                        v.get(JobOption.GROUP_ID),
                        p.startFrom(JobOption.START_FROM),
                        p.port(JobOption.WEB_UI_PORT),
                        p.port(JobOption.PROMETHEUS_PORT),
                        new LlmSettings(
                                v.get(JobOption.LLM_URL),
                                p.provider(JobOption.LLM_PROVIDER),
                                v.get(JobOption.LLM_MODEL),
                                p.duration(JobOption.LLM_TIMEOUT),
                                v.get(JobOption.LLM_KEY_ENV),
                                v.get(JobOption.LLM_KEY_FILE),
                                p.decimal(JobOption.LLM_TEMPERATURE),
                                p.whole(JobOption.LLM_RETRIES),
                                p.duration(JobOption.LLM_BACKOFF),
                                p.whole(JobOption.LLM_BREAKER_FAILURES),
                                p.duration(JobOption.LLM_BREAKER_COOL_OFF),
                                p.durationOrZero(JobOption.LLM_CACHE_TTL)));
        errors.addAll(settings.llm().problems());
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return settings;
    }

    public String topic(Topic topic) {
        return topics.name(topic);
    }

    private record Parser(Map<JobOption, String> values, List<String> errors) {
        Duration duration(JobOption o) {
            try {
                Duration d = Durations.parse(values.get(o));
                if (d.isZero()) {
                    errors.add("--" + o.key() + " must be > 0, e.g. " + o.defaultValue());
                }
                return d.isZero() ? Durations.parse(o.defaultValue()) : d;
            } catch (IllegalArgumentException e) {
                errors.add("--" + o.key() + " " + e.getMessage());
                return Durations.parse(o.defaultValue());
            }
        }

        Duration durationOrZero(JobOption o) {
            try {
                return Durations.parse(values.get(o));
            } catch (IllegalArgumentException e) {
                errors.add("--" + o.key() + " " + e.getMessage());
                return Durations.parse(o.defaultValue());
            }
        }

        LlmProvider provider(JobOption o) {
            try {
                return LlmProvider.of(values.get(o));
            } catch (IllegalArgumentException e) {
                errors.add("--" + o.key() + " " + e.getMessage());
                return LlmProvider.of(o.defaultValue());
            }
        }

        double decimal(JobOption o) {
            try {
                return Double.parseDouble(values.get(o).trim());
            } catch (NumberFormatException e) {
                errors.add("--" + o.key() + " must be a number, got '" + values.get(o) + "'");
                return Double.parseDouble(o.defaultValue());
            }
        }

        int whole(JobOption o) {
            try {
                return Integer.parseInt(values.get(o).trim());
            } catch (NumberFormatException e) {
                errors.add("--" + o.key() + " must be a whole number, got '" + values.get(o) + "'");
                return Integer.parseInt(o.defaultValue());
            }
        }

        boolean startFrom(JobOption o) {
            String value = values.get(o).trim();
            if (!value.equals("earliest") && !value.equals("latest")) {
                errors.add("--" + o.key() + " must be earliest or latest, got '" + value + "'");
            }
            return value.equals("earliest");
        }

        int positive(JobOption o) {
            try {
                int n = Integer.parseInt(values.get(o).trim());
                if (n < 1) {
                    errors.add("--" + o.key() + " must be >= 1, got " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                errors.add("--" + o.key() + " must be a whole number, got '" + values.get(o) + "'");
                return 1;
            }
        }

        int port(JobOption o) {
            try {
                int n = Integer.parseInt(values.get(o).trim());
                if (n < 0 || n > 65535) {
                    errors.add("--" + o.key() + " must be 0..65535, got " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                errors.add("--" + o.key() + " must be a port number, got '" + values.get(o) + "'");
                return 0;
            }
        }
    }
}
