package io.kubeskippy.job.enrich;

import io.kubeskippy.job.source.ContainerState;
import io.kubeskippy.job.source.PodInput;
import io.kubeskippy.job.source.PodState;
import io.kubeskippy.model.serde.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Turns the job's pod records and events into {@link ContextFact}s of the targets they concern: a
 * pod's state goes to the pod and to its owning workload, an event to the object it is about.
 * Samples are skipped. Strings are capped here already, so state stays small.
 */
public class ContextFacts implements FlatMapFunction<PodInput, ContextFact> {

    private static final long serialVersionUID = 1L;

    /** Annotations that are big and say nothing about health. */
    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    @Override
    public void flatMap(PodInput in, Collector<ContextFact> out) {
        switch (in.kind) {
            case SAMPLE -> {}
            case POD -> pod(in, out);
            case EVENT -> {
                ContextFact f = new ContextFact();
                f.kind = ContextFact.Kind.EVENT;
                f.target = in.involvedKind + "/" + in.namespace + "/" + in.involvedName;
                f.timestampMs = in.timestampMs;
                f.object = in.involvedName;
                f.reason = Prompt.clip(in.reason, PromptBuilder.MAX_STRING);
                f.type = Prompt.clip(in.type, PromptBuilder.MAX_STRING);
                out.collect(f);
            }
        }
    }

    private static void pod(PodInput in, Collector<ContextFact> out) {
        PodState p = in.pod;
        if (p == null) {
            return;
        }
        String summary = p.deleted ? null : summary(p);
        out.collect(fact(p.podId(), p, summary, in.timestampMs));
        if (p.workloadKind != null && !"Pod".equals(p.workloadKind)) {
            out.collect(fact(p.workloadId(), p, summary, in.timestampMs));
        }
    }

    private static ContextFact fact(String target, PodState p, String summary, long ts) {
        ContextFact f = new ContextFact();
        f.target = target;
        f.kind = summary == null ? ContextFact.Kind.POD_DELETED : ContextFact.Kind.POD;
        f.timestampMs = ts;
        f.object = p.name;
        f.pod = summary;
        return f;
    }

    /** The pod as the prompt shows it (age is filled in at detection time). */
    static String summary(PodState p) {
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
        Map<String, String> annotations = new TreeMap<>(p.annotations);
        annotations.remove(LAST_APPLIED);
        TargetContext.Pod pod =
                new TargetContext.Pod(
                        clip(p.name),
                        "Pod".equals(p.workloadKind) || p.workloadKind == null
                                ? null
                                : clip(p.workloadKind + "/" + p.workloadName),
                        clip(p.phase),
                        p.startTimeMs > 0 ? Instant.ofEpochMilli(p.startTimeMs).toString() : null,
                        null,
                        restarts,
                        containers,
                        capped(p.conditions),
                        capped(p.labels),
                        capped(annotations));
        try {
            return Json.mapper().writeValueAsString(pod);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> capped(Map<String, String> m) {
        Map<String, String> out = new LinkedHashMap<>();
        new TreeMap<>(m)
                .entrySet().stream()
                        .limit(PromptBuilder.MAX_ENTRIES)
                        .forEach(e -> out.put(clip(e.getKey()), clip(e.getValue())));
        return out;
    }

    private static String memory(long bytes) {
        long mi = 1024L * 1024;
        return bytes % mi == 0 ? bytes / mi + "Mi" : bytes + "";
    }

    private static String clip(String s) {
        return Prompt.clip(s, PromptBuilder.MAX_STRING);
    }
}
