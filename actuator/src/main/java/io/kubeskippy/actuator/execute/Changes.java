package io.kubeskippy.actuator.execute;

import io.kubeskippy.model.record.Change;
import io.kubeskippy.model.record.Change.ChangeType;
import io.kubeskippy.model.record.ResourceRef;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The forms a planned change takes, written into {@link Change} records (the audit's and the
 * HealingAction status' {@code changes}) and read back from them: a plan recorded in the status is
 * enough to finish an interrupted action. Every form sets an absolute value (never "one more"), so
 * applying a change twice is applying it once.
 */
public final class Changes {

    /** kubectl's rollout restart annotation. */
    public static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

    static final String POD_UID = "metadata.uid";
    static final String RESTARTED_AT_FIELD =
            "spec.template.metadata.annotations[" + RESTARTED_AT + "]";
    static final String REPLICAS = "spec.replicas";
    static final String MIN_REPLICAS = "spec.minReplicas";

    private static final Pattern CONTAINER_RESOURCE =
            Pattern.compile(
                    "(spec\\.template\\.spec|spec)\\.containers\\[([^\\]]+)]\\.resources\\.(limits|requests)\\.(memory|cpu)");

    /** What a change does. */
    public enum Form {
        /** Delete a pod; oldValue is its uid. */
        POD_DELETE,
        /** Set the template's restartedAt annotation. */
        RESTARTED_AT,
        /** Set a workload's spec.replicas. */
        REPLICAS,
        /** Set an HPA's spec.minReplicas. */
        HPA_MIN_REPLICAS,
        /** Set a container's limit or request, on a Pod (pods/resize) or a pod template. */
        CONTAINER_RESOURCE
    }

    /** A container resource change, read from its field. */
    public record ContainerField(
            boolean template, String container, String section, String resource) {
        /** JSON pointer within the object, given the container's index. */
        String pointer(int index) {
            return (template ? "/spec/template/spec" : "/spec")
                    + "/containers/"
                    + index
                    + "/resources/"
                    + section
                    + "/"
                    + resource;
        }
    }

    private Changes() {}

    public static Change podDelete(ResourceRef pod) {
        return new Change(pod, ChangeType.DELETE, POD_UID, pod.uid(), null, null);
    }

    public static Change restartedAt(ResourceRef workload, String oldValue, String newValue) {
        return new Change(workload, ChangeType.PATCH, RESTARTED_AT_FIELD, oldValue, newValue, null);
    }

    public static Change replicas(ResourceRef workload, int oldValue, int newValue) {
        return new Change(
                workload,
                ChangeType.SCALE,
                REPLICAS,
                Integer.toString(oldValue),
                Integer.toString(newValue),
                null);
    }

    public static Change hpaMinReplicas(ResourceRef hpa, int oldValue, int newValue) {
        return new Change(
                hpa,
                ChangeType.PATCH,
                MIN_REPLICAS,
                Integer.toString(oldValue),
                Integer.toString(newValue),
                null);
    }

    /**
     * @param template true for a workload's pod template, false for a Pod (in place)
     * @param section limits or requests
     * @param resource memory or cpu
     */
    public static Change containerResource(
            ResourceRef ref,
            boolean template,
            String container,
            String section,
            String resource,
            String oldValue,
            String newValue) {
        String field =
                (template ? "spec.template.spec" : "spec")
                        + ".containers["
                        + container
                        + "].resources."
                        + section
                        + "."
                        + resource;
        return new Change(ref, ChangeType.PATCH, field, oldValue, newValue, null);
    }

    /** The form of {@code change}. */
    public static Form form(Change change) {
        if (change.changeType() == ChangeType.DELETE && "Pod".equals(change.resourceRef().kind())) {
            return Form.POD_DELETE;
        }
        if (RESTARTED_AT_FIELD.equals(change.field())) {
            return Form.RESTARTED_AT;
        }
        if (REPLICAS.equals(change.field())) {
            return Form.REPLICAS;
        }
        if (MIN_REPLICAS.equals(change.field())
                && "HorizontalPodAutoscaler".equals(change.resourceRef().kind())) {
            return Form.HPA_MIN_REPLICAS;
        }
        if (change.field() != null && CONTAINER_RESOURCE.matcher(change.field()).matches()) {
            return Form.CONTAINER_RESOURCE;
        }
        throw new IllegalArgumentException(
                "not a change the actuator makes: "
                        + change.changeType()
                        + " "
                        + change.field()
                        + " of "
                        + change.resourceRef().id());
    }

    public static ContainerField containerField(Change change) {
        Matcher m = CONTAINER_RESOURCE.matcher(change.field());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a container resource: " + change.field());
        }
        return new ContainerField(
                m.group(1).equals("spec.template.spec"), m.group(2), m.group(3), m.group(4));
    }

    /** "delete Pod shop/a", "Deployment shop/web spec.replicas 2 -> 3", ... */
    public static String describe(Change change) {
        String on = change.resourceRef().kind() + " " + change.resourceRef().key();
        if (form(change) == Form.POD_DELETE) {
            return "delete " + on;
        }
        return on
                + " "
                + change.field()
                + " "
                + (change.oldValue() == null ? "(none)" : change.oldValue())
                + " -> "
                + change.newValue();
    }
}
