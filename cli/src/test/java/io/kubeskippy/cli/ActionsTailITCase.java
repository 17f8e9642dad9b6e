package io.kubeskippy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.cli.SkippyTest.Run;
import io.kubeskippy.embedded.EmbeddedKafka;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.policy.PolicyAction;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import io.kubeskippy.model.serde.RecordCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code skippy actions tail} against a real broker. */
class ActionsTailITCase {

    static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        Files.createDirectories(Path.of("target"));
        kafka =
                EmbeddedKafka.builder(Files.createTempDirectory(Path.of("target"), "kafka-"))
                        .start();
        kafka.createTopics(Topics.defaults(), 1);
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void printsActionsAndOutcomesWithTheirChanges() throws Exception {
        ResourceRef pod = ResourceRef.pod("shop", "cart-7f9c", "u-1");
        HealingAction action =
                new HealingAction(
                        HealingAction.Metadata.named("leak-cart-7f9c-0123456789ab", "shop"),
                        new HealingAction.Spec(
                                new HealingAction.PolicyRef("leak", null, null),
                                pod,
                                PolicyAction.restart("restart"),
                                false,
                                false,
                                null,
                                null,
                                null,
                                HealingAction.Enrichment.none("off")));
        ActionOutcome outcome =
                new ActionOutcome(
                        action.name(),
                        pod,
                        ActionOutcome.Phase.Blocked,
                        "cooldown: Pod shop/cart-7f9c was acted on 1m ago",
                        Instant.now(),
                        Instant.now(),
                        List.of());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    "skippy.actions",
                                    pod.id(),
                                    RecordCodec.healingActions().encode(action)))
                    .get();
            producer.send(
                            new ProducerRecord<>(
                                    "skippy.audit",
                                    action.name(),
                                    RecordCodec.actionOutcomes().encode(outcome)))
                    .get();
        }

        Run run =
                SkippyTest.run(
                        "actions",
                        "tail",
                        "--kafka",
                        kafka.bootstrapServers(),
                        "--from-beginning",
                        "--limit",
                        "2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().toList())
                .hasSize(2)
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .endsWith(
                                                "action    leak-cart-7f9c-0123456789ab  restart Pod shop/cart-7f9c  (policy leak)"))
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .endsWith(
                                                "Blocked   leak-cart-7f9c-0123456789ab  Pod shop/cart-7f9c: cooldown: Pod shop/cart-7f9c was acted on 1m ago"));

        Run json =
                SkippyTest.run(
                        "actions",
                        "tail",
                        "--kafka",
                        kafka.bootstrapServers(),
                        "--from-beginning",
                        "--limit",
                        "1",
                        "--format",
                        "json");
        assertThat(json.out()).startsWith("{");
    }
}
