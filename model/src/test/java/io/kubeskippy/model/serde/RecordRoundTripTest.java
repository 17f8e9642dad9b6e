package io.kubeskippy.model.serde;

import static io.kubeskippy.model.RecordFixtures.T0;
import static io.kubeskippy.model.RecordFixtures.bytes;
import static io.kubeskippy.model.RecordFixtures.containsAll;
import static io.kubeskippy.model.RecordFixtures.parse;
import static io.kubeskippy.model.RecordFixtures.toBytes;
import static io.kubeskippy.model.RecordFixtures.tree;
import static io.kubeskippy.model.RecordFixtures.utf8;
import static io.kubeskippy.model.RecordFixtures.valueOf;
import static io.kubeskippy.model.RecordFixtures.watchEventJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeskippy.model.RecordFixtures;
import io.kubeskippy.model.RecordSchemas;
import io.kubeskippy.model.policy.PolicyAction;
import io.kubeskippy.model.policy.ScaleAction;
import io.kubeskippy.model.record.ActionId;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.Change;
import io.kubeskippy.model.record.DeadLetter;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.MetricSample;
import io.kubeskippy.model.record.ResourceRef;
import io.kubeskippy.model.record.SeriesSummary;
import io.kubeskippy.model.record.WatchEvent;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every record survives encode -> decode unchanged, and what it writes matches its schema. */
class RecordRoundTripTest {

    /** Realistic examples, each written the way the record writes itself. */
    static Stream<Arguments> canonicalExamples() {
        return Stream.of(
                example("records/metric-sample-memory.json", MetricSample.class),
                example("records/metric-sample-counter.json", MetricSample.class),
                example("records/metric-sample-node.json", MetricSample.class),
                example("records/finding-growth.json", Finding.class),
                example("records/finding-suppressed.json", Finding.class),
                example("records/healing-action-restart.json", HealingAction.class),
                example("records/healing-action-scale-dryrun.json", HealingAction.class),
                example("records/healing-action-patch-memory.json", HealingAction.class),
                example("records/action-outcome-succeeded.json", ActionOutcome.class),
                example("records/action-outcome-blocked.json", ActionOutcome.class),
                example("records/dead-letter-nan.json", DeadLetter.class),
                arguments(
                        "ADDED Pod (kubectl get pod -o json, managedFields removed)",
                        WatchEvent.class,
                        (Supplier<byte[]>) () -> kubectlItem("ADDED", "kubectl/pod-cart.json")),
                arguments(
                        "MODIFIED Event (kubectl get event -o json, managedFields removed)",
                        WatchEvent.class,
                        (Supplier<byte[]>)
                                () -> kubectlItem("MODIFIED", "kubectl/event-backoff.json")));
    }

