package io.kubeskippy.ingest.prometheus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads the queries file of the Prometheus poller.
 *
 * <p>The file is YAML with one key, {@code queries}, a non-empty list of queries, each with:
 *
 * <ul>
 *   <li>{@code query} (required): a PromQL expression evaluated every step as an instant query
 *       (vector, scalar or matrix results);
 *   <li>{@code name} (optional): the metric name of the samples it yields, a Prometheus metric name
 *       unique in the file. Without it each series keeps its own {@code __name__}, and series
 *       without one (e.g. the result of {@code sum(...)}) are dropped and counted.
 * </ul>
 *
 * <pre>{@code
 * queries:
 *   - name: container_memory_working_set_bytes
 *     query: sum by (namespace, pod, container) (container_memory_working_set_bytes{container!=""})
 *   - query: kube_pod_container_status_restarts_total   # keeps its own name
 * }</pre>
 *
 * <p>Parsing is strict: an unknown key is an error naming its path, and every error of the file is
 * reported at once ({@code queries.yaml: queries[1].name: 'mem-x' is not a metric name ...}).
 */
public final class QueryFile {

    private static final Set<String> TOP_KEYS = Set.of("queries");
    private static final Set<String> QUERY_KEYS = Set.of("name", "query");

    private QueryFile() {}

    /** Reads and validates a queries file. */
    public static List<PrometheusQuery> load(Path file) throws IOException, QueryFileException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses queries-file text.
     *
     * @param source how errors name the file
     */
    public static List<PrometheusQuery> parse(String yaml, String source)
            throws QueryFileException {
        List<String> errors = new ArrayList<>();
        Object root;
        try {
            LoaderOptions loader = new LoaderOptions();
            loader.setAllowDuplicateKeys(false);
            loader.setMaxAliasesForCollections(10);
            root = new Yaml(new SafeConstructor(loader)).load(yaml);
        } catch (YAMLException e) {
            throw new QueryFileException(
                    List.of(source + ": not valid YAML: " + e.getMessage().replace('\n', ' ')));
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new QueryFileException(
                    List.of(source + ": expected a mapping with a 'queries' list"));
        }
        unknownKeys(top, TOP_KEYS, "", source, errors);
        Object list = top.get("queries");
        List<PrometheusQuery> queries = new ArrayList<>();
        if (!(list instanceof List<?> entries) || entries.isEmpty()) {
            errors.add(source + ": queries: must be a non-empty list of {name, query}");
            throw new QueryFileException(errors);
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String path = "queries[" + i + "]";
            if (!(entries.get(i) instanceof Map<?, ?> entry)) {
                errors.add(source + ": " + path + ": must be a mapping with 'query' (and 'name')");
                continue;
            }
            unknownKeys(entry, QUERY_KEYS, path + ".", source, errors);
            String name = text(entry.get("name"), path + ".name", source, errors);
            if (entry.get("query") == null) {
                errors.add(source + ": " + path + ".query: required (a PromQL expression)");
                continue;
            }
            String query = text(entry.get("query"), path + ".query", source, errors);
            if (query == null) {
                continue;
            }
            if (query.isBlank()) {
                errors.add(source + ": " + path + ".query: must not be blank");
                continue;
            }
            if (name != null && !PrometheusQuery.METRIC_NAME.matcher(name).matches()) {
                errors.add(
                        source
                                + ": "
                                + path
                                + ".name: '"
                                + name
                                + "' is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
                continue;
            }
            if (name != null && !names.add(name)) {
                errors.add(
                        source
                                + ": "
                                + path
                                + ".name: '"
                                + name
                                + "' is used by an earlier query; names must be unique");
                continue;
            }
            queries.add(new PrometheusQuery(name, query));
        }
        if (!errors.isEmpty()) {
            throw new QueryFileException(errors);
        }
        return List.copyOf(queries);
    }

    private static void unknownKeys(
            Map<?, ?> map, Set<String> known, String prefix, String source, List<String> errors) {
        for (Object key : map.keySet()) {
            if (!known.contains(String.valueOf(key))) {
                errors.add(
                        source
                                + ": "
                                + prefix
                                + key
                                + ": unknown key (expected one of "
                                + known.stream().sorted().toList()
                                + ")");
            }
        }
    }

    private static String text(Object value, String path, String source, List<String> errors) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            errors.add(source + ": " + path + ": must be a string, got " + value);
            return null;
        }
        return s;
    }
}
