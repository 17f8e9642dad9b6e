package io.kubeskippy.cli;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.BeanSerializerBuilder;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Reads Kubernetes manifests the way the API server would judge them, but at build time: every
 * document becomes its typed class (fabric8's model for the standard kinds and the CRDs, the Flink
 * Kubernetes Operator's {@code FlinkDeployment}, Strimzi's {@code KafkaTopic}), and anything the
 * typed class does not account for is a problem naming its path.
 *
 * <p>fabric8's classes keep unknown fields in {@code additionalProperties} and the operator's
 * ignore them, so failing on unknown properties is not enough: each document is read, written back
 * without those catch-alls, and every field of the input must come back unchanged. On top of that:
 * no silent coercion (a number or boolean where a string belongs is an error, as the API server
 * makes it: {@code prometheus.io/scrape: true}), duplicate keys are errors, every FlinkDeployment
 * configuration key is an option of the Flink on the classpath with a value it parses, every
 * KafkaTopic config is a Kafka topic config, RBAC verbs are real verbs and container resources are
 * real resource names.
 */
final class StrictManifests {

    /** One document of a manifest file, read. */
    record Document(Path file, int index, JsonNode tree, HasMetadata resource) {
        String kind() {
            return resource.getKind();
        }

        String name() {
            return resource.getMetadata().getName();
        }

        @Override
        public String toString() {
            return file.getFileName() + "#" + index + " " + kind() + "/" + name();
        }
    }

    /** The problems of one file, all of them. */
    static final class ManifestException extends RuntimeException {
        private final List<String> problems;

        ManifestException(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }

        List<String> problems() {
            return problems;
        }
    }

    /** The Flink version the project builds on, as the operator names it: {@code v2_2}. */
    static final String FLINK_VERSION = flinkVersionName(EnvironmentInformation.getVersion());

    static final String KAFKA_TOPIC_API_VERSION = "kafka.strimzi.io/v1";

    private static final Set<String> VERBS =
            Set.of(
                    "get",
                    "list",
                    "watch",
                    "create",
                    "update",
                    "patch",
                    "delete",
                    "deletecollection",
                    "bind",
                    "escalate",
                    "impersonate",
                    "use",
                    "approve",
                    "sign",
                    "*");

    private static final Set<String> RESOURCE_NAMES = Set.of("cpu", "memory", "ephemeral-storage");

    /** The Flink classes declaring the configuration options a FlinkDeployment may set. */
    private static final List<String> FLINK_OPTION_CLASSES =
            List.of(
                    "AlgorithmOptions",
                    "BatchExecutionOptions",
                    "BlobServerOptions",
                    "CheckpointingOptions",
                    "CleanupOptions",
                    "ClusterOptions",
                    "CoreOptions",
                    "DeploymentOptions",
                    "ExecutionOptions",
                    "HeartbeatManagerOptions",
                    "HighAvailabilityOptions",
                    "JMXServerOptions",
                    "JobManagerOptions",
                    "MetricOptions",
                    "NettyShuffleEnvironmentOptions",
                    "PipelineOptions",
                    "ResourceManagerOptions",
                    "RestartStrategyOptions",
                    "RestOptions",
                    "RpcOptions",
                    "SecurityOptions",
                    "StateBackendOptions",
                    "StateChangelogOptions",
                    "StateRecoveryOptions",
                    "TaskManagerOptions",
                    "TraceOptions",
                    "WebOptions");

    private static final Pattern REPORTER_KEY =
            Pattern.compile("metrics\\.reporter\\.([^.]+)\\.(.+)");

    /** Per-reporter keys of Flink's MetricOptions, and the Prometheus reporter's own. */
    private static final Set<String> REPORTER_SUFFIXES =
            Set.of(
                    "factory.class",
                    "interval",
                    "scope.delimiter",
                    "scope.variables.excludes",
                    "scope.variables.additional",
                    "filter.includes",
                    "filter.excludes",
                    "port",
                    "filterLabelValueCharacters");

