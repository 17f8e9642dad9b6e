package io.kubeskippy.actuator.execute;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.kubeskippy.actuator.safety.TargetKind;
import io.kubeskippy.model.record.ResourceRef;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One object as the API server served it: a Pod or a workload, with the few things planning and
 * verification read from it. A value; it never talks to the cluster.
 */
public record LiveObject(TargetKind kind, HasMetadata object) {

    public LiveObject {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(object, "object");
    }

    public static LiveObject of(HasMetadata object) {
        TargetKind kind =
                TargetKind.of(object.getApiVersion(), object.getKind())
                        .or(() -> TargetKind.named(object.getKind()))
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "not a target kind: " + object.getKind()));
        return new LiveObject(kind, object);
    }

    public ResourceRef ref() {
        return new ResourceRef(
                kind.apiVersion(),
                kind.kind(),
                object.getMetadata().getNamespace(),
                object.getMetadata().getName(),
                object.getMetadata().getUid());
    }

    public String name() {
        return object.getMetadata().getName();
    }

    public String namespace() {
        return object.getMetadata().getNamespace();
    }

    public String uid() {
        return object.getMetadata().getUid();
    }

    public Map<String, String> labels() {
        Map<String, String> labels = object.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    public Map<String, String> annotations() {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations == null ? Map.of() : annotations;
    }

    public long generation() {
        Long g = object.getMetadata().getGeneration();
        return g == null ? 0 : g;
    }

    public boolean terminating() {
        return object.getMetadata().getDeletionTimestamp() != null;
    }

    /** The owner reference with {@code controller: true}, or null. */
    public OwnerReference controller() {
        List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
        if (owners == null) {
            return null;
        }
        return owners.stream()
                .filter(o -> Boolean.TRUE.equals(o.getController()))
                .findFirst()
                .orElse(null);
    }

    /** Desired pods: spec.replicas (1 when unset), or the nodes a DaemonSet should run on. */
    public int replicas() {
        return switch (kind) {
            case POD -> 1;
            case DEPLOYMENT -> orOne(((Deployment) object).getSpec().getReplicas());
            case STATEFUL_SET -> orOne(((StatefulSet) object).getSpec().getReplicas());
            case REPLICA_SET -> orOne(((ReplicaSet) object).getSpec().getReplicas());
            case DAEMON_SET -> {
                DaemonSet ds = (DaemonSet) object;
                yield ds.getStatus() == null || ds.getStatus().getDesiredNumberScheduled() == null
                        ? 0
                        : ds.getStatus().getDesiredNumberScheduled();
            }
        };
    }

    /** The pod template of a workload; null for a Pod. */
    public PodTemplateSpec template() {
        return switch (kind) {
            case POD -> null;
            case DEPLOYMENT -> ((Deployment) object).getSpec().getTemplate();
            case STATEFUL_SET -> ((StatefulSet) object).getSpec().getTemplate();
            case REPLICA_SET -> ((ReplicaSet) object).getSpec().getTemplate();
            case DAEMON_SET -> ((DaemonSet) object).getSpec().getTemplate();
        };
    }

    /** The pod spec: the Pod's own, or the workload's template's. */
    public PodSpec podSpec() {
        if (kind == TargetKind.POD) {
            return ((Pod) object).getSpec();
        }
        PodTemplateSpec template = template();
        return template == null ? null : template.getSpec();
    }

    /** The containers of {@link #podSpec()}, never null. */
    public List<Container> containers() {
        PodSpec spec = podSpec();
        return spec == null || spec.getContainers() == null ? List.of() : spec.getContainers();
    }

    /** The template's annotations of a workload, never null. */
    public Map<String, String> templateAnnotations() {
        PodTemplateSpec template = template();
        if (template == null
                || template.getMetadata() == null
                || template.getMetadata().getAnnotations() == null) {
            return Map.of();
        }
        return template.getMetadata().getAnnotations();
    }

    /** Label selector of a workload as matchLabels, never null. */
    public Map<String, String> selectorLabels() {
        io.fabric8.kubernetes.api.model.LabelSelector selector =
                switch (kind) {
                    case POD -> null;
                    case DEPLOYMENT -> ((Deployment) object).getSpec().getSelector();
                    case STATEFUL_SET -> ((StatefulSet) object).getSpec().getSelector();
                    case REPLICA_SET -> ((ReplicaSet) object).getSpec().getSelector();
                    case DAEMON_SET -> ((DaemonSet) object).getSpec().getSelector();
                };
        return selector == null || selector.getMatchLabels() == null
                ? Map.of()
                : selector.getMatchLabels();
    }

    private static int orOne(Integer value) {
        return value == null ? 1 : value;
    }

    @Override
    public String toString() {
        return kind.kind() + " " + ref().key();
    }
}
