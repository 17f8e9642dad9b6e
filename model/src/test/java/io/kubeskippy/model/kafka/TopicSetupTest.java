package io.kubeskippy.model.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeskippy.model.Topic;
import io.kubeskippy.model.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/** The topic definitions TopicSetup creates. */
class TopicSetupTest {

    @Test
    void definesEveryTopicWithItsConfiguredName() {
        Topics topics = Topics.defaults().with(Topic.AUDIT, "prod.audit");

        List<NewTopic> created = new TopicSetup(topics, 6, (short) 3).newTopics();

        assertThat(created)
                .extracting(NewTopic::name)
                .containsExactly(
                        "skippy.metrics",
                        "skippy.pods",
                        "skippy.events",
                        "skippy.policies",
                        "skippy.findings",
                        "skippy.actions",
                        "prod.audit",
                        "skippy.deadletter");
        assertThat(created).allSatisfy(t -> assertThat(t.numPartitions()).isEqualTo(6));
        assertThat(created).allSatisfy(t -> assertThat(t.replicationFactor()).isEqualTo((short) 3));
    }

    @Test
    void compactsPodsAndPoliciesOnly() {
        List<NewTopic> created = new TopicSetup(Topics.defaults(), 1, (short) 1).newTopics();

        for (NewTopic topic : created) {
            Map<String, String> configs = topic.configs() == null ? Map.of() : topic.configs();
            if (topic.name().equals("skippy.pods") || topic.name().equals("skippy.policies")) {
                assertThat(configs)
                        .as(topic.name())
                        .containsEntry(
                                TopicConfig.CLEANUP_POLICY_CONFIG,
                                TopicConfig.CLEANUP_POLICY_COMPACT);
            } else {
                assertThat(configs)
                        .as(topic.name())
                        .doesNotContainKey(TopicConfig.CLEANUP_POLICY_CONFIG);
            }
        }
    }

    @Test
    void refusesZeroPartitionsOrReplicas() {
        assertThatThrownBy(() -> new TopicSetup(Topics.defaults(), 0, (short) 1))
                .hasMessage("partitions must be >= 1, got 0");
        assertThatThrownBy(() -> new TopicSetup(Topics.defaults(), 1, (short) 0))
                .hasMessage("replication factor must be >= 1, got 0");
    }
}
