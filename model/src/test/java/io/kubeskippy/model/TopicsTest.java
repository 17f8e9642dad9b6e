package io.kubeskippy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Topic names: the DESIGN defaults, each one overridable. */
class TopicsTest {

    @Test
    void defaultsAreTheDesignNames() {
        Topics topics = Topics.defaults();

        assertThat(topics.metrics()).isEqualTo("skippy.metrics");
        assertThat(topics.pods()).isEqualTo("skippy.pods");
        assertThat(topics.events()).isEqualTo("skippy.events");
        assertThat(topics.policies()).isEqualTo("skippy.policies");
        assertThat(topics.findings()).isEqualTo("skippy.findings");
        assertThat(topics.actions()).isEqualTo("skippy.actions");
        assertThat(topics.audit()).isEqualTo("skippy.audit");
        assertThat(topics.deadletter()).isEqualTo("skippy.deadletter");
        assertThat(topics.asMap()).hasSize(Topic.values().length);
    }

    @Test
    void overridesOnlyTheNamedTopics() {
        Topics topics =
                Topics.of(Map.of(Topic.METRICS, "prod.metrics", Topic.DEADLETTER, " prod.dlq "));

        assertThat(topics.metrics()).isEqualTo("prod.metrics");
        assertThat(topics.deadletter()).isEqualTo("prod.dlq");
        assertThat(topics.pods()).isEqualTo("skippy.pods");
        assertThat(topics.actions()).isEqualTo("skippy.actions");
    }

    @Test
    void withReturnsACopyAndLeavesTheOriginal() {
        Topics defaults = Topics.defaults();

        Topics changed = defaults.with(Topic.ACTIONS, "team-a.actions");

        assertThat(changed.actions()).isEqualTo("team-a.actions");
        assertThat(defaults.actions()).isEqualTo("skippy.actions");
        assertThat(changed).isNotEqualTo(defaults);
        assertThat(Topics.of(Map.of(Topic.ACTIONS, "team-a.actions")))
                .isEqualTo(changed)
                .hasSameHashCodeAs(changed);
    }

    @Test
    void refusesABlankNameNamingTheOption() {
        assertThatThrownBy(() -> Topics.defaults().with(Topic.DEADLETTER, "  "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topic name for deadletter must not be blank");
    }

    @Test
    void namesAreReadOnly() {
        assertThatThrownBy(() -> Topics.defaults().asMap().put(Topic.AUDIT, "x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void compactsOnlyPodsAndPolicies() {
        for (Topic topic : Topic.values()) {
            assertThat(topic.compacted())
                    .as(topic.name())
                    .isEqualTo(topic == Topic.PODS || topic == Topic.POLICIES);
        }
        assertThat(Topic.DEADLETTER.optionSuffix()).isEqualTo("deadletter");
    }
}
