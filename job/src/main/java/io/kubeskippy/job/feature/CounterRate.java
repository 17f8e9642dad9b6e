package io.kubeskippy.job.feature;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Turns successive readings of a monotonic counter into per-second rates, treating any decrease as
 * a counter reset the way Prometheus' {@code rate()} does.
 *
 * <p>After a reset the counter restarted from zero, so the increase since the previous reading is
 * the new value itself: a rate is never negative. Feed it readings in time order; the job feeds it
 * the {@code last} value of each closed step bucket (never raw samples, whose out-of-order arrivals
 * would look like resets).
 *
 * <p>State: the previous reading and a reset count. Serialized size: {@value #SERIALIZED_BYTES}
 * bytes.
 */
public final class CounterRate {

    static final int FORMAT_VERSION = 1;

    /** version, previous timestamp, previous value, resets. */
    public static final int SERIALIZED_BYTES = 1 + 8 + 8 + 8;

    private static final long NONE = Long.MIN_VALUE;

    private long previousTimestamp = NONE;
    private double previousValue;
    private long resets;

    /**
     * Records a reading and returns the per-second rate since the previous one.
     *
     * @return the rate, >= 0; NaN for the first reading, and for a reading that is not finite,
     *     negative or not later than the previous one (those are ignored and leave the state as it
     *     was)
     */
    public double update(long timestampMs, double value) {
        if (!Double.isFinite(value) || value < 0) {
            return Double.NaN;
        }
        if (previousTimestamp == NONE) {
            previousTimestamp = timestampMs;
            previousValue = value;
            return Double.NaN;
        }
        if (timestampMs <= previousTimestamp) {
            return Double.NaN;
        }
        double increase;
        if (value < previousValue) {
            resets++;
            increase = value;
        } else {
            increase = value - previousValue;
        }
        double seconds = (timestampMs - previousTimestamp) / 1000.0;
        previousTimestamp = timestampMs;
        previousValue = value;
        return increase / seconds;
    }

    /**
     * The per-second rate between two readings of one counter, with a reset (a lower reading)
     * counted as an increase from zero; NaN when the later reading is not finite, negative or not
     * later. {@link #update} without the state.
     */
    public static double between(long previousMs, double previous, long timestampMs, double value) {
        if (!Double.isFinite(value) || value < 0 || timestampMs <= previousMs) {
            return Double.NaN;
        }
        double increase = value < previous ? value : value - previous;
        return increase / ((timestampMs - previousMs) / 1000.0);
    }

    /** Counter resets seen so far. */
    public long resets() {
        return resets;
    }

    /** Forgets the previous reading, so the next one starts afresh. */
    public void clear() {
        previousTimestamp = NONE;
        previousValue = 0;
    }

    public int serializedSize() {
        return SERIALIZED_BYTES;
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(previousTimestamp);
        out.writeDouble(previousValue);
        out.writeLong(resets);
    }

    public static CounterRate readFrom(DataInput in) throws IOException {
        StateIo.readVersion(in, FORMAT_VERSION, "CounterRate");
        CounterRate r = new CounterRate();
        r.previousTimestamp = in.readLong();
        r.previousValue = in.readDouble();
        r.resets = in.readLong();
        StateIo.check(r.resets >= 0, "CounterRate", "negative reset count");
        return r;
    }

    @Override
    public String toString() {
        return "CounterRate{previous="
                + (previousTimestamp == NONE ? "none" : previousValue + "@" + previousTimestamp)
                + ", resets="
                + resets
                + "}";
    }
}
