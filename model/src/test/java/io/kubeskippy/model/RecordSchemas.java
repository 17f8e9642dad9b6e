package io.kubeskippy.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.DeadLetter;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.MetricSample;
import io.kubeskippy.model.record.WatchEvent;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The published JSON Schemas ({@code model/src/main/resources/schemas}), resolved from the
 * classpath by their {@code $id}, with {@code format} asserted (not only annotated).
 */
public final class RecordSchemas {

    public static final String BASE = "https://kubeskippy.io/schemas/";

    /** Each record and the file name of its schema. */
    public static final Map<Class<?>, String> FILES =
            Map.of(
                    MetricSample.class, "metric-sample.schema.json",
                    WatchEvent.class, "watch-event.schema.json",
                    Finding.class, "finding.schema.json",
                    HealingAction.class, "healing-action.schema.json",
                    ActionOutcome.class, "action-outcome.schema.json",
                    DeadLetter.class, "dead-letter.schema.json");

    private static final SchemaValidatorsConfig CONFIG =
            SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    private static final JsonSchemaFactory FACTORY =
            JsonSchemaFactory.getInstance(
                    SpecVersion.VersionFlag.V202012,
                    builder ->
                            builder.schemaMappers(
                                    mappers -> mappers.mapPrefix(BASE, "classpath:schemas/")));

    private RecordSchemas() {}

    public static JsonSchema of(Class<?> record) {
        return FACTORY.getSchema(SchemaLocation.of(BASE + FILES.get(record)), CONFIG);
    }

    public static String resource(Class<?> record) {
        return "schemas/" + FILES.get(record);
    }

    /** The schema's complaints about {@code json}, one readable line each; empty when valid. */
    public static List<String> errors(Class<?> record, JsonNode json) {
        Set<ValidationMessage> messages = of(record).validate(json);
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    /** The 2020-12 meta-schema's complaints about a schema document. */
    public static List<String> metaSchemaErrors(JsonNode schema) {
        return FACTORY
                .getSchema(SchemaLocation.of(SchemaId.V202012), CONFIG)
                .validate(schema)
                .stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .collect(Collectors.toList());
    }
}
