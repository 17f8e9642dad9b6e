package io.kubeskippy.job.feature;

import static io.kubeskippy.job.feature.Series.T0;
import static io.kubeskippy.job.feature.Series.s;
import static io.kubeskippy.job.feature.Series.t0Plus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One point per step bucket, out-of-order samples within the lateness, late drops counted. */
class StepAggregatorTest {

    private static final long STEP = s(30).toMillis();

    record Bucket(long start, double mean, double max, double last, int count) {}

    /** Collects emitted buckets. */
    static final class Recorder implements StepAggregator.BucketSink {
        final List<Bucket> buckets = new ArrayList<>();

        @Override
        public void accept(long startMs, double mean, double max, double last, int count) {
            buckets.add(new Bucket(startMs, mean, max, last, count));
        }
    }

    @Test
    void emitsOneBucketPerStepWithMeanMaxAndLastWhenALaterBucketStarts() {
        StepAggregator agg = new StepAggregator(STEP, 0);
        Recorder out = new Recorder();

        agg.add(t0Plus(s(0)), 1, out);
        agg.add(t0Plus(s(10)), 5, out);
        agg.add(t0Plus(s(20)), 3, out);
        assertThat(out.buckets).isEmpty();

        agg.add(t0Plus(s(30)), 7, out);

        assertThat(out.buckets).containsExactly(new Bucket(t0Plus(s(0)), 3, 5, 3, 3));
        assertThat(agg.openBuckets()).isEqualTo(1);
    }

    @Test
    void alignsBucketsToEpochMultiplesOfTheStep() {
        StepAggregator agg = new StepAggregator(STEP, 0);
        Recorder out = new Recorder();

        agg.add(t0Plus(s(47)), 2, out);
        agg.add(t0Plus(s(59)), 4, out);
        agg.add(t0Plus(s(61)), 9, out);

        assertThat(out.buckets).containsExactly(new Bucket(t0Plus(s(30)), 3, 4, 4, 2));
        assertThat(agg.bucketStart(t0Plus(s(89)))).isEqualTo(t0Plus(s(60)));
        assertThat(agg.bucketStart(-1)).isEqualTo(-STEP); // floor, not truncation, before 1970
    }

    @Test
    void emitsExactlyOnePointPerNonEmptyStepOverALongRun() {
        StepAggregator agg = new StepAggregator(STEP, s(10).toMillis());
        Recorder out = new Recorder();

        for (int i = 0; i < 600; i++) { // 50 minutes of 5 s scrapes
            agg.add(t0Plus(s(5L * i)), i, out);
        }
        agg.advanceTo(Long.MAX_VALUE, out);

        assertThat(out.buckets).hasSize(100);
        for (int k = 0; k < 100; k++) {
            Bucket b = out.buckets.get(k);
            assertThat(b.start()).isEqualTo(t0Plus(s(30L * k)));
            assertThat(b.count()).isEqualTo(6);
            assertThat(b.mean()).isEqualTo(6 * k + 2.5);
        }
    }

    @Test
    void acceptsOutOfOrderSamplesWithinTheLateness() {
        StepAggregator agg = new StepAggregator(STEP, s(20).toMillis());
        Recorder out = new Recorder();

        agg.add(t0Plus(s(0)), 10, out);
        agg.add(t0Plus(s(35)), 100, out); // next bucket
        agg.add(t0Plus(s(25)), 20, out); // 10 s late: first bucket still open
        agg.add(t0Plus(s(49)), 100, out); // watermark 29 s: first bucket (ends 30 s) still open
        assertThat(out.buckets).isEmpty();
        assertThat(agg.lateDrops()).isZero();

        agg.add(t0Plus(s(50)), 100, out); // watermark 30 s closes it

        assertThat(out.buckets).containsExactly(new Bucket(t0Plus(s(0)), 15, 20, 20, 2));
    }

    @Test
    void keepsTheLatestSampleAsLastEvenWhenItArrivedFirst() {
        StepAggregator agg = new StepAggregator(STEP, s(30).toMillis());
        Recorder out = new Recorder();

        agg.add(t0Plus(s(20)), 8, out);
        agg.add(t0Plus(s(10)), 6, out); // earlier sample, arriving later

        agg.advanceTo(t0Plus(s(30)), out);

        assertThat(out.buckets).containsExactly(new Bucket(t0Plus(s(0)), 7, 8, 8, 2));
    }

