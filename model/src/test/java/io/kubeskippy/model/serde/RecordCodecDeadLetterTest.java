package io.kubeskippy.model.serde;

import static io.kubeskippy.model.RecordFixtures.CART_POD_KEY;
import static io.kubeskippy.model.RecordFixtures.T0;
import static io.kubeskippy.model.RecordFixtures.bytes;
import static io.kubeskippy.model.RecordFixtures.codecAtT0;
import static io.kubeskippy.model.RecordFixtures.parse;
import static io.kubeskippy.model.RecordFixtures.toBytes;
import static io.kubeskippy.model.RecordFixtures.tree;
import static io.kubeskippy.model.RecordFixtures.utf8;
import static io.kubeskippy.model.RecordFixtures.watchEventJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubeskippy.model.RecordFixtures;
import io.kubeskippy.model.RecordSchemas;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.DeadLetter;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.MetricSample;
import io.kubeskippy.model.record.WatchEvent;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reading never throws: every unreadable record becomes a dead letter that says where it came from
 * and, in words a user can act on, why it could not be read.
 */
class RecordCodecDeadLetterTest {

    private static final String TOPIC = "skippy.metrics";
    private static final int PARTITION = 3;
    private static final long OFFSET = 81723L;

    private final RecordCodec<MetricSample> samples = codecAtT0(MetricSample.class);

    @Test
    void deadLettersMalformedJsonWithItsPosition() {
        DeadLetter dl = deadLetter("{\"name\":\"up\",\"timestampMs\":1795341300000,\"value\":");

        assertThat(dl.reason())
                .startsWith("MetricSample: malformed JSON at line 1 column ")
                .contains("Unexpected end-of-input");
    }

    @Test
    void deadLettersMissingCommaAsMalformedJson() {
        DeadLetter dl = deadLetter("{\"name\":\"up\" \"value\":1}");

        assertThat(dl.reason())
                .isEqualTo(
                        "MetricSample: malformed JSON at line 1 column 14: Unexpected character"
                                + " ('\"' (code 34)): was expecting comma to separate Object"
                                + " entries");
    }

    @Test
    void deadLettersMalformedJsonInsideAFieldAsMalformed() {
        DeadLetter dl = deadLetter("{\"name\":\"up\",\"labels\":{\"namespace\":\"shop\"");

        assertThat(dl.reason())
                .isEqualTo(
                        "MetricSample: malformed JSON at line 1 column 42 (in labels):"
                                + " Unexpected end-of-input: expected close marker for Object"
                                + " (opened at line 1 column 23)");
    }

    @Test
    void deadLettersUnterminatedString() {
        DeadLetter dl = deadLetter("{\"name\":\"container_memory_wor");

        assertThat(dl.reason())
                .startsWith("MetricSample: malformed JSON at line 1 column ")
                .endsWith("Unexpected end-of-input in a string");
    }

    @Test
    void deadLettersNumberOutOfRange() {
        DeadLetter dl = deadLetter(sample("\"timestampMs\":17953413000000000000000,\"value\":1"));

        assertThat(dl.reason())
                .startsWith(
                        "MetricSample: timestampMs: expected an integer, got a number out of its"
                                + " range at line 1 column ");
    }

    @Test
    void deadLettersTimestampWrittenAsAString() {
        DeadLetter dl = deadLetter(sample("\"timestampMs\":\"1795341300000\",\"value\":1.5"));

        assertThat(dl.reason())
                .startsWith(
                        "MetricSample: timestampMs: expected an integer, got the string"
                                + " \"1795341300000\" at line 1 column ");
    }

    @Test
    void deadLettersValueWrittenAsAString() {
        DeadLetter dl = deadLetter(sample("\"timestampMs\":1795341300000,\"value\":\"1.5\""));

        assertThat(dl.reason())
                .startsWith("MetricSample: value: expected a number, got the string \"1.5\"");
    }

