package io.kubeskippy.job.feature;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Everything {@link TriggerFunction} keeps for one (target, trigger): the trend state (null until
 * the first value), the latest limit, when input last arrived, the flush times its samples asked
 * for and not yet reached, and whether the last signal sent to the pattern stage was satisfied.
 *
 * <p>Serialized size: {@value #HEADER_BYTES} bytes + 8 per pending flush (a handful: lateness /
 * step + 2) + the trend state's ({@link TrendState#serializedSize()}).
 */
public final class TriggerState {

    static final int FORMAT_VERSION = 1;

    /** version, flags, limit, last seen, pending flush count. */
    public static final int HEADER_BYTES = 1 + 1 + 8 + 8 + 2;

    private static final long NONE = Long.MIN_VALUE;
    private static final int FLAG_TREND = 1;
    private static final int FLAG_LAST_SATISFIED = 2;

    TrendState trend;

    /** The container's limit for the metric, NaN until an input carries one. */
    double limit = Double.NaN;

    /** Event time of the newest input, {@link Long#MIN_VALUE} before any. */
    long lastSeen = NONE;

    /** Flush times asked for by samples and not yet passed by the watermark, ascending. */
    private long[] flushes = new long[4];

    private int pendingFlushes;

    /**
     * Whether the last signal sent was satisfied. Trend and threshold patterns are runs of
     * satisfied points, so an unsatisfied point after an unsatisfied one changes nothing.
     */
    boolean lastSatisfied;

    public TriggerState() {}

    boolean seen() {
        return lastSeen != NONE;
    }

    /** Records a flush time; false if it was pending already (its timer is set). */
    boolean addFlush(long at) {
        int i = 0;
        while (i < pendingFlushes && flushes[i] < at) {
            i++;
        }
        if (i < pendingFlushes && flushes[i] == at) {
            return false;
        }
        if (pendingFlushes == flushes.length) {
            flushes = java.util.Arrays.copyOf(flushes, flushes.length * 2);
        }
        System.arraycopy(flushes, i, flushes, i + 1, pendingFlushes - i);
        flushes[i] = at;
        pendingFlushes++;
        return true;
    }

    /** Drops the flush times up to {@code watermark}; true if there was one (a flush is due). */
    boolean takeFlushesUpTo(long watermark) {
        int n = 0;
        while (n < pendingFlushes && flushes[n] <= watermark) {
            n++;
        }
        if (n == 0) {
            return false;
        }
        System.arraycopy(flushes, n, flushes, 0, pendingFlushes - n);
        pendingFlushes -= n;
        return true;
    }

    int pendingFlushes() {
        return pendingFlushes;
    }

    /** The earliest pending flush time, {@link Long#MAX_VALUE} if none. */
    long nextFlush() {
        return pendingFlushes == 0 ? Long.MAX_VALUE : flushes[0];
    }

    public TrendState trend() {
        return trend;
    }

    public int serializedSize() {
        return HEADER_BYTES + 8 * pendingFlushes + (trend == null ? 0 : trend.serializedSize());
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeByte((trend != null ? FLAG_TREND : 0) | (lastSatisfied ? FLAG_LAST_SATISFIED : 0));
        out.writeDouble(limit);
        out.writeLong(lastSeen);
        out.writeShort(pendingFlushes);
        for (int i = 0; i < pendingFlushes; i++) {
            out.writeLong(flushes[i]);
        }
        if (trend != null) {
            trend.writeTo(out);
        }
    }

    public static TriggerState readFrom(DataInput in) throws IOException {
        StateIo.readVersion(in, FORMAT_VERSION, "TriggerState");
        int flags = in.readUnsignedByte();
        StateIo.check(
                (flags & ~(FLAG_TREND | FLAG_LAST_SATISFIED)) == 0,
                "TriggerState",
                "flags " + flags);
        TriggerState s = new TriggerState();
        s.lastSatisfied = (flags & FLAG_LAST_SATISFIED) != 0;
        s.limit = in.readDouble();
        s.lastSeen = in.readLong();
        int pending = in.readUnsignedShort();
        for (int i = 0; i < pending; i++) {
            s.addFlush(in.readLong());
        }
        if ((flags & FLAG_TREND) != 0) {
            s.trend = TrendState.readFrom(in);
        }
        return s;
    }

    @Override
    public String toString() {
        return "TriggerState{lastSeen="
                + lastSeen
                + ", pendingFlushes="
                + pendingFlushes
                + ", limit="
                + limit
                + ", lastSatisfied="
                + lastSatisfied
                + ", "
                + trend
                + "}";
    }
}