    @Test
    void dropsAndCountsSamplesForBucketsAlreadyEmitted() {
        StepAggregator agg = new StepAggregator(STEP, s(10).toMillis());
        Recorder out = new Recorder();

        agg.add(t0Plus(s(5)), 1, out);
        agg.add(t0Plus(s(45)), 2, out); // watermark 35 s: first bucket emitted
        assertThat(out.buckets).hasSize(1);

        assertThat(agg.add(t0Plus(s(29)), 3, out)).isFalse();
        assertThat(agg.add(t0Plus(s(0)), 3, out)).isFalse();
        assertThat(agg.add(t0Plus(s(36)), 3, out)).isTrue(); // within lateness, open bucket

        assertThat(agg.lateDrops()).isEqualTo(2);
        assertThat(out.buckets).hasSize(1);
    }

    @Test
    void watermarkClosesBucketsWithoutALaterSample() {
        StepAggregator agg = new StepAggregator(STEP, s(60).toMillis());
        Recorder out = new Recorder();
        agg.add(t0Plus(s(0)), 1, out);
        agg.add(t0Plus(s(40)), 2, out);

        agg.advanceTo(t0Plus(s(59)), out);
        assertThat(out.buckets).extracting(Bucket::start).containsExactly(t0Plus(s(0)));

        agg.advanceTo(t0Plus(s(60)), out);
        assertThat(out.buckets)
                .extracting(Bucket::start)
                .containsExactly(t0Plus(s(0)), t0Plus(s(30)));

        // Samples behind the watermark are late even though no later sample arrived.
        assertThat(agg.add(t0Plus(s(45)), 3, out)).isFalse();
        assertThat(agg.lateDrops()).isEqualTo(1);
    }

    @Test
    void emitsNothingForStepsWithoutSamples() {
        StepAggregator agg = new StepAggregator(STEP, 0);
        Recorder out = new Recorder();

        agg.add(t0Plus(s(0)), 1, out);
        agg.add(t0Plus(s(150)), 2, out); // four empty steps in between
        agg.advanceTo(t0Plus(s(180)), out);

        assertThat(out.buckets)
                .extracting(Bucket::start)
                .containsExactly(t0Plus(s(0)), t0Plus(s(150)));
    }

    @Test
    void ignoresValuesThatAreNotFinite() {
        StepAggregator agg = new StepAggregator(STEP, 0);
        Recorder out = new Recorder();

        assertThat(agg.add(t0Plus(s(0)), Double.NaN, out)).isFalse();
        assertThat(agg.add(t0Plus(s(1)), Double.POSITIVE_INFINITY, out)).isFalse();
        agg.add(t0Plus(s(2)), 4, out);
        agg.advanceTo(Long.MAX_VALUE, out);

        assertThat(out.buckets).containsExactly(new Bucket(t0Plus(s(0)), 4, 4, 4, 1));
        assertThat(agg.lateDrops()).isZero();
    }

    @Test
    void snapshotWithOpenBucketsRestoresToTheSameBehaviour() throws IOException {
        StepAggregator original = new StepAggregator(STEP, s(45).toMillis());
        Recorder ignored = new Recorder();
        for (int i = 0; i < 20; i++) {
            original.add(t0Plus(s(7L * i)), i * 1.5, ignored);
        }
        original.add(t0Plus(s(1)), 0, ignored); // one late drop
        assertThat(original.openBuckets()).isGreaterThan(1);

        byte[] bytes = Snapshots.bytes(original::writeTo);
        StepAggregator restored = Snapshots.read(bytes, StepAggregator::readFrom);

        assertThat(bytes).hasSize(original.serializedSize());
        assertThat(Snapshots.bytes(restored::writeTo)).isEqualTo(bytes);
        assertThat(restored.lateDrops()).isEqualTo(1);
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        for (int i = 20; i < 40; i++) {
            original.add(t0Plus(s(7L * i - 20)), i, a);
            restored.add(t0Plus(s(7L * i - 20)), i, b);
        }
        original.advanceTo(Long.MAX_VALUE, a);
        restored.advanceTo(Long.MAX_VALUE, b);
        assertThat(b.buckets).isNotEmpty().isEqualTo(a.buckets);
    }

    @Test
    void refusesASnapshotOfAnotherFormatVersion() {
        byte[] bytes = Snapshots.bytes(new StepAggregator(STEP, 0)::writeTo);
        bytes[0] = 9;

        assertThatThrownBy(() -> Snapshots.read(bytes, StepAggregator::readFrom))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format version 9");
    }

    @Test
    void refusesAStepOrLatenessOutOfRange() {
        assertThatThrownBy(() -> new StepAggregator(0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StepAggregator(STEP, -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(T0.toEpochMilli() % STEP).as("T0 is step-aligned").isZero();
    }
}
