package io.kubeskippy.demo;

import io.kubeskippy.demo.cluster.SimulationSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a demo runs: where it writes, the ports of its endpoints, whether Prometheus runs, the job's
 * extra options (the LLM ones) and which cluster it heals. Immutable; build with {@link
 * #builder(Path)}. A port of 0 picks a free one.
 *
 * @param workDir everything the demo writes goes under it: Kafka's log ({@code kafka/}, emptied at
 *     each start), Flink's temporary files, the simulated cluster's kubeconfig, Prometheus' TSDB
 * @param policiesDir the HealingPolicy files ingest publishes (watched: edits reload live)
 * @param webUiPort Flink's REST API and web dashboard
 * @param flinkMetricsPort Flink's Prometheus reporter
 * @param remoteWritePort ingest's remote_write receiver
 * @param jobArgs extra job options as {@code --key value} pairs, e.g. the {@code --llm-*} ones
 * @param kubeContext a context of the user's kubeconfig to heal instead of the simulated cluster;
 *     null for the simulated one
 * @param kubeconfigFiles where to look for {@code kubeContext}; empty for kubectl's: each file of
 *     $KUBECONFIG, else ~/.kube/config
 * @param namespaces the namespaces watched and acted in; empty for all (the simulated cluster has
 *     only its demo namespace)
 * @param simulation the simulated cluster's settings; null for {@link
 *     SimulationSettings#defaults(Path)} under {@code workDir/cluster}
 * @param actuatorCooldown least time between two actions on one target (the actuator's {@code
 *     --cooldown}), at demo scale
 */
