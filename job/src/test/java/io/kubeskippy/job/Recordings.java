package io.kubeskippy.job;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubeskippy.model.record.MetricSample;
import io.kubeskippy.model.record.WatchEvent;
import io.kubeskippy.model.serde.Json;
import io.kubeskippy.model.serde.RecordCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds recorded inputs (JSON lines) for replays and Kafka tests: pods of a Deployment and their
 * condition changes, samples, events.
 */
public final class Recordings {

    public static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    public static final long MI = 1024L * 1024;

    private final List<String> metrics = new ArrayList<>();
    private final List<String> pods = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private int eventCount;

    /** The latest object of each recorded pod, by namespace/name: a condition change edits it. */
    private final Map<String, ObjectNode> podObjects = new HashMap<>();

    private int metricsTaken;
    private int podsTaken;
    private int eventsTaken;

    /** A running pod of Deployment {@code deployment}, started (and seen) at {@code started}. */
    public Recordings pod(
            String namespace,
            String deployment,
            String pod,
            long memoryLimitBytes,
            Instant started) {
        return pod(namespace, deployment, pod, memoryLimitBytes, started, started);
    }

    /**
     * A running pod of Deployment {@code deployment}, started at {@code started} and seen by the
     * watch at {@code observedAt} (the record's event time).
     */
    public Recordings pod(
            String namespace,
            String deployment,
            String pod,
            long memoryLimitBytes,
            Instant started,
            Instant observedAt) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode meta = o.putObject("metadata");
        meta.put("name", pod).put("namespace", namespace).put("uid", "uid-" + pod);
        meta.putObject("labels").put("app", deployment).put("pod-template-hash", "5d8b6");
        ObjectNode owner = meta.putArray("ownerReferences").addObject();
        owner.put("apiVersion", "apps/v1")
                .put("kind", "ReplicaSet")
                .put("name", deployment + "-5d8b6")
                .put("controller", true);
        ObjectNode container = o.putObject("spec").putArray("containers").addObject();
        container.put("name", "app");
        container
                .putObject("resources")
                .putObject("limits")
                .put("memory", memoryLimitBytes / MI + "Mi")
                .put("cpu", "500m");
        ObjectNode status = o.putObject("status");
        status.put("phase", "Running").put("startTime", started.toString());
        ObjectNode cs = status.putArray("containerStatuses").addObject();
        cs.put("name", "app").put("ready", true).put("restartCount", 0);
        cs.putObject("state").putObject("running").put("startedAt", started.toString());
        ArrayNode conditions = status.putArray("conditions");
        conditions
                .addObject()
                .put("type", "Ready")
                .put("status", "True")
                .put("lastTransitionTime", started.toString());
        podObjects.put(namespace + "/" + pod, o.deepCopy());
        pods.add(
                RecordCodec.watchEvents()
                        .encodeToString(new WatchEvent(WatchEvent.Type.ADDED, observedAt, o)));
        return this;
    }

    /**
     * A pod condition changing to {@code status} at {@code at}: a MODIFIED watch event of a pod
     * recorded before, with the condition's status and lastTransitionTime set.
     */
    public Recordings condition(
            String namespace, String pod, String type, String status, Instant at) {
        ObjectNode before = podObjects.get(namespace + "/" + pod);
        if (before == null) {
            throw new IllegalArgumentException("no pod " + namespace + "/" + pod + " recorded");
        }
        ObjectNode o = before.deepCopy();
        ArrayNode conditions = (ArrayNode) o.path("status").path("conditions");
        ObjectNode condition = null;
        for (var c : conditions) {
            if (type.equals(c.path("type").asText())) {
                condition = (ObjectNode) c;
            }
        }
        if (condition == null) {
            condition = conditions.addObject().put("type", type);
        }
        condition.put("status", status).put("lastTransitionTime", at.toString());
        podObjects.put(namespace + "/" + pod, o.deepCopy());
        pods.add(
                RecordCodec.watchEvents()
                        .encodeToString(new WatchEvent(WatchEvent.Type.MODIFIED, at, o)));
        return this;
    }

    /** Working-set samples every {@code everySeconds}: start + slope * t + noise. */
    public Recordings memory(
            String namespace,
            String pod,
            Instant from,
            int minutes,
            int everySeconds,
            double startBytes,
            double bytesPerSecond,
            double noiseBytes,
            long seed) {
        Random random = new Random(seed);
        for (int t = 0; t <= minutes * 60; t += everySeconds) {
            double v = startBytes + bytesPerSecond * t + noiseBytes * random.nextGaussian();
            sample("container_memory_working_set_bytes", namespace, pod, from.plusSeconds(t), v);
        }
        return this;
    }

    public Recordings sample(String name, String namespace, String pod, Instant at, double value) {
        metrics.add(
                RecordCodec.metricSamples()
                        .encodeToString(
                                new MetricSample(
                                        name,
                                        Map.of(
                                                "namespace",
                                                namespace,
                                                "pod",
                                                pod,
                                                "container",
                                                "app"),
                                        at.toEpochMilli(),
                                        value)));
        return this;
    }

    /** A Kubernetes Event about a pod. */
    public Recordings event(String namespace, String pod, String reason, String type, Instant at) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("apiVersion", "v1").put("kind", "Event");
        o.putObject("metadata").put("name", pod + "." + (++eventCount)).put("namespace", namespace);
        o.putObject("involvedObject")
                .put("kind", "Pod")
                .put("name", pod)
                .put("namespace", namespace);
        o.put("reason", reason).put("type", type).put("message", reason + " of " + pod);
        o.put("lastTimestamp", at.toString());
        events.add(
                RecordCodec.watchEvents()
                        .encodeToString(new WatchEvent(WatchEvent.Type.ADDED, at, o)));
        return this;
    }

    public Recordings rawMetricLine(String line) {
        metrics.add(line);
        return this;
    }

    /** JSON lines by the topic they go to. */
    public record Lines(List<String> metrics, List<String> pods, List<String> events) {}

    /** The lines recorded since the previous call (all of them at the first), to stream them. */
    public Lines newLines() {
        Lines lines =
                new Lines(
                        List.copyOf(metrics.subList(metricsTaken, metrics.size())),
                        List.copyOf(pods.subList(podsTaken, pods.size())),
                        List.copyOf(events.subList(eventsTaken, events.size())));
        metricsTaken = metrics.size();
        podsTaken = pods.size();
        eventsTaken = events.size();
        return lines;
    }

    /** Writes metrics.jsonl, pods.jsonl and events.jsonl into {@code dir}. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("metrics.jsonl"), metrics);
        Files.write(dir.resolve("pods.jsonl"), pods);
        Files.write(dir.resolve("events.jsonl"), events);
        return dir;
    }
}
