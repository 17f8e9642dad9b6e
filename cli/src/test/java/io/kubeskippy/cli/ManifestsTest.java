package io.kubeskippy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.kubeskippy.cli.StrictManifests.Document;
import io.kubeskippy.cli.StrictManifests.ManifestException;
import io.kubeskippy.ingest.IngestOption;
import io.kubeskippy.ingest.IngestOptions;
import io.kubeskippy.ingest.prometheus.QueryFile;
import io.kubeskippy.job.JobArgs;
import io.kubeskippy.job.JobSettings;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.policy.PolicyFile;
import io.kubeskippy.model.policy.PolicyReader;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.JobSpec;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * flink-deployment/ as the cluster will see it: every manifest parses strictly with the typed
 * classes of its kind (a typo fails the build, which {@link #aMisspelledKeyAnywhereFails} and
 * {@link #aMisspelledCopyOfAManifestFails} prove), and the parts agree with each other and with the
 * code they run: the job's and ingest's arguments parse with their own option parsers, the topics
 * are DESIGN section 3's, RBAC is exactly what each process uses, and the policies ConfigMap is
 * generated from every shipped policy and mounted so that it hot-reloads.
 */
class ManifestsTest {

    static final Path ROOT = repositoryRoot();
    static final Path DEPLOY = ROOT.resolve("flink-deployment");
    static final Path POLICIES = ROOT.resolve("policies");
    static final String NAMESPACE = "kubeskippy";

    /** kustomize's own files: configuration, not resources. */
    static final Set<String> KUSTOMIZE_FILES = Set.of("kustomization.yaml", "kustomizeconfig.yaml");

    static final Set<String> KUSTOMIZATION_FIELDS =
            Set.of(
                    "apiVersion",
                    "kind",
                    "namespace",
                    "labels",
                    "resources",
                    "configMapGenerator",
                    "secretGenerator",
                    "generatorOptions",
                    "replacements",
                    "images",
                    "configurations",
                    "patches",
                    "components",
                    "namePrefix",
                    "nameSuffix");

    static final StrictManifests READER = new StrictManifests();
    static List<Document> docs;
    static JsonNode kustomization;

    @BeforeAll
    static void readEveryManifest() {
        docs = new ArrayList<>();
        for (Path file : manifestFiles()) {
            docs.addAll(READER.read(file));
        }
        kustomization = READER.trees(DEPLOY.resolve("kustomization.yaml")).get(0);
    }

    // --- every file, strictly ---------------------------------------------------------------

    @Test
    void everyManifestParsesWithTheTypedClassesOfItsKind() {
        Map<String, Long> kinds =
                docs.stream()
                        .collect(
                                Collectors.groupingBy(
                                        Document::kind, TreeMap::new, Collectors.counting()));
        assertThat(kinds)
                .containsEntry("FlinkDeployment", 1L)
                .containsEntry("KafkaTopic", (long) Topic.values().length)
                .containsEntry("CustomResourceDefinition", 2L)
                .containsEntry("Deployment", 2L)
                .containsEntry("Service", 2L)
                .containsEntry("ServiceAccount", 3L)
                .containsEntry("ClusterRole", 2L)
                .containsEntry("ClusterRoleBinding", 2L)
                .containsEntry("Role", 1L)
                .containsEntry("RoleBinding", 1L)
                .containsEntry("Namespace", 1L);
        assertThat(one(FlinkDeployment.class, "kubeskippy-job"))
                .isInstanceOf(FlinkDeployment.class);
        assertThat(all(KafkaTopic.class)).allMatch(t -> t.getSpec() != null);
    }

    @Test
    void theKustomizationListsEveryManifestAndNothingElse() throws IOException {
        assertThat(fieldNames(kustomization)).isSubsetOf(KUSTOMIZATION_FIELDS);
        assertThat(kustomization.path("namespace").asText()).isEqualTo(NAMESPACE);
        List<String> resources = texts(kustomization.path("resources"));
        Set<String> files = new TreeSet<>();
        for (Path file : manifestFiles()) {
            files.add(DEPLOY.relativize(file).toString().replace('\\', '/'));
        }
        assertThat(resources).doesNotHaveDuplicates();
        assertThat(new TreeSet<>(resources)).isEqualTo(with(files, "../policies"));
        assertThat(one(Namespace.class, NAMESPACE)).isNotNull();
        for (String configuration : texts(kustomization.path("configurations"))) {
            assertThat(DEPLOY.resolve(configuration)).isRegularFile();
            assertThat(KUSTOMIZE_FILES).contains(configuration);
        }
    }

    /** The directory kustomize reads the policies ConfigMap from: ../policies/Kustomization. */
    @Test
    void thePoliciesConfigMapIsGeneratedFromEveryShippedPolicy() throws IOException {
        JsonNode policies = READER.trees(POLICIES.resolve("Kustomization")).get(0);
        assertThat(fieldNames(policies)).isSubsetOf(KUSTOMIZATION_FIELDS);
        JsonNode generator = policies.path("configMapGenerator").get(0);
        assertThat(policies.path("configMapGenerator").size()).isOne();
        assertThat(generator.path("name").asText()).isEqualTo("kubeskippy-policies");
        // a stable name: the mounted files change in place, ingest reloads them
        assertThat(generator.path("options").path("disableNameSuffixHash").asBoolean()).isTrue();

        Set<String> shipped;
        try (Stream<Path> list = Files.list(POLICIES)) {
            shipped =
                    list.filter(Files::isRegularFile)
                            .filter(PolicyFiles::isPolicyFile)
                            .map(p -> p.getFileName().toString())
                            .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(shipped).isNotEmpty();
        List<String> listed = texts(generator.path("files"));
        assertThat(new TreeSet<>(listed))
                .as("policies/Kustomization must list every policies/*.yaml")
                .isEqualTo(shipped);
        for (String file : listed) {
            PolicyFile read = PolicyReader.readFile(POLICIES.resolve(file));
            assertThat(read.hasErrors()).as(read.diagnostics().toString()).isFalse();
            assertThat(read.policies()).isNotEmpty();
        }
    }

    // --- ingest ---------------------------------------------------------------------------------

    @Test
    void ingestRunsWithValidOptionsAndMountsThePoliciesForHotReload() {
        Deployment ingest = one(Deployment.class, "kubeskippy-ingest");
        Container container = onlyContainer(ingest);
        List<String> args = expand(container.getArgs(), container);
        assertThat(args.get(0)).isEqualTo("ingest");
        Map<String, String> values = ingestValues(args.subList(1, args.size()));
        assertThat(values).containsKeys("kafka", "policies", "in-cluster", "policy-crs");

        String policiesDir = values.get("policies");
        VolumeMount mount =
                container.getVolumeMounts().stream()
                        .filter(m -> m.getMountPath().equals(policiesDir))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("nothing mounted at " + policiesDir));
        // a subPath mount is never updated: the whole ConfigMap is mounted as a directory
        assertThat(mount.getSubPath()).isNull();
        Volume volume = volume(ingest, mount.getName());
        assertThat(volume.getConfigMap()).isNotNull();
        assertThat(volume.getConfigMap().getName()).isEqualTo("kubeskippy-policies");
        assertThat(volume.getConfigMap().getItems()).isNullOrEmpty();

        // what the ConfigMap holds is policies/: the options parse as ingest would parse them
        values.put("policies", POLICIES.toString());
        IngestOptions options = IngestOptions.from(values);
        assertThat(options.kafka()).isEqualTo(kafkaBootstrap());

        assertThat(containerPortNames(container)).contains("metrics", "remote-write");
        assertThat(port(container, "metrics"))
                .isEqualTo(Integer.parseInt(values.get("metrics-port")));
        assertThat(port(container, "remote-write"))
                .isEqualTo(Integer.parseInt(values.get("remote-write-port")));
        assertThat(ingest.getSpec().getReplicas()).isOne();
    }

    @Test
    void ingestMayReadPodsEventsAndPoliciesAndCreateEventsNothingMore() {
        Deployment ingest = one(Deployment.class, "kubeskippy-ingest");
        assertThat(permissions(ingest))
                .isEqualTo(
                        Map.of(
                                "/pods", Set.of("get", "list", "watch"),
                                "/events", Set.of("get", "list", "watch", "create"),
                                "kubeskippy.io/healingpolicies", Set.of("get", "list", "watch")));
    }

    // --- actuator -------------------------------------------------------------------------------

    @Test
    void theActuatorMayUseExactlyTheVerbsOfItsExecutors() {
        Deployment actuator = one(Deployment.class, "kubeskippy-actuator");
        Container container = onlyContainer(actuator);
        List<String> args = expand(container.getArgs(), container);
        assertThat(args.get(0)).isEqualTo("actuator");
        assertThat(args.get(args.indexOf("--kafka") + 1)).isEqualTo(kafkaBootstrap());
        assertThat(actuator.getSpec().getReplicas()).isOne();

        // the calls of actuator/src/main/java/io/kubeskippy/actuator/{execute/Cluster,audit/*}
        Map<String, Set<String>> expected = new TreeMap<>();
        expected.put("/pods", Set.of("get", "list", "delete"));
        expected.put("/pods/resize", Set.of("patch"));
        expected.put("/events", Set.of("create"));
        for (String workload : List.of("deployments", "statefulsets", "daemonsets")) {
            expected.put("apps/" + workload, Set.of("get", "patch"));
        }
        expected.put("apps/replicasets", Set.of("get"));
        for (String scalable : List.of("deployments/scale", "statefulsets/scale")) {
            expected.put("apps/" + scalable, Set.of("get", "update"));
        }
        expected.put("autoscaling/horizontalpodautoscalers", Set.of("get", "list", "patch"));
        expected.put("metrics.k8s.io/pods", Set.of("get"));
        expected.put(
                "kubeskippy.io/healingactions", Set.of("create", "get", "list", "watch", "patch"));
        expected.put("kubeskippy.io/healingactions/status", Set.of("update"));
        assertThat(permissions(actuator)).isEqualTo(expected);
    }

    /**
     * The actuator's arguments parse with its own option parser. Read reflectively: the actuator is
     * built alongside this test, and until its options exist this is skipped, not failed.
     */
    @Test
    void theActuatorRunsWithValidOptions() throws Exception {
        Class<?> optionType;
        Class<?> optionsType;
        try {
            optionType = Class.forName("io.kubeskippy.actuator.ActuatorOption");
            optionsType = Class.forName("io.kubeskippy.actuator.ActuatorOptions");
        } catch (ClassNotFoundException e) {
            assumeTrue(false, "the actuator's options are not on the classpath yet");
            return;
        }
        Container container = onlyContainer(one(Deployment.class, "kubeskippy-actuator"));
        List<String> args = expand(container.getArgs(), container);
        Method byKey = optionType.getMethod("byKey", String.class);
        Method isFlag = optionType.getMethod("isFlag");
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 1; i < args.size(); i++) {
            assertThat(args.get(i)).startsWith("--");
            String key = args.get(i).substring(2);
            Object option = invoke(byKey, null, key);
            values.put(key, (Boolean) invoke(isFlag, option) ? "true" : args.get(++i));
        }
        invoke(optionsType.getMethod("from", Map.class), null, values);
        assertThat(port(container, "metrics"))
                .isEqualTo(Integer.parseInt(values.get("metrics-port")));
    }

    private static Object invoke(Method method, Object target, Object... args) throws Exception {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    @Test
    void noRuleUsesAWildcardOrTouchesSecrets() {
        List<PolicyRule> rules = new ArrayList<>();
        all(Role.class).forEach(r -> rules.addAll(r.getRules()));
        all(ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));
        assertThat(rules).isNotEmpty();
        for (PolicyRule rule : rules) {
            assertThat(rule.getVerbs()).doesNotContain("*");
            assertThat(rule.getResources()).doesNotContain("*", "secrets");
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getResourceNames()).isNullOrEmpty();
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
        }
    }

    @Test
    void everyBindingNamesARoleAndServiceAccountThatExist() {
        for (RoleBinding b : all(RoleBinding.class)) {
            assertThat(b.getRoleRef().getKind()).isEqualTo("Role");
            assertThat(one(Role.class, b.getRoleRef().getName())).isNotNull();
            serviceAccountsExist(b.getSubjects());
        }
        for (ClusterRoleBinding b : all(ClusterRoleBinding.class)) {
            assertThat(b.getRoleRef().getKind()).isEqualTo("ClusterRole");
            assertThat(one(ClusterRole.class, b.getRoleRef().getName())).isNotNull();
            serviceAccountsExist(b.getSubjects());
        }
        for (Deployment d : all(Deployment.class)) {
            String account = d.getSpec().getTemplate().getSpec().getServiceAccountName();
            assertThat(one(ServiceAccount.class, account)).isNotNull();
        }
    }

    @Test
    void everyServiceSelectsOneDeploymentAndItsNamedPorts() {
        for (Service service : all(Service.class)) {
            Map<String, String> selector = service.getSpec().getSelector();
            List<Deployment> selected =
                    all(Deployment.class).stream()
                            .filter(
                                    d ->
                                            d.getSpec()
                                                    .getTemplate()
                                                    .getMetadata()
                                                    .getLabels()
                                                    .entrySet()
                                                    .containsAll(selector.entrySet()))
                            .toList();
            assertThat(selected).as(service.getMetadata().getName()).hasSize(1);
            Deployment d = selected.get(0);
            assertThat(d.getSpec().getSelector().getMatchLabels())
                    .isEqualTo(d.getSpec().getTemplate().getMetadata().getLabels());
            for (ServicePort port : service.getSpec().getPorts()) {
                assertThat(containerPortNames(onlyContainer(d)))
                        .contains(port.getTargetPort().getStrVal());
            }
        }
    }

    // --- the job --------------------------------------------------------------------------------

    @Test
    void theFlinkDeploymentRunsTheJobJarWithArgumentsTheJobAccepts() throws Exception {
        FlinkDeployment flink = one(FlinkDeployment.class, "kubeskippy-job");
        JsonNode raw = tree(flink).path("spec");
        assertThat(raw.path("flinkVersion").asText())
                .isEqualTo(StrictManifests.FLINK_VERSION)
                .isEqualTo("v2_2");

        JobSpec job = flink.getSpec().getJob();
        assertThat(job.getJarURI()).isEqualTo("local:///opt/flink/usrlib/kubeskippy-job.jar");
        assertThat(job.getEntryClass()).isEqualTo("io.kubeskippy.job.JobMain");
        Method main = Class.forName(job.getEntryClass()).getMethod("main", String[].class);
        assertThat(Modifier.isStatic(main.getModifiers())).isTrue();
        assertThat(job.getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);

        List<String> args = Arrays.asList(job.getArgs());
        JobSettings settings = JobArgs.parse(args);
        // kustomization.yaml copies the Kafka ConfigMap's bootstrap into the value after --kafka
        JsonNode replacement = kustomization.path("replacements").get(0);
        assertThat(replacement.path("source").path("name").asText()).isEqualTo("kubeskippy-kafka");
        assertThat(replacement.path("source").path("fieldPath").asText())
                .isEqualTo("data.bootstrap");
        JsonNode target = replacement.path("targets").get(0);
        assertThat(target.path("select").path("kind").asText()).isEqualTo("FlinkDeployment");
        assertThat(target.path("select").path("name").asText())
                .isEqualTo(flink.getMetadata().getName());
        assertThat(texts(target.path("fieldPaths"))).containsExactly("spec.job.args.1");
        assertThat(args.get(0)).isEqualTo("--kafka");
        assertThat(settings.kafka()).isEqualTo(kafkaBootstrap());
        assertThat(settings.parallelism()).isEqualTo(job.getParallelism());

        Map<String, String> config = flink.getSpec().getFlinkConfiguration();
        // the job sets its own interval (env.enableCheckpointing): the two must agree
        assertThat(TimeUtils.parseDuration(config.get("execution.checkpointing.interval")))
                .isEqualTo(settings.checkpointInterval())
                .isGreaterThan(Duration.ZERO);
        assertThat(Integer.parseInt(config.get("taskmanager.numberOfTaskSlots")))
                .isGreaterThanOrEqualTo(settings.parallelism());
        assertThat(flink.getSpec().getServiceAccount()).isEqualTo("kubeskippy-flink");
        assertThat(flink.getSpec().getJobManager().getResource().getMemory()).isNotBlank();
        assertThat(flink.getSpec().getTaskManager().getResource().getMemory()).isNotBlank();
    }

    @Test
    void checkpointsSavepointsAndHaMetadataGoToADurablePath() {
        Map<String, String> config =
                one(FlinkDeployment.class, "kubeskippy-job").getSpec().getFlinkConfiguration();
        Configuration flink = Configuration.fromMap(config);
        // the options as Flink reads them, by their current or their deprecated (1.x) keys
        for (ConfigOption<String> option :
                List.of(
                        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                        CheckpointingOptions.SAVEPOINT_DIRECTORY,
                        HighAvailabilityOptions.HA_STORAGE_PATH)) {
            String path = flink.get(option);
            assertThat(path).as(option.key()).isNotBlank();
            assertThat(URI.create(path).getScheme())
                    .as(option.key())
                    .isNotNull()
                    .isNotEqualTo("file");
        }
        assertThat(flink.get(HighAvailabilityOptions.HA_MODE)).isEqualTo("kubernetes");
    }

    @Test
    void flinksPrometheusReporterIsOnAndScraped() throws Exception {
        FlinkDeployment flink = one(FlinkDeployment.class, "kubeskippy-job");
        Map<String, String> config = flink.getSpec().getFlinkConfiguration();
        String factory = config.get("metrics.reporter.prom.factory.class");
        assertThat(factory)
                .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        assertThat(MetricReporterFactory.class.isAssignableFrom(Class.forName(factory))).isTrue();
        String port = config.get("metrics.reporter.prom.port");
        assertThat(port).isEqualTo("9249");
        var template = flink.getSpec().getPodTemplate();
        assertThat(template.getMetadata().getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", port);
        Container main = template.getSpec().getContainers().get(0);
        assertThat(main.getName()).isEqualTo("flink-main-container");
        assertThat(port(main, "metrics")).isEqualTo(Integer.parseInt(port));
    }

    @Test
    void theImagesAreTheDockerfilesAndTheKustomizationSetsThem() throws IOException {
        Set<String> images = new TreeSet<>();
        for (JsonNode image : kustomization.path("images")) {
            images.add(image.path("name").asText());
        }
        assertThat(images).containsExactlyInAnyOrder("kubeskippy/skippy", "kubeskippy/job");
        FlinkDeployment flink = one(FlinkDeployment.class, "kubeskippy-job");
        assertThat(repository(flink.getSpec().getImage())).isEqualTo("kubeskippy/job");
        for (Deployment d : all(Deployment.class)) {
            assertThat(repository(onlyContainer(d).getImage())).isEqualTo("kubeskippy/skippy");
        }

        String jobDockerfile = Files.readString(DEPLOY.resolve("docker/job.Dockerfile"));
        String flinkMinor = StrictManifests.FLINK_VERSION.substring(1).replace('_', '.');
        assertThat(jobDockerfile)
                .contains("\nFROM flink:" + flinkMinor + "\n")
                .contains("/src/job/target/kubeskippy-job.jar " + jarPath(flink));
        assertThat(Files.readString(ROOT.resolve("job/pom.xml")))
                .contains("<finalName>kubeskippy-job</finalName>");
        String skippyDockerfile = Files.readString(DEPLOY.resolve("docker/skippy.Dockerfile"));
        assertThat(skippyDockerfile)
                .contains("/src/cli/target/kubeskippy-cli.jar")
                .contains("/src/cli/target/lib/")
                .contains(Skippy.class.getName());
    }

    // --- topics ---------------------------------------------------------------------------------

    @Test
    void theTopicsAreDesignSectionThreeWithPodsAndPoliciesCompacted() {
        Map<String, KafkaTopic> byName = new TreeMap<>();
        for (KafkaTopic topic : all(KafkaTopic.class)) {
            byName.put(topic.getSpec().getTopicName(), topic);
        }
        Set<String> expected = new TreeSet<>();
        for (Topic topic : Topic.values()) {
            expected.add(topic.defaultName());
            KafkaTopic kafkaTopic = byName.get(topic.defaultName());
            assertThat(kafkaTopic).as(topic.defaultName()).isNotNull();
            assertThat(kafkaTopic.getSpec().getConfig())
                    .as(topic.defaultName())
                    .containsEntry("cleanup.policy", topic.compacted() ? "compact" : "delete");
            assertThat(kafkaTopic.getSpec().getPartitions()).isPositive();
        }
        assertThat(byName.keySet()).isEqualTo(expected);
        assertThat(byName.values())
                .extracting(t -> t.getMetadata().getLabels().get("strimzi.io/cluster"))
                .containsOnly("kafka");
    }

    // --- typos fail -----------------------------------------------------------------------------

    /**
     * Every key of every manifest (except the CRDs, which are not this directory's to change),
     * misspelled one at a time, makes its document fail: nothing is silently dropped. Only the keys
     * of maps whose keys the manifest chooses (labels, annotations, selectors, ConfigMap data) are
     * left out.
     */
    @Test
    void aMisspelledKeyAnywhereFails() {
        int tried = 0;
        List<String> unnoticed = new ArrayList<>();
        for (Document doc : docs) {
            if (doc.resource() instanceof CustomResourceDefinition) {
                continue;
            }
            boolean service = doc.resource() instanceof Service;
            for (List<String> path :
                    StrictManifests.keyPaths(doc.tree(), p -> isFreeForm(p, service))) {
                JsonNode typo = StrictManifests.renamed(doc.tree(), path, "x");
                tried++;
                if (READER.problems(typo).isEmpty()) {
                    unnoticed.add(doc + ": " + StrictManifests.dotted(path));
                }
            }
        }
        assertThat(unnoticed).as("misspelled keys that were not noticed").isEmpty();
        assertThat(tried).isGreaterThan(300);
        System.out.printf("%d keys misspelled one at a time: every one failed%n", tried);
    }

    /** A misspelled copy of a real manifest, read as a file, fails and names the place. */
    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("typos")
    void aMisspelledCopyOfAManifestFails(String file, String from, String to, String expected)
            throws IOException {
        String text = Files.readString(DEPLOY.resolve(file), StandardCharsets.UTF_8);
        assertThat(text).contains(from);
        Path copy = Files.createDirectories(Path.of("target", "manifest-typos")).resolve(file);
        Files.writeString(
                copy, text.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to)));
        assertThatThrownBy(() -> READER.read(copy))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining(expected);
        // and the original is fine
        assertThat(READER.read(DEPLOY.resolve(file))).isNotEmpty();
    }

    static Stream<Arguments> typos() {
        return Stream.of(
                typo(
                        "flinkdeployment.yaml",
                        "upgradeMode: savepoint",
                        "upgradMode: savepoint",
                        "spec.job.upgradMode: unknown field"),
                typo(
                        "flinkdeployment.yaml",
                        "flinkVersion: v2_2",
                        "flinkVersion: v2_3",
                        "spec.flinkVersion: must be v2_2"),
                typo(
                        "flinkdeployment.yaml",
                        "interval: 10s",
                        "interval: ten seconds",
                        "spec.flinkConfiguration.execution.checkpointing.interval: "),
                typo(
                        "flinkdeployment.yaml",
                        "state.backend.type: hashmap",
                        "state.backend.typ: hashmap",
                        "spec.flinkConfiguration.state.backend.typ: not a Flink"),
                typo(
                        "flinkdeployment.yaml",
                        "prometheus.PrometheusReporterFactory",
                        "prometheus.PrometheusReporterFactry",
                        "spec.flinkConfiguration.metrics.reporter.prom.factory.class: no class"),
                typo(
                        "flinkdeployment.yaml",
                        "prometheus.io/scrape: \"true\"",
                        "prometheus.io/scrape: true",
                        "prometheus.io/scrape"),
                typo(
                        "ingest.yaml",
                        "readinessProbe:",
                        "readinesProbe:",
                        "readinesProbe: unknown field"),
                typo("ingest.yaml", "kind: Deployment", "kind: Deploymnet", "'Deploymnet'"),
                typo("ingest.yaml", "apiVersion: apps/v1", "apiVersion: apps/v2", "'apps/v2'"),
                typo("ingest.yaml", "replicas: 1", "replicas: \"1\"", "replicas"),
                typo(
                        "ingest.yaml",
                        "replicas: 1",
                        "replicas: 1\n  replicas: 2",
                        "Duplicate field 'replicas'"),
                typo(
                        "ingest.yaml",
                        "verbs: [get, list, watch]",
                        "verbs: [get, list, wacth]",
                        "not a verb: 'wacth'"),
                typo(
                        "ingest.yaml",
                        "memory: 768Mi",
                        "memroy: 768Mi",
                        "limits.memroy: not a resource name"),
                typo(
                        "actuator.yaml",
                        "containerPort: 9302",
                        "containerPort: \"9302\"",
                        "containerPort"),
                typo(
                        "actuator.yaml",
                        "mountPath: /tmp",
                        "mountPth: /tmp",
                        "mountPth: unknown field"),
                typo(
                        "topics.yaml",
                        "partitions: 4",
                        "partitons: 4",
                        "spec.partitons: unknown field"),
                typo(
                        "topics.yaml",
                        "retention.ms:",
                        "retention.mss:",
                        "spec.config.retention.mss: not a Kafka topic config"),
                typo("flink-rbac.yaml", "roleRef:", "roleRefs:", "roleRefs: unknown field"),
                typo("namespace.yaml", "metadata:", "metdata:", "metdata: unknown field"));
    }

    private static Arguments typo(String file, String from, String to, String expected) {
        return Arguments.of(file, from, to, expected);
    }

    // --- demo/k8s: the demo apps for a kind cluster -----------------------------------------

    static final Path DEMO_K8S = ROOT.resolve("demo").resolve("k8s");

    /** Files of demo/k8s that are not manifests: Prometheus' configuration, ingest's queries. */
    static final Set<String> DEMO_CONFIG_FILES = Set.of("prometheus.yml", "ingest-queries.yaml");

    static final Set<String> DEMO_APPS =
            Set.of(
                    "continuous-memory-degradation",
                    "memory-leak-app",
                    "continuous-cpu-oscillation",
                    "crashloop-app",
                    "random-crasher",
                    "flaky-web-app",
                    "chaos-monkey-component",
                    "steady-api",
                    "steady-worker");

    /**
     * demo/k8s/ parses as strictly as flink-deployment/ (a misspelled key anywhere fails), its two
     * kustomizations list every manifest, every container has CPU and memory requests and limits,
     * and chaos-monkey-component, and only it, is protected by label and annotation.
     */
    @Test
    void theDemoAppsForKindParseStrictly() throws Exception {
        List<Path> files = manifestFiles(DEMO_K8S, DEMO_CONFIG_FILES);
        List<Document> demo = new ArrayList<>();
        for (Path file : files) {
            demo.addAll(READER.read(file));
        }
        Set<String> listed = new TreeSet<>();
        Set<String> generated = new TreeSet<>();
        for (Path dir : List.of(DEMO_K8S, DEMO_K8S.resolve("metrics"))) {
            JsonNode kustomization = READER.trees(dir.resolve("kustomization.yaml")).get(0);
            assertThat(fieldNames(kustomization)).isSubsetOf(KUSTOMIZATION_FIELDS);
            for (String resource : texts(kustomization.path("resources"))) {
                listed.add(DEMO_K8S.relativize(dir.resolve(resource).normalize()).toString());
            }
            for (JsonNode generator : kustomization.path("configMapGenerator")) {
                generated.add(generator.path("name").asText());
                texts(generator.path("files"))
                        .forEach(f -> assertThat(dir.resolve(f)).isRegularFile());
            }
        }
        assertThat(listed)
                .isEqualTo(
                        files.stream()
                                .map(f -> DEMO_K8S.relativize(f).toString())
                                .collect(Collectors.toCollection(TreeSet::new)));
        assertThat(QueryFile.load(DEMO_K8S.resolve("metrics/ingest-queries.yaml"))).isNotEmpty();

        Map<String, Deployment> apps = new TreeMap<>();
        List<String> unnoticed = new ArrayList<>();
        for (Document doc : demo) {
            if (doc.resource() instanceof Deployment d) {
                var pod = d.getSpec().getTemplate().getSpec();
                for (Container c : pod.getContainers()) {
                    assertThat(c.getResources().getRequests())
                            .as(doc + " requests")
                            .containsKeys("cpu", "memory");
                    assertThat(c.getResources().getLimits())
                            .as(doc + " limits")
                            .containsKeys("cpu", "memory");
                }
                for (Volume v : pod.getVolumes()) {
                    if (v.getConfigMap() != null) {
                        assertThat(generated).contains(v.getConfigMap().getName());
                    }
                }
                if ("demo".equals(d.getMetadata().getNamespace())) {
                    apps.put(d.getMetadata().getName(), d);
                }
            }
            boolean service = doc.resource() instanceof Service;
            for (List<String> path :
                    StrictManifests.keyPaths(doc.tree(), p -> isFreeForm(p, service))) {
                if (READER.problems(StrictManifests.renamed(doc.tree(), path, "x")).isEmpty()) {
                    unnoticed.add(doc + ": " + StrictManifests.dotted(path));
                }
            }
        }
        assertThat(unnoticed).as("misspelled keys that were not noticed").isEmpty();
        assertThat(apps.keySet()).isEqualTo(DEMO_APPS);
        for (Deployment app : apps.values()) {
            boolean chaos = app.getMetadata().getName().equals("chaos-monkey-component");
            for (var meta : List.of(app.getMetadata(), app.getSpec().getTemplate().getMetadata())) {
                for (Map<String, String> m : List.of(meta.getLabels(), meta.getAnnotations())) {
                    assertThat(m.get("kubeskippy.io/protected"))
                            .as(app.getMetadata().getName())
                            .isEqualTo(chaos ? "true" : null);
                }
            }
        }
    }

    @Test
    void kubectlKustomizeRendersTheDemoAppsStrictly() throws Exception {
        assumeTrue(onPath("kubectl"), "kubectl is not on PATH");
        for (String dir : List.of("apps", "metrics")) {
            Path out =
                    Files.createDirectories(Path.of("target")).resolve("demo-k8s-" + dir + ".yaml");
            Path source = dir.equals("apps") ? DEMO_K8S : DEMO_K8S.resolve(dir);
            Process process =
                    new ProcessBuilder("kubectl", "kustomize", source.toString())
                            .redirectErrorStream(true)
                            .redirectOutput(out.toFile())
                            .start();
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(Files.readString(out)).isZero();
            Set<String> configMaps = new TreeSet<>();
            Set<String> mounted = new TreeSet<>();
            for (Document d : READER.read(out)) {
                HasMetadata r = d.resource();
                boolean clusterScoped =
                        r instanceof Namespace
                                || r instanceof ClusterRole
                                || r instanceof ClusterRoleBinding;
                assertThat(r.getMetadata().getNamespace())
                        .as(d.toString())
                        .isEqualTo(
                                clusterScoped ? null : dir.equals("apps") ? "demo" : "monitoring");
                if (r instanceof ConfigMap c) {
                    configMaps.add(c.getMetadata().getName());
                } else if (r instanceof Deployment deployment) {
                    deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                            .filter(v -> v.getConfigMap() != null)
                            .forEach(v -> mounted.add(v.getConfigMap().getName()));
                }
            }
            // the generated ConfigMaps (with their hash suffix) are the ones mounted
            assertThat(mounted).isNotEmpty().isEqualTo(configMaps);
        }
    }

    // --- what kustomize renders, when kubectl is here ---------------------------------------

    @Test
    void kubectlKustomizeRendersManifestsThatParseStrictly() throws Exception {
        assumeTrue(onPath("kubectl"), "kubectl is not on PATH");
        Path out = Files.createDirectories(Path.of("target")).resolve("kustomize-rendered.yaml");
        Process process =
                new ProcessBuilder("kubectl", "kustomize", DEPLOY.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(out)).isZero();
        List<Document> rendered = READER.read(out);

        FlinkDeployment flink = null;
        Map<String, ConfigMap> configMaps = new HashMap<>();
        for (Document d : rendered) {
            HasMetadata r = d.resource();
            boolean clusterScoped =
                    r instanceof Namespace
                            || r instanceof CustomResourceDefinition
                            || r instanceof ClusterRole
                            || r instanceof ClusterRoleBinding;
            assertThat(r.getMetadata().getNamespace())
                    .as(d.toString())
                    .isEqualTo(clusterScoped ? null : NAMESPACE);
            assertThat(r.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/part-of", "kubeskippy");
            if (r instanceof FlinkDeployment f) {
                flink = f;
            } else if (r instanceof ConfigMap c) {
                configMaps.put(c.getMetadata().getName(), c);
            }
        }
        assertThat(configMaps).containsKey("kubeskippy-policies");
        assertThat(configMaps.get("kubeskippy-policies").getData().keySet())
                .isEqualTo(
                        new TreeSet<>(
                                texts(
                                        READER.trees(POLICIES.resolve("Kustomization"))
                                                .get(0)
                                                .path("configMapGenerator")
                                                .get(0)
                                                .path("files"))));
        ConfigMap kafka =
                configMaps.values().stream()
                        .filter(c -> c.getMetadata().getName().startsWith("kubeskippy-kafka-"))
                        .findFirst()
                        .orElseThrow();
        assertThat(flink).isNotNull();
        assertThat(flink.getSpec().getJob().getArgs()[1])
                .isEqualTo(kafka.getData().get("bootstrap"));
    }

    // --- helpers --------------------------------------------------------------------------------

    private static boolean isFreeForm(List<String> path, boolean service) {
        if (path.isEmpty()) {
            return false;
        }
        String last = path.get(path.size() - 1);
        return Set.of("labels", "annotations", "matchLabels", "data", "nodeSelector").contains(last)
                || (service && path.equals(List.of("spec", "selector")));
    }

    private static Map<String, Set<String>> permissions(Deployment deployment) {
        String account = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
        Map<String, Set<String>> permissions = new TreeMap<>();
        int bindings = 0;
        for (ClusterRoleBinding b : all(ClusterRoleBinding.class)) {
            if (binds(b.getSubjects(), account)) {
                bindings++;
                add(permissions, one(ClusterRole.class, b.getRoleRef().getName()).getRules());
            }
        }
        for (RoleBinding b : all(RoleBinding.class)) {
            if (binds(b.getSubjects(), account)) {
                bindings++;
                RoleRef ref = b.getRoleRef();
                add(
                        permissions,
                        ref.getKind().equals("Role")
                                ? one(Role.class, ref.getName()).getRules()
                                : one(ClusterRole.class, ref.getName()).getRules());
            }
        }
        assertThat(bindings).as("bindings of " + account).isOne();
        return permissions;
    }

    private static void add(Map<String, Set<String>> permissions, List<PolicyRule> rules) {
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    Set<String> verbs =
                            permissions.computeIfAbsent(
                                    group + "/" + resource, k -> new TreeSet<>());
                    assertThat(verbs)
                            .as("%s/%s granted twice", group, resource)
                            .doesNotContainAnyElementsOf(rule.getVerbs());
                    verbs.addAll(rule.getVerbs());
                }
            }
        }
    }

    private static boolean binds(List<Subject> subjects, String account) {
        return subjects.stream()
                .anyMatch(
                        s ->
                                s.getKind().equals("ServiceAccount")
                                        && s.getName().equals(account)
                                        && NAMESPACE.equals(s.getNamespace()));
    }

    private static void serviceAccountsExist(List<Subject> subjects) {
        assertThat(subjects).isNotEmpty();
        for (Subject s : subjects) {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
            assertThat(one(ServiceAccount.class, s.getName())).isNotNull();
        }
    }

    /** Options as ingest's command line reads them: {@code --key value}, or {@code --flag}. */
    private static Map<String, String> ingestValues(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            assertThat(arg).startsWith("--");
            IngestOption option = IngestOption.byKey(arg.substring(2));
            assertThat(values).doesNotContainKey(option.key());
            values.put(option.key(), option.isFlag() ? "true" : args.get(++i));
        }
        return values;
    }

    /** $(VAR) in arguments, as the kubelet expands them from the container's env. */
    private static List<String> expand(List<String> args, Container container) {
        Map<String, String> env = new HashMap<>();
        for (EnvVar var : container.getEnv()) {
            if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
            } else if (var.getValueFrom() != null
                    && var.getValueFrom().getConfigMapKeyRef() != null) {
                var ref = var.getValueFrom().getConfigMapKeyRef();
                env.put(var.getName(), generatedLiteral(ref.getName(), ref.getKey()));
            }
        }
        List<String> expanded = new ArrayList<>();
        for (String arg : args) {
            String value = arg;
            for (Map.Entry<String, String> e : env.entrySet()) {
                value = value.replace("$(" + e.getKey() + ")", e.getValue());
            }
            assertThat(value).as("unresolved variable in " + arg).doesNotContain("$(");
            expanded.add(value);
        }
        return expanded;
    }

    /** A literal of one of kustomization.yaml's configMapGenerators. */
    private static String generatedLiteral(String configMap, String key) {
        for (JsonNode generator : kustomization.path("configMapGenerator")) {
            if (generator.path("name").asText().equals(configMap)) {
                for (String literal : texts(generator.path("literals"))) {
                    int eq = literal.indexOf('=');
                    if (literal.substring(0, eq).equals(key)) {
                        return literal.substring(eq + 1);
                    }
                }
            }
        }
        throw new AssertionError("no generated ConfigMap " + configMap + " with key " + key);
    }

    private static String kafkaBootstrap() {
        return generatedLiteral("kubeskippy-kafka", "bootstrap");
    }

    private static Container onlyContainer(Deployment d) {
        List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static Volume volume(Deployment d, String name) {
        return d.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static List<String> containerPortNames(Container container) {
        return container.getPorts().stream().map(ContainerPort::getName).toList();
    }

    private static int port(Container container, String name) {
        return container.getPorts().stream()
                .filter(p -> name.equals(p.getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no port " + name))
                .getContainerPort();
    }

    private static String repository(String image) {
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? image.substring(0, colon) : image;
    }

    private static String jarPath(FlinkDeployment flink) {
        return URI.create(flink.getSpec().getJob().getJarURI()).getPath();
    }

    private static JsonNode tree(HasMetadata resource) {
        return docs.stream().filter(d -> d.resource() == resource).findFirst().orElseThrow().tree();
    }

    static <T extends HasMetadata> List<T> all(Class<T> type) {
        return docs.stream()
                .map(Document::resource)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    static <T extends HasMetadata> T one(Class<T> type, String name) {
        List<T> found =
                all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).toList();
        assertThat(found).as(type.getSimpleName() + " " + name).hasSize(1);
        return found.get(0);
    }

    private static List<Path> manifestFiles() {
        return manifestFiles(DEPLOY, Set.of());
    }

    private static List<Path> manifestFiles(Path dir, Set<String> notManifests) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(
                            p -> {
                                String name = p.getFileName().toString();
                                return (name.endsWith(".yaml") || name.endsWith(".yml"))
                                        && !KUSTOMIZE_FILES.contains(name)
                                        && !notManifests.contains(name);
                            })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }

    private static Set<String> with(Set<String> set, String more) {
        Set<String> result = new TreeSet<>(set);
        result.add(more);
        return result;
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("flink-deployment"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "no flink-deployment/ above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