public record DemoOptions(
        Path workDir,
        Path policiesDir,
        int kafkaPort,
        int webUiPort,
        int flinkMetricsPort,
        int ingestMetricsPort,
        int actuatorMetricsPort,
        int remoteWritePort,
        PrometheusMode prometheus,
        int prometheusPort,
        Duration prometheusScrapeInterval,
        List<String> jobArgs,
        String kubeContext,
        List<Path> kubeconfigFiles,
        List<String> namespaces,
        SimulationSettings simulation,
        Duration actuatorCooldown) {

    /** Whether the demo starts a Prometheus server scraping every part. */
    public enum PrometheusMode {
        /** When {@code prometheus} is on PATH. */
        AUTO,
        /** Never. */
        OFF,
        /** Always; the demo does not start without it. */
        REQUIRED
    }

    public DemoOptions {
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(policiesDir, "policiesDir");
        Objects.requireNonNull(prometheus, "prometheus");
        Objects.requireNonNull(prometheusScrapeInterval, "prometheusScrapeInterval");
        Objects.requireNonNull(actuatorCooldown, "actuatorCooldown");
        for (int port :
                new int[] {
                    kafkaPort,
                    webUiPort,
                    flinkMetricsPort,
                    ingestMetricsPort,
                    actuatorMetricsPort,
                    remoteWritePort,
                    prometheusPort
                }) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("ports must be 0..65535, got " + port);
            }
        }
        jobArgs = List.copyOf(jobArgs);
        kubeconfigFiles = List.copyOf(kubeconfigFiles);
        namespaces = List.copyOf(namespaces);
        if (kubeContext != null && kubeContext.isBlank()) {
            kubeContext = null;
        }
    }

    /** True when the demo heals a real cluster (a kubeconfig context), not the simulated one. */
    public boolean realCluster() {
        return kubeContext != null;
    }

    /**
     * The simulation settings in use (the defaults under {@code workDir/cluster} if none given).
     */
    public SimulationSettings simulationSettings() {
        return simulation != null
                ? simulation
                : SimulationSettings.defaults(workDir.resolve("cluster"));
    }

    /** True when the job's options ask for an LLM ({@code --llm-url} given and not empty). */
    public boolean llmEnabled() {
        return !jobOption("llm-url", "").isBlank();
    }

    /** The value of one job option given in {@link #jobArgs}, or {@code fallback}. */
    public String jobOption(String key, String fallback) {
        String value = fallback;
        for (int i = 0; i < jobArgs.size(); i++) {
            String arg = jobArgs.get(i);
            if (arg.equals("--" + key) && i + 1 < jobArgs.size()) {
                value = jobArgs.get(i + 1);
            } else if (arg.startsWith("--" + key + "=")) {
                value = arg.substring(key.length() + 3);
            }
        }
        return value;
    }

    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    /**
     * The shipped demo policies: {@code demo/policies} of the source tree this code runs from,
     * found from the working directory or from where this class was loaded (cli/target/lib,
     * demo/target/classes), walking up.
     *
     * @throws IllegalStateException if none is found
     */
    public static Path findDemoPolicies() {
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of("").toAbsolutePath());
        try {
            var source = DemoOptions.class.getProtectionDomain().getCodeSource();
            if (source != null) {
                starts.add(Path.of(source.getLocation().toURI()).toAbsolutePath());
            }
        } catch (Exception e) {
            // no code source location: the working directory must do
        }
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve("demo").resolve("policies");
                if (Files.isDirectory(candidate)) {
                    return candidate;
                }
                if (dir.getFileName() != null
                        && dir.getFileName().toString().equals("demo")
                        && Files.isDirectory(dir.resolve("policies"))) {
                    return dir.resolve("policies");
                }
            }
        }
        throw new IllegalStateException(
                "cannot find demo/policies from "
                        + starts
                        + "; run from the KubeSkippy source tree or pass the policies directory");
    }

    /** Builds {@link DemoOptions}; the defaults are those of {@code skippy demo}. */
    public static final class Builder {
        private final Path workDir;
        private Path policiesDir;
        private int kafkaPort = 0;
        private int webUiPort = 8081;
        private int flinkMetricsPort = 9249;
        private int ingestMetricsPort = 9301;
        private int actuatorMetricsPort = 9302;
        private int remoteWritePort = 0;
        private PrometheusMode prometheus = PrometheusMode.AUTO;
        private int prometheusPort = 9090;
        private Duration prometheusScrapeInterval = Duration.ofSeconds(5);
        private List<String> jobArgs = List.of();
        private String kubeContext;
        private List<Path> kubeconfigFiles = List.of();
        private List<String> namespaces = List.of();
        private SimulationSettings simulation;
        private Duration actuatorCooldown = Duration.ofMinutes(1);

        private Builder(Path workDir) {
            this.workDir = Objects.requireNonNull(workDir, "workDir").toAbsolutePath();
        }

        public Builder policiesDir(Path dir) {
            this.policiesDir = dir;
            return this;
        }

        public Builder kafkaPort(int port) {
            this.kafkaPort = port;
            return this;
        }

        public Builder webUiPort(int port) {
            this.webUiPort = port;
            return this;
        }

        public Builder flinkMetricsPort(int port) {
            this.flinkMetricsPort = port;
            return this;
        }

        public Builder ingestMetricsPort(int port) {
            this.ingestMetricsPort = port;
            return this;
        }

        public Builder actuatorMetricsPort(int port) {
            this.actuatorMetricsPort = port;
            return this;
        }

        public Builder remoteWritePort(int port) {
            this.remoteWritePort = port;
            return this;
        }

        public Builder prometheus(PrometheusMode mode) {
            this.prometheus = mode;
            return this;
        }

        public Builder prometheusPort(int port) {
            this.prometheusPort = port;
            return this;
        }

        public Builder prometheusScrapeInterval(Duration interval) {
            this.prometheusScrapeInterval = interval;
            return this;
        }

        /** Extra job options, e.g. {@code --llm-url http://localhost:11434}. */
        public Builder jobArgs(List<String> args) {
            this.jobArgs = List.copyOf(args);
            return this;
        }

        public Builder kubeContext(String context) {
            this.kubeContext = context;
            return this;
        }

        /** Where to look for the context; by default kubectl's files. */
        public Builder kubeconfigFiles(List<Path> files) {
            this.kubeconfigFiles = List.copyOf(files);
            return this;
        }

        public Builder namespaces(List<String> namespaces) {
            this.namespaces = List.copyOf(namespaces);
            return this;
        }

        public Builder simulation(SimulationSettings settings) {
            this.simulation = settings;
            return this;
        }

        public Builder actuatorCooldown(Duration cooldown) {
            this.actuatorCooldown = cooldown;
            return this;
        }

        /** Every endpoint on a free port: for tests that run beside other processes. */
        public Builder ephemeralPorts() {
            kafkaPort = 0;
            webUiPort = 0;
            flinkMetricsPort = 0;
            ingestMetricsPort = 0;
            actuatorMetricsPort = 0;
            remoteWritePort = 0;
            prometheusPort = 0;
            return this;
        }

        public DemoOptions build() {
            return new DemoOptions(
                    workDir,
                    policiesDir != null ? policiesDir.toAbsolutePath() : findDemoPolicies(),
                    kafkaPort,
                    webUiPort,
                    flinkMetricsPort,
                    ingestMetricsPort,
                    actuatorMetricsPort,
                    remoteWritePort,
                    prometheus,
                    prometheusPort,
                    prometheusScrapeInterval,
                    jobArgs,
                    kubeContext,
                    kubeconfigFiles,
                    namespaces,
                    simulation,
                    actuatorCooldown);
        }
    }
}