    @Test
    void deadLettersLabelsWrittenAsAnArray() {
        DeadLetter dl =
                deadLetter(
                        "{\"name\":\"up\",\"labels\":[\"namespace=shop\"],"
                                + "\"timestampMs\":1795341300000,\"value\":1}");

        assertThat(dl.reason())
                .isEqualTo(
                        "MetricSample: labels: expected an object, got an array at line 1 column"
                                + " 23");
    }

    @Test
    void deadLettersLabelValueThatIsNotAString() {
        DeadLetter dl =
                deadLetter(
                        "{\"name\":\"up\",\"labels\":{\"shard\":2},"
                                + "\"timestampMs\":1795341300000,\"value\":1}");

        assertThat(dl.reason()).startsWith("MetricSample: labels.shard: expected a string, got 2");
    }

    @Test
    void deadLettersFractionalTimestamp() {
        DeadLetter dl = deadLetter(sample("\"timestampMs\":1795341300000.5,\"value\":1"));

        assertThat(dl.reason())
                .startsWith(
                        "MetricSample: timestampMs: expected an integer, got 1.7953413000005E12");
    }

    @Test
    void deadLettersBooleanValue() {
        DeadLetter dl = deadLetter(sample("\"timestampMs\":1795341300000,\"value\":true"));

        assertThat(dl.reason()).startsWith("MetricSample: value: expected a number, got true");
    }

    @Test
    void deadLettersMissingValueNamingTheField() {
        assertThat(deadLetter("{\"name\":\"up\",\"timestampMs\":1795341300000}").reason())
                .isEqualTo("MetricSample: value: missing required field");
        assertThat(deadLetter("{\"timestampMs\":1795341300000,\"value\":1}").reason())
                .isEqualTo("MetricSample: name: missing required field");
        assertThat(deadLetter("{\"name\":\"up\",\"value\":1}").reason())
                .isEqualTo("MetricSample: timestampMs: missing required field");
    }

    @Test
    void deadLettersNullTimestampWithoutJacksonJargon() {
        DeadLetter dl = deadLetter(sample("\"timestampMs\":null,\"value\":1"));

        assertThat(dl.reason())
                .startsWith("MetricSample: timestampMs: expected an integer, got null")
                .doesNotContain("DeserializationFeature", "FAIL_ON_NULL_FOR_PRIMITIVES");
    }

    @Test
    void deadLettersBlankName() {
        assertThat(deadLetter(sample("\"timestampMs\":1795341300000,\"value\":1", " ")).reason())
                .isEqualTo("MetricSample: name is required");
    }

    @Test
    void deadLettersTimestampBeforeTheEpoch() {
        assertThat(deadLetter(sample("\"timestampMs\":0,\"value\":1")).reason())
                .isEqualTo("MetricSample: timestampMs must be milliseconds since the epoch, got 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "\"NaN\"", "1e400"})
    void deadLettersNonFiniteValueWithReason(String value) {
        DeadLetter dl = deadLetter(sample("\"timestampMs\":1795341300000,\"value\":" + value));

        assertThat(dl.reason())
                .startsWith("MetricSample: value must be finite, got ")
                .endsWith("(NaN, infinities and staleness markers are dropped at ingest)");
    }

    @Test
    void deadLettersNaNWithReason() {
        DeadLetter dl = deadLetter(sample("\"timestampMs\":1795341300000,\"value\":NaN"));

        assertThat(dl.reason())
                .isEqualTo(
                        "MetricSample: value must be finite, got NaN (NaN, infinities and"
                                + " staleness markers are dropped at ingest)");
    }

