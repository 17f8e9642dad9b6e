package io.kubeskippy.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeskippy.model.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class IngestOptionsTest {

    private static final Path README = Path.of("..", "README.md");
    private static final String SECTION = "### `skippy ingest`";
    private static final String TABLE_HEADER = "| option | default | description |";

    /** One row of README's ingest option table. */
    record Row(String option, String defaultValue, String description) {}

    @Test
    void readmeOptionTableListsEveryOptionWithItsDefaultAndDescription() throws IOException {
        List<Row> expected = new ArrayList<>();
        for (IngestOption o : IngestOption.values()) {
            expected.add(
                    new Row(
                            o.optionName() + (o.isFlag() ? "" : " " + o.paramLabel()),
                            o.defaultValue().isEmpty() ? "—" : o.defaultValue(),
                            o.description()));
        }

        assertThat(readmeRows()).containsExactlyElementsOf(expected);
    }

    private static List<Row> readmeRows() throws IOException {
        List<String> lines = Files.readAllLines(README, StandardCharsets.UTF_8);
        int section = lines.indexOf(SECTION);
        assertThat(section).as("README has a section " + SECTION).isNotNegative();
        int header = lines.subList(section, lines.size()).indexOf(TABLE_HEADER);
        assertThat(header).as("the section has a table " + TABLE_HEADER).isNotNegative();
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(section + header + 2, lines.size())) {
            if (!line.startsWith("|")) {
                break;
            }
            String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
            assertThat(cells).as(line).hasSize(3);
            rows.add(
                    new Row(
                            cells[0].trim().replace("`", ""),
                            cells[1].trim().replace("`", ""),
                            cells[2].trim()));
        }
        return rows;
    }

    @Test
    void defaultsNeedOnlyKafka() {
        IngestOptions options = IngestOptions.from(Map.of("kafka", "127.0.0.1:9092"));

        assertThat(options.kafka()).isEqualTo("127.0.0.1:9092");
        assertThat(options.metricsPort()).isEqualTo(9301);
        assertThat(options.remoteWritePort()).isEmpty();
        assertThat(options.prometheus()).isNull();
        assertThat(options.step()).isEqualTo(Duration.ofSeconds(15));
        assertThat(options.kubernetes()).isTrue();
        assertThat(options.namespaces()).isEmpty();
        assertThat(options.topics()).isEqualTo(Topics.defaults());
        assertThat(options.kafkaBufferBytes()).isEqualTo(32L * 1024 * 1024);
        assertThat(options.syncsPolicies()).isFalse();
        assertThat(options.writtenTopics()).containsExactly("skippy.pods", "skippy.events");
        assertThat(options.policySyncOptions()).isNull();
        assertThat(options.remoteWriteOptions()).isNull();
    }

    @Test
    void parsesEveryKindOfValue() throws IOException {
        Path dir = Files.createTempDirectory(Path.of("target"), "options-");
        Path queries = Files.writeString(dir.resolve("queries.yaml"), "queries: [{query: up}]");
        Map<String, String> values = new HashMap<>();
        values.put("kafka", "a:9092,b:9093");
        values.put("prometheus", "http://prometheus:9090");
        values.put("queries", queries.toString());
        values.put("step", "30s");
        values.put("remote-write-port", "0");
        values.put("metrics-port", "9400");
        values.put("namespaces", "shop, billing,shop");
        values.put("pod-selector", "app=cart");
        values.put("policies", dir.toString());
        values.put("policy-crs", "true");
        values.put("topic-metrics", "my.metrics");
        values.put("kafka-buffer", "1Mi");
        values.put("kafka-max-block", "2s");

        IngestOptions options = IngestOptions.from(values);

        assertThat(options.kafka()).isEqualTo("a:9092,b:9093");
        assertThat(options.prometheus()).hasToString("http://prometheus:9090");
        assertThat(options.step()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.remoteWritePort()).isEqualTo(OptionalInt.of(0));
        assertThat(options.namespaces()).containsExactly("shop", "billing");
        assertThat(options.topics().metrics()).isEqualTo("my.metrics");
        assertThat(options.topics().pods()).isEqualTo("skippy.pods");
        assertThat(options.kafkaSinkOptions().bufferMemoryBytes()).isEqualTo(1L << 20);
        assertThat(options.kafkaSinkOptions().maxBlock()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.policySyncOptions().directory()).isEqualTo(dir);
        assertThat(options.policySyncOptions().customResources()).isTrue();
        assertThat(options.policySyncOptions().namespaces()).containsExactly("shop", "billing");
        assertThat(options.clusterWatchOptions().podLabelSelector()).isEqualTo("app=cart");
        assertThat(options.pollerOptions().step()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.remoteWriteOptions().port()).isZero();
        assertThat(options.writtenTopics())
                .containsExactly("my.metrics", "skippy.pods", "skippy.events", "skippy.policies");
    }

    @Test
    void reportsEveryProblemAtOnceNamingTheOption() {
        Map<String, String> values = new HashMap<>();
        values.put("prometheus", "prometheus:9090");
        values.put("step", "soon");
        values.put("metrics-port", "70000");
        values.put("namespaces", "Shop");
        values.put("kafka-buffer", "1Ki");
        values.put("colour", "blue");

        assertThatThrownBy(() -> IngestOptions.from(values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option --colour")
                .hasMessageContaining("--kafka HOST:PORT is required")
                .hasMessageContaining("--prometheus must be an http(s) URL")
                .hasMessageContaining("--step must be a duration such as 90s, 5m or 1h30m")
                .hasMessageContaining("--metrics-port must be a port 0..65535, got '70000'")
                .hasMessageContaining("--namespaces: 'Shop' is not a namespace name")
                .hasMessageContaining("--kafka-buffer must be at least 64Ki")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void withoutKubernetesSomethingElseMustBeIngestedAndNoKubernetesOptionApplies() {
        assertThatThrownBy(
                        () ->
                                IngestOptions.from(
                                        Map.of(
                                                "kafka", "k:9092",
                                                "no-kubernetes", "true",
                                                "namespaces", "shop")))
                .hasMessageContaining("--namespaces needs Kubernetes")
                .hasMessageContaining("--no-kubernetes leaves nothing to ingest");

        IngestOptions remoteWriteOnly =
                IngestOptions.from(
                        Map.of(
                                "kafka",
                                "k:9092",
                                "no-kubernetes",
                                "",
                                "remote-write-port",
                                "9201"));
        assertThat(remoteWriteOnly.kubernetes()).isFalse();
        assertThat(remoteWriteOnly.writtenTopics()).containsExactly("skippy.metrics");
    }

    @Test
    void prometheusNeedsSomethingToPollAndQueriesNeedPrometheus() {
        assertThatThrownBy(
                        () ->
                                IngestOptions.from(
                                        Map.of("kafka", "k:9092", "prometheus", "http://p:9090")))
                .hasMessageContaining("--prometheus has nothing to poll");
        assertThatThrownBy(
                        () ->
                                IngestOptions.from(
                                        Map.of("kafka", "k:9092", "queries", "/no/such/file")))
                .hasMessageContaining("--queries /no/such/file: no such readable file")
                .hasMessageContaining("--queries needs --prometheus URL");
    }

    @Test
    void rejectsContradictionsAndValuelessOptions() {
        assertThatThrownBy(
                        () ->
                                IngestOptions.from(
                                        Map.of(
                                                "kafka",
                                                "",
                                                "in-cluster",
                                                "yes",
                                                "remote-write-port",
                                                "9301")))
                .hasMessageContaining("--kafka needs a value: HOST:PORT")
                .hasMessageContaining("--in-cluster is a flag (true or false), got 'yes'")
                .hasMessageContaining("--remote-write-port and --metrics-port must differ");
    }

    @Test
    void everyOptionKeyIsUniqueAndFlagsDefaultToFalse() {
        assertThat(Arrays.stream(IngestOption.values()).map(IngestOption::key))
                .doesNotHaveDuplicates();
        assertThat(Arrays.stream(IngestOption.values()).filter(IngestOption::isFlag))
                .allSatisfy(o -> assertThat(o.defaultValue()).isEqualTo("false"));
    }
}
