package io.kubeskippy.job.feature;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Turns raw samples into one point per step bucket, tolerating out-of-order samples within a
 * bounded lateness.
 *
 * <p>Buckets are {@code [k*step, (k+1)*step)} in epoch milliseconds, so every key and every replay
 * agrees on the boundaries. A bucket closes, and is emitted if it holds any sample, once the
 * internal watermark ({@code max timestamp seen - lateness}) or an external watermark given to
 * {@link #advanceTo} reaches its end; with a lateness of zero that is the first sample of a later
 * bucket. A sample for a closed bucket is dropped and counted in {@link #lateDrops()}: a point once
 * emitted is never revised, because the analyses downstream have already used it.
 *
 * <p>State: at most {@code ceil(lateness/step) + 1} open buckets in parallel primitive arrays,
 * indexed by bucket number modulo that capacity (open buckets are consecutive, so they never
 * collide). Serialized size: {@value #HEADER_BYTES} bytes + {@value #BUCKET_BYTES} bytes per open
 * bucket.
 */
public final class StepAggregator {

    /** Receives a closed bucket; {@code startMs} is the bucket's aligned start. */
    @FunctionalInterface
    public interface BucketSink {
        /**
         * @param startMs the bucket start, a multiple of the step
         * @param mean the mean of the bucket's samples
         * @param max the largest sample (what an OOM killer would have seen)
         * @param last the sample with the latest timestamp (what a counter reads at the bucket end)
         * @param count how many samples the bucket held, at least 1
         */
        void accept(long startMs, double mean, double max, double last, int count);
    }

    static final int FORMAT_VERSION = 1;

    /** version, step, lateness, closedUntil, maxTimestamp, lateDrops, open bucket count. */
    public static final int HEADER_BYTES = 1 + 8 + 8 + 8 + 8 + 8 + 2;

    /** start, sum, count, max, last, lastTimestamp. */
    public static final int BUCKET_BYTES = 8 + 8 + 4 + 8 + 8 + 8;

    /** The most buckets that may be open at once; bounds the lateness to 4095 steps. */
    public static final int MAX_OPEN_BUCKETS = 4096;

    private static final long NONE = Long.MIN_VALUE;

    private final long stepMs;
    private final long latenessMs;

    /** Every bucket starting before this is closed; aligned to the step, or NONE. */
    private long closedUntil = NONE;

    private long maxTimestamp = NONE;
    private long lateDrops;

    private final long[] start;
    private final double[] sum;
    private final int[] count;
    private final double[] max;
    private final double[] last;
    private final long[] lastTimestamp;

    /**
     * @param stepMs bucket width, > 0
     * @param latenessMs how far behind the newest sample a sample may still arrive, >= 0
     */
    public StepAggregator(long stepMs, long latenessMs) {
        if (stepMs <= 0) {
            throw new IllegalArgumentException("step must be > 0 ms, got " + stepMs);
        }
        if (latenessMs < 0) {
            throw new IllegalArgumentException("lateness must be >= 0 ms, got " + latenessMs);
        }
        this.stepMs = stepMs;
        this.latenessMs = latenessMs;
        long slots = (latenessMs + stepMs - 1) / stepMs + 1;
        if (slots > MAX_OPEN_BUCKETS) {
            // Open buckets are state per key: a lateness of thousands of steps is a config error.
            throw new IllegalArgumentException(
                    "lateness "
                            + latenessMs
                            + " ms is more than "
                            + (MAX_OPEN_BUCKETS - 1)
                            + " steps of "
                            + stepMs
                            + " ms");
        }
        int capacity = (int) slots;
        start = new long[capacity];
        sum = new double[capacity];
        count = new int[capacity];
        max = new double[capacity];
        last = new double[capacity];
        lastTimestamp = new long[capacity];
    }

    public long stepMs() {
        return stepMs;
    }

    public long latenessMs() {
        return latenessMs;
    }

    /** Samples dropped because their bucket had already closed. */
    public long lateDrops() {
        return lateDrops;
    }

    /** How many buckets currently hold samples and are not yet emitted. */
    public int openBuckets() {
        int open = 0;
        for (int c : count) {
            if (c > 0) {
                open++;
            }
        }
        return open;
    }

    /** The start of the bucket holding {@code timestampMs}. */
    public long bucketStart(long timestampMs) {
        return Math.floorDiv(timestampMs, stepMs) * stepMs;
    }

    /**
     * Adds a sample, emitting to {@code sink} every bucket it closes (oldest first).
     *
     * @return false if the sample was dropped: not finite, or its bucket had already closed
     */
    public boolean add(long timestampMs, double value, BucketSink sink) {
        if (!Double.isFinite(value)) {
            // NaN and staleness markers are not samples (they are dropped at ingest as well).
            return false;
        }
        long bucket = bucketStart(timestampMs);
        if (closedUntil != NONE && bucket < closedUntil) {
            lateDrops++;
            return false;
        }
        if (maxTimestamp == NONE || timestampMs > maxTimestamp) {
            maxTimestamp = timestampMs;
            // Close first: the new sample's own bucket is never closed by its own timestamp.
            if (maxTimestamp >= Long.MIN_VALUE + latenessMs + stepMs) {
                closeBefore(bucketStart(maxTimestamp - latenessMs), sink);
            }
        }
        int slot = slot(bucket);
        if (count[slot] == 0) {
            start[slot] = bucket;
            sum[slot] = value;
            count[slot] = 1;
            max[slot] = value;
            last[slot] = value;
            lastTimestamp[slot] = timestampMs;
        } else {
            sum[slot] += value;
            count[slot]++;
            max[slot] = Math.max(max[slot], value);
            // Ties keep the later arrival, as Prometheus keeps the last write of a timestamp.
            if (timestampMs >= lastTimestamp[slot]) {
                last[slot] = value;
                lastTimestamp[slot] = timestampMs;
            }
        }
        return true;
    }

    /**
     * Closes every bucket that ends at or before {@code watermarkMs}, emitting the non-empty ones
     * to {@code sink} oldest first. Use {@link Long#MAX_VALUE} to flush at the end of a replay.
     */
    public void advanceTo(long watermarkMs, BucketSink sink) {
        // Below MIN_VALUE + step the aligned boundary would overflow; nothing is that old.
        if (watermarkMs >= Long.MIN_VALUE + stepMs) {
            closeBefore(bucketStart(watermarkMs), sink);
        }
    }

    private void closeBefore(long boundary, BucketSink sink) {
        if (closedUntil != NONE && boundary <= closedUntil) {
            return;
        }
        closedUntil = boundary;
        // Open buckets are few (lateness/step + 1): a selection pass per bucket is cheapest.
        while (true) {
            int oldest = -1;
            for (int i = 0; i < count.length; i++) {
                if (count[i] > 0
                        && start[i] < boundary
                        && (oldest < 0 || start[i] < start[oldest])) {
                    oldest = i;
                }
            }
            if (oldest < 0) {
                return;
            }
            int n = count[oldest];
            count[oldest] = 0;
            sink.accept(start[oldest], sum[oldest] / n, max[oldest], last[oldest], n);
        }
    }

    private int slot(long bucketStart) {
        return (int) Math.floorMod(bucketStart / stepMs, (long) count.length);
    }

    /**
     * The most buckets open at once for this step and lateness: {@code ceil(lateness/step) + 1}.
     */
    public int maxOpenBuckets() {
        return count.length;
    }

    /** The largest {@link #serializedSize()} for a step and lateness: every bucket open. */
    public static int maxSerializedSize(long stepMs, long latenessMs) {
        return HEADER_BYTES
                + new StepAggregator(stepMs, latenessMs).maxOpenBuckets() * BUCKET_BYTES;
    }

    /** Bytes {@link #writeTo} will write now. */
    public int serializedSize() {
        return HEADER_BYTES + openBuckets() * BUCKET_BYTES;
    }

    /** Writes the state: fixed header, then each open bucket. */
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeLong(stepMs);
        out.writeLong(latenessMs);
        out.writeLong(closedUntil);
        out.writeLong(maxTimestamp);
        out.writeLong(lateDrops);
        out.writeShort(openBuckets());
        for (int i = 0; i < count.length; i++) {
            if (count[i] > 0) {
                out.writeLong(start[i]);
                out.writeDouble(sum[i]);
                out.writeInt(count[i]);
                out.writeDouble(max[i]);
                out.writeDouble(last[i]);
                out.writeLong(lastTimestamp[i]);
            }
        }
    }

    /** Reads what {@link #writeTo} wrote. */
    public static StepAggregator readFrom(DataInput in) throws IOException {
        StateIo.readVersion(in, FORMAT_VERSION, "StepAggregator");
        long step = in.readLong();
        long lateness = in.readLong();
        StateIo.check(step > 0 && lateness >= 0, "StepAggregator", "step or lateness out of range");
        StepAggregator a;
        try {
            a = new StepAggregator(step, lateness);
        } catch (IllegalArgumentException e) {
            throw new IOException("StepAggregator state is corrupt: " + e.getMessage(), e);
        }
        a.closedUntil = in.readLong();
        a.maxTimestamp = in.readLong();
        a.lateDrops = in.readLong();
        int open = in.readUnsignedShort();
        StateIo.check(open <= a.count.length, "StepAggregator", open + " open buckets");
        for (int k = 0; k < open; k++) {
            long bucket = in.readLong();
            StateIo.check(
                    bucket == a.bucketStart(bucket),
                    "StepAggregator",
                    "unaligned bucket " + bucket);
            int slot = a.slot(bucket);
            StateIo.check(a.count[slot] == 0, "StepAggregator", "two buckets share a slot");
            a.start[slot] = bucket;
            a.sum[slot] = in.readDouble();
            a.count[slot] = in.readInt();
            StateIo.check(a.count[slot] > 0, "StepAggregator", "empty open bucket");
            a.max[slot] = in.readDouble();
            a.last[slot] = in.readDouble();
            a.lastTimestamp[slot] = in.readLong();
        }
        return a;
    }

    @Override
    public String toString() {
        return "StepAggregator{step="
                + stepMs
                + "ms, lateness="
                + latenessMs
                + "ms, open="
                + openBuckets()
                + ", lateDrops="
                + lateDrops
                + "}";
    }
}
