package io.kubeskippy.job.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeskippy.model.policy.Quantity;
import io.kubeskippy.model.record.WatchEvent;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reads a {@link PodState} out of a pod's WatchEvent; tolerant of missing fields. */
public final class PodStates {

    private PodStates() {}

    /** The pod's state, or null if the event is not about a Pod. */
    public static PodState from(WatchEvent event) {
        if (!"Pod".equals(event.kind())) {
            return null;
        }
        JsonNode pod = event.object();
        JsonNode meta = pod.path("metadata");
        PodState state = new PodState();
        state.namespace = meta.path("namespace").asText("default");
        state.name = meta.path("name").asText();
        state.uid = meta.path("uid").asText("");
        meta.path("labels")
                .fields()
                .forEachRemaining(e -> state.labels.put(e.getKey(), e.getValue().asText()));
        meta.path("annotations")
                .fields()
                .forEachRemaining(e -> state.annotations.put(e.getKey(), e.getValue().asText()));
        state.observedAtMs = event.observedAt().toEpochMilli();
        state.deleted =
                event.type() == WatchEvent.Type.DELETED || meta.hasNonNull("deletionTimestamp");
        workload(state, meta);

        JsonNode status = pod.path("status");
        state.phase = status.path("phase").asText("Unknown");
        state.startTimeMs = time(status.path("startTime"));
        for (JsonNode c : pod.path("spec").path("containers")) {
            ContainerState container = new ContainerState();
            container.name = c.path("name").asText();
            JsonNode resources = c.path("resources");
            container.memoryLimitBytes = bytes(resources.path("limits").path("memory"));
            container.memoryRequestBytes = bytes(resources.path("requests").path("memory"));
            container.cpuLimitCores = cores(resources.path("limits").path("cpu"));
            container.cpuRequestCores = cores(resources.path("requests").path("cpu"));
            state.containers.add(container);
        }
        for (JsonNode s : status.path("containerStatuses")) {
            ContainerState container = state.container(s.path("name").asText());
            if (container == null) {
                continue;
            }
            container.restartCount = s.path("restartCount").asInt(0);
            container.ready = s.path("ready").asBoolean(false);
            container.startedAtMs = time(s.path("state").path("running").path("startedAt"));
            container.waitingReason = text(s.path("state").path("waiting").path("reason"));
            JsonNode terminated = s.path("lastState").path("terminated");
            container.lastTerminatedReason = text(terminated.path("reason"));
            container.lastTerminatedAtMs = time(terminated.path("finishedAt"));
        }
        for (JsonNode c : status.path("conditions")) {
            String type = c.path("type").asText("");
            if (!type.isEmpty()) {
                state.conditions.put(type, c.path("status").asText("Unknown"));
                state.conditionSinceMs.put(type, time(c.path("lastTransitionTime")));
            }
        }
        return state;
    }

    /**
     * The controlling workload: a ReplicaSet named {@code <deployment>-<pod-template-hash>} is a
     * Deployment's, so trends survive a rollout; other controllers are taken as they are.
     */
    private static void workload(PodState state, JsonNode meta) {
        for (JsonNode owner : meta.path("ownerReferences")) {
            if (!owner.path("controller").asBoolean(false)) {
                continue;
            }
            String kind = owner.path("kind").asText();
            String name = owner.path("name").asText();
            String hash = state.labels.get("pod-template-hash");
            if ("ReplicaSet".equals(kind) && hash != null && name.endsWith("-" + hash)) {
                state.workloadKind = "Deployment";
                state.workloadName = name.substring(0, name.length() - hash.length() - 1);
            } else {
                state.workloadKind = kind;
                state.workloadName = name;
            }
            return;
        }
        state.workloadKind = "Pod";
        state.workloadName = state.name;
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }

    private static long time(JsonNode node) {
        if (!node.isTextual()) {
            return 0;
        }
        try {
            return Instant.parse(node.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    private static long bytes(JsonNode node) {
        try {
            return node.isMissingNode() || node.isNull()
                    ? 0
                    : Quantity.parse(node.asText()).bytes();
        } catch (IllegalArgumentException | ArithmeticException e) {
            return 0;
        }
    }

    private static double cores(JsonNode node) {
        try {
            return node.isMissingNode() || node.isNull()
                    ? 0
                    : Quantity.parse(node.asText()).cores();
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }
}
