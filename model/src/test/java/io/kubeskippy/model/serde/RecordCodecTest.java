package io.kubeskippy.model.serde;

import static io.kubeskippy.model.RecordFixtures.CART_POD_KEY;
import static io.kubeskippy.model.RecordFixtures.T0;
import static io.kubeskippy.model.RecordFixtures.bytes;
import static io.kubeskippy.model.RecordFixtures.parse;
import static io.kubeskippy.model.RecordFixtures.toBytes;
import static io.kubeskippy.model.RecordFixtures.tree;
import static io.kubeskippy.model.RecordFixtures.utf8;
import static io.kubeskippy.model.RecordFixtures.valueOf;
import static io.kubeskippy.model.RecordFixtures.watchEventJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubeskippy.model.RecordFixtures;
import io.kubeskippy.model.RecordSchemas;
import io.kubeskippy.model.record.DeadLetter;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.MetricSample;
import io.kubeskippy.model.record.WatchEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** What {@link RecordCodec} keeps, drops, defaults and refuses, and its Kafka serdes. */
class RecordCodecTest {

    @Test
    void keepsUnknownFieldsOfAMetricSampleOnRoundTrip() {
        ObjectNode json = tree("records/metric-sample-memory.json");
        json.put("unit", "bytes");
        json.putObject("exemplar").put("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");

        MetricSample sample = decode(RecordCodec.metricSamples(), json);
        JsonNode written = parse(RecordCodec.metricSamples().encode(sample));

        assertThat(sample.extra()).containsEntry("unit", "bytes").containsKey("exemplar");
        assertThat(written.path("unit").asText()).isEqualTo("bytes");
        assertThat(written.path("exemplar")).isEqualTo(json.path("exemplar"));
        assertThat(RecordSchemas.errors(MetricSample.class, written)).isEmpty();
    }

    @Test
    void keepsUnknownFieldsOfAWatchEventOnRoundTrip() {
        ObjectNode json = watchEventJson("MODIFIED", T0, tree(RecordFixtures.POD_FIXTURE));
        json.put("cluster", "prod-eu-1");
        json.put("resyncOf", 1849302);

        WatchEvent event = decode(RecordCodec.watchEvents(), json);
        JsonNode written = parse(RecordCodec.watchEvents().encode(event));

        assertThat(event.extra()).containsEntry("cluster", "prod-eu-1");
        assertThat(written.path("cluster").asText()).isEqualTo("prod-eu-1");
        assertThat(written.path("resyncOf").asLong()).isEqualTo(1849302L);
        assertThat(RecordSchemas.errors(WatchEvent.class, written)).isEmpty();
    }

    @Test
    void keepsUnknownFieldsOfAHealingActionOnRoundTrip() {
        ObjectNode json = tree("records/healing-action-restart.json");
        json.put("schemaRevision", 2);
        json.putObject("audit").put("requestedBy", "skippy-job-7c9d");

        HealingAction action = decode(RecordCodec.healingActions(), json);
        JsonNode written = parse(RecordCodec.healingActions().encode(action));

        assertThat(action.extra()).containsKeys("schemaRevision", "audit");
        assertThat(written.path("schemaRevision").asInt()).isEqualTo(2);
        assertThat(written.path("audit")).isEqualTo(json.path("audit"));
        assertThat(RecordSchemas.errors(HealingAction.class, written)).isEmpty();
    }

    @Test
    void toleratesUnknownNestedFieldsWithoutKeepingThem() {
        ObjectNode json = tree("records/healing-action-restart.json");
        json.with("spec").put("priorityClass", "high");

        HealingAction action = decode(RecordCodec.healingActions(), json);

        assertThat(
                        parse(RecordCodec.healingActions().encode(action))
                                .path("spec")
                                .has("priorityClass"))
                .isFalse();
    }

    @Test
    void decodesNullValueAsTombstoneWithItsKey() {
        Decoded<WatchEvent> decoded =
                RecordCodec.watchEvents().decode("skippy.pods", 2, 5501, utf8(CART_POD_KEY), null);

        assertThat(decoded).isEqualTo(new Decoded.Tombstone<WatchEvent>(CART_POD_KEY));
    }

    @Test
    void decodesNullValueOfAConsumerRecordAsTombstone() {
        ConsumerRecord<byte[], byte[]> record =
                new ConsumerRecord<>("skippy.pods", 2, 5501L, utf8(CART_POD_KEY), null);

        assertThat(RecordCodec.watchEvents().decode(record))
                .isEqualTo(new Decoded.Tombstone<WatchEvent>(CART_POD_KEY));
    }

    @Test
    void decodesAConsumerRecordWithItsKey() {
        ConsumerRecord<byte[], byte[]> record =
                new ConsumerRecord<>(
                        "skippy.metrics",
                        0,
                        12L,
                        utf8(CART_POD_KEY),
                        bytes("records/metric-sample-memory.json"));

        Decoded<MetricSample> decoded = RecordCodec.metricSamples().decode(record);

        assertThat(decoded).isInstanceOf(Decoded.Value.class);
        assertThat(((Decoded.Value<MetricSample>) decoded).key()).isEqualTo(CART_POD_KEY);
        assertThat(((Decoded.Value<MetricSample>) decoded).value().key()).isEqualTo(CART_POD_KEY);
    }