    /** Canonical examples plus inputs that decode but are not written back byte for byte. */
    static Stream<Arguments> allExamples() {
        return Stream.concat(
                canonicalExamples(),
                Stream.of(
                        example("records/healing-action-seed.json", HealingAction.class),
                        arguments(
                                "DELETED Pod with managedFields, as the API server sends it",
                                WatchEvent.class,
                                (Supplier<byte[]>)
                                        () ->
                                                toBytes(
                                                        watchEventJson(
                                                                "DELETED",
                                                                T0,
                                                                tree("kubectl/pod-cart.json"))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allExamples")
    void decodesToAnEqualRecordAfterEncoding(String name, Class<?> type, Supplier<byte[]> json) {
        assertRoundTrip(RecordCodec.of(type), json.get());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("canonicalExamples")
    void writesBackEveryFieldOfTheExample(String name, Class<?> type, Supplier<byte[]> json) {
        byte[] example = json.get();
        JsonNode written = parse(reencode(RecordCodec.of(type), example));

        assertThat(containsAll(written, parse(example)))
                .as("written %s%n keeps every field of%n %s", written, parse(example))
                .isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allExamples")
    void exampleAndItsEncodingMatchTheSchema(String name, Class<?> type, Supplier<byte[]> json) {
        byte[] example = json.get();

        assertThat(RecordSchemas.errors(type, parse(example))).isEmpty();
        assertThat(RecordSchemas.errors(type, parse(reencode(RecordCodec.of(type), example))))
                .isEmpty();
    }

    @Test
    void recordsBuiltInJavaRoundTripAndMatchTheirSchemas() {
        ResourceRef pod = ResourceRef.pod("shop", "cart-7f9c5d8b6-x2x4k", "5c3e8f21");
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("slope", 218453.33);
        evidence.put("r2", 0.974);
        evidence.put("points", 40);
        evidence.put("projectedLimitAt", "2026-11-22T10:19:40Z");
        evidence.put("counter", false);
        Finding finding =
                new Finding(
                        "memory-leak-detection/memory-growth/Pod/shop/cart/1795340100000",
                        "memory-leak-detection",
                        "memory-growth",
                        pod,
                        "growth",
                        T0.minus(Duration.ofMinutes(25)),
                        T0.minus(Duration.ofMinutes(5)),
                        evidence,
                        new SeriesSummary(
                                T0.minus(Duration.ofMinutes(35)),
                                150_000,
                                Arrays.asList(4.1e8, null, 4.6e8),
                                Arrays.asList(4.0e8, null, 4.5e8),
                                Arrays.asList(4.2e8, null, 4.7e8)),
                        null);
        PolicyAction scale =
                new PolicyAction(
                        "scale-out",
                        io.kubeskippy.model.policy.ActionType.SCALE,
                        null,
                        null,
                        null,
                        null,
                        new ScaleAction(ScaleAction.Direction.UP, 2, 1, 6),
                        null,
                        null);
        String name =
                ActionId.of(
                        finding.id(),
                        finding.policy(),
                        pod.name(),
                        PolicyAction.restart("r").name());
        HealingAction restart =
                new HealingAction(
                        HealingAction.Metadata.named(name, "kubeskippy-system"),
                        new HealingAction.Spec(
                                new HealingAction.PolicyRef("memory-leak-detection", null, null),
                                pod,
                                PolicyAction.restart("restart-leaking-pod"),
                                false,
                                false,
                                null,
                                null,
                                HealingAction.Detection.of(finding),
                                HealingAction.Enrichment.none("ai disabled in policy")));
        HealingAction scaled =
                restart.withStatus(
                        new HealingAction.Status(
                                HealingAction.Phase.InProgress,
                                T0,
                                null,
                                1,
                                T0,
                                new HealingAction.Result(null, null, null, null, null),
                                new HealingAction.Approval(true, true, "alice", T0, "looks right"),
                                List.of(
                                        new HealingAction.Condition(
                                                "Approved", "True", "Manual", null, T0)),
                                2L));
        HealingAction scaleAction =
                new HealingAction(
                        HealingAction.Metadata.named("cpu-oscillation-checkout-8a2e61c4d09f", null),
                        new HealingAction.Spec(
                                new HealingAction.PolicyRef("cpu-oscillation", null, null),
                                new ResourceRef("apps/v1", "Deployment", "shop", "checkout", null),
                                scale,
                                true,
                                true,
                                "5m",
                                new HealingAction.RetryPolicy(1, null, null),
                                null,
                                new HealingAction.Enrichment(
                                        HealingAction.Enrichment.Source.OPENAI,
                                        "gpt-4o-mini",
                                        0.0,
                                        "CPU swings every 3 minutes",
                                        null,
                                        null,
                                        List.of("scale-out"),
                                        0L,
                                        null,
                                        "cpu-oscillation/cpu-swing/Deployment/shop/checkout/1795340100000")));
        ActionOutcome outcome =
                new ActionOutcome(
                        name,
                        pod,
                        ActionOutcome.Phase.DryRun,
                        "dry run: would delete pod shop/cart-7f9c5d8b6-x2x4k",
                        T0,
                        T0.plusMillis(3),
                        List.of(
                                new Change(
                                        pod,
                                        Change.ChangeType.DELETE,
                                        null,
                                        null,
                                        null,
                                        T0.plusMillis(2))));
        DeadLetter deadLetter =
                DeadLetter.of(
                        "skippy.pods",
                        0,
                        17,
                        null,
                        utf8("{\"type\":\"BOOKMARK\"}"),
                        "WatchEvent: type: expected one of ADDED, MODIFIED, DELETED",
                        T0);
        MetricSample sample =
                new MetricSample(
                        "kube_pod_container_status_restarts_total",
                        Map.of("namespace", "shop", "pod", "cart-7f9c5d8b6-x2x4k"),
                        T0.toEpochMilli(),
                        3);

        assertRoundTripMatchingSchema(RecordCodec.findings(), finding);
        assertRoundTripMatchingSchema(RecordCodec.findings(), finding.suppress("duplicate"));
        assertRoundTripMatchingSchema(RecordCodec.healingActions(), restart);
        assertRoundTripMatchingSchema(RecordCodec.healingActions(), scaled);
        assertRoundTripMatchingSchema(RecordCodec.healingActions(), scaleAction);
        assertRoundTripMatchingSchema(RecordCodec.actionOutcomes(), outcome);
        assertRoundTripMatchingSchema(RecordCodec.deadLetters(), deadLetter);
        assertRoundTripMatchingSchema(RecordCodec.metricSamples(), sample);
        assertRoundTripMatchingSchema(
                RecordCodec.watchEvents(), RecordFixtures.watchEventOf("kubectl/pod-cart.json"));
    }

    private static <T> void assertRoundTripMatchingSchema(RecordCodec<T> codec, T record) {
        byte[] written = codec.encode(record);

        assertThat(valueOf(codec.decode("test", -1, -1, null, written))).isEqualTo(record);
        assertThat(RecordSchemas.errors(codec.type(), parse(written))).isEmpty();
    }

    private static <T> void assertRoundTrip(RecordCodec<T> codec, byte[] example) {
        T first = valueOf(codec.decode("test", -1, -1, null, example));
        byte[] written = codec.encode(first);
        T second = valueOf(codec.decode("test", -1, -1, null, written));

        assertThat(second).isEqualTo(first);
        assertThat(codec.encode(second)).as("writing is stable").isEqualTo(written);
    }

    private static byte[] reencode(RecordCodec<?> codec, byte[] example) {
        return encodeAny(codec, example);
    }

    private static <T> byte[] encodeAny(RecordCodec<T> codec, byte[] example) {
        return codec.encode(valueOf(codec.decode("test", -1, -1, null, example)));
    }

    private static Arguments example(String resource, Class<?> type) {
        return arguments(resource, type, (Supplier<byte[]>) () -> bytes(resource));
    }

    /** A kubectl item wrapped as a watch event, managedFields removed as the record does. */
    private static byte[] kubectlItem(String type, String resource) {
        JsonNode object = tree(resource);
        ((com.fasterxml.jackson.databind.node.ObjectNode) object.get("metadata"))
                .remove("managedFields");
        return toBytes(watchEventJson(type, T0, object));
    }
}
