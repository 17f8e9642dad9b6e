package io.kubeskippy.job.feature;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Remembers recent container start times and tells whether a feature point falls within the grace
 * period after a (re)start, so a warm-up is never added to a trend window.
 *
 * <p>{@link #observeStart} reports whether a start is a new restart; the job then decides whether
 * to clear the window (it does when grouping by pod, where a restart begins a new series, and not
 * when grouping by workload, where evidence must survive restarts).
 *
 * <p>State: the {@value #CAPACITY} most recent distinct start times, ascending, in a primitive
 * array; older starts cannot matter once their grace has passed. Serialized size: {@value
 * #HEADER_BYTES} bytes + 8 bytes per start held, at most {@value #MAX_SERIALIZED_BYTES} bytes.
 */
public final class StartupGrace {

    static final int FORMAT_VERSION = 1;

    /** Distinct starts kept: enough for a pod's containers restarting around the same time. */
    public static final int CAPACITY = 4;

    /** version, grace, count. */
    public static final int HEADER_BYTES = 1 + 8 + 1;

    public static final int MAX_SERIALIZED_BYTES = HEADER_BYTES + CAPACITY * 8;

    private final long graceMs;
    private final long[] starts = new long[CAPACITY];
    private int count;

    /**
     * @param graceMs how long after a start points are skipped, >= 0 (0 disables the grace)
     */
    public StartupGrace(long graceMs) {
        if (graceMs < 0) {
            throw new IllegalArgumentException("grace must be >= 0 ms, got " + graceMs);
        }
        this.graceMs = graceMs;
    }

    public long graceMs() {
        return graceMs;
    }

    /** The latest start seen, or {@link Long#MIN_VALUE} if none. */
    public long latestStart() {
        return count == 0 ? Long.MIN_VALUE : starts[count - 1];
    }

    /**
     * Records a container start time.
     *
     * @return true if it is later than every start seen before (a new start or restart); false if
     *     it was already known or is older (a late report of an earlier start, still remembered)
     */
    public boolean observeStart(long startMs) {
        int i = count - 1;
        while (i >= 0 && starts[i] > startMs) {
            i--;
        }
        if (i >= 0 && starts[i] == startMs) {
            return false;
        }
        boolean newest = i == count - 1;
        // Insert after i, keeping the array ascending; when full, the oldest falls off.
        if (count == CAPACITY) {
            if (i < 0) {
                return false; // older than everything kept: its grace is long over
            }
            System.arraycopy(starts, 1, starts, 0, i);
            starts[i] = startMs;
        } else {
            System.arraycopy(starts, i + 1, starts, i + 2, count - i - 1);
            starts[i + 1] = startMs;
            count++;
        }
        return newest;
    }

    /** Whether {@code timestampMs} is within {@code [start, start + grace)} of a known start. */
    public boolean inGrace(long timestampMs) {
        return overlapsGrace(timestampMs, timestampMs + 1);
    }

    /**
     * Whether {@code [fromMs, toMs)} overlaps a grace period: true for a step bucket that holds
     * even one sample taken during a warm-up.
     */
    public boolean overlapsGrace(long fromMs, long toMs) {
        if (graceMs == 0) {
            return false; // an empty grace overlaps nothing
        }
        for (int i = 0; i < count; i++) {
            long s = starts[i];
            if (fromMs < s + graceMs && s < toMs) {
                return true;
            }
        }
        return false;
    }

    public void clear() {
        count = 0;
    }

    public int serializedSize() {
        return HEADER_BYTES + count * 8;
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(graceMs);
        out.writeByte(count);
        for (int i = 0; i < count; i++) {
            out.writeLong(starts[i]);
        }
    }

    public static StartupGrace readFrom(DataInput in) throws IOException {
        StateIo.readVersion(in, FORMAT_VERSION, "StartupGrace");
        long grace = in.readLong();
        StateIo.check(grace >= 0, "StartupGrace", "negative grace");
        StartupGrace g = new StartupGrace(grace);
        int n = in.readUnsignedByte();
        StateIo.check(n <= CAPACITY, "StartupGrace", n + " starts");
        for (int i = 0; i < n; i++) {
            g.starts[i] = in.readLong();
            StateIo.check(
                    i == 0 || g.starts[i] > g.starts[i - 1],
                    "StartupGrace",
                    "starts not ascending");
        }
        g.count = n;
        return g;
    }

    @Override
    public String toString() {
        return "StartupGrace{grace=" + graceMs + "ms, starts=" + count + "}";
    }
}
