package io.kubeskippy.job.policytest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A policy test file as read by {@link PolicyTestReader}: the policy files it tests and its cases.
 * Times are offsets from {@link PolicyTests#START}; defaults are applied, references checked.
 *
 * @param source the file as named on the command line
 * @param policies the policy files, resolved against the test file's directory
 */
public record PolicyTestFile(String source, List<Path> policies, List<TestCase> tests) {

    public PolicyTestFile {
        policies = List.copyOf(policies);
        tests = List.copyOf(tests);
    }

    /**
     * One test case: the cluster it sees and the actions it expects.
     *
     * @param line where the case starts in the file, 0 if unknown
     * @param interval between two values of an input series
     * @param actions the actions expected, exactly; empty means none at all
     */
    public record TestCase(
            String name,
            int line,
            Duration interval,
            List<Pod> pods,
            List<InputSeries> inputSeries,
            List<Event> events,
            List<PodChange> podChanges,
            List<ExpectedAction> actions) {
        public TestCase {
            pods = List.copyOf(pods);
            inputSeries = List.copyOf(inputSeries);
            events = List.copyOf(events);
            podChanges = List.copyOf(podChanges);
            actions = List.copyOf(actions);
        }
    }

    /**
     * A pod as the job sees it when the test starts (or when it is created, at {@code started}).
     *
     * @param deployment the owning Deployment (through a ReplicaSet), or null for a bare pod
     * @param conditions condition type to status (True, False, Unknown)
     */
    public record Pod(
            String name,
            String namespace,
            String deployment,
            Map<String, String> labels,
            Duration started,
            String phase,
            List<Container> containers,
            Map<String, String> conditions) {
        public Pod {
            labels = Map.copyOf(labels);
            containers = List.copyOf(containers);
            conditions = Map.copyOf(conditions);
        }

        public String key() {
            return namespace + "/" + name;
        }
    }

    /**
     * A container of a pod.
     *
     * @param limits and {@code requests}: {@code memory} and {@code cpu} quantities as written
     * @param waiting the reason it is waiting (CrashLoopBackOff), or null when running
     * @param lastTerminated the reason it last terminated (OOMKilled, Error), or null
     */
    public record Container(
            String name,
            Map<String, String> limits,
            Map<String, String> requests,
            int restarts,
            String waiting,
            String lastTerminated) {
        public Container {
            limits = Map.copyOf(limits);
            requests = Map.copyOf(requests);
        }
    }

    /** An input series: labels and its values, one per interval from the start. */
    public record InputSeries(
            int line, SeriesNotation.Series series, List<SeriesNotation.Value> values) {
        public InputSeries {
            values = List.copyOf(values);
        }
    }

    /** A Kubernetes Event about a pod. */
    public record Event(String namespace, String pod, String reason, String type, Duration at) {}

    /**
     * A change of a pod's state at an offset. Each field is optional; at least one is set.
     *
     * @param container the container that changes, or null for the only one
     * @param restart the container restarts: the reason its previous run ended (OOMKilled, Error,
     *     Completed); its restart count goes up by one and it runs again from {@code at}
     * @param waiting the container is waiting with this reason (CrashLoopBackOff) until a restart
     * @param limits new limits of the container (a resize)
     * @param deleted the pod is deleted
     */
    public record PodChange(
            String namespace,
            String pod,
            Duration at,
            String container,
            String restart,
            String waiting,
            Map<String, String> limits,
            boolean deleted) {
        public PodChange {
            limits = limits == null ? Map.of() : Map.copyOf(limits);
        }
    }

    /**
     * An action the replay must emit.
     *
     * @param target {@code Kind/namespace/name}
     * @param at detectedAt must be exactly this, or null
     * @param after detectedAt must not be earlier than this, or null
     * @param before detectedAt must be earlier than this, or null
     * @param dryRun the action's spec.dryRun must be this, or null for either
     * @param approvalRequired spec.approvalRequired must be this, or null for either
     */
    public record ExpectedAction(
            int line,
            String policy,
            String target,
            String action,
            Duration at,
            Duration after,
            Duration before,
            Boolean dryRun,
            Boolean approvalRequired) {}
}
