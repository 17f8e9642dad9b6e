package io.kubeskippy.job.enrich;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What the cluster says about a finding's target when it is detected: the state of its pods and the
 * recent Kubernetes Events about it. Copied from the cluster, so untrusted: the prompt shows it
 * only as delimited, size-capped data. Built from a candidate's {@link Candidate#facts} only for a
 * call ({@link Candidate#context()}).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
record TargetContext(List<Pod> pods, List<Event> events) {

    TargetContext {
        pods = pods == null ? List.of() : List.copyOf(pods);
        events = events == null ? List.of() : List.copyOf(events);
    }

    boolean isEmpty() {
        return pods.isEmpty() && events.isEmpty();
    }

    /** A pod of the target: owner, age, restarts, limits, states, labels and annotations. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Pod(
            String name,
            String owner,
            String phase,
            String startedAt,
            String ageAtDetection,
            Integer restarts,
            List<Container> containers,
            Map<String, String> conditions,
            Map<String, String> labels,
            Map<String, String> annotations) {}

    /** One container: limits, restarts, readiness, why it waits, why it last ended. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Container(
            String name,
            String memoryLimit,
            String cpuLimit,
            Integer restarts,
            Boolean ready,
            String waiting,
            String lastTerminated) {}

    /** Kubernetes Events about the target, consecutive repeats folded into {@code count}. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Event(String at, String object, String type, String reason, Integer count) {}
}
