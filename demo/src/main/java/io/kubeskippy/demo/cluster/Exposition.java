package io.kubeskippy.demo.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prometheus text exposition format 0.0.4 of a list of samples. Pure. */
final class Exposition {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private Exposition() {}

    /** The samples grouped by name (first-seen order), each family with its HELP and TYPE. */
    static String format(List<Sample> samples) {
        Map<String, List<Sample>> families = new LinkedHashMap<>();
        for (Sample s : samples) {
            families.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(s);
        }
        StringBuilder out = new StringBuilder(samples.size() * 128);
        for (Map.Entry<String, List<Sample>> family : families.entrySet()) {
            Sample first = family.getValue().get(0);
            out.append("# HELP ")
                    .append(family.getKey())
                    .append(' ')
                    .append(escapeHelp(first.help()))
                    .append('\n');
            out.append("# TYPE ")
                    .append(family.getKey())
                    .append(' ')
                    .append(first.type().name().toLowerCase(Locale.ROOT))
                    .append('\n');
            for (Sample s : family.getValue()) {
                out.append(s.name());
                if (!s.labels().isEmpty()) {
                    out.append('{');
                    boolean comma = false;
                    for (Map.Entry<String, String> l : s.labels().entrySet()) {
                        if (comma) {
                            out.append(',');
                        }
                        out.append(l.getKey())
                                .append("=\"")
                                .append(escapeValue(l.getValue()))
                                .append('"');
                        comma = true;
                    }
                    out.append('}');
                }
                out.append(' ').append(value(s.value())).append('\n');
            }
        }
        return out.toString();
    }

    static String value(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static String escapeValue(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String escapeHelp(String v) {
        return v == null ? "" : v.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
