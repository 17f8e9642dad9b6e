package io.kubeskippy.job.feature;

import io.kubeskippy.model.policy.TrendTrigger;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * All trend state of one (target, trigger) key: raw samples in, one feature point per step out into
 * the sliding window the analyses read.
 *
 * <p>Per sample: {@link StepAggregator} (bucket per step, bounded lateness) → for a counter, {@link
 * CounterRate} on each bucket's last reading → {@link StartupGrace} (buckets touching a warm-up are
 * skipped) → {@link SeriesWindow}. Rates are taken before the grace check so the counter's previous
 * reading stays current through a warm-up.
 *
 * <p>Serialized size: {@value #HEADER_BYTES} bytes + the parts' sizes (the rate only for a
 * counter); {@link #maxSerializedSize} gives the bound for a configuration. For a 30m window at a
 * 30s step with 30s lateness it is at most 1,189 bytes (window 981, aggregator 131, grace 42, rate
 * 25, header 10), well under the 4 KB budget per (target, trigger).
 */
public final class TrendState {

    /** Which bucket statistic becomes a gauge's feature point. */
    public enum PointValue {
        /** The bucket mean: the default, it smooths scrape jitter. */
        MEAN,
        /** The bucket maximum: for memory, where the peak is what the OOM killer sees. */
        MAX
    }

    static final int FORMAT_VERSION = 1;

    /** version, flags, points skipped in grace. */
    public static final int HEADER_BYTES = 1 + 1 + 8;

    private static final int FLAG_COUNTER = 1;
    private static final int FLAG_MAX = 2;

    private final boolean counter;
    private final PointValue pointValue;
    private final StepAggregator aggregator;
    private final CounterRate rate;
    private final StartupGrace grace;
    private final SeriesWindow window;
    private long skippedInGrace;

    private int appended; // points appended during the current call; not state
    private final StepAggregator.BucketSink sink = this::onBucket;

    /**
     * @param windowMs the trend window
     * @param stepMs the feature step (bucket width)
     * @param latenessMs how late a sample may arrive behind the newest one of its key
     * @param counter the metric is a monotonic counter: points are per-second rates
     * @param pointValue which bucket statistic a gauge's point takes (ignored for a counter)
     * @param graceMs how long after a container start points are skipped
     */
    public TrendState(
            long windowMs,
            long stepMs,
            long latenessMs,
            boolean counter,
            PointValue pointValue,
            long graceMs) {
        this(
                counter,
                pointValue,
                new StepAggregator(stepMs, latenessMs),
                new CounterRate(),
                new StartupGrace(graceMs),
                new SeriesWindow(windowMs, stepMs),
                0);
    }

    private TrendState(
            boolean counter,
            PointValue pointValue,
            StepAggregator aggregator,
            CounterRate rate,
            StartupGrace grace,
            SeriesWindow window,
            long skippedInGrace) {
        if (pointValue == null) {
            throw new IllegalArgumentException("pointValue is required");
        }
        this.counter = counter;
        this.pointValue = pointValue;
        this.aggregator = aggregator;
        this.rate = rate;
        this.grace = grace;
        this.window = window;
        this.skippedInGrace = skippedInGrace;
    }

    /** The state for a trend trigger's window, step, counter flag and startup grace. */
    public static TrendState of(TrendTrigger trigger, long latenessMs, PointValue pointValue) {
        return new TrendState(
                trigger.window().toMillis(),
                trigger.step().toMillis(),
                latenessMs,
                trigger.counter(),
                pointValue,
                trigger.startupGrace().toMillis());
    }

    /**
     * Adds a raw sample.
     *
     * @return how many feature points this appended to the window (0 or more): the caller runs the
     *     analysis when it is positive
     */
    public int add(long timestampMs, double value) {
        appended = 0;
        aggregator.add(timestampMs, value, sink);
        return appended;
    }

    /**
     * Advances event time: closes the buckets the watermark has passed and evicts points that fell
     * out of the window.
     *
     * @return how many feature points this appended
     */
    public int advanceTo(long watermarkMs) {
        appended = 0;
        aggregator.advanceTo(watermarkMs, sink);
        window.advanceTo(watermarkMs);
        return appended;
    }

    /**
     * Records a container start time.
     *
     * @param resetWindow clear the window (and the counter's previous reading) on a new restart:
     *     true when trends are grouped by pod, false when grouped by workload
     * @return true if this was a new (re)start
     */
    public boolean onContainerStart(long startMs, boolean resetWindow) {
        boolean restarted = grace.observeStart(startMs);
        if (restarted && resetWindow) {
            window.clear();
            rate.clear();
        }
        return restarted;
    }

    private void onBucket(long startMs, double mean, double max, double last, int count) {
        double v;
        if (counter) {
            v = rate.update(startMs, last);
            if (Double.isNaN(v)) {
                return;
            }
        } else {
            v = pointValue == PointValue.MAX ? max : mean;
        }
        if (grace.overlapsGrace(startMs, startMs + aggregator.stepMs())) {
            skippedInGrace++;
            return;
        }
        if (window.add(startMs, v)) {
            appended++;
        }
    }

    public SeriesWindow window() {
        return window;
    }

    public StepAggregator aggregator() {
        return aggregator;
    }

    public StartupGrace grace() {
        return grace;
    }

    public CounterRate counterRate() {
        return rate;
    }

    public boolean counter() {
        return counter;
    }

    public PointValue pointValue() {
        return pointValue;
    }

    /** Feature points not added because their bucket touched a startup grace. */
    public long skippedInGrace() {
        return skippedInGrace;
    }

    /**
     * The largest {@link #serializedSize()} for a configuration: full window, every bucket open,
     * every start remembered. 1,189 bytes for a 30m window at 30s with 30s lateness, as a counter.
     */
    public static int maxSerializedSize(
            long windowMs, long stepMs, long latenessMs, boolean counter) {
        return HEADER_BYTES
                + StepAggregator.maxSerializedSize(stepMs, latenessMs)
                + StartupGrace.MAX_SERIALIZED_BYTES
                + SeriesWindow.maxSerializedSize(windowMs, stepMs)
                + (counter ? CounterRate.SERIALIZED_BYTES : 0);
    }

    public int serializedSize() {
        return HEADER_BYTES
                + aggregator.serializedSize()
                + grace.serializedSize()
                + window.serializedSize()
                + (counter ? rate.serializedSize() : 0);
    }

    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(FORMAT_VERSION);
        out.writeByte((counter ? FLAG_COUNTER : 0) | (pointValue == PointValue.MAX ? FLAG_MAX : 0));
        out.writeLong(skippedInGrace);
        aggregator.writeTo(out);
        grace.writeTo(out);
        window.writeTo(out);
        if (counter) {
            rate.writeTo(out);
        }
    }

    public static TrendState readFrom(DataInput in) throws IOException {
        StateIo.readVersion(in, FORMAT_VERSION, "TrendState");
        int flags = in.readUnsignedByte();
        StateIo.check((flags & ~(FLAG_COUNTER | FLAG_MAX)) == 0, "TrendState", "flags " + flags);
        long skipped = in.readLong();
        StepAggregator aggregator = StepAggregator.readFrom(in);
        StartupGrace grace = StartupGrace.readFrom(in);
        SeriesWindow window = SeriesWindow.readFrom(in);
        StateIo.check(
                window.stepMs() == aggregator.stepMs(),
                "TrendState",
                "window and bucket steps differ");
        boolean counter = (flags & FLAG_COUNTER) != 0;
        CounterRate rate = counter ? CounterRate.readFrom(in) : new CounterRate();
        return new TrendState(
                counter,
                (flags & FLAG_MAX) != 0 ? PointValue.MAX : PointValue.MEAN,
                aggregator,
                rate,
                grace,
                window,
                skipped);
    }

    @Override
    public String toString() {
        return "TrendState{"
                + (counter ? "counter" : pointValue.name().toLowerCase(java.util.Locale.ROOT))
                + ", "
                + aggregator
                + ", "
                + grace
                + ", "
                + window
                + (counter ? ", " + rate : "")
                + "}";
    }
}
