package io.kubeskippy.ingest.prometheus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubeskippy.ingest.IngestCounters.Drop;
import io.kubeskippy.model.record.MetricSample;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON answer of Prometheus' {@code /api/v1/query} into MetricSamples.
 *
 * <p>Vector results give one sample per series, scalar results one sample without labels, matrix
 * results one sample per point. A sample is named by the query's name, or else by the series'
 * {@code __name__}, which is never kept as a label. Values are Prometheus' strings ({@code "1.5"},
 * {@code "NaN"}, {@code "+Inf"}); non-finite ones are dropped and counted.
 */
public final class QueryResultParser {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private QueryResultParser() {}

    /** The samples of one answer and what was dropped. */
    public record Result(List<MetricSample> samples, Map<Drop, Long> dropped) {
        public Result {
            samples = List.copyOf(samples);
            dropped = Collections.unmodifiableMap(new EnumMap<>(dropped));
        }

        public long dropped(Drop drop) {
            return dropped.getOrDefault(drop, 0L);
        }
    }

    /**
     * Parses one answer.
     *
     * @param name the query's name, or null to name samples by {@code __name__}
     * @throws IllegalArgumentException with a one-line reason when the answer is not a successful
     *     query result (including Prometheus' own {@code "status":"error"} answers)
     */
    public static Result parse(byte[] json, String name) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "answer is not JSON: " + e.getOriginalMessage().replace('\n', ' '));
        } catch (IOException e) {
            throw new IllegalArgumentException("answer is not readable: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("answer is not a JSON object");
        }
        String status = root.path("status").asText("");
        if (!"success".equals(status)) {
            throw new IllegalArgumentException(
                    "Prometheus answered status '"
                            + status
                            + "' ("
                            + root.path("errorType").asText("?")
                            + "): "
                            + root.path("error").asText("no error message"));
        }
        JsonNode data = root.path("data");
        String type = data.path("resultType").asText("");
        JsonNode result = data.path("result");
        List<MetricSample> samples = new ArrayList<>();
        Map<Drop, Long> dropped = new EnumMap<>(Drop.class);
        switch (type) {
            case "vector" -> {
                for (JsonNode series : array(result, "vector result")) {
                    add(samples, dropped, name, series.path("metric"), series.path("value"));
                }
            }
            case "matrix" -> {
                for (JsonNode series : array(result, "matrix result")) {
                    for (JsonNode point : array(series.path("values"), "matrix values")) {
                        add(samples, dropped, name, series.path("metric"), point);
                    }
                }
            }
            case "scalar" -> add(samples, dropped, name, MAPPER.createObjectNode(), result);
            default ->
                    throw new IllegalArgumentException(
                            "result type '"
                                    + type
                                    + "' gives no samples (expected vector,"
                                    + " scalar or matrix)");
        }
        return new Result(samples, dropped);
    }

    private static void add(
            List<MetricSample> samples,
            Map<Drop, Long> dropped,
            String queryName,
            JsonNode metric,
            JsonNode point) {
        if (!point.isArray() || point.size() != 2 || !point.get(0).isNumber()) {
            throw new IllegalArgumentException(
                    "expected a [timestamp, \"value\"] pair, got " + abbreviate(point));
        }
        double value = value(point.get(1));
        if (!Double.isFinite(value)) {
            dropped.merge(Double.isNaN(value) ? Drop.NAN : Drop.INFINITE, 1L, Long::sum);
            return;
        }
        long timestampMs =
                point.get(0)
                        .decimalValue()
                        .movePointRight(3)
                        .setScale(0, RoundingMode.HALF_UP)
                        .longValue();
        Map<String, String> labels = new LinkedHashMap<>();
        String seriesName = null;
        for (Map.Entry<String, JsonNode> field : metric.properties()) {
            if (!field.getValue().isTextual()) {
                throw new IllegalArgumentException(
                        "label " + field.getKey() + " is not a string: " + field.getValue());
            }
            if ("__name__".equals(field.getKey())) {
                seriesName = field.getValue().asText();
            } else {
                labels.put(field.getKey(), field.getValue().asText());
            }
        }
        String sampleName = queryName != null ? queryName : seriesName;
        if (sampleName == null || sampleName.isBlank()) {
            dropped.merge(Drop.NO_NAME, 1L, Long::sum);
            return;
        }
        try {
            samples.add(new MetricSample(sampleName, labels, timestampMs, value));
        } catch (IllegalArgumentException e) {
            dropped.merge(Drop.INVALID, 1L, Long::sum);
        }
    }

    /** A Prometheus sample value: a decimal string, or NaN / +Inf / -Inf. */
    static double value(JsonNode node) {
        if (!node.isTextual()) {
            throw new IllegalArgumentException("sample value is not a string: " + node);
        }
        String text = node.asText().trim();
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
            case "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    // BigDecimal, not Double.parseDouble: that also takes "1d" and hex floats.
                    return new BigDecimal(text).doubleValue();
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("sample value '" + text + "' is no number");
                }
        }
    }

    private static Iterable<JsonNode> array(JsonNode node, String what) {
        if (!node.isArray()) {
            throw new IllegalArgumentException(what + " is not an array");
        }
        return node;
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 100 ? text.substring(0, 100) + "..." : text;
    }
}
