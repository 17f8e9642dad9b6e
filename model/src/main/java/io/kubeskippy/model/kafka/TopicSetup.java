package io.kubeskippy.model.kafka;

import io.kubeskippy.model.Topic;
import io.kubeskippy.model.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics of DESIGN section 3 if they are missing; existing topics are left as they are.
 */
public final class TopicSetup {

    private final Topics topics;
    private final int partitions;
    private final short replicationFactor;

    public TopicSetup(Topics topics, int partitions, short replicationFactor) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException(
                    "replication factor must be >= 1, got " + replicationFactor);
        }
        this.topics = topics;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    /**
     * The topic definitions this setup creates, compacted ones with {@code cleanup.policy=compact}.
     */
    public List<NewTopic> newTopics() {
        List<NewTopic> result = new ArrayList<>();
        for (Topic topic : Topic.values()) {
            NewTopic newTopic = new NewTopic(topics.name(topic), partitions, replicationFactor);
            if (topic.compacted()) {
                newTopic.configs(
                        Map.of(
                                TopicConfig.CLEANUP_POLICY_CONFIG,
                                TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            result.add(newTopic);
        }
        return result;
    }

    /**
     * Creates every missing topic. Idempotent: topics that exist already are not changed.
     *
     * @return the names of the topics this call created
     */
    public Set<String> ensure(Admin admin, Duration timeout)
            throws InterruptedException, TimeoutException {
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e);
        }
        List<NewTopic> missing =
                newTopics().stream().filter(t -> !existing.contains(t.name())).toList();
        if (missing.isEmpty()) {
            return Set.of();
        }
        Set<String> created = new java.util.TreeSet<>();
        var result = admin.createTopics(missing);
        for (var entry : result.values().entrySet()) {
            try {
                entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                created.add(entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException(
                            "cannot create topic "
                                    + entry.getKey()
                                    + ": "
                                    + e.getCause().getMessage(),
                            e);
                }
            }
        }
        return created;
    }
}
