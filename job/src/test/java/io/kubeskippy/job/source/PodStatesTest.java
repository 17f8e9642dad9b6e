package io.kubeskippy.job.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubeskippy.model.record.WatchEvent;
import io.kubeskippy.model.serde.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PodStatesTest {

    private static final Path POD = Path.of("../model/src/test/resources/kubectl/pod-cart.json");

    private static WatchEvent event(WatchEvent.Type type, ObjectNode pod) {
        return new WatchEvent(type, Instant.parse("2026-11-22T10:00:00Z"), pod);
    }

    private static ObjectNode pod() throws Exception {
        return (ObjectNode) Json.mapper().readTree(Files.readString(POD));
    }

    @Test
    void readsAPodAsKubectlPrintsIt() throws Exception {
        PodState state = PodStates.from(event(WatchEvent.Type.MODIFIED, pod()));

        assertThat(state.key()).isEqualTo("shop/cart-7f9c5d8b6-x2x4k");
        assertThat(state.workloadId()).isEqualTo("Deployment/shop/cart");
        assertThat(state.labels).containsEntry("app.kubernetes.io/name", "cart");
        ContainerState app = state.container("app");
        assertThat(app.memoryLimitBytes).isEqualTo(512L * 1024 * 1024);
        assertThat(app.cpuLimitCores).isEqualTo(0.5);
        assertThat(app.restartCount).isEqualTo(3);
        assertThat(app.waitingReason).isEqualTo("CrashLoopBackOff");
        assertThat(app.lastTerminatedReason).isEqualTo("OOMKilled");
        assertThat(app.lastTerminatedAtMs)
                .isEqualTo(Instant.parse("2026-11-22T09:57:40Z").toEpochMilli());
        assertThat(state.conditions).containsKey("Ready");
        assertThat(state.deleted).isFalse();
    }

    @Test
    void aPodWithoutAControllerIsItsOwnWorkload() throws Exception {
        ObjectNode pod = pod();
        ((ObjectNode) pod.get("metadata")).remove("ownerReferences");
        PodState state = PodStates.from(event(WatchEvent.Type.ADDED, pod));
        assertThat(state.workloadId()).isEqualTo("Pod/shop/cart-7f9c5d8b6-x2x4k");
    }

    @Test
    void aStatefulSetPodKeepsItsOwner() throws Exception {
        ObjectNode pod = pod();
        ObjectNode owner = (ObjectNode) pod.get("metadata").get("ownerReferences").get(0);
        owner.put("kind", "StatefulSet").put("name", "db");
        PodState state = PodStates.from(event(WatchEvent.Type.ADDED, pod));
        assertThat(state.workloadId()).isEqualTo("StatefulSet/shop/db");
    }

    @Test
    void aDeletedPodIsMarkedDeleted() throws Exception {
        assertThat(PodStates.from(event(WatchEvent.Type.DELETED, pod())).deleted).isTrue();
    }

    @Test
    void otherKindsAreNotPods() throws Exception {
        ObjectNode event =
                (ObjectNode)
                        Json.mapper()
                                .readTree(
                                        Files.readString(
                                                Path.of(
                                                        "../model/src/test/resources/kubectl/event-backoff.json")));
        assertThat(PodStates.from(event(WatchEvent.Type.ADDED, event))).isNull();
    }
}
