package io.kubeskippy.demo.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.actuator.ActuatorMetrics;
import io.kubeskippy.demo.grafana.Dashboards.InventoryEntry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The metrics inventory against the code that exports the metrics: ingest's and the actuator's
 * registries, the job's Flink metric groups and the demo kubelet's sample names. Flink's own and
 * the Kafka connector's metrics are not ours to read; GrafanaDashboardsITCase sees them served.
 */
class MetricsInventoryTest {

    private static final String JOB_PREFIX = "flink_taskmanager_job_task_operator_kubeskippy_";
    private static final Set<String> COMPONENTS =
            Set.of("ingest", "actuator", "job", "flink", "flink-kafka", "kubelet");

    private final Dashboards grafana = Dashboards.find();

    @Test
    void everyEntryNamesAKnownComponent() {
        for (InventoryEntry e : grafana.inventory().values()) {
            assertThat(COMPONENTS).as(e.metric()).contains(e.component());
            switch (e.component()) {
                case "ingest" -> assertThat(e.metric()).startsWith("kubeskippy_");
                case "actuator" -> assertThat(e.metric()).startsWith("kubeskippy_actuator_");
                case "job" -> assertThat(e.metric()).startsWith(JOB_PREFIX);
                case "flink", "flink-kafka" -> assertThat(e.metric()).startsWith("flink_");
                default -> assertThat(e.metric()).matches("(container|kube)_[a-z_]+");
            }
        }
    }

    @Test
    void ingestMetricsAreRegisteredByIngestMetrics() {
        String source = read("ingest/src/main/java/io/kubeskippy/ingest/IngestMetrics.java");
        Set<String> exported = new HashSet<>();
        // counter("name", ...) and samples("name", ...) are counters: Prometheus adds _total
        for (String name : all(source, "(?:counter|samples)\\(\\s*\"(\\w+)\"")) {
            exported.add("kubeskippy_ingest_" + name + "_total");
        }
        for (String name : all(source, "gauge\\(\\s*\"(\\w+)\"")) {
            exported.add("kubeskippy_ingest_" + name);
        }
        exported.addAll(all(source, "\\.name\\(\"(kubeskippy_\\w+)\"\\)"));
        assertThat(exported).containsAll(names("ingest"));
    }

    @Test
    void actuatorMetricsAreRegisteredByActuatorMetrics() {
        Set<String> exported = new HashSet<>();
        for (MetricSnapshot s : new ActuatorMetrics().registry().scrape()) {
            String name = s.getMetadata().getPrometheusName();
            if (s instanceof CounterSnapshot) {
                exported.add(name + "_total");
            } else if (s instanceof HistogramSnapshot) {
                exported.addAll(List.of(name + "_bucket", name + "_sum", name + "_count"));
            } else {
                exported.add(name);
            }
        }
        // the gauges are registered once the process runs (ActuatorMetrics.gauges)
        String source = read("actuator/src/main/java/io/kubeskippy/actuator/ActuatorMetrics.java");
        for (String name :
                all(
                        source,
                        "GaugeWithCallback\\.builder\\(\\)\\s*\\.name\\(PREFIX \\+ \"(\\w+)\"")) {
            exported.add("kubeskippy_actuator_" + name);
        }
        assertThat(exported).containsAll(names("actuator"));
    }

    /**
     * A job metric is {@code <prefix><key>_..._<name>[_count]}: each key must be a group key the
     * job adds ({@code addGroup("key", value)}), the name a metric it registers.
     */
    @Test
    void jobMetricsAreRegisteredInTheJobsMetricGroups() {
        String source = readTree("job/src/main/java");
        Set<String> metrics = all(source, "\\.(?:counter|gauge|histogram|meter)\\(\\s*\"(\\w+)\"");
        Set<String> keys = all(source, "\\.addGroup\\(\\s*\"(\\w+)\",");
        List<String> problems = new ArrayList<>();
        for (String full : names("job")) {
            String[] parts = full.substring(JOB_PREFIX.length()).split("_");
            String name = parts[parts.length - 1];
            if (!metrics.contains(name)) {
                problems.add(full + ": the job registers no metric " + name + " " + metrics);
            }
            for (int i = 0; i < parts.length - 1; i++) {
                if (!keys.contains(parts[i])) {
                    problems.add(full + ": the job adds no group key " + parts[i] + " " + keys);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void kubeletMetricsAreProducedByTheDemoKubelet() {
        String source = readTree("demo/src/main/java/io/kubeskippy/demo/cluster");
        for (String name : names("kubelet")) {
            assertThat(source).as(name).contains("\"" + name + "\"");
        }
    }

    private Set<String> names(String component) {
        Set<String> out = new HashSet<>();
        for (InventoryEntry e : grafana.inventory().values()) {
            if (e.component().equals(component)) {
                out.add(e.metric());
            }
        }
        assertThat(out).as("inventory entries of " + component).isNotEmpty();
        return out;
    }

    private static Set<String> all(String text, String regex) {
        Set<String> out = new HashSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private String read(String path) {
        try {
            return Files.readString(grafana.root().resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String readTree(String dir) {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.walk(grafana.root().resolve(dir))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                out.append(Files.readString(f)).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
