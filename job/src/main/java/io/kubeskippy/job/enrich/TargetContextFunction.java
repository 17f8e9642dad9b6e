package io.kubeskippy.job.enrich;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kubeskippy.model.policy.Durations;
import io.kubeskippy.model.serde.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps what the cluster said about each target (its pods' latest state, its recent events) and
 * attaches it to the target's candidates on their way to the LLM, as {@link TargetContext} JSON.
 * Only events up to the detection are attached, and all of them: a candidate waits until the
 * watermark passes its detection time, so the facts up to it have arrived (they come on another
 * input, and could otherwise lag behind it). Keyed by target id; a target's state is cleared {@link
 * #TTL} after its last fact (event time), or when all its pods are deleted and it has no events.
 */
public class TargetContextFunction
        extends KeyedCoProcessFunction<String, Candidate, ContextFact, Candidate> {

    private static final long serialVersionUID = 1L;

    /** State of a target without news for this long is cleared. */
    public static final Duration TTL = Duration.ofHours(24);

    static final int KEPT_PODS = 5;
    static final int KEPT_EVENTS = 20;

    /** A pod of the target as kept: its summary (TargetContext.Pod JSON), when it was seen. */
    public static class ContextPod {
        public String summary;
        public long seenAtMs;

        public ContextPod() {}

        ContextPod(String summary, long seenAtMs) {
            this.summary = summary;
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

    private transient MapState<String, ContextPod> pods;
    private transient ListState<ContextEvent> events;
    private transient ValueState<Long> lastFactAt;
    private transient ValueState<Long> timerAt;

    /** Candidates whose detection time the watermark has not passed yet. */
    private transient ListState<Candidate> waiting;

    @Override
    public void open(OpenContext openContext) {
        pods =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "target-pods",
                                        Types.STRING,
                                        TypeInformation.of(ContextPod.class)));
        events =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "target-events", TypeInformation.of(ContextEvent.class)));
        lastFactAt =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("target-last-fact", Types.LONG));
        timerAt =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("target-timer", Types.LONG));
        waiting =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "target-waiting", TypeInformation.of(Candidate.class)));
    }

    @Override
    public void processElement1(Candidate c, Context ctx, Collector<Candidate> out)
            throws Exception {
        long detectedAt = detectedAtMs(c.finding);
        if (detectedAt <= ctx.timerService().currentWatermark()) {
            out.collect(withContext(c, detectedAt));
            return;
        }
        waiting.add(c);
        ctx.timerService().registerEventTimeTimer(detectedAt);
    }

    private Candidate withContext(Candidate c, long detectedAt) throws Exception {
        Candidate withContext = c.copy();
        if (lastFactAt.value() != null) {
            List<ContextPod> kept = new ArrayList<>();
            pods.values().forEach(kept::add);
            TargetContext context = context(kept, keptEvents(), detectedAt);
            withContext.context =
                    context.isEmpty() ? null : Json.mapper().writeValueAsString(context);
        }
        return withContext;
    }

    @Override
    public void processElement2(ContextFact f, Context ctx, Collector<Candidate> out)
            throws Exception {
        switch (f.kind) {
            case POD -> {
                pods.put(f.object, new ContextPod(f.pod, f.timestampMs));
                String oldest = null;
                long oldestAt = Long.MAX_VALUE;
                int n = 0;
                for (Map.Entry<String, ContextPod> e : pods.entries()) {
                    n++;
                    if (e.getValue().seenAtMs < oldestAt) {
                        oldestAt = e.getValue().seenAtMs;
                        oldest = e.getKey();
                    }
                }
                if (n > KEPT_PODS) {
                    pods.remove(oldest);
                }
            }
            case POD_DELETED -> pods.remove(f.object);
            case EVENT -> {
                List<ContextEvent> list = keptEvents();
                list.add(new ContextEvent(f.timestampMs, f.object, f.type, f.reason, 1));
                list.sort(Comparator.comparingLong(e -> e.atMs));
                events.update(
                        list.size() > KEPT_EVENTS
                                ? new ArrayList<>(
                                        list.subList(list.size() - KEPT_EVENTS, list.size()))
                                : list);
            }
        }
        if (pods.isEmpty() && keptEvents().isEmpty()) {
            clear();
            return;
        }
        lastFactAt.update(f.timestampMs);
        if (timerAt.value() == null) {
            long at = f.timestampMs + TTL.toMillis();
            ctx.timerService().registerEventTimeTimer(at);
            timerAt.update(at);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Candidate> out)
            throws Exception {
        Iterable<Candidate> held = waiting.get();
        if (held != null && held.iterator().hasNext()) {
            List<Candidate> later = new ArrayList<>();
            for (Candidate c : held) {
                long detectedAt = detectedAtMs(c.finding);
                if (detectedAt <= timestamp) {
                    out.collect(withContext(c, detectedAt));
                } else {
                    later.add(c);
                }
            }
            waiting.update(later);
        }
        if (timerAt.value() == null || timerAt.value() > timestamp) {
            return; // a candidate's timer, not the state's TTL
        }
        Long last = lastFactAt.value();
        if (last == null || last + TTL.toMillis() <= timestamp) {
            clear();
        } else {
            long at = last + TTL.toMillis();
            ctx.timerService().registerEventTimeTimer(at);
            timerAt.update(at);
        }
    }

    /** The events kept, oldest first; a copy. */
    private List<ContextEvent> keptEvents() throws Exception {
        List<ContextEvent> list = new ArrayList<>();
        Iterable<ContextEvent> kept = events.get();
        if (kept != null) {
            kept.forEach(list::add);
        }
        return list;
    }

    private void clear() {
        pods.clear();
        events.clear();
        lastFactAt.clear();
        timerAt.clear(); // a pending timer finds nothing and clears nothing more
    }

    /** The context at detection time: the pods (last seen first), the events up to detection. */
    static TargetContext context(
            List<ContextPod> kept, List<ContextEvent> events, long detectedAtMs) {
        List<TargetContext.Pod> pods = new ArrayList<>();
        kept.stream()
                .sorted(Comparator.comparingLong((ContextPod p) -> p.seenAtMs).reversed())
                .limit(PromptBuilder.MAX_PODS)
                .forEach(p -> pods.add(withAge(p.summary, detectedAtMs)));
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

    private static TargetContext.Pod withAge(String summary, long detectedAtMs) {
        try {
            TargetContext.Pod p = Json.mapper().readValue(summary, TargetContext.Pod.class);
            String age = null;
            if (p.startedAt() != null) {
                long ms = detectedAtMs - Instant.parse(p.startedAt()).toEpochMilli();
                age = ms >= 0 ? Durations.format(Duration.ofSeconds(ms / 1000)) : null;
            }
            return new TargetContext.Pod(
                    p.name(),
                    p.owner(),
                    p.phase(),
                    p.startedAt(),
                    age,
                    p.restarts(),
                    p.containers(),
                    p.conditions(),
                    p.labels(),
                    p.annotations());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long detectedAtMs(String findingJson) throws JsonProcessingException {
        String at = Json.mapper().readTree(findingJson).path("detectedAt").asText("");
        return at.isEmpty() ? Long.MAX_VALUE : Instant.parse(at).toEpochMilli();
    }
}
