package io.kubeskippy.demo.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The repository's {@code grafana/} directory as the tests read it: the dashboards, their queries
 * with the metric names they use, the provisioned datasource and the metrics inventory.
 */
final class Dashboards {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One PromQL query of a panel. */
    record Query(String dashboard, String panel, String refId, String expr, boolean instant) {

        /** The query with the dashboard's variables at their "All" value, as Grafana sends it. */
        String resolved() {
            return expr.replace("$__rate_interval", "1m")
                    .replace("$__interval", "15s")
                    .replace("$namespace", ".*")
                    .replace("$pod", ".*");
        }

        @Override
        public String toString() {
            return dashboard + " / " + panel + " [" + refId + "]: " + expr;
        }
    }

    /** One line of {@code grafana/metrics-inventory.txt}. */
    record InventoryEntry(String metric, String component, String exportedBy) {}

    private final Path root;

    private Dashboards(Path root) {
        this.root = root;
    }

    /** The repository root: the first directory up from here with {@code grafana/dashboards}. */
    static Dashboards find() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("grafana").resolve("dashboards"))) {
                return new Dashboards(dir);
            }
        }
        throw new IllegalStateException(
                "no grafana/dashboards above " + Path.of("").toAbsolutePath());
    }

    Path root() {
        return root;
    }

    Path grafana() {
        return root.resolve("grafana");
    }

    /** Every dashboard JSON file, by file name. */
    Map<String, JsonNode> dashboards() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(grafana().resolve("dashboards"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                out.put(f.getFileName().toString(), JSON.readTree(f.toFile()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Every panel of a dashboard, rows' nested panels included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            for (JsonNode nested : p.path("panels")) {
                out.add(nested);
            }
        }
        return out;
    }

    /** Every target of every panel of every dashboard. */
    List<Query> queries() {
        List<Query> out = new ArrayList<>();
        dashboards()
                .forEach(
                        (file, d) -> {
                            for (JsonNode p : panels(d)) {
                                for (JsonNode t : p.path("targets")) {
                                    out.add(
                                            new Query(
                                                    d.path("title").asText(file),
                                                    p.path("title").asText(),
                                                    t.path("refId").asText(),
                                                    t.path("expr").asText(""),
                                                    t.path("instant").asBoolean(false)));
                                }
                            }
                        });
        return out;
    }

    /** The uid of the provisioned Prometheus datasource. */
    String datasourceUid() {
        try {
            JsonNode ds =
                    YAML.readTree(
                            grafana().resolve("provisioning/datasources/prometheus.yaml").toFile());
            return ds.path("datasources").path(0).path("uid").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The inventory, by metric name; a repeated name is an error. */
    Map<String, InventoryEntry> inventory() {
        Map<String, InventoryEntry> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(grafana().resolve("metrics-inventory.txt"))) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] parts = l.split("\\s+", 3);
                if (parts.length < 3) {
                    throw new IllegalStateException("inventory line without an exporter: " + line);
                }
                if (out.put(parts[0], new InventoryEntry(parts[0], parts[1], parts[2])) != null) {
                    throw new IllegalStateException("inventory lists twice: " + parts[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER =
            Pattern.compile("(?<![0-9.a-zA-Z_:])[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS =
            Set.of(
                    "and",
                    "or",
                    "unless",
                    "offset",
                    "bool",
                    "by",
                    "without",
                    "on",
                    "ignoring",
                    "group_left",
                    "group_right",
                    "inf",
                    "nan",
                    "Inf",
                    "NaN");

    /**
     * The metric names a PromQL expression reads: identifiers outside label matchers, strings,
     * ranges and grouping clauses that are neither a function (followed by {@code (}) nor a
     * keyword.
     */
    static Set<String> metricNames(String expr) {
        String s = STRING.matcher(expr).replaceAll("\"\"");
        s = MATCHERS.matcher(s).replaceAll(" ");
        s = RANGES.matcher(s).replaceAll(" ");
        s = GROUPING.matcher(s).replaceAll(" ");
        Set<String> out = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String name = m.group();
            int next = m.end();
            while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
                next++;
            }
            boolean function = next < s.length() && s.charAt(next) == '(';
            if (!function && !KEYWORDS.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }
}
