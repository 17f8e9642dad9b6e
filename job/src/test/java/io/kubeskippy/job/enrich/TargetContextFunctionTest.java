package io.kubeskippy.job.enrich;

import static io.kubeskippy.job.enrich.EnrichmentFixtures.CRASH_LOOP_AI;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.T0;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.crashLoop;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.crashLoopingPod;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.job.source.PodInput;
import io.kubeskippy.job.source.PodState;
import io.kubeskippy.model.record.ResourceRef;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TargetContextFunctionTest {

    private KeyedTwoInputStreamOperatorTestHarness<String, Candidate, ContextFact, Candidate>
            harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new TargetContextFunction()),
                        c -> c.target,
                        f -> f.target,
                        Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static PodState pod(String name) {
        PodState p = crashLoopingPod("shop", name, 3);
        p.annotations.put("kubectl.kubernetes.io/last-applied-configuration", "{...}");
        p.annotations.put("team", "payments");
        return p;
    }

    /** The facts the fan-out sends for a pod's own target. */
    private void facts(PodInput in) throws Exception {
        ContextFact f =
                in.kind == PodInput.Kind.POD
                        ? ContextFacts.pod(in.pod.podId(), in.pod, in.timestampMs)
                        : ContextFacts.event(
                                ResourceRef.id(in.involvedKind, in.namespace, in.involvedName),
                                in.involvedName,
                                in.type,
                                in.reason,
                                in.timestampMs);
        harness.processElement2(new StreamRecord<>(f, f.timestampMs));
    }

    private Candidate candidate() {
        Candidate c = Candidate.of(crashLoop("shop", "cart-1"), update(CRASH_LOOP_AI));
        assertThat(c.target).isEqualTo("Pod/shop/cart-1");
        return c;
    }

    @Test
    void keepsTheLastSeenPodsAndTheLatestEventsInTimeOrder() {
        TargetContextFunction.TargetFacts kept = new TargetContextFunction.TargetFacts();
        for (int i = 0; i < TargetContextFunction.KEPT_PODS + 2; i++) {
            kept.putPod(new TargetContextFunction.ContextPod("cart-" + i, null, 1000L * i));
        }
        kept.putPod(new TargetContextFunction.ContextPod("cart-9", null, 0)); // older than all
        kept.putPod(new TargetContextFunction.ContextPod("cart-3", null, 9000));
        assertThat(kept.pods)
                .extracting(p -> p.name)
                .containsExactlyInAnyOrder("cart-2", "cart-3", "cart-4", "cart-5", "cart-6");
        assertThat(kept.pods)
                .filteredOn(p -> p.name.equals("cart-3"))
                .singleElement()
                .satisfies(p -> assertThat(p.seenAtMs).isEqualTo(9000));
        kept.removePod("cart-4");
        assertThat(kept.pods).extracting(p -> p.name).doesNotContain("cart-4").hasSize(4);

        // in order, then one late (it goes in its place), then more than are kept
        for (long at : new long[] {10, 20, 40, 30}) {
            kept.addEvent(new TargetContextFunction.ContextEvent(at, "cart-2", "Warning", "x", 1));
        }
        assertThat(kept.events).extracting(e -> e.atMs).containsExactly(10L, 20L, 30L, 40L);
        for (long at = 50; at < 50 + TargetContextFunction.KEPT_EVENTS; at++) {
            kept.addEvent(new TargetContextFunction.ContextEvent(at, "cart-2", "Warning", "x", 1));
        }
        kept.addEvent(new TargetContextFunction.ContextEvent(5, "cart-2", "Warning", "x", 1));
        assertThat(kept.events).hasSize(TargetContextFunction.KEPT_EVENTS);
        assertThat(kept.events[0].atMs).isEqualTo(50);
        assertThat(kept.events[TargetContextFunction.KEPT_EVENTS - 1].atMs)
                .isEqualTo(49 + TargetContextFunction.KEPT_EVENTS);
    }

    @Test
    void attachesThePodAndItsEventsUpToTheDetection() throws Exception {
        facts(PodInput.pod(pod("cart-1"), T0.toEpochMilli()));
        for (int s : new int[] {60, 120, 200, 260}) {
            facts(
                    PodInput.event(
                            "shop",
                            "Pod",
                            "cart-1",
                            "BackOff",
                            "Warning",
                            T0.plusSeconds(s).toEpochMilli()));
        }
        facts(PodInput.event("shop", "Pod", "other", "BackOff", "Warning", T0.toEpochMilli()));

        harness.processElement1(
                new StreamRecord<>(candidate(), T0.plusSeconds(200).toEpochMilli()));
        harness.processBothWatermarks(new Watermark(T0.plusSeconds(200).toEpochMilli()));

        Candidate out = harness.extractOutputValues().get(0);
        TargetContext context = out.context();
        assertThat(context.pods()).hasSize(1);
        TargetContext.Pod p = context.pods().get(0);
        assertThat(p.owner()).isEqualTo("Deployment/cart");
        assertThat(p.ageAtDetection()).isEqualTo("3m20s");
        assertThat(p.containers().get(0).memoryLimit()).isEqualTo("512Mi");
        assertThat(p.containers().get(0).waiting()).isEqualTo("CrashLoopBackOff");
        assertThat(p.annotations()).containsOnlyKeys("team");
        // the fourth back-off came after the detection; the other pod's is not this target's
        assertThat(context.events())
                .singleElement()
                .satisfies(e -> assertThat(e.count()).isEqualTo(3));
    }

    @Test
    void aCandidateWaitsForTheFactsUpToItsDetection() throws Exception {
        // the candidate comes first: the facts of the same event time are still on their way
        harness.processElement1(
                new StreamRecord<>(candidate(), T0.plusSeconds(200).toEpochMilli()));
        assertThat(harness.extractOutputValues()).isEmpty();

        facts(PodInput.pod(pod("cart-1"), T0.toEpochMilli()));
        for (int s : new int[] {60, 120, 200}) {
            facts(
                    PodInput.event(
                            "shop",
                            "Pod",
                            "cart-1",
                            "BackOff",
                            "Warning",
                            T0.plusSeconds(s).toEpochMilli()));
        }
        harness.processBothWatermarks(new Watermark(T0.plusSeconds(199).toEpochMilli()));
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.processBothWatermarks(new Watermark(T0.plusSeconds(200).toEpochMilli()));

        Candidate out = harness.extractOutputValues().get(0);
        TargetContext context = out.context();
        assertThat(context.events())
                .singleElement()
                .satisfies(e -> assertThat(e.count()).isEqualTo(3));

        // a candidate the watermark has passed already goes on at once
        harness.processElement1(
                new StreamRecord<>(candidate(), T0.plusSeconds(200).toEpochMilli()));
        assertThat(harness.extractOutputValues()).hasSize(2);
    }

    @Test
    void aPodKeptAsASummaryByAnOlderVersionIsLeftOut() {
        PodState p = ContextFacts.bounded(pod("cart-2"));
        TargetContext context =
                TargetContextFunction.context(
                        List.of(
                                new TargetContextFunction.ContextPod("cart-1", null, 2000),
                                new TargetContextFunction.ContextPod("cart-2", p, 1000)),
                        List.of(),
                        T0.plusSeconds(60).toEpochMilli());
        assertThat(context.pods()).extracting(TargetContext.Pod::name).containsExactly("cart-2");
    }

    @Test
    void aCandidateWithoutNewsGoesOnWithoutContext() throws Exception {
        harness.processElement1(new StreamRecord<>(candidate(), T0.toEpochMilli()));
        harness.processBothWatermarks(new Watermark(T0.plusSeconds(200).toEpochMilli()));

        assertThat(harness.extractOutputValues().get(0).context()).isNull();
    }

    @Test
    void clearsItsStateAfterTheTtlAndWhenThePodIsDeleted() throws Exception {
        facts(PodInput.pod(pod("cart-1"), T0.toEpochMilli()));
        facts(
                PodInput.event(
                        "shop",
                        "Pod",
                        "cart-1",
                        "BackOff",
                        "Warning",
                        T0.plusSeconds(60).toEpochMilli()));
        assertThat(harness.numKeyedStateEntries()).isPositive();

        harness.processBothWatermarks(
                new Watermark(
                        T0.plus(TargetContextFunction.TTL)
                                .plus(Duration.ofMinutes(2))
                                .toEpochMilli()));

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();

        PodState p = pod("cart-2");
        facts(PodInput.pod(p, T0.plus(Duration.ofDays(2)).toEpochMilli()));
        p.deleted = true;
        facts(PodInput.pod(p, T0.plus(Duration.ofDays(2)).plusSeconds(1).toEpochMilli()));

        assertThat(harness.numKeyedStateEntries()).isZero();
    }
}
