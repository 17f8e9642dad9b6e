package io.kubeskippy.job.feature;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A fixed-capacity ring buffer of (timestamp, value) feature points covering a sliding window.
 *
 * <p>A point is kept while {@code timestamp > newest - window}, so a 30m window at a 30s step holds
 * 60 points. Missing steps are simply absent: every point keeps its own timestamp, and the analyses
 * fit against time, not against the index, so a gap never bends a slope. Points must arrive in
 * strictly increasing time (the {@link StepAggregator} guarantees it).
 *
 * <p>State: two primitive arrays of {@code ceil(window/step)} entries. Serialized size: {@value
 * #HEADER_BYTES} bytes + {@value #POINT_BYTES} bytes per point held (only held points are written),
 * so 981 bytes for a full 30m/30s window.
 */
public final class SeriesWindow {

    static final int FORMAT_VERSION = 1;

    /** version, window, step, size. */
    public static final int HEADER_BYTES = 1 + 8 + 8 + 4;

    /** timestamp, value. */
    public static final int POINT_BYTES = 8 + 8;

    /** The most points a window may hold: 1 day at 10 s. Bounds state per key. */
    public static final int MAX_CAPACITY = 8640;

    private final long windowMs;
    private final long stepMs;
    private final long[] timestamps;
    private final double[] values;
    private int head; // index of the oldest point
    private int size;

    /**
     * @param windowMs how far back points are kept, > 0
     * @param stepMs the interval between points, > 0; sets the capacity {@code ceil(window/step)}
     */
    public SeriesWindow(long windowMs, long stepMs) {
        if (windowMs <= 0 || stepMs <= 0) {
            throw new IllegalArgumentException(
                    "window and step must be > 0 ms, got " + windowMs + " and " + stepMs);
        }
        long capacity = (windowMs + stepMs - 1) / stepMs;
        if (capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "window/step is "
                            + capacity
                            + " points, more than "
                            + MAX_CAPACITY
                            + "; use a longer step");
        }
        this.windowMs = windowMs;
        this.stepMs = stepMs;
        this.timestamps = new long[(int) capacity];
        this.values = new double[(int) capacity];
    }

    public long windowMs() {
        return windowMs;
    }

    public long stepMs() {
        return stepMs;
    }

    /** The number of points a full window holds. */
    public int capacity() {
        return timestamps.length;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Points held over points a full window holds, in [0, 1]. */
    public double fill() {
        return (double) size / timestamps.length;
    }

    /** The timestamp of the {@code i}-th point, oldest first. */
    public long timestampAt(int i) {
        return timestamps[index(i)];
    }

    /** The value of the {@code i}-th point, oldest first. */
    public double valueAt(int i) {
        return values[index(i)];
    }

    public long oldestTimestamp() {
        return timestampAt(0);
    }

    public long newestTimestamp() {
        return timestampAt(size - 1);
    }

    /**
     * Appends a point, evicting those that fall out of the window (and the oldest, if the buffer is
     * still full because points came faster than one per step).
     *
     * @return false if the point was ignored: not finite, or not later than the newest point
     */
    public boolean add(long timestampMs, double value) {
        if (!Double.isFinite(value) || (size > 0 && timestampMs <= newestTimestamp())) {
            return false;
        }
        evictUpTo(timestampMs - windowMs);
        if (size == timestamps.length) {
            head = (head + 1) % timestamps.length;
            size--;
        }
        int at = (head + size) % timestamps.length;
        timestamps[at] = timestampMs;
        values[at] = value;
        size++;
        return true;
    }

    /** Evicts points that fell out of the window as of {@code nowMs} (a watermark). */
    public void advanceTo(long nowMs) {
        evictUpTo(nowMs - windowMs);
    }

    public void clear() {
        head = 0;
        size = 0;
    }

    /** The timestamps held, oldest first (a copy). */
    public long[] copyTimestamps() {
        long[] out = new long[size];
        for (int i = 0; i < size; i++) {
            out[i] = timestamps[index(i)];
        }
        return out;
    }

    /** The values held, oldest first (a copy). */
    public double[] copyValues() {
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = values[index(i)];
        }
        return out;
    }

    private void evictUpTo(long inclusiveMs) {
        while (size > 0 && timestamps[head] <= inclusiveMs) {
            head = (head + 1) % timestamps.length;
            size--;
        }
    }

    private int index(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("point " + i + " of " + size);
        }
        return (head + i) % timestamps.length;
    }

    /** The largest {@link #serializedSize()} for a window and step: a full window. */
    public static int maxSerializedSize(long windowMs, long stepMs) {
        return HEADER_BYTES + new SeriesWindow(windowMs, stepMs).capacity() * POINT_BYTES;
    }

    public int serializedSize() {
        return HEADER_BYTES + size * POINT_BYTES;
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(windowMs);
        out.writeLong(stepMs);
        out.writeInt(size);
        for (int i = 0; i < size; i++) {
            int at = index(i);
            out.writeLong(timestamps[at]);
            out.writeDouble(values[at]);
        }
    }

    public static SeriesWindow readFrom(DataInput in) throws IOException {
        StateIo.readVersion(in, FORMAT_VERSION, "SeriesWindow");
        long window = in.readLong();
        long step = in.readLong();
        SeriesWindow w;
        try {
            w = new SeriesWindow(window, step);
        } catch (IllegalArgumentException e) {
            throw new IOException("SeriesWindow state is corrupt: " + e.getMessage(), e);
        }
        int size = in.readInt();
        StateIo.check(size >= 0 && size <= w.capacity(), "SeriesWindow", size + " points");
        for (int i = 0; i < size; i++) {
            long t = in.readLong();
            double v = in.readDouble();
            StateIo.check(
                    i == 0 || t > w.timestamps[i - 1], "SeriesWindow", "timestamps not increasing");
            w.timestamps[i] = t;
            w.values[i] = v;
        }
        w.size = size;
        return w;
    }

    @Override
    public String toString() {
        return "SeriesWindow{window="
                + windowMs
                + "ms, step="
                + stepMs
                + "ms, points="
                + size
                + "/"
                + capacity()
                + (size == 0 ? "" : ", from " + oldestTimestamp() + " to " + newestTimestamp())
                + "}";
    }
}
