package io.kubeskippy.actuator.safety;

import io.kubeskippy.model.record.ResourceRef;
import java.util.Optional;

/**
 * The kinds the actuator acts on: Pods and the workloads that own them. Namespaces, Nodes, custom
 * resources and everything else are never targets.
 */
public enum TargetKind {
    POD("v1", "Pod"),
    DEPLOYMENT("apps/v1", "Deployment"),
    STATEFUL_SET("apps/v1", "StatefulSet"),
    DAEMON_SET("apps/v1", "DaemonSet"),
    REPLICA_SET("apps/v1", "ReplicaSet");

    private final String apiVersion;
    private final String kind;

    TargetKind(String apiVersion, String kind) {
        this.apiVersion = apiVersion;
        this.kind = kind;
    }

    public String apiVersion() {
        return apiVersion;
    }

    public String kind() {
        return kind;
    }

    /** Whether this is a workload (owns pods through a template). */
    public boolean isWorkload() {
        return this != POD;
    }

    /** The kind of {@code ref}, when it is one the actuator acts on (apiVersion included). */
    public static Optional<TargetKind> of(ResourceRef ref) {
        return of(ref.apiVersion(), ref.kind());
    }

    public static Optional<TargetKind> of(String apiVersion, String kind) {
        for (TargetKind k : values()) {
            if (k.kind.equals(kind) && k.apiVersion.equals(apiVersion)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The kind named {@code kind}, whatever the apiVersion. */
    public static Optional<TargetKind> named(String kind) {
        for (TargetKind k : values()) {
            if (k.kind.equals(kind)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** "Pod, Deployment, StatefulSet, DaemonSet and ReplicaSet". */
    public static String list() {
        return "Pod, Deployment, StatefulSet, DaemonSet and ReplicaSet";
    }
}
