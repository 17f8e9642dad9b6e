package io.kubeskippy.ingest.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

class QueryFileTest {

    @Test
    void readsNamedAndUnnamedQueries() throws Exception {
        String yaml =
                """
                queries:
                  - name: mem
                    query: sum by (namespace, pod) (container_memory_working_set_bytes)
                  - query: up
                """;

        assertThat(QueryFile.parse(yaml, "q.yaml"))
                .containsExactly(
                        new PrometheusQuery(
                                "mem",
                                "sum by (namespace, pod) (container_memory_working_set_bytes)"),
                        new PrometheusQuery(null, "up"));
    }

    @Test
    void reportsEveryErrorOfTheFileAtOnceWithItsPath() {
        String yaml =
                """
                queries:
                  - name: mem-x
                    query: up
                  - name: cpu
                  - name: cpu
                    query: "  "
                  - nmae: typo
                    query: up
                  - name: ok
                    query: up
                  - name: ok
                    query: down
                  - 42
                interval: 15s
                """;

        QueryFileException e =
                catchThrowableOfType(
                        QueryFileException.class, () -> QueryFile.parse(yaml, "q.yaml"));

        assertThat(e.errors())
                .containsExactlyInAnyOrder(
                        "q.yaml: interval: unknown key (expected one of [queries])",
                        "q.yaml: queries[0].name: 'mem-x' is not a metric name"
                                + " ([a-zA-Z_:][a-zA-Z0-9_:]*)",
                        "q.yaml: queries[1].query: required (a PromQL expression)",
                        "q.yaml: queries[2].query: must not be blank",
                        "q.yaml: queries[3].nmae: unknown key (expected one of [name, query])",
                        "q.yaml: queries[5].name: 'ok' is used by an earlier query; names must be"
                                + " unique",
                        "q.yaml: queries[6]: must be a mapping with 'query' (and 'name')");
    }

    @Test
    void rejectsAnEmptyOrMissingQueryList() {
        for (String yaml : List.of("queries: []\n", "other: 1\n", "", "- up\n")) {
            QueryFileException e =
                    catchThrowableOfType(
                            QueryFileException.class, () -> QueryFile.parse(yaml, "q.yaml"));
            assertThat(e).as(yaml).isNotNull();
            assertThat(e.getMessage()).startsWith("q.yaml: ");
        }
    }

    @Test
    void rejectsInvalidYamlAndDuplicateKeys() {
        QueryFileException invalid =
                catchThrowableOfType(
                        QueryFileException.class, () -> QueryFile.parse("queries: [\n", "q.yaml"));
        QueryFileException duplicate =
                catchThrowableOfType(
                        QueryFileException.class,
                        () -> QueryFile.parse("queries:\n  - query: a\n    query: b\n", "q.yaml"));

        assertThat(invalid.getMessage()).startsWith("q.yaml: not valid YAML");
        assertThat(duplicate.getMessage())
                .startsWith("q.yaml: not valid YAML")
                .contains("duplicate");
    }
}
