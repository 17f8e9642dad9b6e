package io.kubeskippy.model;

import static io.kubeskippy.model.RecordFixtures.T0;
import static io.kubeskippy.model.RecordFixtures.toBytes;
import static io.kubeskippy.model.RecordFixtures.tree;
import static io.kubeskippy.model.RecordFixtures.watchEventJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.DeadLetter;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.MetricSample;
import io.kubeskippy.model.record.WatchEvent;
import io.kubeskippy.model.serde.Decoded;
import io.kubeskippy.model.serde.RecordCodec;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The published JSON Schemas are valid, and say what the records say, field for field. */
class RecordSchemasTest {

    /** Nested records that deliberately accept more than they keep. */
    private static final Set<Class<?>> OPEN_NESTED = Set.of(HealingAction.Metadata.class);

    static Stream<Class<?>> records() {
        return RecordSchemas.FILES.keySet().stream()
                .sorted(java.util.Comparator.comparing(Class::getSimpleName));
    }

    @ParameterizedTest
    @MethodSource("records")
    void isAValidDraft202012SchemaWithIdTitleAndDescription(Class<?> record) {
        JsonNode schema = tree(RecordSchemas.resource(record));

        assertThat(RecordSchemas.metaSchemaErrors(schema)).isEmpty();
        assertThat(schema.path("$schema").asText())
                .isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.path("$id").asText())
                .isEqualTo(RecordSchemas.BASE + RecordSchemas.FILES.get(record));
        assertThat(schema.path("title").asText()).isEqualTo(record.getSimpleName());
        assertThat(schema.path("description").asText()).hasSizeGreaterThan(40);
    }

    @ParameterizedTest
    @MethodSource("records")
    void describesEveryFieldRequiredFieldAndEnumOfTheRecord(Class<?> record) {
        JsonNode schema = tree(RecordSchemas.resource(record));
        List<String> problems = new ArrayList<>();

        compare(record, schema, schema, "$", problems);

        assertThat(problems).isEmpty();
    }

    @Test
    void allowsUnknownTopLevelFieldsExactlyWhereTheRecordKeepsThem() {
        for (Class<?> record : RecordSchemas.FILES.keySet()) {
            JsonNode schema = tree(RecordSchemas.resource(record));
            assertThat(schema.path("additionalProperties").asBoolean(true))
                    .as("%s additionalProperties", record.getSimpleName())
                    .isEqualTo(anySetter(record) != null);
        }
        assertThat(anySetter(MetricSample.class)).isNotNull();
        assertThat(anySetter(WatchEvent.class)).isNotNull();
        assertThat(anySetter(HealingAction.class)).isNotNull();
    }

    @Test
    void acceptsAnUnknownTopLevelFieldOnlyWhereItIsKept() {
        ObjectNode sample = tree("records/metric-sample-memory.json");
        sample.put("exemplarTraceId", "4bf92f3577b34da6a3ce929d0e0e4736");
        ObjectNode finding = tree("records/finding-growth.json");
        finding.put("exemplarTraceId", "4bf92f3577b34da6a3ce929d0e0e4736");

        assertThat(RecordSchemas.errors(MetricSample.class, sample)).isEmpty();
        assertThat(RecordSchemas.errors(Finding.class, finding))
                .singleElement()
                .asString()
                .contains("exemplarTraceId");
    }

    static Stream<Arguments> invalidRecords() {
        return Stream.of(
                invalid(
                        "metric sample without value",
                        MetricSample.class,
                        "records/metric-sample-memory.json",
                        s -> s.remove("value"),
                        "value"),
                invalid(
                        "metric sample with timestampMs as a string",
                        MetricSample.class,
                        "records/metric-sample-memory.json",
                        s -> s.put("timestampMs", "1795341300000"),
                        "timestampMs"),
                invalid(
                        "metric sample with labels as an array",
                        MetricSample.class,
                        "records/metric-sample-counter.json",
                        s -> s.putArray("labels").add("namespace=shop"),
                        "labels"),
                invalid(
                        "watch event of type BOOKMARK",
                        WatchEvent.class,
                        null,
                        e -> e.put("type", "BOOKMARK"),
                        "type"),
                invalid(
                        "watch event seen 'yesterday'",
                        WatchEvent.class,
                        null,
                        e -> e.put("observedAt", "yesterday"),
                        "observedAt"),
                invalid(
                        "watch event seen at epoch milliseconds",
                        WatchEvent.class,
                        null,
                        e -> e.put("observedAt", 1795341300000L),
                        "observedAt"),
                invalid(
                        "watch event of an object without a name",
                        WatchEvent.class,
                        null,
                        e -> ((ObjectNode) e.path("object").path("metadata")).remove("name"),
                        "name"),
                invalid(
                        "finding without detectedAt",
                        Finding.class,
                        "records/finding-growth.json",
                        f -> f.remove("detectedAt"),
                        "detectedAt"),
                invalid(
                        "finding with an object as evidence",
                        Finding.class,
                        "records/finding-growth.json",
                        f -> f.with("evidence").putObject("window").put("minutes", 20),
                        "window"),
                invalid(
                        "healing action of another API version",
                        HealingAction.class,
                        "records/healing-action-restart.json",
                        a -> a.put("apiVersion", "kubeskippy.io/v1"),
                        "apiVersion"),
                invalid(
                        "healing action named with capitals and underscores",
                        HealingAction.class,
                        "records/healing-action-restart.json",
                        a -> a.with("metadata").put("name", "Restart_Cart"),
                        "name"),
                invalid(
                        "healing action without spec.action",
                        HealingAction.class,
                        "records/healing-action-restart.json",
                        a -> a.with("spec").remove("action"),
                        "action"),
                invalid(
                        "healing action of type reboot",
                        HealingAction.class,
                        "records/healing-action-restart.json",
                        a -> a.with("spec").with("action").put("type", "reboot"),
                        "type"),
                invalid(
                        "enrichment with confidence 1.5",
                        HealingAction.class,
                        "records/healing-action-restart.json",
                        a -> a.with("spec").with("enrichment").put("confidence", 1.5),
                        "confidence"),
                invalid(
                        "enrichment by nobody with a confidence",
                        HealingAction.class,
                        "records/healing-action-scale-dryrun.json",
                        a -> a.with("spec").with("enrichment").put("confidence", 0.9),
                        "confidence"),
                invalid(
                        "action outcome of phase Done",
                        ActionOutcome.class,
                        "records/action-outcome-succeeded.json",
                        o -> o.put("phase", "Done"),
                        "phase"),
                invalid(
                        "action outcome with changeType UPDATE",
                        ActionOutcome.class,
                        "records/action-outcome-succeeded.json",
                        o -> ((ObjectNode) o.path("changes").get(0)).put("changeType", "UPDATE"),
                        "changeType"),
                invalid(
                        "dead letter without reason",
                        DeadLetter.class,
                        "records/dead-letter-nan.json",
                        d -> d.remove("reason"),
                        "reason"),
                invalid(
                        "dead letter without partition",
                        DeadLetter.class,
                        "records/dead-letter-nan.json",
                        d -> d.remove("partition"),
                        "partition"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRecords")
    void schemaAndCodecBothRejectAnInvalidRecord(
            String name, Class<?> record, ObjectNode json, String field) {
        List<String> schemaErrors = RecordSchemas.errors(record, json);
        Decoded<?> decoded = RecordCodec.of(record).decode("test", -1, -1, null, toBytes(json));

        assertThat(schemaErrors).isNotEmpty().anySatisfy(e -> assertThat(e).contains(field));
        assertThat(decoded)
                .isInstanceOfSatisfying(
                        Decoded.Invalid.class,
                        bad -> assertThat(bad.deadLetter().reason()).contains(field));
    }

    private static Arguments invalid(
            String name,
            Class<?> record,
            String resource,
            Consumer<ObjectNode> breakIt,
            String field) {
        ObjectNode json =
                resource == null
                        ? watchEventJson("ADDED", T0, tree(RecordFixtures.POD_FIXTURE))
                        : tree(resource);
        breakIt.accept(json);
        return arguments(name, record, json, field);
    }

    /** Compares a record's JSON view with the schema object describing it, recursively. */
    private static void compare(
            Class<?> record, JsonNode node, JsonNode root, String at, List<String> problems) {
        JsonNode schema = resolve(node, root);
        Set<String> names = new TreeSet<>();
        Set<String> required = new TreeSet<>();
        for (RecordComponent component : record.getRecordComponents()) {
            Field field = field(record, component.getName());
            if (field.isAnnotationPresent(JsonAnySetter.class)) {
                continue;
            }
            names.add(component.getName());
            if (isRequired(field)) {
                required.add(component.getName());
            }
        }
        Set<String> described = new TreeSet<>();
        schema.path("properties").fieldNames().forEachRemaining(described::add);
        Set<String> schemaRequired = new TreeSet<>();
        schema.path("required").forEach(r -> schemaRequired.add(r.asText()));
        if (!names.equals(described)) {
            problems.add(at + " properties " + described + " but " + record + " has " + names);
        }
        if (!required.equals(schemaRequired)) {
            problems.add(at + " requires " + schemaRequired + " but the record needs " + required);
        }
        boolean open = schema.path("additionalProperties").asBoolean(true);
        boolean keepsUnknown = anySetter(record) != null || OPEN_NESTED.contains(record);
        if (!at.equals("$") && open != keepsUnknown) {
            problems.add(at + " additionalProperties is " + open + " for " + record);
        }
        for (RecordComponent component : record.getRecordComponents()) {
            JsonNode property = schema.path("properties").path(component.getName());
            if (property.isMissingNode()) {
                continue;
            }
            String path = at + "." + component.getName();
            Class<?> type = component.getType();
            if (type.isEnum()) {
                compareEnum(type, resolve(property, root), path, problems);
            } else if (type.isRecord()) {
                compare(type, property, root, path, problems);
            } else if (List.class.isAssignableFrom(type)) {
                Class<?> element = typeArgument(component.getGenericType());
                JsonNode items = resolve(property, root).path("items");
                if (element != null && element.isRecord()) {
                    compare(element, items, root, path + "[]", problems);
                } else if (element == String.class
                        && !"string".equals(resolve(items, root).path("type").asText())) {
                    problems.add(path + " items must be strings");
                }
            }
        }
    }

    private static void compareEnum(
            Class<?> type, JsonNode property, String at, List<String> problems) {
        Set<String> spellings = new LinkedHashSet<>();
        for (Object constant : type.getEnumConstants()) {
            String name = ((Enum<?>) constant).name();
            JsonProperty renamed = field(type, name).getAnnotation(JsonProperty.class);
            spellings.add(renamed == null ? name : renamed.value());
        }
        Set<String> described = new LinkedHashSet<>();
        property.path("enum").forEach(v -> described.add(v.asText()));
        if (!spellings.equals(described)) {
            problems.add(at + " enum " + described + " but " + type + " reads " + spellings);
        }
    }

    /**
     * Required as the decoder enforces it: {@code @JsonProperty(required = true)}, or a primitive
     * that may not be absent (null) unless it says how to read a null.
     */
    private static boolean isRequired(Field field) {
        JsonProperty property = field.getAnnotation(JsonProperty.class);
        if (property != null && property.required()) {
            return true;
        }
        JsonSetter setter = field.getAnnotation(JsonSetter.class);
        boolean nullable = setter != null && setter.nulls() != Nulls.DEFAULT;
        return field.getType().isPrimitive() && !nullable;
    }

    private static JsonNode resolve(JsonNode node, JsonNode root) {
        JsonNode current = node;
        while (current.has("$ref")) {
            String ref = current.get("$ref").asText();
            assertThat(ref).startsWith("#/");
            current = root.at(ref.substring(1));
            assertThat(current.isMissingNode()).as("%s resolves", ref).isFalse();
        }
        return current;
    }

    private static Field anySetter(Class<?> record) {
        for (Field field : record.getDeclaredFields()) {
            if (field.isAnnotationPresent(JsonAnySetter.class)) {
                return field;
            }
        }
        return null;
    }

    private static Field field(Class<?> type, String name) {
        try {
            return type.getDeclaredField(name);
        } catch (NoSuchFieldException e) {
            throw new AssertionError(type + " has no field " + name, e);
        }
    }

    private static Class<?> typeArgument(Type type) {
        if (type instanceof ParameterizedType parameterized
                && parameterized.getActualTypeArguments()[0] instanceof Class<?> element) {
            return element;
        }
        return null;
    }
}
