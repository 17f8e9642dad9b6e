package io.kubeskippy.cli;

import io.kubeskippy.model.Topic;
import io.kubeskippy.model.Topics;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --topic-<role> NAME} for every topic of DESIGN section 3. */
final class TopicOptions {

    @Option(names = "--topic-metrics", paramLabel = "NAME", description = "default: skippy.metrics")
    String metrics;

    @Option(names = "--topic-pods", paramLabel = "NAME", description = "default: skippy.pods")
    String pods;

    @Option(names = "--topic-events", paramLabel = "NAME", description = "default: skippy.events")
    String events;

    @Option(
            names = "--topic-policies",
            paramLabel = "NAME",
            description = "default: skippy.policies")
    String policies;

    @Option(
            names = "--topic-findings",
            paramLabel = "NAME",
            description = "default: skippy.findings")
    String findings;

    @Option(names = "--topic-actions", paramLabel = "NAME", description = "default: skippy.actions")
    String actions;

    @Option(names = "--topic-audit", paramLabel = "NAME", description = "default: skippy.audit")
    String audit;

    @Option(
            names = "--topic-deadletter",
            paramLabel = "NAME",
            description = "default: skippy.deadletter")
    String deadletter;

    Topics topics() {
        Map<Topic, String> overrides = new EnumMap<>(Topic.class);
        put(overrides, Topic.METRICS, metrics);
        put(overrides, Topic.PODS, pods);
        put(overrides, Topic.EVENTS, events);
        put(overrides, Topic.POLICIES, policies);
        put(overrides, Topic.FINDINGS, findings);
        put(overrides, Topic.ACTIONS, actions);
        put(overrides, Topic.AUDIT, audit);
        put(overrides, Topic.DEADLETTER, deadletter);
        try {
            return Topics.of(overrides);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), 2);
        }
    }

    private static void put(Map<Topic, String> overrides, Topic topic, String name) {
        if (name != null) {
            overrides.put(topic, name);
        }
    }
}
