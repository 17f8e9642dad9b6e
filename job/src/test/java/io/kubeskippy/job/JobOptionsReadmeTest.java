package io.kubeskippy.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** README's table of job options and {@link JobOption} stay in step. */
class JobOptionsReadmeTest {

    private static final Pattern ROW =
            Pattern.compile("^\\| `--([a-z-]+)` \\| (`([^`]*)`|required) \\| (.*) \\|$");

    private static Map<String, String[]> readmeTable() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("../README.md"));
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("Options of `skippy job` and `skippy replay`")) {
                start = i;
                break;
            }
        }
        assertThat(start).as("README has the job option table").isPositive();
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (int i = start + 1; i < lines.size(); i++) {
            Matcher m = ROW.matcher(lines.get(i));
            if (m.matches()) {
                rows.put(
                        m.group(1),
                        new String[] {m.group(3) == null ? "" : m.group(3), m.group(4)});
            } else if (!rows.isEmpty() && !lines.get(i).startsWith("|")) {
                break;
            }
        }
        return rows;
    }

    @Test
    void everyOptionIsDocumentedWithItsDefaultAndDescription() throws Exception {
        Map<String, String[]> table = readmeTable();
        for (JobOption o : JobOption.values()) {
            assertThat(table).as("README documents --" + o.key()).containsKey(o.key());
            assertThat(table.get(o.key())[0])
                    .as("default of --" + o.key())
                    .isEqualTo(o.defaultValue());
            assertThat(table.get(o.key())[1])
                    .as("description of --" + o.key())
                    .isEqualTo(o.description());
        }
    }

    @Test
    void theReadmeDocumentsNoOptionTheJobLacks() throws Exception {
        for (String key : readmeTable().keySet()) {
            if (key.equals("topic-<role>")) {
                continue;
            }
            assertThat(List.of(JobOption.values()))
                    .as("--" + key + " exists")
                    .anyMatch(o -> o.key().equals(key));
        }
    }

    @Test
    void defaultsParseAndBadValuesAreAllReported() {
        assertThat(JobSettings.defaults().metricStep()).hasSeconds(15);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                JobSettings.from(
                                        Map.of("metric-step", "soon", "parallelism", "0"),
                                        io.kubeskippy.model.Topics.defaults()))
                .hasMessageContaining("--metric-step must be a duration")
                .hasMessageContaining("--parallelism must be >= 1, got 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> JobArgs.parse(List.of("--no-such", "1")))
                .hasMessage("unknown job option --no-such");
    }
}
