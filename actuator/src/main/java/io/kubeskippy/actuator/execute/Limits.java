package io.kubeskippy.actuator.execute;

import io.kubeskippy.model.policy.PatchAction.ResourceBound;
import io.kubeskippy.model.policy.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * New container limits: the current one times the bound's factor, rounded up to a whole MiB (or
 * millicore), then clamped to the bound's {@code [min, max]}. Pure.
 */
public final class Limits {

    private static final BigDecimal MI = BigDecimal.valueOf(1L << 20);
    private static final BigDecimal GI = BigDecimal.valueOf(1L << 30);
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    private Limits() {}

    /**
     * The raised limit, as a quantity text such as {@code 768Mi} or {@code 750m}.
     *
     * @param resource memory or cpu
     */
    public static String raise(String resource, String current, ResourceBound bound) {
        BigDecimal value = Quantity.parse(current).value();
        BigDecimal raised = value.multiply(BigDecimal.valueOf(bound.factor()));
        boolean memory = "memory".equals(resource);
        raised =
                memory
                        ? raised.divide(MI, 0, RoundingMode.CEILING).multiply(MI)
                        : raised.multiply(THOUSAND)
                                .setScale(0, RoundingMode.CEILING)
                                .divide(THOUSAND);
        Quantity max = Quantity.parse(bound.max());
        if (raised.compareTo(max.value()) >= 0) {
            return max.text();
        }
        if (bound.min() != null) {
            Quantity min = Quantity.parse(bound.min());
            if (raised.compareTo(min.value()) <= 0) {
                return min.text();
            }
        }
        return memory ? memory(raised) : cpu(raised);
    }

    /** Whether quantity {@code a} is below {@code b}. */
    public static boolean below(String a, String b) {
        return Quantity.parse(a).compareTo(Quantity.parse(b)) < 0;
    }

    public static long bytes(String quantity) {
        return Quantity.parse(quantity).bytes();
    }

    static String memory(BigDecimal bytes) {
        if (bytes.remainder(GI).signum() == 0) {
            return bytes.divide(GI).toBigInteger() + "Gi";
        }
        return bytes.divide(MI, 0, RoundingMode.CEILING).toBigInteger() + "Mi";
    }

    static String cpu(BigDecimal cores) {
        BigDecimal milli = cores.multiply(THOUSAND).setScale(0, RoundingMode.CEILING);
        if (milli.remainder(THOUSAND).signum() == 0) {
            return milli.divide(THOUSAND).toBigInteger().toString();
        }
        return milli.toBigInteger() + "m";
    }

    /** "512Mi" from bytes, for messages. */
    public static String formatBytes(long bytes) {
        BigDecimal b = BigDecimal.valueOf(bytes);
        if (b.remainder(MI).signum() == 0) {
            return memory(b);
        }
        return bytes + "";
    }
}
