package io.kubeskippy.demo.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why the controller deleted a pod, by uid, so the kubelet can tell a pod the controller removed (a
 * rollout, a scale-down) from one deleted through the API by someone else (the actuator).
 * Thread-safe.
 */
final class Deletions {

    /** Why the controller deleted a pod. */
    enum Cause {
        /** Its ReplicaSet was replaced after the template changed (restart, resource patch). */
        ROLLOUT,
        /** Its ReplicaSet had more pods than replicas. */
        SCALE_DOWN
    }

    private final Map<String, Cause> causes =
            new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Cause> eldest) {
                    return size() > 10_000;
                }
            };

    synchronized void record(String uid, Cause cause) {
        causes.put(uid, cause);
    }

    /** The cause of the controller's deletion of {@code uid}, or null if it did not delete it. */
    synchronized Cause take(String uid) {
        return causes.remove(uid);
    }
}
