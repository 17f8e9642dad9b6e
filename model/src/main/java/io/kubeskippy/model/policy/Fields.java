package io.kubeskippy.model.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeskippy.model.policy.Diagnostic.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The keys of one YAML mapping, read with their types checked. Unknown keys are reported when the
 * mapping is opened; each getter reports its own problem and returns null, so reading goes on and
 * every error of a file is found in one pass.
 */
final class Fields {

    private final PolicyReader.Context ctx;
    private final String path;
    private final JsonNode node;

    private Fields(PolicyReader.Context ctx, String path, JsonNode node) {
        this.ctx = ctx;
        this.path = path;
        this.node = node;
    }

    /**
     * Opens the mapping at {@code path}; reports a non-mapping value and every key not in {@code
     * allowed}. Returns null if {@code node} is not a mapping.
     */
    static Fields open(PolicyReader.Context ctx, String path, JsonNode node, String... allowed) {
        if (node == null || !node.isObject()) {
            ctx.error(path, "must be a mapping" + expected(allowed));
            return null;
        }
        Set<String> known = new LinkedHashSet<>(Arrays.asList(allowed));
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                String keyPath = join(path, name);
                ctx.diagnostics.add(
                        new Diagnostic(
                                Severity.ERROR,
                                ctx.source,
                                ctx.line(keyPath),
                                keyPath,
                                "unknown key" + expected(allowed)));
            }
        }
        return new Fields(ctx, path, node);
    }

    private static String expected(String... allowed) {
        return allowed.length == 0 ? "" : "; expected one of: " + String.join(", ", allowed);
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    String path() {
        return path;
    }

    String path(String key) {
        return join(path, key);
    }

    PolicyReader.Context ctx() {
        return ctx;
    }

    boolean has(String key) {
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    JsonNode raw(String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : value;
    }

    private JsonNode present(String key, boolean required, String hint) {
        JsonNode value = raw(key);
        if (value == null && required) {
            ctx.error(path(key), "is required" + (hint == null ? "" : ", e.g. " + hint));
        }
        return value;
    }

    String string(String key, boolean required) {
        return string(key, required, null);
    }

    String string(String key, boolean required, String hint) {
        JsonNode value = present(key, required, hint);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            ctx.error(path(key), "must be a string, got " + describe(value));
            return null;
        }
        if (value.asText().isBlank()) {
            ctx.error(path(key), "must not be empty" + (hint == null ? "" : ", e.g. " + hint));
            return null;
        }
        return value.asText();
    }

    Integer integer(String key, boolean required, int min, int max) {
        JsonNode value = present(key, required, null);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            ctx.error(path(key), "must be a whole number, got " + describe(value));
            return null;
        }
        int v = value.asInt();
        if (v < min || v > max) {
            ctx.error(path(key), "must be within " + min + ".." + max + ", got " + v);
            return null;
        }
        return v;
    }

    Double number(String key, boolean required) {
        JsonNode value = present(key, required, null);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            ctx.error(path(key), "must be a number, got " + describe(value));
            return null;
        }
        double v = value.asDouble();
        if (!Double.isFinite(v)) {
            ctx.error(path(key), "must be a finite number, got " + value.asText());
            return null;
        }
        return v;
    }

    Double fraction(String key, boolean required) {
        Double v = number(key, required);
        if (v != null && (v < 0 || v > 1)) {
            ctx.error(path(key), "must be within 0..1, got " + v);
            return null;
        }
        return v;
    }

    Boolean bool(String key) {
        JsonNode value = raw(key);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            ctx.error(path(key), "must be true or false, got " + describe(value));
            return null;
        }
        return value.asBoolean();
    }

    /** A duration > 0 (or >= 0 when {@code allowZero}). */
    Duration duration(String key, boolean required, boolean allowZero, String example) {
        JsonNode value = present(key, required, example);
        if (value == null) {
            return null;
        }
        String rule = "must be a duration " + (allowZero ? ">= 0" : "> 0") + ", e.g. " + example;
        if (value.isNumber()) {
            // 300 is not 300s: Kubernetes durations always carry a unit
            boolean fixable = value.asDouble() > 0 || (allowZero && value.asDouble() == 0);
            ctx.error(
                    path(key),
                    rule
                            + " (got the number "
                            + value.asText()
                            + (fixable ? "; add a unit: '" + value.asText() + "s')" : ")"));
            return null;
        }
        if (!value.isTextual()) {
            ctx.error(path(key), rule + " (got " + describe(value) + ")");
            return null;
        }
        try {
            Duration d = Durations.parse(value.asText());
            if (!allowZero && d.isZero()) {
                ctx.error(path(key), rule + " (got '" + value.asText() + "')");
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            ctx.error(path(key), rule + " (got '" + value.asText() + "')");
            return null;
        }
    }

    /** A Kubernetes quantity, written as a string ({@code 512Mi}) or a plain number. */
    Quantity quantity(String key, boolean required, String example) {
        JsonNode value = present(key, required, example);
        if (value == null) {
            return null;
        }
        if (!value.isTextual() && !value.isNumber()) {
            ctx.error(
                    path(key),
                    "must be a quantity such as " + example + ", got " + describe(value));
            return null;
        }
        try {
            return Quantity.parse(value.asText());
        } catch (IllegalArgumentException e) {
            ctx.error(
                    path(key),
                    "must be a quantity such as " + example + ", got '" + value.asText() + "'");
            return null;
        }
    }

    /** One of the given wire names. */
    <E> E choice(String key, boolean required, Map<String, E> choices) {
        JsonNode value = present(key, required, null);
        if (value == null) {
            if (required) {
                // "is required" was reported; say what the choices are too
                ctx.diagnostics.set(
                        ctx.diagnostics.size() - 1,
                        new Diagnostic(
                                Severity.ERROR,
                                ctx.source,
                                ctx.line(path(key)),
                                path(key),
                                "is required: one of " + String.join(", ", choices.keySet())));
            }
            return null;
        }
        E e = value.isTextual() ? choices.get(value.asText()) : null;
        if (e == null) {
            ctx.error(
                    path(key),
                    "must be one of "
                            + String.join(", ", choices.keySet())
                            + ", got "
                            + describe(value));
        }
        return e;
    }

    List<String> strings(String key, boolean required) {
        List<JsonNode> items = list(key, required, required ? 1 : 0);
        if (items == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.isTextual() || item.asText().isBlank()) {
                ctx.error(
                        path(key) + "[" + i + "]",
                        "must be a non-empty string, got " + describe(item));
            } else {
                out.add(item.asText());
            }
        }
        return out;
    }

    Map<String, String> stringMap(String key) {
        JsonNode value = raw(key);
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            ctx.error(path(key), "must be a mapping of strings, got " + describe(value));
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        value.fields()
                .forEachRemaining(
                        e -> {
                            if (e.getValue().isTextual()) {
                                out.put(e.getKey(), e.getValue().asText());
                            } else {
                                ctx.error(
                                        path(key) + "." + e.getKey(),
                                        "must be a string, got "
                                                + describe(e.getValue())
                                                + " (quote it: \""
                                                + e.getValue().asText()
                                                + "\")");
                            }
                        });
        return out;
    }

    /** The items of a list with at least {@code minItems} items, or null. */
    List<JsonNode> list(String key, boolean required, int minItems) {
        JsonNode value = present(key, required, null);
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            ctx.error(path(key), "must be a list, got " + describe(value));
            return null;
        }
        if (value.size() < minItems) {
            ctx.error(
                    path(key),
                    "must have at least " + minItems + (minItems == 1 ? " item" : " items"));
            return null;
        }
        List<JsonNode> out = new ArrayList<>();
        value.forEach(out::add);
        return out;
    }

    /** Reads each item of a list with {@code reader(itemPath, item)}, keeping non-null results. */
    <T> List<T> each(String key, boolean required, int minItems, ItemReader<T> reader) {
        List<JsonNode> items = list(key, required, minItems);
        if (items == null) {
            return null;
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            T t = reader.read(path(key) + "[" + i + "]", items.get(i));
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Opens the nested mapping at {@code key}; null if absent (reported if required) or not a
     * mapping.
     */
    Fields object(String key, boolean required, String... allowed) {
        JsonNode value = present(key, required, null);
        if (value == null) {
            return null;
        }
        return open(ctx, path(key), value, allowed);
    }

    /** Reads one list item. */
    interface ItemReader<T> {
        T read(String path, JsonNode item);
    }

    static String describe(JsonNode value) {
        if (value.isTextual()) {
            return "'" + value.asText() + "'";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        return value.toString();
    }

    static <E extends Enum<E>> Map<String, E> wireNames(Class<E> type, Function<E, String> name) {
        Map<String, E> out = new LinkedHashMap<>();
        for (E e : type.getEnumConstants()) {
            out.put(name.apply(e), e);
        }
        return out;
    }
}