    @Test
    void deadLettersTenMegabyteValueKeepingOnlyItsHead() {
        byte[] huge = new byte[10 * 1024 * 1024];
        byte[] head = utf8(sample("\"timestampMs\":1795341300000,\"value\":1,\"padding\":\""));
        Arrays.fill(huge, (byte) 'x');
        System.arraycopy(head, 0, huge, 0, head.length);

        DeadLetter dl = deadLetter(huge);

        assertThat(dl.reason())
                .isEqualTo(
                        "record is 10485760 bytes, over the 2097152-byte limit for"
                                + " MetricSample");
        assertThat(dl.truncated()).isTrue();
        assertThat(dl.valueBytes()).isEqualTo(huge.length);
        assertThat(dl.value()).isEqualTo(Arrays.copyOf(huge, DeadLetter.MAX_VALUE_BYTES));
        byte[] written = RecordCodec.deadLetters().encode(dl);
        assertThat(written.length).isLessThan(DeadLetter.MAX_VALUE_BYTES * 4 / 3 + 1024);
        assertThat(RecordSchemas.errors(DeadLetter.class, parse(written))).isEmpty();
    }

    @Test
    void keepsSmallValuesWhole() {
        byte[] value = utf8(sample("\"timestampMs\":1795341300000,\"value\":NaN"));

        DeadLetter dl = deadLetter(value);

        assertThat(dl.truncated()).isFalse();
        assertThat(dl.valueBytes()).isEqualTo(value.length);
        assertThat(dl.value()).isEqualTo(value);
    }

    @Test
    void honoursAConfiguredRecordLimit() {
        RecordCodec<MetricSample> small =
                new RecordCodec<>(MetricSample.class, 64, RecordFixtures.CLOCK_AT_T0);
        byte[] value = bytes("records/metric-sample-memory.json");

        Decoded<MetricSample> decoded = small.decode(TOPIC, PARTITION, OFFSET, null, value);

        assertThat(decoded)
                .isInstanceOfSatisfying(
                        Decoded.Invalid.class,
                        bad ->
                                assertThat(bad.deadLetter().reason())
                                        .isEqualTo(
                                                "record is "
                                                        + value.length
                                                        + " bytes, over the 64-byte limit for"
                                                        + " MetricSample"));
    }

    @Test
    void deadLettersEmptyValue() {
        DeadLetter dl = deadLetter(new byte[0]);

        assertThat(dl.reason())
                .isEqualTo("empty value (a delete is a null value, not an empty one)");
        assertThat(dl.valueBytes()).isZero();
        assertThat(dl.valueBase64()).isEmpty();
    }

    @Test
    void deadLettersBlankValue() {
        assertThat(deadLetter(" \n").reason())
                .isEqualTo("MetricSample: no JSON value, the record is blank");
    }

    @Test
    void deadLettersJsonNull() {
        assertThat(deadLetter("null").reason())
                .isEqualTo("value is JSON null, expected a MetricSample object");
    }

    @Test
    void deadLettersJsonOfTheWrongShape() {
        assertThat(deadLetter("[1795341300000, 1.5]").reason())
                .isEqualTo(
                        "MetricSample: expected a MetricSample object, got an array at line 1"
                                + " column 1");
        assertThat(deadLetter("\"up\"").reason())
                .isEqualTo(
                        "MetricSample: expected a MetricSample object, got the string \"up\" at"
                                + " line 1 column 1");
        assertThat(deadLetter("42").reason())
                .startsWith("MetricSample: expected a MetricSample object, got a");
    }

    @Test
    void deadLettersTwoRecordsInOneValue() {
        String one = sample("\"timestampMs\":1795341300000,\"value\":1");

        assertThat(deadLetter(one + "\n" + one).reason())
                .isEqualTo(
                        "MetricSample: unexpected data after the end of the JSON value at line 2"
                                + " column 1");
    }

    @Test
    void deadLettersNestingBeyondTheLimit() {
        int depth = Json.MAX_NESTING_DEPTH + 1;
        String nested = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);

        DeadLetter dl =
                deadLetter(
                        sample("\"timestampMs\":1795341300000,\"value\":1,\"exemplar\":" + nested));

