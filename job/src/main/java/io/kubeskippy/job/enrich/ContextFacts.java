package io.kubeskippy.job.enrich;

import io.kubeskippy.job.source.ContainerState;
import io.kubeskippy.job.source.PodState;
import io.kubeskippy.model.policy.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@link ContextFact}s of a target, and the pod as the prompt shows it. A pod's state is kept
 * as it came, only bounded (its own strings clipped, its maps capped, the last-applied
 * configuration dropped; its containers as they are, whose names and reasons Kubernetes bounds), so
 * state stays small; it is turned into its summary ({@link #summary}) only for a call, which few
 * facts ever get to. The summary clips every string.
 */
public final class ContextFacts {

    /** Annotations that are big and say nothing about health. */
    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private ContextFacts() {}

    /** The pod's new state, or its deletion, for the given target (the pod or its workload). */
    public static ContextFact pod(String target, PodState p, long timestampMs) {
        if (p.deleted) {
            return podGone(target, p.name, timestampMs);
        }
        ContextFact f = podGone(target, p.name, timestampMs);
        f.kind = ContextFact.Kind.POD;
        f.pod = bounded(p);
        return f;
    }

    /** The pod is no longer the target's (deleted, relabelled, or owned by another). */
    public static ContextFact podGone(String target, String pod, long timestampMs) {
        ContextFact f = new ContextFact();
        f.target = target;
        f.kind = ContextFact.Kind.POD_DELETED;
        f.timestampMs = timestampMs;
        f.object = pod;
        return f;
    }

    /** A Kubernetes Event about {@code object}, for the given target. */
    public static ContextFact event(
            String target, String object, String type, String reason, long timestampMs) {
        ContextFact f = new ContextFact();
        f.kind = ContextFact.Kind.EVENT;
        f.target = target;
        f.timestampMs = timestampMs;
        f.object = object;
        f.reason = clip(reason);
        f.type = clip(type);
        return f;
    }

    /**
     * The pod with what the prompt shows of it. Shares what is within bounds already, and the
     * containers (the job never changes a PodState once built).
     */
    static PodState bounded(PodState p) {
        PodState b = new PodState();
        b.namespace = p.namespace;
        b.name = clip(p.name);
        b.workloadKind = clip(p.workloadKind);
        b.workloadName = clip(p.workloadName);
        b.phase = clip(p.phase);
        b.startTimeMs = p.startTimeMs;
        b.observedAtMs = p.observedAtMs;
        b.containers = p.containers;
        b.labels = boundedMap(p.labels);
        b.annotations = boundedMap(p.annotations);
        b.conditions = boundedMap(p.conditions);
        return b;
    }

    /**
     * The pod as the prompt shows it, {@code detectedAtMs} giving its age: owner, phase, restarts,
     * containers (limits, states), conditions, labels and annotations, each bounded.
     */
    static TargetContext.Pod summary(PodState p, long detectedAtMs) {
        List<TargetContext.Container> containers = new ArrayList<>();
        int restarts = 0;
        for (ContainerState c : p.containers) {
            restarts += c.restartCount;
            containers.add(
                    new TargetContext.Container(
                            clip(c.name),
                            c.memoryLimitBytes > 0 ? memory(c.memoryLimitBytes) : null,
                            c.cpuLimitCores > 0 ? Math.round(c.cpuLimitCores * 1000) + "m" : null,
                            c.restartCount,
                            c.ready,
                            clip(c.waitingReason),
                            clip(c.lastTerminatedReason)));
        }
        String age = null;
        if (p.startTimeMs > 0 && detectedAtMs >= p.startTimeMs) {
            age = Durations.format(Duration.ofSeconds((detectedAtMs - p.startTimeMs) / 1000));
        }
        return new TargetContext.Pod(
                clip(p.name),
                "Pod".equals(p.workloadKind) || p.workloadKind == null
                        ? null
                        : clip(p.workloadKind + "/" + p.workloadName),
                clip(p.phase),
                p.startTimeMs > 0 ? Instant.ofEpochMilli(p.startTimeMs).toString() : null,
                age,
                restarts,
                containers,
                capped(p.conditions),
                capped(p.labels),
                capped(p.annotations));
    }

    /**
     * The map itself when it is within bounds (at most {@link PromptBuilder#MAX_ENTRIES} entries,
     * no long string, no last-applied configuration); otherwise {@link #capped}.
     */
    private static Map<String, String> boundedMap(Map<String, String> m) {
        if (m == null) {
            return new HashMap<>();
        }
        if (m.size() > PromptBuilder.MAX_ENTRIES || m.containsKey(LAST_APPLIED)) {
            return capped(m);
        }
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (tooLong(e.getKey()) || tooLong(e.getValue())) {
                return capped(m);
            }
        }
        return m;
    }

    /**
     * The first {@link PromptBuilder#MAX_ENTRIES} entries in key order, clipped, without the
     * last-applied configuration.
     */
    static Map<String, String> capped(Map<String, String> m) {
        Map<String, String> out = new LinkedHashMap<>();
        if (m == null) {
            return out;
        }
        for (Map.Entry<String, String> e : new TreeMap<>(m).entrySet()) {
            if (out.size() == PromptBuilder.MAX_ENTRIES) {
                break;
            }
            if (!LAST_APPLIED.equals(e.getKey())) {
                out.put(clip(e.getKey()), clip(e.getValue()));
            }
        }
        return out;
    }

    private static boolean tooLong(String s) {
        return s != null && s.length() > PromptBuilder.MAX_STRING;
    }

    private static String memory(long bytes) {
        long mi = 1024L * 1024;
        return bytes % mi == 0 ? bytes / mi + "Mi" : bytes + "";
    }

    private static String clip(String s) {
        return Prompt.clip(s, PromptBuilder.MAX_STRING);
    }
}
