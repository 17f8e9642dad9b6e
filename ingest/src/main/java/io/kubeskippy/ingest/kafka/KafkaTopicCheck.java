package io.kubeskippy.ingest.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Checks at start that Kafka answers and holds the topics ingest writes, so that a wrong address or
 * a missing topic is one clear error instead of records dropped after {@code max.block.ms}.
 */
public final class KafkaTopicCheck {

    private KafkaTopicCheck() {}

    /**
     * Returns when the broker answered and every topic exists.
     *
     * @param extra further client settings (security, ...), as given to the producer
     * @throws IllegalStateException saying which: no answer within {@code timeout}, or which topics
     *     are missing and how to create them
     */
    public static void requireTopics(
            String bootstrapServers,
            Map<String, String> extra,
            Collection<String> topics,
            Duration timeout) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "kubeskippy-ingest-check");
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 10_000));
        Admin admin = Admin.create(config);
        try {
            Set<String> existing;
            try {
                admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                existing = admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new IllegalStateException(
                        "Kafka at "
                                + bootstrapServers
                                + " did not answer within "
                                + timeout.toSeconds()
                                + "s"
                                + rootMessage(e)
                                + "; check --kafka",
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking Kafka", e);
            }
            Set<String> missing = new TreeSet<>(topics);
            missing.removeAll(existing);
            if (!missing.isEmpty()) {
                throw new IllegalStateException(
                        "Kafka at "
                                + bootstrapServers
                                + " has no topic "
                                + String.join(", ", List.copyOf(missing))
                                + "; create "
                                + (missing.size() == 1 ? "it" : "them")
                                + " (skippy kafka creates every KubeSkippy topic) or name"
                                + " existing ones with --topic-<role>");
            }
        } finally {
            admin.close(Duration.ofSeconds(5));
        }
    }

    /** The root cause's message in parentheses, or nothing when it has none. */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? "" : " (" + root.getMessage() + ")";
    }
}
