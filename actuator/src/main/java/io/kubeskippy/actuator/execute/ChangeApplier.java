package io.kubeskippy.actuator.execute;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.kubeskippy.actuator.safety.TargetKind;
import io.kubeskippy.model.policy.DeleteAction;
import io.kubeskippy.model.policy.PolicyAction;
import io.kubeskippy.model.record.Change;
import io.kubeskippy.model.record.ResourceRef;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Applies one planned change the way a reconciler does: read the field now, do nothing when it
 * already has the new value, apply when it still has the old one, and refuse when it has neither
 * (someone else changed it). So a plan applied twice, e.g. by an actuator restarted mid-action, is
 * applied once.
 */
public final class ChangeApplier {

    /** What applying did. */
    public enum Applied {
        APPLIED,
        ALREADY
    }

    /** The field changed since the plan: applying would overwrite someone else's change. */
    public static final class ConflictException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConflictException(String message) {
            super(message);
        }
    }

    private final Cluster cluster;

    public ChangeApplier(Cluster cluster) {
        this.cluster = cluster;
    }

    /**
     * Applies {@code change} of {@code action} unless it is applied already.
     *
     * @throws ConflictException when the field has neither the old nor the new value
     * @throws io.fabric8.kubernetes.client.KubernetesClientException when the API server refuses
     */
    public Applied apply(PolicyAction action, Change change) {
        ResourceRef ref = change.resourceRef();
        return switch (Changes.form(change)) {
            case POD_DELETE -> deletePod(action, change);
            case RESTARTED_AT -> restartedAt(change, kind(ref));
            case REPLICAS -> replicas(change, kind(ref));
            case HPA_MIN_REPLICAS -> hpaMin(change);
            case CONTAINER_RESOURCE -> containerResource(change, kind(ref));
        };
    }

    private Applied deletePod(PolicyAction action, Change change) {
        ResourceRef pod = change.resourceRef();
        LiveObject live = cluster.get(TargetKind.POD, pod.namespace(), pod.name());
        String uid = change.oldValue();
        if (live == null || (uid != null && !uid.equals(live.uid())) || live.terminating()) {
            return Applied.ALREADY;
        }
        boolean deleted =
                cluster.deletePod(pod.namespace(), pod.name(), uid, deleteOptions(action));
        return deleted ? Applied.APPLIED : Applied.ALREADY;
    }

    /** The grace period and propagation of a restart or delete action. */
    static DeleteAction deleteOptions(PolicyAction action) {
        if (action.deleteAction() != null) {
            return action.deleteAction();
        }
        int grace =
                action.restartAction() == null ? 30 : action.restartAction().gracePeriodSeconds();
        return new DeleteAction(grace, false, null);
    }

    private Applied restartedAt(Change change, TargetKind kind) {
        ResourceRef ref = change.resourceRef();
        LiveObject live = require(kind, ref);
        String current = live.templateAnnotations().get(Changes.RESTARTED_AT);
        if (Objects.equals(current, change.newValue())) {
            return Applied.ALREADY;
        }
        expect(change, current);
        cluster.mergePatch(
                kind,
                ref.namespace(),
                ref.name(),
                Cluster.json(
                        Map.of(
                                "spec",
                                Map.of(
                                        "template",
                                        Map.of(
                                                "metadata",
                                                Map.of(
                                                        "annotations",
                                                        Map.of(
                                                                Changes.RESTARTED_AT,
                                                                change.newValue())))))));
        return Applied.APPLIED;
    }

    private Applied replicas(Change change, TargetKind kind) {
        ResourceRef ref = change.resourceRef();
        LiveObject live = require(kind, ref);
        String current = Integer.toString(live.replicas());
        if (current.equals(change.newValue())) {
            return Applied.ALREADY;
        }
        expect(change, current);
        cluster.scale(kind, ref.namespace(), ref.name(), Integer.parseInt(change.newValue()));
        return Applied.APPLIED;
    }

    private Applied hpaMin(Change change) {
        ResourceRef ref = change.resourceRef();
        HorizontalPodAutoscaler hpa = cluster.hpa(ref.namespace(), ref.name());
        if (hpa == null) {
            throw new ConflictException(
                    "HorizontalPodAutoscaler " + ref.key() + " no longer exists");
        }
        Integer min = hpa.getSpec().getMinReplicas();
        String current = Integer.toString(min == null ? 1 : min);
        if (current.equals(change.newValue())) {
            return Applied.ALREADY;
        }
        expect(change, current);
        cluster.mergePatchHpa(
                ref.namespace(),
                ref.name(),
                "{\"spec\":{\"minReplicas\":" + Integer.parseInt(change.newValue()) + "}}");
        return Applied.APPLIED;
    }

    private Applied containerResource(Change change, TargetKind kind) {
        ResourceRef ref = change.resourceRef();
        Changes.ContainerField field = Changes.containerField(change);
        LiveObject live = require(kind, ref);
        List<Container> containers = live.containers();
        int index = -1;
        for (int i = 0; i < containers.size(); i++) {
            if (field.container().equals(containers.get(i).getName())) {
                index = i;
            }
        }
        if (index < 0) {
            throw new ConflictException(
                    live + " has no container " + field.container() + " any more");
        }
        String current = value(containers.get(index).getResources(), field);
        if (sameQuantity(current, change.newValue())) {
            return Applied.ALREADY;
        }
        if (!sameQuantity(current, change.oldValue())) {
            throw conflict(change, current);
        }
        List<Map<String, Object>> ops = new ArrayList<>();
        String pointer = field.pointer(index);
        ops.add(
                op(
                        "test",
                        "/spec"
                                + (field.template() ? "/template/spec" : "")
                                + "/containers/"
                                + index
                                + "/name",
                        field.container()));
        if (current != null) {
            ops.add(op("test", pointer, current));
            ops.add(op("replace", pointer, change.newValue()));
        } else {
            ResourceRequirements resources = containers.get(index).getResources();
            boolean hasSection =
                    resources != null
                            && ("limits".equals(field.section())
                                    ? resources.getLimits() != null
                                    : resources.getRequests() != null);
            if (hasSection) {
                ops.add(op("add", pointer, change.newValue()));
            } else {
                String sectionPointer = pointer.substring(0, pointer.lastIndexOf('/'));
                ops.add(op("add", sectionPointer, Map.of(field.resource(), change.newValue())));
            }
        }
        cluster.jsonPatch(
                kind,
                ref.namespace(),
                ref.name(),
                field.template() ? null : "resize",
                Cluster.json(ops));
        return Applied.APPLIED;
    }

    private static Map<String, Object> op(String op, String path, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        m.put("path", path);
        m.put("value", value);
        return m;
    }

    /** A container's limit or request as served, e.g. "512Mi"; null when unset. */
    static String value(ResourceRequirements resources, Changes.ContainerField field) {
        if (resources == null) {
            return null;
        }
        Map<String, Quantity> section =
                "limits".equals(field.section()) ? resources.getLimits() : resources.getRequests();
        Quantity q = section == null ? null : section.get(field.resource());
        return q == null ? null : q.toString();
    }

    static boolean sameQuantity(String a, String b) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        BigDecimal x = Quantity.getAmountInBytes(new Quantity(a));
        BigDecimal y = Quantity.getAmountInBytes(new Quantity(b));
        return x.compareTo(y) == 0;
    }

    private LiveObject require(TargetKind kind, ResourceRef ref) {
        LiveObject live = cluster.get(kind, ref.namespace(), ref.name());
        if (live == null) {
            throw new ConflictException(ref.kind() + " " + ref.key() + " no longer exists");
        }
        if (ref.uid() != null && live.uid() != null && !ref.uid().equals(live.uid())) {
            throw new ConflictException(
                    ref.kind()
                            + " "
                            + ref.key()
                            + " was replaced by another object of that name (uid "
                            + live.uid()
                            + ", planned for "
                            + ref.uid()
                            + ")");
        }
        return live;
    }

    private static void expect(Change change, String current) {
        if (!Objects.equals(current, change.oldValue())) {
            throw conflict(change, current);
        }
    }

    private static ConflictException conflict(Change change, String current) {
        return new ConflictException(
                change.resourceRef().kind()
                        + " "
                        + change.resourceRef().key()
                        + " "
                        + change.field()
                        + " is "
                        + (current == null ? "unset" : current)
                        + ", neither the planned old value "
                        + (change.oldValue() == null ? "(unset)" : change.oldValue())
                        + " nor the new one "
                        + change.newValue()
                        + ": it changed since the plan, so it is left alone");
    }

    private static TargetKind kind(ResourceRef ref) {
        return TargetKind.of(ref)
                .orElseThrow(() -> new IllegalArgumentException("not a target: " + ref.id()));
    }
}