    @Test
    void deadLetterOfAConsumerRecordCarriesTopicPartitionOffsetAndKey() {
        ConsumerRecord<byte[], byte[]> record =
                new ConsumerRecord<>("skippy.metrics", 7, 90210L, utf8(CART_POD_KEY), utf8("{"));

        Decoded<MetricSample> decoded = RecordFixtures.codecAtT0(MetricSample.class).decode(record);

        assertThat(decoded)
                .isEqualTo(
                        new Decoded.Invalid<MetricSample>(
                                DeadLetter.of(
                                        "skippy.metrics",
                                        7,
                                        90210L,
                                        utf8(CART_POD_KEY),
                                        utf8("{"),
                                        "MetricSample: malformed JSON at line 1 column 2:"
                                                + " Unexpected end-of-input: expected close"
                                                + " marker for Object (opened at line 1 column"
                                                + " 1)",
                                        T0)));
    }

    @Test
    void readsSeedHealingActionWithoutDryRunOrApprovalRequired() {
        HealingAction seed =
                decode(RecordCodec.healingActions(), tree("records/healing-action-seed.json"));

        assertThat(seed.spec().dryRun()).isFalse();
        assertThat(seed.spec().approvalRequired()).isFalse();
        assertThat(seed.spec().action().deleteAction().gracePeriodSeconds()).isZero();
        assertThat(seed.spec().retryPolicy().backoffMultiplier()).isEqualTo(2.0);
        assertThat(seed.status().phase()).isEqualTo(HealingAction.Phase.Succeeded);
        assertThat(seed.status().approval().approvedBy()).isEqualTo("kubeskippy-controller");
    }

    @Test
    void readsExplicitNullDryRunAsFalse() {
        ObjectNode json = tree("records/healing-action-restart.json");
        json.with("spec").putNull("dryRun");

        assertThat(decode(RecordCodec.healingActions(), json).spec().dryRun()).isFalse();
    }

    @Test
    void refusesDryRunThatIsNotABoolean() {
        ObjectNode json = tree("records/healing-action-restart.json");
        json.with("spec").put("dryRun", "yes");

        assertThat(RecordCodec.healingActions().decode("t", 0, 0, null, toBytes(json)))
                .isInstanceOfSatisfying(
                        Decoded.Invalid.class,
                        bad ->
                                assertThat(bad.deadLetter().reason())
                                        .startsWith(
                                                "HealingAction: spec.dryRun: expected true or"
                                                        + " false, got the string \"yes\""));
    }

    @Test
    void fillsTheSeedDefaultsOfAMinimalHealingAction() {
        String minimal =
                "{\"apiVersion\":\"kubeskippy.io/v1alpha1\",\"kind\":\"HealingAction\","
                        + "\"metadata\":{\"name\":\"restart-cart\"},"
                        + "\"spec\":{\"policyRef\":{\"name\":\"memory-leak-detection\"},"
                        + "\"targetResource\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                        + "\"namespace\":\"shop\",\"name\":\"cart-7f9c5d8b6-x2x4k\"},"
                        + "\"action\":{\"name\":\"restart\",\"type\":\"restart\"}}}";

        HealingAction action = RecordCodec.healingActions().decodeOrThrow(utf8(minimal));
        JsonNode written = parse(RecordCodec.healingActions().encode(action));

        assertThat(written.at("/spec/timeout").asText()).isEqualTo("10m");
        assertThat(written.at("/spec/retryPolicy/maxAttempts").asInt()).isEqualTo(3);
        assertThat(written.at("/spec/retryPolicy/backoffDelay").asText()).isEqualTo("30s");
        assertThat(written.at("/spec/action/priority").asInt()).isEqualTo(50);
        assertThat(written.at("/spec/action/restartAction/strategy").asText()).isEqualTo("rolling");
        assertThat(written.at("/spec/dryRun").asBoolean(true)).isFalse();
        assertThat(RecordSchemas.errors(HealingAction.class, written)).isEmpty();
    }

    @Test
    void writesTimesAsIsoStringsInUtc() {
        ObjectNode json = watchEventJson("ADDED", T0, tree(RecordFixtures.POD_FIXTURE));
        json.put("observedAt", "2026-11-22T11:00:00.250+01:00");

        WatchEvent event = decode(RecordCodec.watchEvents(), json);

        assertThat(event.observedAt()).isEqualTo(Instant.parse("2026-11-22T10:00:00.250Z"));
        assertThat(parse(RecordCodec.watchEvents().encode(event)).path("observedAt").asText())
                .isEqualTo("2026-11-22T10:00:00.250Z");
    }

