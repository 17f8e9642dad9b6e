package io.kubeskippy.actuator;

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
import org.junit.jupiter.api.Test;

class ActuatorOptionsTest {

    private static final Path README = Path.of("..", "README.md");
    private static final String SECTION = "### `skippy actuator`";
    private static final String TABLE_HEADER = "| option | default | description |";

    /** One row of README's actuator option table. */
    record Row(String option, String defaultValue, String description) {}

    @Test
    void readmeOptionTableListsEveryOptionWithItsDefaultAndDescription() throws IOException {
        List<Row> expected = new ArrayList<>();
        for (ActuatorOption o : ActuatorOption.values()) {
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
        ActuatorOptions o = ActuatorOptions.from(Map.of("kafka", "127.0.0.1:9092"));

        assertThat(o.metricsPort()).isEqualTo(9302);
        assertThat(o.dryRun()).isFalse();
        assertThat(o.namespaces()).isEmpty();
        assertThat(o.groupId()).isEqualTo("kubeskippy-actuator");
        assertThat(o.workers()).isEqualTo(4);
        assertThat(o.cooldown()).isEqualTo(Duration.ofMinutes(5));
        assertThat(o.stormWorkloadShare()).isEqualTo(0.5);
        assertThat(o.approvalTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(o.topics()).isEqualTo(Topics.defaults());
        assertThat(o.gateSettings().protectedNamespaces())
                .containsExactlyInAnyOrder("kube-system", "kube-public", "kube-node-lease");
    }

    @Test
    void parsesEveryKindOfValue() {
        Map<String, String> values = new HashMap<>();
        values.put("kafka", "a:9092,b:9093");
        values.put("dry-run", "");
        values.put("namespaces", "shop, billing");
        values.put("protected-namespaces", "payments");
        values.put("metrics-port", "0");
        values.put("cooldown", "90s");
        values.put("storm-workload-share", "25%");
        values.put("topic-audit", "my.audit");

        ActuatorOptions o = ActuatorOptions.from(values);

        assertThat(o.dryRun()).isTrue();
        assertThat(o.namespaces()).containsExactlyInAnyOrder("shop", "billing");
        assertThat(o.gateSettings().protectedNamespaces()).contains("payments", "kube-system");
        assertThat(o.cooldown()).isEqualTo(Duration.ofSeconds(90));
        assertThat(o.stormWorkloadShare()).isEqualTo(0.25);
        assertThat(o.topics().audit()).isEqualTo("my.audit");
        assertThat(o.topics().actions()).isEqualTo("skippy.actions");
        assertThat(o.gateSettings().dryRun()).isTrue();
    }

    @Test
    void reportsEveryProblemAtOnceNamingTheOption() {
        Map<String, String> values = new HashMap<>();
        values.put("metrics-port", "70000");
        values.put("namespaces", "Shop,kube-system");
        values.put("storm-workload-share", "150%");
        values.put("cooldown", "soon");
        values.put("workers", "0");
        values.put("colour", "blue");

        assertThatThrownBy(() -> ActuatorOptions.from(values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option --colour")
                .hasMessageContaining("--kafka HOST:PORT is required")
                .hasMessageContaining("--metrics-port must be a port 0..65535, got '70000'")
                .hasMessageContaining("--namespaces: 'Shop' is not a namespace name")
                .hasMessageContaining("--namespaces: kube-system is a protected namespace")
                .hasMessageContaining(
                        "--storm-workload-share must be a percentage within (0%, 100%], got '150%'")
                .hasMessageContaining("--cooldown must be a duration such as 90s, 5m or 1h30m")
                .hasMessageContaining("--workers must be within 1..256, got '0'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void everyOptionKeyIsUniqueAndFlagsDefaultToFalse() {
        assertThat(Arrays.stream(ActuatorOption.values()).map(ActuatorOption::key))
                .doesNotHaveDuplicates();
        assertThat(Arrays.stream(ActuatorOption.values()).filter(ActuatorOption::isFlag))
                .allSatisfy(o -> assertThat(o.defaultValue()).isEqualTo("false"));
    }
}
