package io.kubeskippy.job.policytest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubeskippy.job.policytest.PolicyTestFile.Container;
import io.kubeskippy.job.policytest.PolicyTestFile.Event;
import io.kubeskippy.job.policytest.PolicyTestFile.InputSeries;
import io.kubeskippy.job.policytest.PolicyTestFile.Pod;
import io.kubeskippy.job.policytest.PolicyTestFile.PodChange;
import io.kubeskippy.job.policytest.PolicyTestFile.TestCase;
import io.kubeskippy.job.source.PodInput;
import io.kubeskippy.job.source.RecordDecoder;
import io.kubeskippy.job.source.SourceRecord;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.record.MetricSample;
import io.kubeskippy.model.record.WatchEvent;
import io.kubeskippy.model.serde.Json;
import io.kubeskippy.model.serde.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recorded input of one test case, as {@code skippy replay} would read it from files: pods as
 * WatchEvents (ADDED when started, MODIFIED or DELETED at each change), samples as MetricSamples
 * and events as WatchEvents of Events, each encoded to JSON and read back with {@link
 * RecordDecoder}, then put in event-time order.
 *
 * <p>Values that are not samples ({@code _}, {@code stale}, NaN, infinities) give no record, as
 * ingest drops them before they reach a topic.
 */
final class CaseInput {

    /** Part of the pod-template-hash label and ReplicaSet name of a Deployment's pods. */
    static final String TEMPLATE_HASH = "5d8b6c7f9";

    private final RecordDecoder decoder = new RecordDecoder();
    private final RecordCodec<WatchEvent> watchEvents = RecordCodec.watchEvents();
    private final RecordCodec<MetricSample> samples = RecordCodec.metricSamples();
    private final String source;
    private final List<SourceRecord> records = new ArrayList<>();
    private long offset;
    private int eventCount;

    private CaseInput(String source) {
        this.source = source;
    }

    /**
     * The records of {@code test}, in the order a replay feeds them to the job: event time, and at
     * the same instant pod state before events before samples (as {@code Replay.readInputs}).
     */
    static List<SourceRecord> records(String source, TestCase test) {
        CaseInput input = new CaseInput(source + ": " + test.name());
        input.pods(test.pods(), test.podChanges());
        test.events().forEach(input::event);
        for (InputSeries s : test.inputSeries()) {
            input.series(s, test.interval());
        }
        List<SourceRecord> sorted = new ArrayList<>(input.records);
        sorted.sort(
                Comparator.<SourceRecord>comparingLong(r -> r.input.timestampMs)
                        .thenComparingInt(r -> rank(r.input.kind)));
        return sorted;
    }

    private static int rank(PodInput.Kind kind) {
        return switch (kind) {
            case POD -> 0;
            case EVENT -> 1;
            case SAMPLE -> 2;
        };
    }

    // ---- pods

    /** A container's state as changes apply to it. */
    private static final class ContainerNow {
        final Container spec;
        final Map<String, String> limits;
        int restarts;
        Instant startedAt;
        String waiting;
        String lastTerminated;
        Instant lastTerminatedAt;

        ContainerNow(Container spec, Instant started) {
            this.spec = spec;
            this.limits = new LinkedHashMap<>(spec.limits());
            this.restarts = spec.restarts();
            this.startedAt = started;
            this.waiting = spec.waiting();
            this.lastTerminated = spec.lastTerminated();
            this.lastTerminatedAt = spec.lastTerminated() == null ? null : started;
        }
    }

    private void pods(List<Pod> pods, List<PodChange> changes) {
        for (Pod pod : pods) {
            Instant started = PolicyTests.at(pod.started());
            Map<String, ContainerNow> containers = new LinkedHashMap<>();
            for (Container c : pod.containers()) {
                containers.put(c.name(), new ContainerNow(c, started));
            }
            Map<String, String> conditions = new LinkedHashMap<>(pod.conditions());
            Map<String, Instant> since = new LinkedHashMap<>();
            pod.conditions().keySet().forEach(type -> since.put(type, started));
            pod(WatchEvent.Type.ADDED, started, pod, containers, conditions, since);
            List<PodChange> mine =
                    changes.stream()
                            .filter(
                                    c ->
                                            c.namespace().equals(pod.namespace())
                                                    && c.pod().equals(pod.name()))
                            .sorted(Comparator.comparing(PodChange::at))
                            .toList();
            for (PodChange change : mine) {
                Instant at = PolicyTests.at(change.at());
                ContainerNow c =
                        change.container() == null
                                ? containers.values().iterator().next()
                                : containers.get(change.container());
                if (change.restart() != null) {
                    c.restarts++;
                    c.lastTerminated = change.restart();
                    c.lastTerminatedAt = at;
                    c.startedAt = at;
                    c.waiting = null;
                }
                if (change.waiting() != null) {
                    c.waiting = change.waiting();
                }
                c.limits.putAll(change.limits());
                boolean ready = containers.values().stream().allMatch(x -> x.waiting == null);
                String status = ready ? "True" : "False";
                if (!status.equals(conditions.put("Ready", status))) {
                    since.put("Ready", at);
                }
                pod(
                        change.deleted() ? WatchEvent.Type.DELETED : WatchEvent.Type.MODIFIED,
                        at,
                        pod,
                        containers,
                        conditions,
                        since);
            }
        }
    }

