package io.kubeskippy.model.record;

import static io.kubeskippy.model.RecordFixtures.CART_POD_KEY;
import static io.kubeskippy.model.RecordFixtures.EVENT_FIXTURE;
import static io.kubeskippy.model.RecordFixtures.POD_FIXTURE;
import static io.kubeskippy.model.RecordFixtures.T0;
import static io.kubeskippy.model.RecordFixtures.parse;
import static io.kubeskippy.model.RecordFixtures.toBytes;
import static io.kubeskippy.model.RecordFixtures.tree;
import static io.kubeskippy.model.RecordFixtures.valueOf;
import static io.kubeskippy.model.RecordFixtures.watchEventJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubeskippy.model.serde.Decoded;
import io.kubeskippy.model.serde.Json;
import io.kubeskippy.model.serde.RecordCodec;
import org.junit.jupiter.api.Test;

/** kubectl output wrapped as watch events: what is kept, what is dropped, how it is keyed. */
class WatchEventTest {

    private final RecordCodec<WatchEvent> codec = RecordCodec.watchEvents();

    @Test
    void decodesKubectlPodDroppingOnlyManagedFields() {
        ObjectNode pod = tree(POD_FIXTURE);
        assertThat(pod.path("metadata").path("managedFields").size()).isEqualTo(2);

        WatchEvent event = decode(watchEventJson("ADDED", T0, pod));

        ObjectNode expected = pod.deepCopy();
        ((ObjectNode) expected.get("metadata")).remove("managedFields");
        assertThat(event.type()).isEqualTo(WatchEvent.Type.ADDED);
        assertThat(event.observedAt()).isEqualTo(T0);
        assertThat(event.object().path("metadata").has("managedFields")).isFalse();
        assertThat(event.object()).isEqualTo(expected);
    }

    @Test
    void writesTheKubectlPodBackWholeWithoutManagedFields() {
        ObjectNode pod = tree(POD_FIXTURE);

        JsonNode written = parse(codec.encode(decode(watchEventJson("MODIFIED", T0, pod))));

        ObjectNode expected = pod.deepCopy();
        ((ObjectNode) expected.get("metadata")).remove("managedFields");
        assertThat(written.path("object")).isEqualTo(expected);
        assertThat(written.at("/object/status/conditions/0/lastProbeTime").isNull()).isTrue();
        assertThat(
                        written.at("/object/status/containerStatuses/0/lastState/terminated/reason")
                                .asText())
                .isEqualTo("OOMKilled");
    }

    @Test
    void keysAPodByNamespaceAndName() {
        WatchEvent event = decode(watchEventJson("ADDED", T0, tree(POD_FIXTURE)));

        assertThat(event.key()).isEqualTo(CART_POD_KEY);
        assertThat(event.kind()).isEqualTo("Pod");
        assertThat(event.namespace()).isEqualTo("shop");
        assertThat(event.name()).isEqualTo("cart-7f9c5d8b6-x2x4k");
        assertThat(event.uid()).isEqualTo("5c3e8f21-6d0a-4b7e-9f13-2a8c4e6b1d07");
        assertThat(event.resourceVersion()).isEqualTo("1849302");
    }

    @Test
    void decodesKubectlEventDroppingOnlyManagedFields() {
        ObjectNode k8sEvent = tree(EVENT_FIXTURE);

        WatchEvent event = decode(watchEventJson("ADDED", T0, k8sEvent));

        ObjectNode expected = k8sEvent.deepCopy();
        ((ObjectNode) expected.get("metadata")).remove("managedFields");
        assertThat(event.object()).isEqualTo(expected);
        assertThat(event.object().path("eventTime").isNull()).isTrue();
        assertThat(event.object().path("count").asInt()).isEqualTo(14);
    }

    @Test
    void keysAnEventByTheObjectItIsAbout() {
        WatchEvent event = decode(watchEventJson("ADDED", T0, tree(EVENT_FIXTURE)));

        assertThat(event.name()).isEqualTo("cart-7f9c5d8b6-x2x4k.187a3f2c9d1e4b60");
        assertThat(event.key()).isEqualTo(CART_POD_KEY);
    }

    @Test
    void keysAnEventWithoutInvolvedNamespaceByItsOwnNamespace() {
        ObjectNode k8sEvent = tree(EVENT_FIXTURE);
        ((ObjectNode) k8sEvent.get("involvedObject")).remove("namespace");

        assertThat(decode(watchEventJson("ADDED", T0, k8sEvent)).key()).isEqualTo(CART_POD_KEY);
    }

    @Test
    void keysAnEventAboutANodeByTheNodeName() {
        ObjectNode k8sEvent = tree(EVENT_FIXTURE);
        ((ObjectNode) k8sEvent.get("metadata")).put("namespace", "");
        ObjectNode involved = (ObjectNode) k8sEvent.get("involvedObject");
        involved.removeAll();
        involved.put("kind", "Node").put("name", "skippy-worker2").put("uid", "skippy-worker2");

        assertThat(decode(watchEventJson("ADDED", T0, k8sEvent)).key()).isEqualTo("skippy-worker2");
    }

    @Test
    void keysAClusterScopedObjectByName() {
        ObjectNode node = Json.mapper().createObjectNode();
        node.put("apiVersion", "v1").put("kind", "Node");
        node.putObject("metadata").put("name", "skippy-worker2");

        assertThat(decode(watchEventJson("MODIFIED", T0, node)).key()).isEqualTo("skippy-worker2");
    }

    @Test
    void keepsADeletedPodAsAnEventNotATombstone() {
        Decoded<WatchEvent> decoded =
                codec.decode(
                        "skippy.pods",
                        0,
                        1,
                        null,
                        toBytes(watchEventJson("DELETED", T0, tree(POD_FIXTURE))));

        assertThat(valueOf(decoded).type()).isEqualTo(WatchEvent.Type.DELETED);
        assertThat(valueOf(decoded).key()).isEqualTo(CART_POD_KEY);
    }

    @Test
    void doesNotChangeTheObjectItWasGiven() {
        ObjectNode pod = tree(POD_FIXTURE);

        WatchEvent event = new WatchEvent(WatchEvent.Type.ADDED, T0, pod);

        assertThat(pod.path("metadata").has("managedFields")).isTrue();
        assertThat(event.object().path("metadata").has("managedFields")).isFalse();
    }

    @Test
    void refusesAnObjectWithoutMetadataOrName() {
        ObjectNode noMetadata = Json.mapper().createObjectNode().put("kind", "Pod");
        ObjectNode noName = noMetadata.deepCopy();
        noName.putObject("metadata").put("namespace", "shop");

        assertThatThrownBy(() -> new WatchEvent(WatchEvent.Type.ADDED, T0, noMetadata))
                .hasMessage("object.metadata is required");
        assertThatThrownBy(() -> new WatchEvent(WatchEvent.Type.ADDED, T0, noName))
                .hasMessage("object.metadata.name is required");
        assertThatThrownBy(() -> new WatchEvent(null, T0, tree(POD_FIXTURE)))
                .hasMessage("type is required (ADDED, MODIFIED or DELETED)");
    }

    private WatchEvent decode(ObjectNode json) {
        return valueOf(codec.decode("skippy.pods", 0, 0, null, toBytes(json)));
    }
}
