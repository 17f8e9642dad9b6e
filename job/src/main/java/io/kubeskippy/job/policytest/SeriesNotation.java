package io.kubeskippy.job.policytest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus' notation for input series, as promtool's rule unit tests write them: a series {@code
 * name{label="value",...}} and its values in expanding notation.
 *
 * <p>Values are space-separated items, one sample per interval:
 *
 * <ul>
 *   <li>{@code a}: one sample; {@code a} is a number ({@code 1}, {@code -2.5}, {@code 100e6},
 *       {@code Inf}, {@code NaN});
 *   <li>{@code a+bxn}: n+1 samples {@code a, a+b, ..., a+n*b}; {@code a-bxn} counts down; {@code
 *       axn} is {@code a} n+1 times;
 *   <li>{@code _}: no sample in that interval; {@code _xn}: n intervals without a sample (n, not
 *       n+1);
 *   <li>{@code stale}: a staleness marker.
 * </ul>
 *
 * As in promtool, {@code 0x3} is 0 four times (no hexadecimal), and the values of {@code a+bxn} are
 * accumulated by repeated addition. Native histograms ({@code {{...}}}) are not supported.
 */
public final class SeriesNotation {

    /** The most values one series may expand to: a week at 1s is 604800. */
    public static final int MAX_VALUES = 1_000_000;

    private static final String NUMBER =
            "(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[Ii][Nn][Ff]|[Nn][Aa][Nn])";
    private static final Pattern SINGLE = Pattern.compile("[+-]?" + NUMBER);
    private static final Pattern REPEAT =
            Pattern.compile("([+-]?" + NUMBER + ")(?:([+-])(" + NUMBER + "))?x(\\d+)");
    private static final Pattern BLANKS = Pattern.compile("_(?:x(\\d+))?");
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private SeriesNotation() {}

    /** What one interval of a series holds. */
    public enum Kind {
        SAMPLE,
        /** {@code _}: nothing was scraped. */
        OMITTED,
        /** {@code stale}: a staleness marker. */
        STALE
    }

    /**
     * One interval of an expanded series.
     *
     * @param value the sample's value; NaN unless {@code kind} is SAMPLE
     */
    public record Value(Kind kind, double value) {
        public static final Value OMITTED = new Value(Kind.OMITTED, Double.NaN);
        public static final Value STALE = new Value(Kind.STALE, Double.NaN);

        public static Value of(double value) {
            return new Value(Kind.SAMPLE, value);
        }

        /** A finite sample: what the job can read (NaN, infinities and stale markers are not). */
        public boolean isSample() {
            return kind == Kind.SAMPLE && Double.isFinite(value);
        }

        @Override
        public String toString() {
            return switch (kind) {
                case OMITTED -> "_";
                case STALE -> "stale";
                case SAMPLE -> format(value);
            };
        }
    }

    /** A series: metric name and labels. */
    public record Series(String name, Map<String, String> labels) {
        public Series {
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        }
    }

    /**
     * Expands {@code values}.
     *
     * @throws IllegalArgumentException naming the item that cannot be read and the accepted forms
     */
    public static List<Value> expand(String values) {
        List<Value> out = new ArrayList<>();
        String[] items = values.trim().split("\\s+");
        if (items.length == 1 && items[0].isEmpty()) {
            return out;
        }
        for (String item : items) {
            expandItem(item, out);
            if (out.size() > MAX_VALUES) {
                throw new IllegalArgumentException(
                        "expands to more than " + MAX_VALUES + " values; shorten it");
            }
        }
        return out;
    }

    private static void expandItem(String item, List<Value> out) {
        Matcher m = BLANKS.matcher(item);
        if (m.matches()) {
            long n = m.group(1) == null ? 1 : count(item, m.group(1));
            for (long i = 0; i < n; i++) {
                out.add(Value.OMITTED);
            }
            return;
        }
        if (item.equals("stale")) {
            out.add(Value.STALE);
            return;
        }
        if (SINGLE.matcher(item).matches()) {
            out.add(Value.of(number(item)));
            return;
        }
        m = REPEAT.matcher(item);
        if (m.matches()) {
            double value = number(m.group(1));
            double step = m.group(2) == null ? 0 : number(m.group(3));
            if (m.group(2) != null && m.group(2).equals("-")) {
                step = -step;
            }
            long n = count(item, m.group(4));
            // n+1 values, as promtool: the first is the value at the start of the run
            for (long i = 0; i <= n; i++) {
                out.add(Value.of(value));
                value += step;
            }
            return;
        }
        throw new IllegalArgumentException(
                "cannot read '"
                        + item
                        + "': expected a number (1, -2.5, 1e6), a+bxn (1+1x3 = 1 2 3 4), a-bxn,"
                        + " axn, _ (no sample), _xn or stale");
    }

