package io.kubeskippy.demo.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeskippy.demo.grafana.Dashboards.Query;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The dashboards and their provisioning, read from {@code grafana/}: every panel queries the
 * provisioned datasource, every query is PromQL over metrics the inventory says somebody exports.
 */
class GrafanaDashboardsTest {

    private final Dashboards grafana = Dashboards.find();

    @Test
    void provisionsOnePrometheusDatasourceWhoseUrlComesFromTheEnvironment() throws Exception {
        JsonNode file =
                Dashboards.YAML.readTree(
                        grafana.grafana()
                                .resolve("provisioning/datasources/prometheus.yaml")
                                .toFile());
        assertThat(file.path("apiVersion").asInt()).isEqualTo(1);
        assertThat(file.path("datasources")).hasSize(1);
        JsonNode ds = file.path("datasources").path(0);
        assertThat(ds.path("type").asText()).isEqualTo("prometheus");
        assertThat(ds.path("uid").asText()).isEqualTo("kubeskippy-prometheus");
        assertThat(ds.path("url").asText()).isEqualTo("${KUBESKIPPY_PROMETHEUS_URL}");
        assertThat(grafana.grafana().resolve("run.sh"))
                .content()
                .contains(
                        "KUBESKIPPY_PROMETHEUS_URL=\"${KUBESKIPPY_PROMETHEUS_URL:-http://localhost:9090}\"");
    }

    @Test
    void provisionsTheDashboardsDirectoryWithAFileProvider() throws Exception {
        JsonNode file =
                Dashboards.YAML.readTree(
                        grafana.grafana()
                                .resolve("provisioning/dashboards/kubeskippy.yaml")
                                .toFile());
        JsonNode provider = file.path("providers").path(0);
        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(provider.path("options").path("path").asText())
                .isEqualTo("${KUBESKIPPY_DASHBOARDS}");
    }

    @Test
    void hasTheFiveDashboards() {
        Map<String, JsonNode> dashboards = grafana.dashboards();
        assertThat(dashboards.keySet())
                .containsExactlyInAnyOrder(
                        "trends.json",
                        "detection.json",
                        "actions.json",
                        "llm.json",
                        "pipeline.json");
        Set<String> uids = new HashSet<>();
        dashboards.forEach(
                (file, d) -> {
                    assertThat(d.path("schemaVersion").asInt()).as(file).isBetween(36, 41);
                    assertThat(d.path("title").asText()).as(file).startsWith("KubeSkippy / ");
                    assertThat(uids.add(d.path("uid").asText())).as(file + " uid").isTrue();
                    assertThat(d.path("uid").asText().length()).as(file).isLessThanOrEqualTo(40);
                });
    }

    @Test
    void everyPanelQueriesTheProvisionedDatasource() {
        String uid = grafana.datasourceUid();
        List<String> problems = new ArrayList<>();
        grafana.dashboards()
                .forEach(
                        (file, d) -> {
                            Set<Integer> ids = new HashSet<>();
                            for (JsonNode p : Dashboards.panels(d)) {
                                String where = file + " / " + p.path("title").asText();
                                if (!ids.add(p.path("id").asInt())) {
                                    problems.add(where + ": repeated panel id");
                                }
                                if (p.path("title").asText().isBlank()
                                        || p.path("description").asText().isBlank()) {
                                    problems.add(where + ": needs a title and a description");
                                }
                                if (!p.path("datasource").path("uid").asText().equals(uid)) {
                                    problems.add(where + ": datasource " + p.path("datasource"));
                                }
                                if (p.path("targets").isEmpty()) {
                                    problems.add(where + ": no targets");
                                }
                                for (JsonNode t : p.path("targets")) {
                                    if (!t.path("datasource").path("uid").asText().equals(uid)) {
                                        problems.add(where + ": target datasource " + t);
                                    }
                                    if (t.path("expr").asText("").isBlank()) {
                                        problems.add(where + ": target without expr");
                                    }
                                }
                            }
                            for (JsonNode v : d.path("templating").path("list")) {
                                if (v.path("type").asText().equals("query")
                                        && !v.path("datasource").path("uid").asText().equals(uid)) {
                                    problems.add(file + ": variable " + v.path("name"));
                                }
                            }
                        });
        assertThat(problems).isEmpty();
    }

    @Test
    void everyMetricAQueryReadsIsInTheInventoryAndEveryListedMetricIsRead() {
        Set<String> listed = grafana.inventory().keySet();
        Set<String> read = new TreeSet<>();
        List<String> unknown = new ArrayList<>();
        for (Query q : grafana.queries()) {
            Set<String> names = Dashboards.metricNames(q.expr());
            assertThat(names).as("metrics of " + q).isNotEmpty();
            for (String name : names) {
                read.add(name);
                if (!listed.contains(name)) {
                    unknown.add(name + " in " + q);
                }
            }
        }
        assertThat(unknown).as("metrics nobody is known to export").isEmpty();
        assertThat(new TreeSet<>(listed)).as("inventory entries no query reads").isEqualTo(read);
    }

    @Test
    void templateVariablesUsedByQueriesAreDefinedWithAnAllValue() {
        grafana.dashboards()
                .forEach(
                        (file, d) -> {
                            Set<String> defined = new HashSet<>();
                            for (JsonNode v : d.path("templating").path("list")) {
                                defined.add(v.path("name").asText());
                                assertThat(v.path("allValue").asText()).as(file).isEqualTo(".*");
                            }
                            for (JsonNode p : Dashboards.panels(d)) {
                                for (JsonNode t : p.path("targets")) {
                                    var m =
                                            java.util.regex.Pattern.compile("\\$(\\w+)")
                                                    .matcher(t.path("expr").asText());
                                    while (m.find()) {
                                        String name = m.group(1);
                                        if (!name.startsWith("__")) {
                                            assertThat(defined)
                                                    .as(file + " / " + p.path("title"))
                                                    .contains(name);
                                        }
                                    }
                                }
                            }
                        });
    }

    @Test
    void theReadmeSaysWhatEachPanelShows() throws Exception {
        String readme = java.nio.file.Files.readString(grafana.grafana().resolve("README.md"));
        List<String> missing = new ArrayList<>();
        grafana.dashboards()
                .forEach(
                        (file, d) -> {
                            if (!readme.contains("### " + d.path("title").asText())) {
                                missing.add(file);
                            }
                            for (JsonNode p : Dashboards.panels(d)) {
                                if (!readme.contains("| " + p.path("title").asText() + " |")) {
                                    missing.add(file + " / " + p.path("title").asText());
                                }
                            }
                        });
        assertThat(missing).as("dashboards and panels missing from grafana/README.md").isEmpty();
    }

    @Test
    void readsMetricNamesOutOfPromQl() {
        assertThat(
                        Dashboards.metricNames(
                                "histogram_quantile(0.9, sum by (le, type)"
                                        + " (increase(a_bucket{type=~\"x|y\"}[15m]))) / 1e3"))
                .containsExactly("a_bucket");
        assertThat(
                        Dashboards.metricNames(
                                "(max by (policy) (b) - time()) / 60 or on() (0 * c{job=\"d\"})"))
                .containsExactly("b", "c");
        assertThat(
                        Dashboards.metricNames(
                                "max_over_time(sum by (pod) (irate(e[1m]))[10m:15s]) - f offset"
                                        + " 5m"))
                .containsExactly("e", "f");
    }
}
