package io.kubeskippy.actuator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PatchAction;
import io.kubeskippy.model.policy.PolicyAction;
import io.kubeskippy.model.policy.ScaleAction;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.ActionOutcome.Phase;
import io.kubeskippy.model.record.DeadLetter;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import io.kubeskippy.model.serde.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Records no valid action can be: each ends Blocked with its reason, and the actuator sends not one
 * request to the cluster for it (the mock server's request log shows none).
 */
class HostileRecordsITCase extends ActuatorTestBase {

    private HealingPolicy policy;
    private int from;

    @BeforeEach
    void startActuatorWithAPolicy() throws Exception {
        policy = publishPolicy(TestPolicies.automatic("heal"));
        startActuator(Map.of());
    }

    @Test
    void aTargetInKubeSystem() throws Exception {
        ActionOutcome outcome =
                hostile(
                        action(
                                policy,
                                "restart",
                                ResourceRef.pod("kube-system", "coredns-7db6d8ff4d-abcde", null)));

        assertThat(outcome.reason())
                .startsWith("protected_namespace: the target's namespace kube-system is protected");
    }

    @Test
    void aNamespaceAsTarget() throws Exception {
        ActionOutcome outcome =
                hostile(
                        action(
                                policy,
                                "delete",
                                new ResourceRef("v1", "Namespace", null, "shop", null)));

        assertThat(outcome.reason())
                .startsWith("unsupported_kind: kind Namespace (v1) is never a target");
    }

    @Test
    void aMillionReplicas() throws Exception {
        PolicyAction scale = policyAction("scale-up");
        PolicyAction million =
                new PolicyAction(
                        scale.name(),
                        scale.type(),
                        null,
                        scale.priority(),
                        false,
                        null,
                        new ScaleAction(ScaleAction.Direction.ABSOLUTE, 1_000_000, 0, 1_000_000),
                        null,
                        null);

        ActionOutcome outcome =
                hostile(withAction("heal", million, workload("Deployment", "web"), "f-million"));

        assertThat(outcome.reason())
                .startsWith(
                        "out_of_bounds: scaleAction.replicas must be within 0..10000, got 1000000");
    }

    @Test
    void aPatchOutsideItsBounds() throws Exception {
        ActionOutcome factor = hostile(patch("f-factor", "256Mi", "1Gi", 50.0));
        ActionOutcome max = hostile(patch("f-max", "256Mi", "64Gi", 1.5));

        assertThat(factor.reason())
                .startsWith(
                        "out_of_bounds: patchAction.resources.memory.factor must be above 1 and at most 10, got 50.0");
        assertThat(max.reason())
                .startsWith("policy_mismatch: action 'more-memory' is outside policy heal")
                .contains("patchAction.resources.memory.max: the record has 64Gi, the policy 1Gi");
    }

    @Test
    void aMalformedRecordIsBlockedAndDeadLettered() throws Exception {
        List<ActionOutcome> outcomes = new ArrayList<>();
        from = cluster.requestCount();
        send("Pod/" + ns + "/x", "{not json".getBytes(StandardCharsets.UTF_8));
        send(
                "Pod/" + ns + "/y",
                "{\"apiVersion\":\"kubeskippy.io/v1alpha1\",\"kind\":\"HealingAction\",\"metadata\":{\"name\":\"evil-1\"},\"spec\":{\"policyRef\":{\"name\":\"heal\"},\"targetResource\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"namespace\":\"shop\",\"name\":\"x\"},\"action\":{\"name\":\"restart\",\"type\":\"reboot\"}}}"
                        .getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> outcomes().size() >= 2);
        outcomes.addAll(outcomes());

        assertThat(outcomes).allSatisfy(o -> assertThat(o.phase()).isEqualTo(Phase.Blocked));
        // two keys, two lanes: the outcomes may come in either order
        ActionOutcome notJson =
                outcomes.stream()
                        .filter(o -> o.action().equals("unreadable-0-0"))
                        .findFirst()
                        .orElseThrow();
        ActionOutcome badType =
                outcomes.stream()
                        .filter(o -> o.action().equals("evil-1"))
                        .findFirst()
                        .orElseThrow();
        assertThat(notJson.reason())
                .startsWith(
                        "malformed: unreadable record ("
                                + topics.actions()
                                + " partition 0 offset 0, sent to the dead-letter topic): HealingAction: malformed JSON");
        assertThat(badType.target().key()).isEqualTo("shop/x");
        assertThat(badType.reason())
                .contains(
                        "spec.action.type: expected one of restart, scale, patch, delete, custom");
        assertThat(deadLetters())
                .hasSize(2)
                .allSatisfy(d -> assertThat(d.sourceTopic()).isEqualTo(topics.actions()));
        assertNoClusterCall();
    }

    // ---------------------------------------------------------------- helpers

    private ActionOutcome hostile(HealingAction action) throws Exception {
        from = cluster.requestCount();
        ActionOutcome outcome = sendAndAwait(action);
        assertThat(outcome.phase()).as(outcome.reason()).isEqualTo(Phase.Blocked);
        assertNoClusterCall();
        return outcome;
    }

    private void assertNoClusterCall() {
        assertThat(cluster.requestsBy(TestingCluster.ACTUATOR, from))
                .as("requests of the actuator for a hostile record")
                .filteredOn(r -> !r.path().contains("watch=true"))
                .isEmpty();
    }

    private PolicyAction policyAction(String name) {
        return policy.spec().actions().stream()
                .filter(a -> a.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private HealingAction patch(String finding, String min, String max, double factor) {
        PolicyAction p = policyAction("more-memory");
        PolicyAction bad =
                new PolicyAction(
                        p.name(),
                        p.type(),
                        null,
                        p.priority(),
                        false,
                        null,
                        null,
                        new PatchAction(
                                p.patchAction().type(),
                                null,
                                null,
                                new PatchAction.ResourcePatch(
                                        "app",
                                        new PatchAction.ResourceBound(min, max, factor),
                                        null)),
                        null);
        return withAction("heal", bad, ResourceRef.pod(ns, "web-1", null), finding);
    }

    private List<DeadLetter> deadLetters() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topics.deadletter(), 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    letters.add(RecordCodec.deadLetters().decodeOrThrow(r.value()));
                }
            }
        }
        return letters;
    }
}