    private final ObjectMapper mapper;
    private final ObjectMapper echo;
    private final KubernetesSerialization serialization;
    private final YAMLMapper yaml;
    private final Map<String, ConfigOption<?>> flinkOptions = flinkOptions();
    private final Set<String> topicConfigs = topicConfigs();

    StrictManifests() {
        mapper = new ObjectMapper();
        // configures the mapper (fabric8's modules, its polymorphic KubernetesResource reader)
        serialization = new KubernetesSerialization(mapper, true);
        serialization.registerKubernetesResource(FlinkDeployment.class);
        // Strimzi 0.49+ serves kafka.strimzi.io/v1 (the version Strimzi 1.x keeps); its KafkaTopic
        // has the same fields as v1beta2, which the 0.x API classes are annotated with.
        serialization.registerKubernetesResource(
                KAFKA_TOPIC_API_VERSION, "KafkaTopic", KafkaTopic.class);
        // a value of the wrong type is an error, never kept aside in additionalProperties
        serialization.getUnmatchedFieldTypeModule().setRestrictToTemplates(true);
        serialization.getUnmatchedFieldTypeModule().setLogWarnings(false);
        // fabric8's GoCompatibilityModule reads "1" as an Integer; the API server does not
        mapper.registerModule(
                new SimpleModule("strict-integers")
                        .addDeserializer(Integer.class, strictIntegers()));
        mapper.enable(
                DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS,
                DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        // The API server does not coerce: a number or boolean is not a string, nor the reverse.
        for (CoercionInputShape shape :
                List.of(
                        CoercionInputShape.Integer,
                        CoercionInputShape.Float,
                        CoercionInputShape.Boolean)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        for (LogicalType type :
                List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            mapper.coercionConfigFor(type)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        echo = mapper.copy();
        echo.registerModule(
                new SimpleModule("no-catch-alls")
                        .setSerializerModifier(
                                new BeanSerializerModifier() {
                                    @Override
                                    public BeanSerializerBuilder updateBuilder(
                                            SerializationConfig config,
                                            BeanDescription description,
                                            BeanSerializerBuilder builder) {
                                        // Jackson 2.18+ writes the any-getter as a property
                                        List<BeanPropertyWriter> writers =
                                                new ArrayList<>(builder.getProperties());
                                        writers.removeIf(StrictManifests::isCatchAll);
                                        builder.setProperties(writers);
                                        builder.setAnyGetter(null);
                                        return builder;
                                    }
                                }));
        yaml = new YAMLMapper(YAMLFactory.builder().build());
        yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    @SuppressWarnings("unchecked")
    private static JsonDeserializer<Integer> strictIntegers() {
        return (JsonDeserializer<Integer>)
                NumberDeserializers.find(Integer.class, "java.lang.Integer");
    }

    private static boolean isCatchAll(BeanPropertyWriter writer) {
        return writer.getMember() != null && writer.getMember().hasAnnotation(JsonAnyGetter.class);
    }

    /** Every document of a YAML file, as trees; comment-only documents are skipped. */
    List<JsonNode> trees(Path file) {
        List<JsonNode> trees = new ArrayList<>();
        try (MappingIterator<JsonNode> docs =
                yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (docs.hasNextValue()) {
                JsonNode doc = docs.nextValue();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    trees.add(doc);
                }
            }
        } catch (IOException e) {
            throw new ManifestException(List.of(file + ": not YAML: " + e.getMessage()));
        }
        return trees;
    }

    /** Every document of a manifest file, read strictly; all problems of the file at once. */
    List<Document> read(Path file) {
        List<JsonNode> trees = trees(file);
        List<String> problems = new ArrayList<>();
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < trees.size(); i++) {
            String where = file.getFileName() + "#" + i;
            List<String> found = new ArrayList<>();
            HasMetadata resource = read(trees.get(i), found);
            found.forEach(p -> problems.add(where + ": " + p));
            if (found.isEmpty()) {
                documents.add(new Document(file, i, trees.get(i), resource));
            }
        }
        if (!problems.isEmpty()) {
            throw new ManifestException(problems);
        }
        return documents;
    }

    /** The problems of one document; empty when it is fine. */
    List<String> problems(JsonNode tree) {
        List<String> problems = new ArrayList<>();
        read(tree, problems);
        return problems;
    }

    private HasMetadata read(JsonNode tree, List<String> problems) {
        if (!tree.isObject()) {
            problems.add("not a mapping");
            return null;
        }
        String apiVersion = tree.path("apiVersion").asText("");
        String kind = tree.path("kind").asText("");
        Class<? extends KubernetesResource> type =
                serialization.getRegisteredKubernetesResource(apiVersion, kind);
        if (type == null
                || type == GenericKubernetesResource.class
                || !HasMetadata.class.isAssignableFrom(type)) {
            problems.add(
                    "kind: '"
                            + kind
                            + "' of apiVersion '"
                            + apiVersion
                            + "' is not a kind this test knows (a typo in kind or apiVersion?)");
            return null;
        }
        JsonNode input = tree;
        if (type == FlinkDeployment.class) {
            input = flinkVersionForTheApiClasses(tree, problems);
        }
        HasMetadata resource;
        try {
            resource = (HasMetadata) mapper.treeToValue(input, type);
        } catch (JsonMappingException e) {
            problems.add(path(e) + firstLine(e.getOriginalMessage()));
            return null;
        } catch (IOException | IllegalArgumentException e) {
            problems.add(firstLine(e.getMessage()));
            return null;
        }
        JsonNode written = echo.valueToTree(resource);
        compare(input, written, "", problems);
        if (resource.getMetadata() == null || blank(resource.getMetadata().getName())) {
            problems.add("metadata.name: is required");
        }
        semantics(resource, problems);
        return resource;
    }

    /**
     * The operator API on this build's classpath predates FlinkVersion v2_x (see cli/pom.xml): the
     * value is checked here, against the Flink the project builds on, and the typed classes read
     * the newest version they know in its place.
     */
    private JsonNode flinkVersionForTheApiClasses(JsonNode tree, List<String> problems) {
        JsonNode version = tree.path("spec").path("flinkVersion");
        if (!version.isTextual()) {
            return tree;
        }
        boolean known = false;
        for (FlinkVersion v : FlinkVersion.values()) {
            known |= v.name().equals(version.asText());
        }
        if (known) {
            return tree;
        }
        if (!version.asText().equals(FLINK_VERSION)) {
            problems.add(
                    "spec.flinkVersion: must be "
                            + FLINK_VERSION
                            + " (the Flink this project builds on), got '"
                            + version.asText()
                            + "'");
            return tree;
        }
        ObjectNode copy = tree.deepCopy();
        ((ObjectNode) copy.get("spec")).put("flinkVersion", FlinkVersion.current().name());
        return copy;
    }

    private void semantics(HasMetadata resource, List<String> problems) {
        if (resource instanceof FlinkDeployment flink && flink.getSpec() != null) {
            Map<String, String> config = flink.getSpec().getFlinkConfiguration();
            if (config != null) {
                flinkConfiguration(config, problems);
            }
            podTemplate(flink.getSpec().getPodTemplate(), "spec.podTemplate", problems);
        } else if (resource instanceof KafkaTopic topic && topic.getSpec() != null) {
            Map<String, Object> config = topic.getSpec().getConfig();
            if (config != null) {
                for (String key : config.keySet()) {
                    if (!topicConfigs.contains(key)) {
                        problems.add("spec.config." + key + ": not a Kafka topic config");
                    }
                }
            }
        } else if (resource instanceof Role role) {
            rules(role.getRules(), problems);
        } else if (resource instanceof ClusterRole role) {
            rules(role.getRules(), problems);
        } else if (resource instanceof Deployment d && d.getSpec() != null) {
            podTemplate(d.getSpec().getTemplate(), "spec.template", problems);
        } else if (resource instanceof StatefulSet s && s.getSpec() != null) {
            podTemplate(s.getSpec().getTemplate(), "spec.template", problems);
        } else if (resource instanceof DaemonSet s && s.getSpec() != null) {
            podTemplate(s.getSpec().getTemplate(), "spec.template", problems);
        } else if (resource instanceof Job j && j.getSpec() != null) {
            podTemplate(j.getSpec().getTemplate(), "spec.template", problems);
        }
    }

    private void flinkConfiguration(Map<String, String> config, List<String> problems) {
        Configuration parsed = Configuration.fromMap(config);
        for (Map.Entry<String, String> entry : config.entrySet()) {
            String key = entry.getKey();
            String path = "spec.flinkConfiguration." + key;
            Matcher reporter = REPORTER_KEY.matcher(key);
            if (reporter.matches()) {
                if (!REPORTER_SUFFIXES.contains(reporter.group(2))) {
                    problems.add(path + ": not a metric reporter option");
                } else if (reporter.group(2).equals("factory.class")) {
                    loadable(entry.getValue(), path, problems);
                }
                continue;
            }
            ConfigOption<?> option = flinkOptions.get(key);
            if (option == null) {
                problems.add(
                        path
                                + ": not a Flink "
                                + EnvironmentInformation.getVersion()
                                + " option (or its class is not in FLINK_OPTION_CLASSES)");
                continue;
            }
            try {
                parsed.get(option);
            } catch (RuntimeException e) {
                problems.add(path + ": " + firstLine(e.getMessage()));
            }
        }
    }

    private static void loadable(String className, String path, List<String> problems) {
        try {
            Class.forName(className, false, StrictManifests.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            problems.add(path + ": no class " + className);
        }
    }

    private static void rules(List<PolicyRule> rules, List<String> problems) {
        for (int i = 0; rules != null && i < rules.size(); i++) {
            for (String verb : rules.get(i).getVerbs()) {
                if (!VERBS.contains(verb)) {
                    problems.add("rules[" + i + "].verbs: not a verb: '" + verb + "'");
                }
            }
        }
    }

    private static void podTemplate(PodTemplateSpec template, String path, List<String> problems) {
        if (template == null || template.getSpec() == null) {
            return;
        }
        PodSpec spec = template.getSpec();
        List<Container> containers = new ArrayList<>(spec.getContainers());
        containers.addAll(spec.getInitContainers());
        for (int i = 0; i < containers.size(); i++) {
            var resources = containers.get(i).getResources();
            if (resources == null) {
                continue;
            }
            String at = path + ".spec.containers[" + i + "].resources";
            resourceNames(resources.getRequests(), at + ".requests", problems);
            resourceNames(resources.getLimits(), at + ".limits", problems);
        }
    }

    private static void resourceNames(
            Map<String, Quantity> quantities, String path, List<String> problems) {
        if (quantities == null) {
            return;
        }
        for (String name : quantities.keySet()) {
            if (!RESOURCE_NAMES.contains(name)
                    && !name.startsWith("hugepages-")
                    && !name.contains("/")) {
                problems.add(path + "." + name + ": not a resource name");
            }
        }
    }

    /** Every field of {@code in} must be in {@code out} with the same value. */
    private static void compare(JsonNode in, JsonNode out, String path, List<String> problems) {
        if (in.isObject()) {
            if (out == null || !out.isObject()) {
                problems.add(at(path) + ": read as " + describe(out));
                return;
            }
            Iterator<Map.Entry<String, JsonNode>> fields = in.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                JsonNode value = out.get(field.getKey());
                if (value == null && !field.getValue().isNull()) {
                    problems.add(child + ": unknown field");
                } else if (value != null) {
                    compare(field.getValue(), value, child, problems);
                }
            }
        } else if (in.isArray()) {
            if (out == null || !out.isArray() || out.size() != in.size()) {
                problems.add(at(path) + ": read as " + describe(out));
                return;
            }
            for (int i = 0; i < in.size(); i++) {
                compare(in.get(i), out.get(i), path + "[" + i + "]", problems);
            }
        } else if (!in.isNull() && !sameScalar(in, out)) {
            problems.add(at(path) + ": '" + in.asText() + "' read as " + describe(out));
        }
    }

    private static boolean sameScalar(JsonNode in, JsonNode out) {
        if (out == null || out.isContainerNode()) {
            return false;
        }
        if (in.isNumber() && out.isNumber()) {
            return in.decimalValue().compareTo(out.decimalValue()) == 0;
        }
        return in.asText().equals(out.asText());
    }

    /** Where a Jackson error is, as a path: {@code spec.template.spec.containers[0].ports: }. */
    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                out.append(out.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.length() == 0 ? "" : out + ": ";
    }

    private static String describe(JsonNode node) {
        return node == null ? "nothing" : "'" + node + "'";
    }

    private static String at(String path) {
        return path.isEmpty() ? "(document)" : path;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static String flinkVersionName(String version) {
        String[] parts = version.split("\\.");
        return "v" + parts[0] + "_" + parts[1];
    }

    private static Map<String, ConfigOption<?>> flinkOptions() {
        Map<String, ConfigOption<?>> options = new HashMap<>();
        for (String name : FLINK_OPTION_CLASSES) {
            Class<?> holder;
            try {
                holder = Class.forName("org.apache.flink.configuration." + name);
            } catch (ClassNotFoundException e) {
                continue;
            }
            for (Field field : holder.getFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        && ConfigOption.class.isAssignableFrom(field.getType())) {
                    try {
                        ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                        options.put(option.key(), option);
                        for (FallbackKey fallback : option.fallbackKeys()) {
                            options.putIfAbsent(fallback.getKey(), option);
                        }
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return options;
    }

    private static Set<String> topicConfigs() {
        Set<String> names = new TreeSet<>();
        for (Field field : TopicConfig.class.getFields()) {
            if (field.getName().endsWith("_CONFIG") && field.getType() == String.class) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }

    /**
     * The paths of every key of a tree, for {@link #renamed}; the keys of maps that {@code
     * freeForm} accepts (labels, say: names the manifest chooses) are left out.
     */
    static List<List<String>> keyPaths(JsonNode tree, Predicate<List<String>> freeForm) {
        List<List<String>> paths = new ArrayList<>();
        collect(tree, new ArrayList<>(), freeForm, paths);
        return paths;
    }

    private static void collect(
            JsonNode node,
            List<String> path,
            Predicate<List<String>> freeForm,
            List<List<String>> out) {
        if (node.isObject()) {
            if (freeForm.test(path)) {
                return;
            }
            node.fieldNames()
                    .forEachRemaining(
                            name -> {
                                List<String> child = new ArrayList<>(path);
                                child.add(name);
                                out.add(child);
                                collect(node.get(name), child, freeForm, out);
                            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                List<String> child = new ArrayList<>(path);
                child.add("[" + i + "]");
                collect(node.get(i), child, freeForm, out);
            }
        }
    }

    /** A copy of {@code tree} with the last key of {@code path} misspelled by {@code suffix}. */
    static JsonNode renamed(JsonNode tree, List<String> path, String suffix) {
        JsonNode copy = tree.deepCopy();
        JsonNode parent = copy;
        for (String step : path.subList(0, path.size() - 1)) {
            parent =
                    step.startsWith("[")
                            ? parent.get(Integer.parseInt(step.substring(1, step.length() - 1)))
                            : parent.get(step);
        }
        String key = path.get(path.size() - 1);
        ObjectNode object = (ObjectNode) parent;
        // keep the order of the fields, as a typo in place would
        Map<String, JsonNode> fields = new java.util.LinkedHashMap<>();
        object.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
        object.removeAll();
        fields.forEach((name, value) -> object.set(name.equals(key) ? key + suffix : name, value));
        return copy;
    }

    static String dotted(List<String> path) {
        StringBuilder out = new StringBuilder();
        for (String step : path) {
            if (!step.startsWith("[") && out.length() > 0) {
                out.append('.');
            }
            out.append(step);
        }
        return out.toString();
    }
}