        assertThat(dl.reason())
                .isEqualTo(
                        "MetricSample: exemplar: JSON nested more than 200 levels deep, over the"
                                + " limit for a record")
                .doesNotContain("StreamReadConstraints");
    }

    @Test
    void deadLettersDeeplyNestedKubernetesObject() {
        ObjectNode event = watchEventJson("ADDED", T0, tree(RecordFixtures.POD_FIXTURE));
        ObjectNode deep = event.with("object").with("metadata").with("annotations");
        for (int i = 0; i < Json.MAX_NESTING_DEPTH; i++) {
            deep = deep.putObject("n");
        }

        Decoded<WatchEvent> decoded =
                codecAtT0(WatchEvent.class).decode("skippy.pods", 0, 9, null, toBytes(event));

        assertThat(decoded)
                .isInstanceOfSatisfying(
                        Decoded.Invalid.class,
                        bad ->
                                assertThat(bad.deadLetter().reason())
                                        .startsWith("WatchEvent: object")
                                        .endsWith(
                                                "JSON nested more than 200 levels deep, over"
                                                        + " the limit for a record"));
    }

    @Test
    void acceptsNestingWithinTheLimit() {
        int depth = Json.MAX_NESTING_DEPTH - 2;
        String nested = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);

        Decoded<MetricSample> decoded =
                samples.decode(
                        TOPIC,
                        PARTITION,
                        OFFSET,
                        null,
                        utf8(sample("\"timestampMs\":1795341300000,\"value\":1,\"x\":" + nested)));

        assertThat(decoded).isInstanceOf(Decoded.Value.class);
    }

    @Test
    void deadLettersBinaryGarbage() {
        byte[] garbage = new byte[512];
        new Random(20261122L).nextBytes(garbage);
        garbage[0] = (byte) 0x99;

        DeadLetter dl = deadLetter(garbage);

        assertThat(dl.reason()).startsWith("MetricSample: malformed JSON at line 1 column 1: ");
        assertThat(dl.value()).isEqualTo(garbage);
    }

    @Test
    void deadLettersGzippedJson() {
        byte[] gzipHeader = {0x1f, (byte) 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03};

        assertThat(deadLetter(gzipHeader).reason())
                .startsWith("MetricSample: malformed JSON at line 1 column ")
                .contains("code 31");
    }

    @Test
    void deadLettersEveryTruncationOfAValidRecord() {
        RecordCodec<HealingAction> codec = codecAtT0(HealingAction.class);
        byte[] action =
                codec.encode(codec.decodeOrThrow(bytes("records/healing-action-restart.json")));

        for (int length = 0; length < action.length; length++) {
            byte[] cut = Arrays.copyOf(action, length);
            Decoded<HealingAction> decoded = codec.decode("skippy.actions", 1, length, null, cut);
            assertThat(decoded).as("first %d bytes", length).isInstanceOf(Decoded.Invalid.class);
        }
    }

    @Test
    void neverThrowsOnRandomBytes() {
        Random random = new Random(7L);
        RecordCodec<?>[] codecs = {
            samples,
            codecAtT0(WatchEvent.class),
            codecAtT0(Finding.class),
            codecAtT0(HealingAction.class),
            codecAtT0(ActionOutcome.class),
            codecAtT0(DeadLetter.class)
        };
        byte[] valid = bytes("records/healing-action-restart.json");

        for (int i = 0; i < 2000; i++) {
            byte[] mutated = valid.clone();
            for (int flips = 0; flips < 1 + random.nextInt(4); flips++) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            for (RecordCodec<?> codec : codecs) {
                Decoded<?> decoded = codec.decode("fuzz", 0, i, null, mutated);
                if (decoded instanceof Decoded.Invalid<?> bad) {
                    assertThat(bad.deadLetter().reason()).isNotBlank();
                }
            }
        }
    }

    @Test
    void deadLetterNamesEnumSpellingsAsWritten() {
        ObjectNode outcome = tree("records/action-outcome-succeeded.json");
        ((ObjectNode) outcome.path("changes").get(0)).put("changeType", "UPDATE");

        Decoded<ActionOutcome> decoded =
                codecAtT0(ActionOutcome.class).decode("skippy.audit", 0, 1, null, toBytes(outcome));

        assertThat(decoded)
                .isInstanceOfSatisfying(
                        Decoded.Invalid.class,
                        bad ->
                                assertThat(bad.deadLetter().reason())
                                        .startsWith(
                                                "ActionOutcome: changes[0].changeType: expected"
                                                        + " one of create, update, delete, patch,"
                                                        + " scale, got \"UPDATE\""));
    }

    @Test
    void deadLetterReasonFromAConstructorCheckNamesThePath() {
        ObjectNode action = tree("records/healing-action-restart.json");
        action.with("spec").with("enrichment").put("confidence", 1.5);

        Decoded<HealingAction> decoded =
                codecAtT0(HealingAction.class)
                        .decode("skippy.actions", 0, 1, null, toBytes(action));

        assertThat(decoded)
                .isInstanceOfSatisfying(
                        Decoded.Invalid.class,
                        bad ->
                                assertThat(bad.deadLetter().reason())
                                        .isEqualTo(
                                                "HealingAction: spec.enrichment:"
                                                        + " enrichment.confidence must be within"
                                                        + " 0..1, got 1.5"));
    }

    @Test
    void deadLetterReasonForEvidenceOfTheWrongShapeNamesTheJsonShape() {
        ObjectNode finding = tree("records/finding-growth.json");
        finding.with("evidence").putArray("window").add(1).add(2);

        Decoded<Finding> decoded =
                codecAtT0(Finding.class).decode("skippy.findings", 0, 1, null, toBytes(finding));

        assertThat(decoded)
                .isInstanceOfSatisfying(
                        Decoded.Invalid.class,
                        bad ->
                                assertThat(bad.deadLetter().reason())
                                        .isEqualTo(
                                                "Finding: evidence.window must be a number, string"
                                                        + " or boolean, got an array"));
    }

    @Test
    void reasonsNeverLeakJacksonNames() {
        String[] broken = {
            sample("\"timestampMs\":\"1\",\"value\":1"),
            sample("\"timestampMs\":null,\"value\":1"),
            sample("\"timestampMs\":1,\"value\":[1]"),
            "{\"name\":\"up\",\"labels\":[],\"timestampMs\":1,\"value\":1}",
            "[]",
            "42",
            "{} {}",
            " ",
            "{",
            "{\"name\":\"up",
            "{\"name\":\"up\",\"labels\":{",
        };
        for (String json : broken) {
            assertThat(deadLetter(json).reason())
                    .as(json)
                    .doesNotContain("`", "java.", "Jackson", "JsonToken", "CoercionConfig");
        }
    }

    private DeadLetter deadLetter(String json) {
        return deadLetter(utf8(json));
    }

    /** Decodes {@code value} as read from a Kafka record, and checks where the letter says. */
    private DeadLetter deadLetter(byte[] value) {
        Decoded<MetricSample> decoded =
                samples.decode(TOPIC, PARTITION, OFFSET, utf8(CART_POD_KEY), value);

        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        DeadLetter dl = ((Decoded.Invalid<MetricSample>) decoded).deadLetter();
        assertThat(dl.sourceTopic()).isEqualTo(TOPIC);
        assertThat(dl.partition()).isEqualTo(PARTITION);
        assertThat(dl.offset()).isEqualTo(OFFSET);
        assertThat(dl.key()).isEqualTo(CART_POD_KEY);
        assertThat(dl.failedAt()).isEqualTo(T0);
        assertThat(dl.reason()).isNotBlank();
        assertThat(dl.valueBytes()).isEqualTo(value.length);
        assertThat(Base64.getDecoder().decode(dl.valueBase64()))
                .isEqualTo(
                        Arrays.copyOf(value, Math.min(value.length, DeadLetter.MAX_VALUE_BYTES)));
        return dl;
    }

    private static String sample(String fields) {
        return sample(fields, "container_memory_working_set_bytes");
    }

    private static String sample(String fields, String name) {
        return "{\"name\":\""
                + name
                + "\",\"labels\":{\"namespace\":\"shop\",\"pod\":\"cart-7f9c5d8b6-x2x4k\"},"
                + fields
                + "}";
    }
}