    @Test
    void refusesEpochNumbersForTimes() {
        ObjectNode json = watchEventJson("ADDED", T0, tree(RecordFixtures.POD_FIXTURE));
        json.put("observedAt", T0.toEpochMilli());

        Decoded<WatchEvent> decoded =
                RecordCodec.watchEvents().decode("t", 0, 0, null, toBytes(json));

        assertThat(decoded)
                .isInstanceOfSatisfying(
                        Decoded.Invalid.class,
                        bad ->
                                assertThat(bad.deadLetter().reason())
                                        .startsWith(
                                                "WatchEvent: observedAt: expected an ISO-8601 time"
                                                        + " string such as"
                                                        + " \"2026-11-22T10:00:00Z\", got the"
                                                        + " number 1795341600000"));
    }

    @Test
    void omitsAbsentFieldsInsteadOfWritingNull() {
        JsonNode written =
                parse(
                        RecordCodec.findings()
                                .encode(
                                        RecordCodec.findings()
                                                .decodeOrThrow(
                                                        bytes("records/finding-growth.json"))));

        assertThat(written.has("suppressed")).isFalse();
        assertThat(written.toString()).doesNotContain("null");
    }

    @Test
    void writesLabelsSortedByName() {
        MetricSample sample =
                new MetricSample(
                        "up",
                        Map.of(
                                "pod",
                                "cart-7f9c5d8b6-x2x4k",
                                "namespace",
                                "shop",
                                "job",
                                "kubelet"),
                        T0.toEpochMilli(),
                        1);

        assertThat(RecordCodec.metricSamples().encodeToString(sample))
                .isEqualTo(
                        "{\"name\":\"up\",\"labels\":{\"job\":\"kubelet\",\"namespace\":\"shop\","
                                + "\"pod\":\"cart-7f9c5d8b6-x2x4k\"},\"timestampMs\":1795341600000,"
                                + "\"value\":1.0}");
    }

    @Test
    void decodeOrThrowSaysWhy() {
        assertThatThrownBy(
                        () -> RecordCodec.metricSamples().decodeOrThrow(utf8("{\"name\":\"up\"}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MetricSample: timestampMs: missing required field");
        assertThatThrownBy(() -> RecordCodec.metricSamples().decodeOrThrow(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("null value");
    }

    @Test
    void refusesANonPositiveRecordLimit() {
        assertThatThrownBy(
                        () -> new RecordCodec<>(MetricSample.class, 0, RecordFixtures.CLOCK_AT_T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRecordBytes must be >= 1, got 0");
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
        RecordCodec<MetricSample> codec = RecordCodec.metricSamples();
        codec.encode(new MetricSample("up", null, 1, 1)); // warms the transient writer

        RecordCodec<MetricSample> copy = javaRoundTrip(codec);

        byte[] json = bytes("records/metric-sample-counter.json");
        assertThat(copy.type()).isEqualTo(MetricSample.class);
        assertThat(copy.decodeOrThrow(json)).isEqualTo(codec.decodeOrThrow(json));
        assertThat(copy.encode(codec.decodeOrThrow(json)))
                .isEqualTo(codec.encode(codec.decodeOrThrow(json)));
    }

    @Test
    void kafkaDeserializerYieldsDeadLettersWithoutPartitionOrOffset() {
        try (DecodingKafkaDeserializer<MetricSample> deserializer =
                new DecodingKafkaDeserializer<>(RecordCodec.metricSamples())) {
            Decoded<MetricSample> bad = deserializer.deserialize("skippy.metrics", utf8("nope"));
            Decoded<MetricSample> good =
                    deserializer.deserialize(
                            "skippy.metrics", bytes("records/metric-sample-memory.json"));

            assertThat(bad)
                    .isInstanceOfSatisfying(
                            Decoded.Invalid.class,
                            invalid -> {
                                assertThat(invalid.deadLetter().sourceTopic())
                                        .isEqualTo("skippy.metrics");
                                assertThat(invalid.deadLetter().partition()).isEqualTo(-1);
                                assertThat(invalid.deadLetter().offset()).isEqualTo(-1L);
                            });
            assertThat(good).isInstanceOf(Decoded.Value.class);
            assertThat(deserializer.deserialize("skippy.metrics", null))
                    .isInstanceOf(Decoded.Tombstone.class);
        }
    }

    @Test
    void kafkaSerializerWritesJsonAndKeepsNullAsTombstone() {
        try (JsonKafkaSerializer<MetricSample> serializer =
                new JsonKafkaSerializer<>(RecordCodec.metricSamples())) {
            MetricSample sample =
                    RecordCodec.metricSamples()
                            .decodeOrThrow(bytes("records/metric-sample-node.json"));

            assertThat(serializer.serialize("skippy.metrics", sample))
                    .isEqualTo(RecordCodec.metricSamples().encode(sample));
            assertThat(serializer.serialize("skippy.metrics", null)).isNull();
        }
    }

    private static <T> T decode(RecordCodec<T> codec, JsonNode json) {
        return valueOf(codec.decode("test", -1, -1, null, toBytes(json)));
    }

    @SuppressWarnings("unchecked")
    private static <T> T javaRoundTrip(T object) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
