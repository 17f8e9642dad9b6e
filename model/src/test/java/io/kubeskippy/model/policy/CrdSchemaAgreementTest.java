package io.kubeskippy.model.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.serde.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The CRDs in {@code flink-deployment/crds/} agree with the reader and the records.
 *
 * <p>The CRD's {@code openAPIV3Schema} becomes a draft-4 JSON Schema (OpenAPI 3.0's dialect: a
 * boolean {@code exclusiveMinimum}) the way kubectl's strict field validation applies it: an object
 * with {@code properties} takes no other key unless it says {@code
 * x-kubernetes-preserve-unknown-fields}; {@code x-kubernetes-*} keys and {@code nullable} are
 * dropped ({@code x-kubernetes-int-or-string} is already spelled out as {@code anyOf: [integer,
 * string]}). Documents are read with the reader's own YAML layer ({@link YamlTree}), so the schema
 * and the reader judge the same tree; a file that is not YAML (or repeats a key) counts as
 * rejected, as kubectl rejects it before any schema.
 */
class CrdSchemaAgreementTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonSchemaFactory FACTORY =
            JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
    private static final SchemaValidatorsConfig CONFIG =
            SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    private static final JsonNode POLICY_CRD = crd("healingpolicy.yaml");
    private static final JsonNode ACTION_CRD = crd("healingaction.yaml");
    private static final JsonSchema POLICY_SCHEMA = jsonSchema(POLICY_CRD);
    private static final JsonSchema ACTION_SCHEMA = jsonSchema(ACTION_CRD);

    // ------------------------------------------------------------------ the CRDs themselves

    @Test
    void crdsServeOneStoredVersionWithShortNamesAndAStatusSubresource() {
        for (var e :
                Map.of(
                                POLICY_CRD, List.of("healingpolicies", "HealingPolicy", "hp"),
                                ACTION_CRD, List.of("healingactions", "HealingAction", "ha"))
                        .entrySet()) {
            JsonNode crd = e.getKey();
            List<String> names = e.getValue();
            assertThat(crd.path("apiVersion").asText()).isEqualTo("apiextensions.k8s.io/v1");
            assertThat(crd.path("kind").asText()).isEqualTo("CustomResourceDefinition");
            assertThat(crd.at("/metadata/name").asText())
                    .isEqualTo(names.get(0) + ".kubeskippy.io");
            assertThat(crd.at("/spec/group").asText()).isEqualTo("kubeskippy.io");
            assertThat(crd.at("/spec/names/plural").asText()).isEqualTo(names.get(0));
            assertThat(crd.at("/spec/names/kind").asText()).isEqualTo(names.get(1));
            assertThat(crd.at("/spec/names/shortNames"))
                    .extracting(JsonNode::asText)
                    .containsExactly(names.get(2));
            JsonNode versions = crd.at("/spec/versions");
            assertThat(versions).hasSize(1);
            JsonNode v = versions.get(0);
            assertThat(v.path("name").asText()).isEqualTo("v1alpha1");
            assertThat(v.path("served").asBoolean()).isTrue();
            assertThat(v.path("storage").asBoolean()).isTrue();
            assertThat(v.at("/subresources/status").isObject()).isTrue();
        }
    }

    @Test
    void printerColumnsPointAtFieldsOfTheSchema() {
        for (JsonNode crd : List.of(POLICY_CRD, ACTION_CRD)) {
            JsonNode version = crd.at("/spec/versions/0");
            JsonNode columns = version.path("additionalPrinterColumns");
            assertThat(columns).isNotEmpty();
            for (JsonNode column : columns) {
                String path = column.path("jsonPath").asText();
                assertThat(path).startsWith(".");
                if (path.startsWith(".metadata.")) {
                    continue; // ObjectMeta is not in a CRD's schema
                }
                JsonNode schema = version.at("/schema/openAPIV3Schema");
                for (String key : path.substring(1).split("\\.")) {
                    schema = schema.path("properties").path(key);
                }
                assertThat(schema.isMissingNode())
                        .as("column %s: %s is not in the schema", column.path("name"), path)
                        .isFalse();
            }
        }
    }

    @Test
    void crdSchemasAreStructural() {
        for (JsonNode crd : List.of(POLICY_CRD, ACTION_CRD)) {
            List<String> problems = new ArrayList<>();
            JsonNode root = openApi(crd);
            structural(root, "", problems);
            assertThat(root.at("/properties/metadata"))
                    .as("root metadata may only be {type: object}")
                    .isEqualTo(YAML.createObjectNode().put("type", "object"));
            assertThat(problems).as(crd.at("/metadata/name").asText()).isEmpty();
        }
    }

    @Test
    void healingActionTakesThePolicysActionTemplateUnchanged() {
        ObjectNode template =
                ((ObjectNode) openApi(POLICY_CRD).at("/properties/spec/properties/actions/items"))
                        .deepCopy();
        ObjectNode action =
                ((ObjectNode) openApi(ACTION_CRD).at("/properties/spec/properties/action"))
                        .deepCopy();
        template.remove("description");
        action.remove("description");
        assertThat(action).isEqualTo(template);
    }

    // ------------------------------------------------------------------ HealingPolicy

    @TestFactory
    Stream<DynamicTest> shippedAndGoodPoliciesAreValidUnderTheSchema() {
        List<Fixture> files =
                Fixture.under("policies").stream()
                        .filter(f -> !f.name().startsWith("policies/testdata/bad/"))
                        .filter(f -> !f.name().startsWith("policies/tests/"))
                        .toList();
        assertThat(files).extracting(Fixture::name).anyMatch(n -> n.contains("/good/"));
        return files.stream()
                .map(
                        f ->
                                dynamicTest(
                                        f.name(),
                                        () -> {
                                            List<JsonNode> policies = policyDocuments(f);
                                            assertThat(policies).isNotEmpty();
                                            for (JsonNode policy : policies) {
                                                assertThat(errors(POLICY_SCHEMA, policy))
                                                        .as("%s under the CRD schema", f)
                                                        .isEmpty();
                                            }
                                        }));
    }

    @TestFactory
    Stream<DynamicTest> badFixturesAreRejectedByTheSchemaExactlyWhenMarkedSo() {
        return Fixture.bad().stream()
                .map(
                        f ->
                                dynamicTest(
                                        f.name() + " (crd: " + f.crd() + ")",
                                        () -> {
                                            assertThat(f.crd())
                                                    .isNotEqualTo(Fixture.Crd.UNSPECIFIED);
                                            List<String> errors = schemaErrors(f);
                                            if (f.crd() == Fixture.Crd.REJECT) {
                                                assertThat(errors)
                                                        .as(
                                                                "%s is marked 'crd: reject' but the schema accepts it",
                                                                f)
                                                        .isNotEmpty();
                                            } else {
                                                assertThat(errors)
                                                        .as(
                                                                "%s is marked 'crd: accept' but the schema rejects it",
                                                                f)
                                                        .isEmpty();
                                            }
                                        }));
    }

    @Test
    void theSchemaDescribesExactlyTheKeysTheReaderAccepts() throws Exception {
        // Put an unknown key into every mapping of every good policy: the reader's error lists
        // the keys it accepts there, which must be the schema's properties at that place.
        JsonNode schema = openApi(POLICY_CRD);
        Set<String> checked = new TreeSet<>();
        for (Fixture f : Fixture.good()) {
            for (JsonNode policy : policyDocuments(f)) {
                for (Place place : mappings(policy, schema)) {
                    ObjectNode copy = policy.deepCopy();
                    ((ObjectNode) copy.at(place.pointer())).put("zzUnknown", 1);
                    String keyPath = Fields.join(place.readerPath(), "zzUnknown");
                    Diagnostic unknown =
                            PolicyReader.readJson(f.name(), copy).diagnostics().stream()
                                    .filter(d -> d.path().equals(keyPath))
                                    .findFirst()
                                    .orElseThrow(
                                            () ->
                                                    new AssertionError(
                                                            f
                                                                    + ": the reader accepts an unknown key at "
                                                                    + keyPath));
                    String prefix = "unknown key; expected one of: ";
                    assertThat(unknown.message()).startsWith(prefix);
                    Set<String> readerKeys =
                            new TreeSet<>(
                                    List.of(
                                            unknown.message()
                                                    .substring(prefix.length())
                                                    .split(", ")));
                    Set<String> schemaKeys = new TreeSet<>();
                    place.schema()
                            .path("properties")
                            .fieldNames()
                            .forEachRemaining(schemaKeys::add);
                    assertThat(schemaKeys)
                            .as("%s (%s): schema keys vs reader keys", place.schemaPath(), f)
                            .isEqualTo(readerKeys);
                    checked.add(place.schemaPath());
                }
            }
        }
        // and every mapping of the schema was checked by some good fixture
        Set<String> mappingsOfSchema = new TreeSet<>();
        schemaPaths(schema, "", mappingsOfSchema, true);
        assertThat(checked).containsAll(mappingsOfSchema);
    }

    @Test
    void everyKeyOfTheSchemaIsUsedByAGoodFixture() throws Exception {
        JsonNode schema = openApi(POLICY_CRD);
        Set<String> used = new TreeSet<>();
        for (Fixture f : Fixture.good()) {
            for (JsonNode policy : policyDocuments(f)) {
                keyPaths(policy, schema, "", used);
            }
        }
        Set<String> described = new TreeSet<>();
        schemaPaths(schema, "", described, false);
        assertThat(used).containsAll(described);
    }

    // ------------------------------------------------------------------ HealingAction

    static final String HEALING_ACTION =
            """
            apiVersion: kubeskippy.io/v1alpha1
            kind: HealingAction
            metadata:
              name: memory-leak-trend-cart-7f9c5d8b6-x2x4k-3f1c0a9e7b2d
              namespace: kubeskippy-system
              labels:
                kubeskippy.io/policy: memory-leak-trend
            spec:
              policyRef:
                name: memory-leak-trend
                namespace: kubeskippy-system
                uid: 1f6a8e3c-2d9b-4c07-b5e4-9a3d7c1f0e68
              targetResource:
                apiVersion: apps/v1
                kind: Deployment
                namespace: shop
                name: cart
                uid: 5c3e8f21-6d0a-4b7e-9f13-2a8c4e6b1d07
              action:
                name: more-memory
                type: patch
                priority: 40
                requiresApproval: false
                patchAction:
                  type: strategic
                  resources:
                    container: app
                    memory: {min: 256Mi, max: 2Gi, factor: 1.5}
              approvalRequired: false
              dryRun: false
              timeout: 10m
              retryPolicy: {maxAttempts: 3, backoffDelay: 30s, backoffMultiplier: 2.0}
              detection:
                findingId: memory-leak-trend/memory-growth/Deployment/shop/cart/1763805420000
                trigger: memory-growth
                pattern: growth
                firstEvidenceAt: "2026-11-22T09:12:00Z"
                detectedAt: "2026-11-22T09:57:00Z"
                evidence:
                  slope: 10922.7
                  r2: 0.97
                  projectedLimitAt: "2026-11-22T10:14:00Z"
                  limitBytes: 536870912
                  workload: true
              enrichment:
                source: ollama
                model: qwen2.5:3b
                confidence: 0.82
                summary: Working set grows 10.7 KiB/s and reaches the 512Mi limit in 17 minutes.
                reasoning: Linear growth with r2 0.97 since the last deploy; no traffic increase.
                rankedActions: [more-memory, restart]
                latencyMs: 1840
            status:
              phase: Succeeded
              startTime: "2026-11-22T09:57:02Z"
              completionTime: "2026-11-22T09:57:03Z"
              attempts: 1
              lastAttemptTime: "2026-11-22T09:57:02Z"
              result:
                success: true
                message: raised the memory limit of container app from 512Mi to 768Mi
                metrics: {durationMs: "412"}
                changes:
                  - resourceRef: {apiVersion: apps/v1, kind: Deployment, namespace: shop, name: cart}
                    changeType: patch
                    field: spec.template.spec.containers[app].resources.limits.memory
                    oldValue: 512Mi
                    newValue: 768Mi
                    timestamp: "2026-11-22T09:57:03Z"
              approval: {required: false, approved: true, approvedBy: kubeskippy-actuator, approvedAt: "2026-11-22T09:57:01Z", reason: automatic mode}
              conditions:
                - type: Completed
                  status: "True"
                  reason: Patched
                  lastTransitionTime: "2026-11-22T09:57:03Z"
              observedGeneration: 1
            """;

    @Test
    void aRealisticHealingActionIsValidUnderTheSchema() throws Exception {
        JsonNode action = YAML.readTree(HEALING_ACTION);
        assertThat(errors(ACTION_SCHEMA, action)).isEmpty();
    }

    @Test
    void whatTheActuatorWritesIsValidUnderTheSchema() throws Exception {
        // the record as the actuator creates it: through the shared JSON configuration
        HealingAction record =
                Json.mapper().treeToValue(YAML.readTree(HEALING_ACTION), HealingAction.class);
        JsonNode written = Json.mapper().valueToTree(record);
        assertThat(errors(ACTION_SCHEMA, written)).isEmpty();

        // and a minimal one, with the record's defaults written out
        HealingAction minimal =
                new HealingAction(
                        HealingAction.Metadata.named("crashloop-healing-delete-pod-1", "shop"),
                        new HealingAction.Spec(
                                new HealingAction.PolicyRef("crashloop-healing", null, null),
                                io.kubeskippy.model.record.ResourceRef.pod("shop", "cart-0", null),
                                PolicyAction.restart("restart"),
                                false,
                                true,
                                null,
                                null,
                                null,
                                HealingAction.Enrichment.none("ai disabled")));
        assertThat(errors(ACTION_SCHEMA, Json.mapper().valueToTree(minimal))).isEmpty();
    }

    @Test
    void theHealingActionSchemaRejectsWhatTheRecordRejects() throws Exception {
        Map<String, String> broken =
                Map.of(
                        "/status/phase", "Done",
                        "/status/result/changes/0/changeType", "rename",
                        "/spec/enrichment/source", "claude",
                        "/spec/timeout", "10 minutes",
                        "/spec/action/type", "rollback");
        for (var e : broken.entrySet()) {
            ObjectNode action = (ObjectNode) YAML.readTree(HEALING_ACTION);
            String pointer = e.getKey();
            int cut = pointer.lastIndexOf('/');
            ((ObjectNode) action.at(pointer.substring(0, cut)))
                    .put(pointer.substring(cut + 1), e.getValue());
            assertThat(errors(ACTION_SCHEMA, action)).as(pointer).isNotEmpty();
        }
        ObjectNode noneWithConfidence = (ObjectNode) YAML.readTree(HEALING_ACTION);
        ((ObjectNode) noneWithConfidence.at("/spec/enrichment")).put("source", "none");
        assertThat(errors(ACTION_SCHEMA, noneWithConfidence))
                .as("source none with a confidence")
                .isNotEmpty();
        ObjectNode unknown = (ObjectNode) YAML.readTree(HEALING_ACTION);
        ((ObjectNode) unknown.at("/spec")).put("priority", 5);
        assertThat(errors(ACTION_SCHEMA, unknown)).as("unknown spec key").isNotEmpty();
        ObjectNode noTarget = (ObjectNode) YAML.readTree(HEALING_ACTION);
        ((ObjectNode) noTarget.at("/spec")).remove("targetResource");
        assertThat(errors(ACTION_SCHEMA, noTarget)).as("no targetResource").isNotEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private static JsonNode crd(String file) {
        try {
            return YAML.readTree(
                    Fixture.repoRoot().resolve("flink-deployment/crds").resolve(file).toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode openApi(JsonNode crd) {
        JsonNode schema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
        assertThat(schema.isObject()).as("openAPIV3Schema").isTrue();
        return schema;
    }

    private static JsonSchema jsonSchema(JsonNode crd) {
        return FACTORY.getSchema(toJsonSchema(openApi(crd)), CONFIG);
    }

    /** The CRD schema as kubectl's strict validation applies it, as a draft-4 JSON Schema. */
    static JsonNode toJsonSchema(JsonNode openApi) {
        JsonNode copy = openApi.deepCopy();
        convert(copy);
        return copy;
    }

    private static void convert(JsonNode node) {
        if (node.isArray()) {
            node.forEach(CrdSchemaAgreementTest::convert);
            return;
        }
        if (!node.isObject()) {
            return;
        }
        ObjectNode schema = (ObjectNode) node;
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        List<String> drop = new ArrayList<>();
        schema.fieldNames()
                .forEachRemaining(
                        k -> {
                            if (k.startsWith("x-kubernetes-") || k.equals("nullable")) {
                                drop.add(k);
                            }
                        });
        schema.remove(drop);
        if ("object".equals(schema.path("type").asText())
                && schema.has("properties")
                && !schema.has("additionalProperties")
                && !preserve) {
            schema.set("additionalProperties", BooleanNode.FALSE);
        }
        schema.path("properties").forEach(CrdSchemaAgreementTest::convert);
        for (String key :
                List.of("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf")) {
            if (schema.has(key)) {
                convert(schema.get(key));
            }
        }
    }

    private static List<String> errors(JsonSchema schema, JsonNode document) {
        Set<ValidationMessage> messages = schema.validate(document);
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    /** The HealingPolicy documents of a file, as the reader's YAML layer reads them. */
    private static List<JsonNode> policyDocuments(Fixture f) throws YamlTree.YamlError {
        List<JsonNode> out = new ArrayList<>();
        for (YamlTree.Document doc : YamlTree.parse(f.text())) {
            if (HealingPolicy.KIND.equals(doc.root().path("kind").asText())) {
                out.add(doc.root());
            }
        }
        return out;
    }

    /** The schema's complaints about a bad fixture; "not YAML" when it cannot be read. */
    private static List<String> schemaErrors(Fixture f) {
        List<YamlTree.Document> docs;
        try {
            docs = YamlTree.parse(f.text());
        } catch (YamlTree.YamlError e) {
            return List.of("not YAML: " + e.getMessage());
        }
        List<String> errors = new ArrayList<>();
        for (YamlTree.Document doc : docs) {
            errors.addAll(errors(POLICY_SCHEMA, doc.root()));
        }
        return errors;
    }

    /** A mapping in a document, the reader's path to it and its schema. */
    record Place(String pointer, String readerPath, String schemaPath, JsonNode schema) {}

    /** Every mapping of {@code doc} whose schema lists properties (so not metadata, maps). */
    private static List<Place> mappings(JsonNode doc, JsonNode schema) {
        List<Place> out = new ArrayList<>();
        mappings(doc, schema, "", "", "", out);
        return out;
    }

    private static void mappings(
            JsonNode node,
            JsonNode schema,
            String pointer,
            String readerPath,
            String schemaPath,
            List<Place> out) {
        if (node.isObject() && schema.has("properties")) {
            if (schemaPath.equals(".status")) {
                return; // the reader keeps status out of the policy and does not read it
            }
            out.add(new Place(pointer, readerPath, schemaPath, schema));
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                JsonNode child = schema.path("properties").path(e.getKey());
                if (!child.isMissingNode()) {
                    mappings(
                            e.getValue(),
                            child,
                            pointer + "/" + e.getKey(),
                            Fields.join(readerPath, e.getKey()),
                            schemaPath + "." + e.getKey(),
                            out);
                }
            }
        } else if (node.isArray() && schema.has("items")) {
            for (int i = 0; i < node.size(); i++) {
                mappings(
                        node.get(i),
                        schema.get("items"),
                        pointer + "/" + i,
                        readerPath + "[" + i + "]",
                        schemaPath + "[]",
                        out);
            }
        }
    }

    /** The schema path of every key used in {@code node}. */
    private static void keyPaths(JsonNode node, JsonNode schema, String path, Set<String> out) {
        if (node.isObject() && schema.has("properties")) {
            node.fields()
                    .forEachRemaining(
                            e -> {
                                JsonNode child = schema.path("properties").path(e.getKey());
                                if (!child.isMissingNode()) {
                                    out.add(path + "." + e.getKey());
                                    keyPaths(e.getValue(), child, path + "." + e.getKey(), out);
                                }
                            });
        } else if (node.isArray() && schema.has("items")) {
            node.forEach(item -> keyPaths(item, schema.get("items"), path + "[]", out));
        }
    }

    /**
     * Every property path of the schema (or, with {@code mappingsOnly}, every path of a schema with
     * properties), without status.
     */
    private static void schemaPaths(
            JsonNode schema, String path, Set<String> out, boolean mappingsOnly) {
        if (path.equals(".status")) {
            return;
        }
        if (schema.has("properties")) {
            if (mappingsOnly) {
                out.add(path);
            }
            schema.get("properties")
                    .fields()
                    .forEachRemaining(
                            e -> {
                                if (!mappingsOnly) {
                                    out.add(path + "." + e.getKey());
                                }
                                schemaPaths(
                                        e.getValue(), path + "." + e.getKey(), out, mappingsOnly);
                            });
        }
        if (schema.has("items")) {
            schemaPaths(schema.get("items"), path + "[]", out, mappingsOnly);
        }
    }

    // ------------------------------------------------------------------ structural schema

    /**
     * What Kubernetes allows in a v1 CRD schema (no $ref, const, if/then, patternProperties...).
     */
    private static final Set<String> ALLOWED =
            Set.of(
                    "description",
                    "type",
                    "format",
                    "title",
                    "default",
                    "maximum",
                    "exclusiveMaximum",
                    "minimum",
                    "exclusiveMinimum",
                    "maxLength",
                    "minLength",
                    "pattern",
                    "maxItems",
                    "minItems",
                    "multipleOf",
                    "enum",
                    "maxProperties",
                    "minProperties",
                    "required",
                    "items",
                    "allOf",
                    "oneOf",
                    "anyOf",
                    "not",
                    "properties",
                    "additionalProperties",
                    "externalDocs",
                    "example",
                    "nullable");

    /**
     * Not allowed inside allOf/anyOf/oneOf/not (the "value validations" of a structural schema).
     */
    private static final Set<String> NOT_IN_VALUE_VALIDATION =
            Set.of("type", "description", "default", "additionalProperties", "nullable", "title");

    /**
     * A subset of Kubernetes' structural schema rules (no API server runs here): every node has a
     * type (or is int-or-string or preserve-unknown-fields), properties and additionalProperties
     * exclude each other, value validations carry no types and constrain only declared properties,
     * and enums inside them fit the declared type.
     */
    private static void structural(JsonNode schema, String path, List<String> problems) {
        keysAllowed(schema, path, problems);
        boolean intOrString = schema.path("x-kubernetes-int-or-string").asBoolean(false);
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (!schema.has("type") && !intOrString && !preserve) {
            problems.add(path + ": no type");
        }
        if (schema.has("properties") && schema.has("additionalProperties")) {
            problems.add(path + ": properties and additionalProperties exclude each other");
        }
        for (String k : List.of("exclusiveMinimum", "exclusiveMaximum")) {
            if (schema.has(k) && !schema.get(k).isBoolean()) {
                problems.add(path + ": " + k + " must be a boolean in OpenAPI v3.0");
            }
        }
        if (schema.has("enum")) {
            enumFits(schema.get("enum"), schema, path, problems);
        }
        schema.path("properties")
                .fields()
                .forEachRemaining(e -> structural(e.getValue(), path + "." + e.getKey(), problems));
        if (schema.has("items")) {
            if (!schema.get("items").isObject()) {
                problems.add(path + ": items must be one schema");
            } else {
                structural(schema.get("items"), path + "[]", problems);
            }
        }
        if (schema.path("additionalProperties").isObject()) {
            structural(schema.get("additionalProperties"), path + "{}", problems);
        }
        for (String k : List.of("allOf", "anyOf", "oneOf")) {
            int i = 0;
            for (JsonNode branch : schema.path(k)) {
                if (intOrString && k.equals("anyOf")) {
                    continue; // anyOf: [{type: integer}, {type: string}] is how int-or-string reads
                }
                valueValidation(branch, schema, path + "." + k + "[" + i++ + "]", problems);
            }
        }
        if (schema.has("not")) {
            valueValidation(schema.get("not"), schema, path + ".not", problems);
        }
        if (intOrString) {
            JsonNode anyOf = schema.path("anyOf");
            Set<String> types = new LinkedHashSet<>();
            anyOf.forEach(b -> types.add(b.path("type").asText()));
            if (!anyOf.isMissingNode() && !types.equals(Set.of("integer", "string"))) {
                problems.add(path + ": int-or-string must be anyOf integer, string");
            }
        }
    }

    private static void valueValidation(
            JsonNode branch, JsonNode structural, String path, List<String> problems) {
        keysAllowed(branch, path, problems);
        branch.fieldNames()
                .forEachRemaining(
                        k -> {
                            if (NOT_IN_VALUE_VALIDATION.contains(k)
                                    || k.startsWith("x-kubernetes-")) {
                                problems.add(
                                        path + ": " + k + " is not allowed in a value validation");
                            }
                        });
        if (branch.has("enum")) {
            enumFits(branch.get("enum"), structural, path, problems);
        }
        branch.path("properties")
                .fields()
                .forEachRemaining(
                        e -> {
                            JsonNode declared = structural.path("properties").path(e.getKey());
                            if (declared.isMissingNode()) {
                                problems.add(path + "." + e.getKey() + ": not a declared property");
                            } else {
                                valueValidation(
                                        e.getValue(), declared, path + "." + e.getKey(), problems);
                            }
                        });
        if (branch.has("items")) {
            valueValidation(branch.get("items"), structural.path("items"), path + "[]", problems);
        }
        for (String k : List.of("allOf", "anyOf", "oneOf")) {
            int i = 0;
            for (JsonNode nested : branch.path(k)) {
                valueValidation(nested, structural, path + "." + k + "[" + i++ + "]", problems);
            }
        }
        if (branch.has("not")) {
            valueValidation(branch.get("not"), structural, path + ".not", problems);
        }
        branch.path("required")
                .forEach(
                        r -> {
                            if (!structural.path("properties").has(r.asText())) {
                                problems.add(path + ": requires undeclared " + r.asText());
                            }
                        });
    }

    private static void keysAllowed(JsonNode schema, String path, List<String> problems) {
        schema.fieldNames()
                .forEachRemaining(
                        k -> {
                            if (!ALLOWED.contains(k) && !k.startsWith("x-kubernetes-")) {
                                problems.add(path + ": '" + k + "' is not allowed in a CRD schema");
                            }
                        });
    }

    private static void enumFits(
            JsonNode values, JsonNode structural, String path, List<String> problems) {
        String type = structural.path("type").asText();
        for (JsonNode v : (ArrayNode) values) {
            boolean fits =
                    switch (type) {
                        case "string" -> v.isTextual();
                        case "boolean" -> v.isBoolean();
                        case "integer" -> v.isIntegralNumber();
                        case "number" -> v.isNumber();
                        default -> false;
                    };
            if (!fits) {
                problems.add(path + ": enum value " + v + " is not a " + type);
            }
        }
    }
}