    private void pod(
            WatchEvent.Type type,
            Instant at,
            Pod pod,
            Map<String, ContainerNow> containers,
            Map<String, String> conditions,
            Map<String, Instant> since) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode meta = o.putObject("metadata");
        meta.put("name", pod.name())
                .put("namespace", pod.namespace())
                .put("uid", "uid-" + pod.namespace() + "-" + pod.name());
        ObjectNode labels = meta.putObject("labels");
        pod.labels().forEach(labels::put);
        if (pod.deployment() != null) {
            labels.put("pod-template-hash", TEMPLATE_HASH);
            meta.putArray("ownerReferences")
                    .addObject()
                    .put("apiVersion", "apps/v1")
                    .put("kind", "ReplicaSet")
                    .put("name", pod.deployment() + "-" + TEMPLATE_HASH)
                    .put("uid", "uid-rs-" + pod.namespace() + "-" + pod.deployment())
                    .put("controller", true);
        }
        if (type == WatchEvent.Type.DELETED) {
            meta.put("deletionTimestamp", at.toString());
        }
        ArrayNode specContainers = o.putObject("spec").putArray("containers");
        ObjectNode status = o.putObject("status");
        status.put("phase", pod.phase()).put("startTime", PolicyTests.at(pod.started()).toString());
        ArrayNode statuses = status.putArray("containerStatuses");
        for (ContainerNow c : containers.values()) {
            ObjectNode sc = specContainers.addObject();
            sc.put("name", c.spec.name());
            ObjectNode resources = sc.putObject("resources");
            if (!c.limits.isEmpty()) {
                ObjectNode limits = resources.putObject("limits");
                c.limits.forEach(limits::put);
            }
            if (!c.spec.requests().isEmpty()) {
                ObjectNode requests = resources.putObject("requests");
                c.spec.requests().forEach(requests::put);
            }
            ObjectNode cs = statuses.addObject();
            cs.put("name", c.spec.name())
                    .put("ready", c.waiting == null)
                    .put("restartCount", c.restarts);
            if (c.waiting != null) {
                cs.putObject("state").putObject("waiting").put("reason", c.waiting);
            } else {
                cs.putObject("state").putObject("running").put("startedAt", c.startedAt.toString());
            }
            if (c.lastTerminated != null) {
                cs.putObject("lastState")
                        .putObject("terminated")
                        .put("reason", c.lastTerminated)
                        .put("exitCode", "OOMKilled".equals(c.lastTerminated) ? 137 : 1)
                        .put("finishedAt", c.lastTerminatedAt.toString());
            }
        }
        ArrayNode conditionNodes = status.putArray("conditions");
        conditions.forEach(
                (t, s) ->
                        conditionNodes
                                .addObject()
                                .put("type", t)
                                .put("status", s)
                                .put("lastTransitionTime", since.get(t).toString()));
        add(Topic.PODS, watchEvents.encodeToString(new WatchEvent(type, at, o)));
    }

    // ---- events and samples

    private void event(Event e) {
        Instant at = PolicyTests.at(e.at());
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("apiVersion", "v1").put("kind", "Event");
        o.putObject("metadata")
                .put("name", e.pod() + "." + Long.toHexString(++eventCount))
                .put("namespace", e.namespace());
        o.putObject("involvedObject")
                .put("kind", "Pod")
                .put("name", e.pod())
                .put("namespace", e.namespace());
        o.put("reason", e.reason()).put("type", e.type()).put("message", e.reason());
        o.put("lastTimestamp", at.toString());
        add(Topic.EVENTS, watchEvents.encodeToString(new WatchEvent(WatchEvent.Type.ADDED, at, o)));
    }

    private void series(InputSeries s, Duration interval) {
        List<SeriesNotation.Value> values = s.values();
        for (int i = 0; i < values.size(); i++) {
            SeriesNotation.Value v = values.get(i);
            if (!v.isSample()) {
                continue;
            }
            Instant at = PolicyTests.START.plus(interval.multipliedBy(i));
            add(
                    Topic.METRICS,
                    samples.encodeToString(
                            new MetricSample(
                                    s.series().name(),
                                    s.series().labels(),
                                    at.toEpochMilli(),
                                    v.value())));
        }
    }

    private void add(Topic role, String json) {
        SourceRecord r =
                decoder.decode(
                        role, source, -1, ++offset, null, json.getBytes(StandardCharsets.UTF_8));
        if (r == null) {
            return;
        }
        if (r.deadLetter != null) {
            // the records are built here: one the job cannot read is a bug of this class
            throw new IllegalStateException("built an unreadable record: " + r.deadLetter);
        }
        records.add(r);
    }
}
