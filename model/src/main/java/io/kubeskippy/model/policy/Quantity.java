package io.kubeskippy.model.policy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes resource quantity: {@code 512Mi}, {@code 1.5Gi}, {@code 250m}, {@code 2}, {@code
 * 1e3}. Binary suffixes (Ki Mi Gi Ti Pi Ei), decimal suffixes (n u m k M G T P E) and decimal
 * exponents, as in {@code k8s.io/apimachinery/pkg/api/resource}.
 *
 * @param value the amount in base units (bytes for memory, cores for CPU)
 * @param text the quantity as written
 */
public record Quantity(BigDecimal value, String text) {

    private static final Pattern FORM =
            Pattern.compile(
                    "([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\\d+)?");

    private static final Map<String, BigDecimal> SUFFIXES =
            Map.ofEntries(
                    Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
                    Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
                    Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
                    Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
                    Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
                    Map.entry("Ei", BigDecimal.valueOf(1L << 60)),
                    Map.entry("n", new BigDecimal("1e-9")),
                    Map.entry("u", new BigDecimal("1e-6")),
                    Map.entry("m", new BigDecimal("1e-3")),
                    Map.entry("k", new BigDecimal("1e3")),
                    Map.entry("M", new BigDecimal("1e6")),
                    Map.entry("G", new BigDecimal("1e9")),
                    Map.entry("T", new BigDecimal("1e12")),
                    Map.entry("P", new BigDecimal("1e15")),
                    Map.entry("E", new BigDecimal("1e18")));

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the accepted form
     */
    public static Quantity parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must be a quantity such as 512Mi, 1.5Gi or 250m");
        }
        String s = text.trim();
        Matcher m = FORM.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "must be a quantity such as 512Mi, 1.5Gi or 250m, got '" + text + "'");
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String suffix = m.group(2);
        BigDecimal value;
        if (suffix == null) {
            value = number;
        } else if (SUFFIXES.containsKey(suffix)) {
            // before the exponent: "E" and "Ei" (exa, exbi) start with an E too
            value = number.multiply(SUFFIXES.get(suffix));
        } else {
            try {
                value = number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "must be a quantity such as 512Mi, 1.5Gi or 250m, got '" + text + "'");
            }
        }
        if (value.signum() < 0) {
            throw new IllegalArgumentException("must not be negative, got '" + text + "'");
        }
        return new Quantity(value.stripTrailingZeros(), s);
    }

    /** Bytes, rounded up as Kubernetes rounds memory. */
    public long bytes() {
        return value.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** CPU cores. */
    public double cores() {
        return value.doubleValue();
    }

    public int compareTo(Quantity other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return text;
    }
}
