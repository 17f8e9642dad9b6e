package io.kubeskippy.job.enrich;

import io.kubeskippy.job.source.PodState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps what the cluster said about each target (its pods' latest state, its recent events) and
 * attaches it to the target's candidates on their way to the LLM, as a snapshot of the kept facts:
 * most candidates of a storm find every call slot taken, so the {@link TargetContext} is only built
 * for a call ({@link Candidate#context()}). Only events up to the detection are attached, and all
 * of them: a candidate waits until the watermark passes its detection time, so the facts up to it
 * have arrived (they come on another input, and could otherwise lag behind it). Keyed by target id;
 * a target's state is cleared {@link #TTL} after its last fact (event time), or when all its pods
 * are deleted and it has no events.
 *
 * <p>The facts come from the fan-out, only for the targets of policies with {@code ai.enabled}:
 * every pod record and event of such a target passes through here, most of them about targets that
 * never have a finding, so a fact costs one read and one write of the target's {@link TargetFacts},
 * and a pod is kept as its state, turned into a summary only for a call.
 */
public class TargetContextFunction
        extends KeyedCoProcessFunction<String, Candidate, ContextFact, Candidate> {

    private static final long serialVersionUID = 1L;

    /** State of a target without news for this long is cleared. */
    public static final Duration TTL = Duration.ofHours(24);

    static final int KEPT_PODS = 5;
    static final int KEPT_EVENTS = 20;

    /** A pod of the target as kept: its state (bounded), when it was seen. */
    public static class ContextPod {
        public String name;
        public PodState state;
        public long seenAtMs;

        public ContextPod() {}

        ContextPod(String name, PodState state, long seenAtMs) {
            this.name = name;
            this.state = state;
            this.seenAtMs = seenAtMs;
        }
    }

    /** An event about the target as kept ({@link #count} is 1 until folded for a prompt). */
    public static class ContextEvent {
        public long atMs;
        public String object;
        public String type;
        public String reason;
        public int count;

        public ContextEvent() {}

        ContextEvent(long atMs, String object, String type, String reason, int count) {
            this.atMs = atMs;
            this.object = object;
            this.type = type;
            this.reason = reason;
            this.count = count;
        }

        boolean sameAs(ContextEvent e) {
            return Objects.equals(object, e.object)
                    && Objects.equals(type, e.type)
                    && Objects.equals(reason, e.reason);
        }
    }

    /**
     * What is kept of one target: up to {@link #KEPT_PODS} pods (the last seen), up to {@link
     * #KEPT_EVENTS} events (the latest, oldest first), when its last fact came and when its state
     * expires (0: no timer yet).
     */
    public static class TargetFacts {
        public ContextPod[] pods = new ContextPod[0];
        public ContextEvent[] events = new ContextEvent[0];
        public long lastFactAtMs;
        public long expiresAtMs;

        public TargetFacts() {}

        void putPod(ContextPod pod) {
            for (int i = 0; i < pods.length; i++) {
                if (pods[i].name.equals(pod.name)) {
                    pods[i] = pod;
                    return;
                }
            }
            if (pods.length < KEPT_PODS) {
                pods = Arrays.copyOf(pods, pods.length + 1);
                pods[pods.length - 1] = pod;
                return;
            }
            int oldest = 0;
            for (int i = 1; i < pods.length; i++) {
                if (pods[i].seenAtMs < pods[oldest].seenAtMs) {
                    oldest = i;
                }
            }
            if (pods[oldest].seenAtMs <= pod.seenAtMs) {
                pods[oldest] = pod;
            }
        }

        void removePod(String name) {
            for (int i = 0; i < pods.length; i++) {
                if (pods[i].name.equals(name)) {
                    ContextPod[] rest = new ContextPod[pods.length - 1];
                    System.arraycopy(pods, 0, rest, 0, i);
                    System.arraycopy(pods, i + 1, rest, i, pods.length - i - 1);
                    pods = rest;
                    return;
                }
            }
        }

        /** In time order (events usually come in it); the oldest goes beyond the limit. */
        void addEvent(ContextEvent e) {
            int at = events.length;
            while (at > 0 && events[at - 1].atMs > e.atMs) {
                at--;
            }
            if (events.length == KEPT_EVENTS && at == 0) {
                return; // older than everything kept
            }
            ContextEvent[] next = new ContextEvent[Math.min(events.length + 1, KEPT_EVENTS)];
            int drop = events.length + 1 - next.length; // 0 or 1: the oldest
            int n = 0;
            for (int i = drop; i < at; i++) {
                next[n++] = events[i];
            }
            next[n++] = e;
            for (int i = at; i < events.length; i++) {
                next[n++] = events[i];
            }
            events = next;
        }

        boolean isEmpty() {
            return pods.length == 0 && events.length == 0;
        }

        /**
         * A copy that later facts do not change (they replace the kept pods and events, never
         * change one).
         */
        TargetFacts snapshot() {
            TargetFacts s = new TargetFacts();
            s.pods = pods.clone();
            s.events = events.clone();
            s.lastFactAtMs = lastFactAtMs;
            s.expiresAtMs = expiresAtMs;
            return s;
        }
    }

    private transient ValueState<TargetFacts> facts;

    /** Candidates whose detection time the watermark has not passed yet. */
    private transient ListState<Candidate> waiting;

    @Override
    public void open(OpenContext openContext) {
        facts =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "target-facts", TypeInformation.of(TargetFacts.class)));
        waiting =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "target-waiting", TypeInformation.of(Candidate.class)));
    }

    @Override
    public void processElement1(Candidate c, Context ctx, Collector<Candidate> out)
            throws Exception {
        if (c.detectedAtMs <= ctx.timerService().currentWatermark()) {
            out.collect(withContext(c));
            return;
        }
        waiting.add(c);
        ctx.timerService().registerEventTimeTimer(c.detectedAtMs);
    }

    private Candidate withContext(Candidate c) throws Exception {
        Candidate withContext = c.copy();
        TargetFacts kept = facts.value();
        withContext.facts = kept == null ? null : kept.snapshot();
        return withContext;
    }

    @Override
    public void processElement2(ContextFact f, Context ctx, Collector<Candidate> out)
            throws Exception {
        TargetFacts kept = facts.value();
        if (kept == null) {
            kept = new TargetFacts();
        }
        switch (f.kind) {
            case POD -> kept.putPod(new ContextPod(f.object, f.pod, f.timestampMs));
            case POD_DELETED -> kept.removePod(f.object);
            case EVENT ->
                    kept.addEvent(new ContextEvent(f.timestampMs, f.object, f.type, f.reason, 1));
        }
        if (kept.isEmpty()) {
            facts.clear(); // a pending timer finds nothing and clears nothing more
            return;
        }
        kept.lastFactAtMs = Math.max(kept.lastFactAtMs, f.timestampMs);
        if (kept.expiresAtMs == 0) {
            kept.expiresAtMs = f.timestampMs + TTL.toMillis();
            ctx.timerService().registerEventTimeTimer(kept.expiresAtMs);
        }
        facts.update(kept);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Candidate> out)
            throws Exception {
        Iterable<Candidate> held = waiting.get();
        if (held != null && held.iterator().hasNext()) {
            List<Candidate> later = new ArrayList<>();
            for (Candidate c : held) {
                if (c.detectedAtMs <= timestamp) {
                    out.collect(withContext(c));
                } else {
                    later.add(c);
                }
            }
            waiting.update(later);
        }
        TargetFacts kept = facts.value();
        if (kept == null || kept.expiresAtMs == 0 || kept.expiresAtMs > timestamp) {
            return; // a candidate's timer, not the state's TTL
        }
        if (kept.lastFactAtMs + TTL.toMillis() <= timestamp) {
            facts.clear();
        } else {
            kept.expiresAtMs = kept.lastFactAtMs + TTL.toMillis();
            ctx.timerService().registerEventTimeTimer(kept.expiresAtMs);
            facts.update(kept);
        }
    }

    /** The context at detection time: the pods (last seen first), the events up to detection. */
    static TargetContext context(
            List<ContextPod> kept, List<ContextEvent> events, long detectedAtMs) {
        List<TargetContext.Pod> pods = new ArrayList<>();
        kept.stream()
                .filter(p -> p.state != null) // kept as a summary by an older version: left out
                .sorted(Comparator.comparingLong((ContextPod p) -> p.seenAtMs).reversed())
                .limit(PromptBuilder.MAX_PODS)
                .forEach(p -> pods.add(ContextFacts.summary(p.state, detectedAtMs)));
        // up to the detection, consecutive repeats folded (at: the last of them)
        List<TargetContext.Event> out = new ArrayList<>();
        ContextEvent run = null;
        for (ContextEvent e : events) {
            if (e.atMs > detectedAtMs) {
                break;
            }
            if (run != null && run.sameAs(e)) {
                run = new ContextEvent(e.atMs, e.object, e.type, e.reason, run.count + 1);
            } else {
                if (run != null) {
                    out.add(event(run));
                }
                run = e;
            }
        }
        if (run != null) {
            out.add(event(run));
        }
        int from = Math.max(0, out.size() - PromptBuilder.MAX_EVENTS);
        return new TargetContext(pods, out.subList(from, out.size()));
    }

    private static TargetContext.Event event(ContextEvent e) {
        return new TargetContext.Event(
                Instant.ofEpochMilli(e.atMs).toString(), e.object, e.type, e.reason, e.count);
    }
}