    private static long count(String item, String digits) {
        try {
            long n = Long.parseLong(digits);
            if (n <= MAX_VALUES) {
                return n;
            }
        } catch (NumberFormatException e) {
            // too many digits: fall through
        }
        throw new IllegalArgumentException(
                "'" + item + "' repeats " + digits + " times; at most " + MAX_VALUES);
    }

    private static double number(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        String unsigned = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
        double sign = t.startsWith("-") ? -1 : 1;
        return switch (unsigned) {
            case "inf" -> sign * Double.POSITIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(t);
        };
    }

    /**
     * Parses a series such as {@code container_memory_working_set_bytes{namespace="shop",pod="a"}}
     * (or {@code {__name__="...",...}}). Label values are quoted with {@code "}, {@code '} or
     * {@code `}; {@code \"}, {@code \\}, {@code \n} and {@code \t} are escapes.
     *
     * @throws IllegalArgumentException naming the position of the problem
     */
    public static Series parseSeries(String text) {
        String s = text.strip();
        int i = 0;
        String name = null;
        Matcher m = METRIC_NAME.matcher(s);
        if (m.lookingAt()) {
            name = m.group();
            i = m.end();
        }
        Map<String, String> labels = new LinkedHashMap<>();
        i = skipSpaces(s, i);
        if (i < s.length()) {
            if (s.charAt(i) != '{') {
                throw seriesError(
                        text,
                        i,
                        name == null
                                ? "expected a metric name such as up, or '{'"
                                : "expected '{' after the metric name");
            }
            i = skipSpaces(s, i + 1);
            while (i < s.length() && s.charAt(i) != '}') {
                Matcher label = LABEL_NAME.matcher(s).region(i, s.length());
                if (!label.lookingAt()) {
                    throw seriesError(text, i, "expected a label name");
                }
                String labelName = label.group();
                i = skipSpaces(s, label.end());
                if (i >= s.length() || s.charAt(i) != '=') {
                    throw seriesError(
                            text, i, "expected '=' after " + labelName + " (only = is allowed)");
                }
                i = skipSpaces(s, i + 1);
                if (i < s.length() && s.charAt(i) == '~') {
                    throw seriesError(text, i, "a series has label values, not matchers (=~)");
                }
                StringBuilder value = new StringBuilder();
                i = quoted(text, s, i, value);
                if (labels.put(labelName, value.toString()) != null) {
                    throw seriesError(text, label.start(), "label " + labelName + " appears twice");
                }
                i = skipSpaces(s, i);
                if (i < s.length() && s.charAt(i) == ',') {
                    i = skipSpaces(s, i + 1);
                } else if (i < s.length() && s.charAt(i) != '}') {
                    throw seriesError(text, i, "expected ',' or '}'");
                }
            }
            if (i >= s.length()) {
                throw seriesError(text, i, "expected '}'");
            }
            i = skipSpaces(s, i + 1);
            if (i < s.length()) {
                throw seriesError(text, i, "unexpected text after '}'");
            }
        }
        String nameLabel = labels.remove("__name__");
        if (nameLabel != null) {
            if (name != null) {
                throw seriesError(text, 0, "the metric name is given twice (and as __name__)");
            }
            name = nameLabel;
        }
        if (name == null || name.isEmpty()) {
            throw seriesError(text, 0, "a series needs a metric name, e.g. up{job=\"api\"}");
        }
        return new Series(name, labels);
    }

    private static int quoted(String text, String s, int i, StringBuilder value) {
        if (i >= s.length() || "\"'`".indexOf(s.charAt(i)) < 0) {
            throw seriesError(text, i, "expected a quoted label value");
        }
        char quote = s.charAt(i++);
        while (i < s.length() && s.charAt(i) != quote) {
            char c = s.charAt(i++);
            if (c == '\\' && quote != '`' && i < s.length()) {
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> value.append('\n');
                    case 't' -> value.append('\t');
                    case '\\', '"', '\'' -> value.append(e);
                    default -> throw seriesError(text, i - 2, "unknown escape \\" + e);
                }
            } else {
                value.append(c);
            }
        }
        if (i >= s.length()) {
            throw seriesError(text, i, "unterminated label value");
        }
        return i + 1;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static IllegalArgumentException seriesError(String text, int at, String message) {
        return new IllegalArgumentException(
                message + " at character " + (at + 1) + " of '" + text.strip() + "'");
    }

    /** A number as promtool would print it: whole numbers without a fraction. */
    static String format(double v) {
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

    /** The values as they would be written one by one: {@code 1 2 _ stale}. */
    public static String format(List<Value> values) {
        StringBuilder out = new StringBuilder();
        for (Value v : values) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(v);
        }
        return out.toString();
    }
}
