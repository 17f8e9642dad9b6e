package io.kubeskippy.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubeskippy.model.record.WatchEvent;
import io.kubeskippy.model.serde.Decoded;
import io.kubeskippy.model.serde.Json;
import io.kubeskippy.model.serde.RecordCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Map;

/** Realistic examples of every record, from {@code src/test/resources}, and time fixtures. */
public final class RecordFixtures {

    /** The time the examples are seen at; the examples' own times lie shortly before it. */
    public static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    public static final Clock CLOCK_AT_T0 = Clock.fixed(T0, ZoneOffset.UTC);

    /** The pod of {@code kubectl/pod-cart.json}; the event is about it too. */
    public static final String CART_POD_KEY = "shop/cart-7f9c5d8b6-x2x4k";

    public static final String POD_FIXTURE = "kubectl/pod-cart.json";
    public static final String EVENT_FIXTURE = "kubectl/event-backoff.json";

    private RecordFixtures() {}

    /** A codec like the production one, but whose dead letters are stamped {@link #T0}. */
    public static <T> RecordCodec<T> codecAtT0(Class<T> type) {
        return new RecordCodec<>(type, RecordCodec.DEFAULT_MAX_RECORD_BYTES, CLOCK_AT_T0);
    }

    public static byte[] bytes(String resource) {
        try (InputStream in = RecordFixtures.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String resource) {
        return new String(bytes(resource), StandardCharsets.UTF_8);
    }

    public static ObjectNode tree(String resource) {
        return (ObjectNode) parse(bytes(resource));
    }

    public static JsonNode parse(byte[] json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A {@code kubectl get ... -o json} item wrapped as a watch event, the way a replay file holds
     * it.
     */
    public static ObjectNode watchEventJson(String type, Instant observedAt, JsonNode object) {
        ObjectNode event = Json.mapper().createObjectNode();
        event.put("type", type);
        event.put("observedAt", observedAt.toString());
        event.set("object", object.deepCopy());
        return event;
    }

    public static WatchEvent watchEventOf(String kubectlResource) {
        byte[] json = toBytes(watchEventJson("ADDED", T0, tree(kubectlResource)));
        return valueOf(RecordCodec.watchEvents().decode("fixture", -1, -1, null, json));
    }

    public static byte[] toBytes(JsonNode node) {
        try {
            return Json.mapper().writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The decoded value; fails with the dead letter's reason if there is none. */
    public static <T> T valueOf(Decoded<T> decoded) {
        if (decoded instanceof Decoded.Value<T> value) {
            return value.value();
        }
        throw new AssertionError("expected a value, got " + decoded);
    }

    /**
     * True when every field of {@code expected} is in {@code actual} with an equal value (objects
     * compared recursively, arrays element by element), i.e. writing dropped nothing.
     */
    public static boolean containsAll(JsonNode actual, JsonNode expected) {
        if (expected.isObject()) {
            if (!actual.isObject()) {
                return false;
            }
            Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode other = actual.get(field.getKey());
                if (other == null || !containsAll(other, field.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isArray()) {
            if (!actual.isArray() || actual.size() != expected.size()) {
                return false;
            }
            for (int i = 0; i < expected.size(); i++) {
                if (!containsAll(actual.get(i), expected.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return expected.equals(actual);
    }
}
