package io.kubeskippy.ingest;

import io.kubeskippy.ingest.kafka.KafkaSinkOptions;
import io.kubeskippy.ingest.kubernetes.ClusterAccess;
import io.kubeskippy.ingest.kubernetes.ClusterWatchOptions;
import io.kubeskippy.ingest.policy.PolicySyncOptions;
import io.kubeskippy.ingest.prometheus.PrometheusPollerOptions;
import io.kubeskippy.ingest.remotewrite.RemoteWriteOptions;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.policy.Durations;
import io.kubeskippy.model.policy.Quantity;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The ingest process's settings, parsed once from {@link IngestOption}s; immutable. Which parts run
 * follows from them: the cluster watch unless {@code --no-kubernetes}, the poller with {@code
 * --prometheus}, the remote_write receiver with {@code --remote-write-port}, policy sync with
 * {@code --policies} or {@code --policy-crs}; /metrics always.
 *
 * @param prometheus the Prometheus to poll, or null
 * @param queries the queries file, or null
 * @param remoteWritePort the receiver's port; empty when it is off
 * @param kubeconfig an explicit kubeconfig file, or null
 * @param namespaces empty for all namespaces
 * @param podSelector null for every pod
 * @param policies the policies directory, or null
 */
public record IngestOptions(
        String kafka,
        URI prometheus,
        Path queries,
        Duration step,
        OptionalInt remoteWritePort,
        int metricsPort,
        String listenAddress,
        boolean kubernetes,
        Path kubeconfig,
        boolean inCluster,
        List<String> namespaces,
        String podSelector,
        Path policies,
        boolean policyCrs,
        Topics topics,
        long kafkaBufferBytes,
        Duration kafkaMaxBlock,
        int remoteWriteThreads,
        Duration startTimeout) {

    private static final Pattern HOST_PORT = Pattern.compile("[^\\s,:]+:\\d{1,5}");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public IngestOptions {
        namespaces = List.copyOf(namespaces);
    }

    /**
     * Parses option values by key ({@code metrics-port}, not {@code --metrics-port}); options not
     * given take their defaults. A flag's value is {@code true} or {@code false}.
     *
     * @throws IllegalArgumentException listing every problem at once, each naming its option
     */
    public static IngestOptions from(Map<String, String> values) {
        List<String> errors = new ArrayList<>();
        Map<IngestOption, String> given = new EnumMap<>(IngestOption.class);
        values.forEach(
                (key, value) -> {
                    try {
                        given.put(IngestOption.byKey(key), value == null ? "" : value.trim());
                    } catch (IllegalArgumentException e) {
                        errors.add(e.getMessage());
                    }
                });
        Parser p = new Parser(given, errors);

        String kafka = p.kafka();
        URI prometheus = p.url(IngestOption.PROMETHEUS);
        Path queries = p.readableFile(IngestOption.QUERIES);
        Duration step = p.duration(IngestOption.STEP);
        OptionalInt remoteWritePort =
                p.isGiven(IngestOption.REMOTE_WRITE_PORT)
                        ? OptionalInt.of(p.port(IngestOption.REMOTE_WRITE_PORT))
                        : OptionalInt.empty();
        int metricsPort = p.port(IngestOption.METRICS_PORT);
        String listenAddress = p.text(IngestOption.LISTEN_ADDRESS);
        boolean kubernetes = !p.flag(IngestOption.NO_KUBERNETES);
        Path kubeconfig = p.readableFile(IngestOption.KUBECONFIG);
        boolean inCluster = p.flag(IngestOption.IN_CLUSTER);
        List<String> namespaces = p.namespaces();
        String podSelector = p.text(IngestOption.POD_SELECTOR);
        Path policies = p.directory(IngestOption.POLICIES);
        boolean policyCrs = p.flag(IngestOption.POLICY_CRS);
        Topics topics = p.topics();
        long kafkaBuffer = p.bytes(IngestOption.KAFKA_BUFFER);
        Duration kafkaMaxBlock = p.duration(IngestOption.KAFKA_MAX_BLOCK);
        int remoteWriteThreads = p.positive(IngestOption.REMOTE_WRITE_THREADS);
        Duration startTimeout = p.duration(IngestOption.START_TIMEOUT);

        if (queries != null && prometheus == null) {
            errors.add("--queries needs --prometheus URL");
        }
        if (prometheus != null && queries == null && policies == null && !policyCrs) {
            errors.add(
                    "--prometheus has nothing to poll: give --queries FILE, or policies"
                            + " (--policies DIR, --policy-crs) whose metric triggers are PromQL");
        }
        if (kubeconfig != null && inCluster) {
            errors.add("--kubeconfig and --in-cluster exclude each other; give one of them");
        }
        if (!kubernetes) {
            for (IngestOption o :
                    List.of(
                            IngestOption.KUBECONFIG,
                            IngestOption.IN_CLUSTER,
                            IngestOption.NAMESPACES,
                            IngestOption.POD_SELECTOR,
                            IngestOption.POLICY_CRS)) {
                if (p.isGiven(o)) {
                    errors.add(o.optionName() + " needs Kubernetes; drop it or --no-kubernetes");
                }
            }
            if (prometheus == null && remoteWritePort.isEmpty() && policies == null) {
                errors.add(
                        "--no-kubernetes leaves nothing to ingest: give --prometheus URL,"
                                + " --remote-write-port N or --policies DIR");
            }
        }
        if (remoteWritePort.isPresent()
                && remoteWritePort.getAsInt() != 0
                && remoteWritePort.getAsInt() == metricsPort) {
            errors.add(
                    "--remote-write-port and --metrics-port must differ, both are " + metricsPort);
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new IngestOptions(
                kafka,
                prometheus,
                queries,
                step,
                remoteWritePort,
                metricsPort,
                listenAddress,
                kubernetes,
                kubeconfig,
                inCluster,
                namespaces,
                podSelector,
                policies,
                policyCrs,
                topics,
                kafkaBuffer,
                kafkaMaxBlock,
                remoteWriteThreads,
                startTimeout);
    }

    /** Whether policies are synced: from a directory, from HealingPolicy resources, or both. */
    public boolean syncsPolicies() {
        return policies != null || policyCrs;
    }

    /** Whether samples come in: polled, or pushed by remote_write. */
    public boolean ingestsSamples() {
        return prometheus != null || remoteWritePort.isPresent();
    }

    /** The topics this process writes, in the order of {@link Topic}. */
    public List<String> writtenTopics() {
        List<String> written = new ArrayList<>();
        if (ingestsSamples()) {
            written.add(topics.metrics());
        }
        if (kubernetes) {
            written.add(topics.pods());
            written.add(topics.events());
        }
        if (syncsPolicies()) {
            written.add(topics.policies());
        }
        return written;
    }

    public KafkaSinkOptions kafkaSinkOptions() {
        return KafkaSinkOptions.of(kafka).withBounds(kafkaBufferBytes, kafkaMaxBlock);
    }

    public ClusterAccess clusterAccess() {
        return ClusterAccess.of(kubeconfig, inCluster);
    }

    public ClusterWatchOptions clusterWatchOptions() {
        return ClusterWatchOptions.defaults()
                .withNamespaces(namespaces)
                .withPodLabelSelector(podSelector);
    }

    /** The policy sync's options; null when no policies are synced. */
    public PolicySyncOptions policySyncOptions() {
        if (!syncsPolicies()) {
            return null;
        }
        PolicySyncOptions options =
                policies != null
                        ? PolicySyncOptions.directory(policies)
                        : PolicySyncOptions.customResources(namespaces);
        return policyCrs && policies != null ? options.withCustomResources(namespaces) : options;
    }

    /** The poller's options; null when nothing is polled. */
    public PrometheusPollerOptions pollerOptions() {
        return prometheus == null ? null : PrometheusPollerOptions.of(prometheus).withStep(step);
    }

    /** The receiver's options; null when it is off. */
    public RemoteWriteOptions remoteWriteOptions() {
        return remoteWritePort.isEmpty()
                ? null
                : RemoteWriteOptions.defaults()
                        .withAddress(listenAddress, remoteWritePort.getAsInt())
                        .withThreads(remoteWriteThreads);
    }

    /** Reads each option's text and reports what is wrong with it in {@code errors}. */
    private record Parser(Map<IngestOption, String> given, List<String> errors) {

        boolean isGiven(IngestOption o) {
            return given.containsKey(o);
        }

        /** The value given, else the default; null when that is empty. */
        String text(IngestOption o) {
            String value = given.getOrDefault(o, o.defaultValue());
            if (isGiven(o) && !o.isFlag() && value.isEmpty()) {
                errors.add(o.optionName() + " needs a value: " + o.paramLabel());
                return null;
            }
            return value.isEmpty() ? null : value;
        }

        String kafka() {
            String value = text(IngestOption.KAFKA);
            if (value == null) {
                if (!isGiven(IngestOption.KAFKA)) {
                    errors.add("--kafka HOST:PORT is required");
                }
                return null;
            }
            for (String server : value.split(",", -1)) {
                if (!HOST_PORT.matcher(server.trim()).matches()) {
                    errors.add("--kafka must be HOST:PORT[,HOST:PORT...], got '" + value + "'");
                    return null;
                }
            }
            return value;
        }

        boolean flag(IngestOption o) {
            String value = given.getOrDefault(o, o.defaultValue());
            if (value.isEmpty() || value.equalsIgnoreCase("true")) {
                return isGiven(o) || Boolean.parseBoolean(o.defaultValue());
            }
            if (value.equalsIgnoreCase("false")) {
                return false;
            }
            errors.add(o.optionName() + " is a flag (true or false), got '" + value + "'");
            return false;
        }

        URI url(IngestOption o) {
            String value = text(o);
            if (value == null) {
                return null;
            }
            try {
                URI uri = new URI(value);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                        && uri.getHost() != null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            errors.add(
                    o.optionName()
                            + " must be an http(s) URL such as http://prometheus:9090, got '"
                            + value
                            + "'");
            return null;
        }

        Path readableFile(IngestOption o) {
            String value = text(o);
            if (value == null) {
                return null;
            }
            Path file = Path.of(value);
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                errors.add(o.optionName() + " " + value + ": no such readable file");
            }
            return file;
        }

        Path directory(IngestOption o) {
            String value = text(o);
            if (value == null) {
                return null;
            }
            Path dir = Path.of(value);
            if (!Files.isDirectory(dir)) {
                errors.add(o.optionName() + " " + value + ": no such directory");
            }
            return dir;
        }

        Duration duration(IngestOption o) {
            String value = given.getOrDefault(o, o.defaultValue());
            try {
                Duration d = Durations.parse(value);
                if (d.toMillis() < 1) {
                    errors.add(o.optionName() + " must be at least 1ms, e.g. " + o.defaultValue());
                    return Durations.parse(o.defaultValue());
                }
                return d;
            } catch (IllegalArgumentException e) {
                errors.add(o.optionName() + " " + e.getMessage());
                return Durations.parse(o.defaultValue());
            }
        }

        int port(IngestOption o) {
            return integer(o, 0, 65535, " must be a port 0..65535");
        }

        int positive(IngestOption o) {
            return integer(o, 1, Integer.MAX_VALUE, " must be a whole number >= 1");
        }

        private int integer(IngestOption o, int min, int max, String rule) {
            String value = given.getOrDefault(o, o.defaultValue());
            try {
                int n = Integer.parseInt(value);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            errors.add(o.optionName() + rule + ", got '" + value + "'");
            return Math.max(min, 0);
        }

        long bytes(IngestOption o) {
            String value = given.getOrDefault(o, o.defaultValue());
            try {
                long bytes = Quantity.parse(value).bytes();
                if (bytes >= KafkaSinkOptions.MIN_BUFFER_MEMORY_BYTES) {
                    return bytes;
                }
                errors.add(o.optionName() + " must be at least 64Ki, got '" + value + "'");
            } catch (IllegalArgumentException | ArithmeticException e) {
                errors.add(o.optionName() + " must be a size such as 32Mi, got '" + value + "'");
            }
            return KafkaSinkOptions.DEFAULT_BUFFER_MEMORY_BYTES;
        }

        List<String> namespaces() {
            String value = text(IngestOption.NAMESPACES);
            if (value == null) {
                return List.of();
            }
            List<String> namespaces = new ArrayList<>();
            for (String part : value.split(",", -1)) {
                String ns = part.trim();
                if (!DNS_LABEL.matcher(ns).matches()) {
                    errors.add(
                            "--namespaces: '"
                                    + ns
                                    + "' is not a namespace name (a lower-case DNS label)");
                } else if (!namespaces.contains(ns)) {
                    namespaces.add(ns);
                }
            }
            return namespaces;
        }

        Topics topics() {
            Map<Topic, String> names = new EnumMap<>(Topic.class);
            names.put(Topic.METRICS, text(IngestOption.TOPIC_METRICS));
            names.put(Topic.PODS, text(IngestOption.TOPIC_PODS));
            names.put(Topic.EVENTS, text(IngestOption.TOPIC_EVENTS));
            names.put(Topic.POLICIES, text(IngestOption.TOPIC_POLICIES));
            names.values().removeIf(name -> name == null);
            try {
                return Topics.of(names);
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
                return Topics.defaults();
            }
        }
    }
}
