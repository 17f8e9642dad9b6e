package io.kubeskippy.job.source;

import io.kubeskippy.model.record.ResourceRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one pod as the job joins it to samples and events: owner workload, labels,
 * containers (limits, restarts, states) and conditions. Built by {@link PodStates} from the pod's
 * latest WatchEvent. A Flink POJO. Never changed once built: the fan-out's state, its routes and
 * the LLM's context facts share its maps and containers.
 */
public class PodState {
    public String namespace;
    public String name;
    public String uid;
    public Map<String, String> labels = new HashMap<>();
    public Map<String, String> annotations = new HashMap<>();

    /** Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, or Pod when it has no controller. */
    public String workloadKind;

    public String workloadName;
    public String phase;
    public long startTimeMs;
    public long observedAtMs;
    public boolean deleted;
    public List<ContainerState> containers = new ArrayList<>();

    /** Condition type -> status (True, False, Unknown). */
    public Map<String, String> conditions = new HashMap<>();

    /** Condition type -> lastTransitionTime (epoch ms). */
    public Map<String, Long> conditionSinceMs = new HashMap<>();

    public PodState() {}

    /** {@code namespace/name}, the key of the pod's records. */
    public String key() {
        return namespace + "/" + name;
    }

    /** {@code Pod/namespace/name}. */
    public String podId() {
        return ResourceRef.id("Pod", namespace, name);
    }

    /** {@code Kind/namespace/name} of the owning workload (the pod itself if none). */
    public String workloadId() {
        return ResourceRef.id(workloadKind, namespace, workloadName);
    }

    /** The container named so, or the only one when {@code name} is null; null if none. */
    public ContainerState container(String name) {
        if (name == null || name.isEmpty()) {
            return containers.size() == 1 ? containers.get(0) : null;
        }
        for (ContainerState c : containers) {
            if (name.equals(c.name)) {
                return c;
            }
        }
        return null;
    }

    /** The latest start of any container: a restart resets trend evidence for groupBy pod. */
    public long lastContainerStartMs() {
        long latest = startTimeMs;
        for (ContainerState c : containers) {
            latest = Math.max(latest, c.startedAtMs);
        }
        return latest;
    }

    public int totalRestarts() {
        int total = 0;
        for (ContainerState c : containers) {
            total += c.restartCount;
        }
        return total;
    }
}
