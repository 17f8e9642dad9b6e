package io.kubeskippy.model.policy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written as Kubernetes and Go write them: {@code 90s}, {@code 5m}, {@code 1h30m}, {@code
 * 1.5h}, {@code 250ms}. Units: ns, us (or µs), ms, s, m, h. Negative durations are rejected; {@code
 * 0} alone is zero.
 */
public final class Durations {

    private static final Pattern PART =
            Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private Durations() {}

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the accepted form, e.g. "must be a duration such as
     *     90s, 5m or 1h30m"
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must be a duration such as 90s, 5m or 1h30m");
        }
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.startsWith("-")) {
            throw new IllegalArgumentException("must not be negative, got '" + text + "'");
        }
        Matcher m = PART.matcher(s);
        int position = 0;
        BigDecimal nanos = BigDecimal.ZERO;
        while (position < s.length()) {
            if (!m.find(position) || m.start() != position) {
                throw new IllegalArgumentException(
                        "must be a duration such as 90s, 5m or 1h30m (units ns, us, ms, s, m, h),"
                                + " got '"
                                + text
                                + "'");
            }
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(unitNanos(m.group(2))));
            position = m.end();
        }
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("is too long, got '" + text + "'");
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** Formats like Kubernetes does, without zero parts: {@code 1h30m}, {@code 90s}, {@code 0s}. */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long hours = duration.toHours();
        int minutes = duration.toMinutesPart();
        int seconds = duration.toSecondsPart();
        int millis = duration.toMillisPart();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(minutes).append('m');
        }
        if (seconds > 0 || (millis > 0 && out.length() > 0)) {
            if (millis > 0) {
                out.append(
                        BigDecimal.valueOf(seconds * 1000L + millis, 3)
                                .stripTrailingZeros()
                                .toPlainString());
            } else {
                out.append(seconds);
            }
            out.append('s');
        } else if (millis > 0) {
            out.append(millis).append("ms");
        }
        if (out.length() == 0) {
            out.append(duration.toNanos()).append("ns");
        }
        return out.toString();
    }

    private static BigDecimal unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> BigDecimal.ONE;
            case "us", "µs" -> BigDecimal.valueOf(1_000L);
            case "ms" -> BigDecimal.valueOf(1_000_000L);
            case "s" -> BigDecimal.valueOf(1_000_000_000L);
            case "m" -> BigDecimal.valueOf(60_000_000_000L);
            case "h" -> BigDecimal.valueOf(3_600_000_000_000L);
            default -> throw new IllegalStateException("unit " + unit);
        };
    }
}
