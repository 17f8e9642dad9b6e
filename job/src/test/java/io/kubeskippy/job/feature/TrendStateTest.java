package io.kubeskippy.job.feature;

import static io.kubeskippy.job.feature.Series.SEED;
import static io.kubeskippy.job.feature.Series.cpuOscillationTrigger;
import static io.kubeskippy.job.feature.Series.m;
import static io.kubeskippy.job.feature.Series.memory;
import static io.kubeskippy.job.feature.Series.memoryLeakTrigger;
import static io.kubeskippy.job.feature.Series.s;
import static io.kubeskippy.job.feature.Series.t0Plus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** Raw samples through the per-key pipeline into the window; its snapshot and its size. */
class TrendStateTest {

    private static final double MI = memory("1Mi");
    private static final double LIMIT = memory("1Gi");
    private static final long SCRAPE = s(5).toMillis();

    /**
     * Feeds {@code seconds} of samples every 5 s from T0, valued {@code f(seconds since T0)} with
     * noise, each pair of neighbours swapped with probability 1/3 so samples arrive out of order
     * (by at most one scrape, within the lateness).
     */
    private static int feed(
            TrendState state, long fromSeconds, long seconds, DoubleUnaryOperator f) {
        Random random = new Random(SEED);
        int appended = 0;
        long[] times = new long[(int) (seconds * 1000 / SCRAPE)];
        for (int i = 0; i < times.length; i++) {
            times[i] = t0Plus(s(fromSeconds)) + i * SCRAPE;
        }
        for (int i = 0; i + 1 < times.length; i += 2) {
            if (random.nextInt(3) == 0) {
                long swap = times[i];
                times[i] = times[i + 1];
                times[i + 1] = swap;
            }
        }
        for (long t : times) {
            double secondsSinceT0 = (t - t0Plus(s(0))) / 1000.0;
            appended += state.add(t, f.applyAsDouble(secondsSinceT0));
        }
        return appended;
    }

    @Test
    void linearLeakThroughThePipelineFiresWithACorrectForecast() {
        TrendState state =
                TrendState.of(memoryLeakTrigger(), s(10).toMillis(), TrendState.PointValue.MEAN);
        state.onContainerStart(t0Plus(m(-60)), false);
        Random noise = new Random(SEED);

        int appended =
                feed(state, 0, 600, t -> memory("100Mi") + MI * t + 8 * MI * noise.nextGaussian());
        appended += state.advanceTo(t0Plus(m(10)));

        assertThat(appended).isEqualTo(40);
        assertThat(state.aggregator().lateDrops()).isZero();
        GrowthAnalysis a = GrowthAnalysis.of(state.window(), LIMIT);
        TrendDecision d = GrowthCriteria.of(memoryLeakTrigger()).decide(a);
        assertThat(d.fires()).as(d.toString()).isTrue();
        // 100Mi + 1Mi/s meets 1Gi at 924 s. Each point is stamped at its bucket's start but is
        // the mean of samples at +0, +5 and +10 s, so the fitted line runs 5 s early.
        assertThat((double) a.projectedLimitAt().getAsLong())
                .isCloseTo(t0Plus(s(924 - 5)), within(15_000.0));
    }

    @Test
    void pointsWithinTheStartupGraceAreNeverAdded() {
        TrendState state = TrendState.of(memoryLeakTrigger(), 0, TrendState.PointValue.MAX);
        state.onContainerStart(t0Plus(s(0)), false);

        feed(state, 0, 600, t -> t < 90 ? memory("50Mi") + 4 * MI * t : memory("410Mi"));
        state.advanceTo(t0Plus(m(10)));

        // 2 minutes of grace at a 15 s step: the first 8 buckets are skipped.
        assertThat(state.skippedInGrace()).isEqualTo(8);
        assertThat(state.window().oldestTimestamp()).isEqualTo(t0Plus(m(2)));
        assertThat(state.window().size()).isEqualTo(32);
        assertThat(state.window().copyValues()).containsOnly(memory("410Mi"));
    }

    @Test
    void restartClearsTheWindowWhenGroupingByPodAndKeepsItByWorkload() {
        TrendState byPod = TrendState.of(memoryLeakTrigger(), 0, TrendState.PointValue.MEAN);
        TrendState byWorkload = TrendState.of(memoryLeakTrigger(), 0, TrendState.PointValue.MEAN);
        for (TrendState state : new TrendState[] {byPod, byWorkload}) {
            state.onContainerStart(t0Plus(m(-30)), false);
            feed(state, 0, 300, t -> memory("300Mi"));
        }

        assertThat(byPod.onContainerStart(t0Plus(m(5)), true)).isTrue();
        assertThat(byWorkload.onContainerStart(t0Plus(m(5)), false)).isTrue();
        assertThat(byPod.onContainerStart(t0Plus(m(5)), true)).isFalse(); // the same start again

        assertThat(byPod.window().isEmpty()).isTrue();
        assertThat(byWorkload.window().size()).isEqualTo(19);
    }

    @Test
    void counterBecomesRatesThatNeverGoNegativeAcrossAResetAndShowTheOscillation() {
        TrendState state =
                TrendState.of(
                        cpuOscillationTrigger(null, null, null), 0, TrendState.PointValue.MEAN);
        // CPU seconds of a container using 1 + 0.5 sin(2 pi t / 120) cores; the counter is the
        // integral, and it restarts from zero at 450 s (no start reported, so no grace).
        DoubleUnaryOperator used =
                t -> t - 30 / Math.PI * Math.cos(2 * Math.PI * t / 120) + 30 / Math.PI;
        for (long ms = 0; ms <= m(15).toMillis(); ms += SCRAPE) {
            double t = ms / 1000.0;
            double counter =
                    t < 450
                            ? 5000 + used.applyAsDouble(t)
                            : used.applyAsDouble(t) - used.applyAsDouble(450);
            state.add(t0Plus(s(0)) + ms, counter);
        }

        SeriesWindow rates = state.window();
        assertThat(state.counterRate().resets()).isEqualTo(1);
        assertThat(java.util.Arrays.stream(rates.copyValues()).min().orElseThrow()).isNotNegative();
        for (int i = 0; i < rates.size(); i++) {
            double t = (rates.timestampAt(i) - t0Plus(s(0))) / 1000.0;
            if (t != 450) { // the bucket of the reset counts only the increase since the reset
                // from the last reading of the bucket before (stamp - 5 s) to this bucket's last
                // (stamp + 5 s): the mean usage over 10 s centred on the stamp
                assertThat(rates.valueAt(i))
                        .as("rate at %s s", t)
                        .isCloseTo(1 + 0.5 * Math.sin(2 * Math.PI * t / 120), within(0.02));
            }
        }
        OscillationAnalysis a = OscillationAnalysis.of(rates);
        assertThat(
                        OscillationCriteria.of(cpuOscillationTrigger(null, null, null))
                                .decide(a)
                                .fires())
                .isTrue();
        assertThat(a.periodSeconds()).isCloseTo(120, within(3.0));
    }

    @Test
    void snapshotRoundTripsExactly() throws IOException {
        TrendState original =
                new TrendState(
                        m(30).toMillis(),
                        s(30).toMillis(),
                        s(30).toMillis(),
                        true,
                        TrendState.PointValue.MEAN,
                        m(5).toMillis());
        original.onContainerStart(t0Plus(m(-3)), false);
        original.onContainerStart(t0Plus(m(20)), false);
        feed(original, 0, 2400, t -> 3 * t + Math.sin(t));

        byte[] bytes = Snapshots.bytes(original::writeTo);
        TrendState restored = Snapshots.read(bytes, TrendState::readFrom);

        assertThat(bytes).hasSize(original.serializedSize());
        assertThat(Snapshots.bytes(restored::writeTo)).isEqualTo(bytes);
        assertThat(restored.counter()).isTrue();
        assertThat(restored.skippedInGrace()).isEqualTo(original.skippedInGrace()).isPositive();
        assertThat(restored.window().copyValues()).isEqualTo(original.window().copyValues());
        // Both continue identically.
        feed(original, 2400, 600, t -> 3 * t);
        feed(restored, 2400, 600, t -> 3 * t);
        assertThat(Snapshots.bytes(restored::writeTo))
                .isEqualTo(Snapshots.bytes(original::writeTo));
    }

    @Test
    void stateOfAThirtyMinuteWindowAtThirtySecondsFitsInFourKilobytes() throws IOException {
        long window = m(30).toMillis();
        long step = s(30).toMillis();
        long lateness = s(30).toMillis();
        TrendState state =
                new TrendState(
                        window, step, lateness, true, TrendState.PointValue.MEAN, m(5).toMillis());
        for (int i = 0; i < 4; i++) {
            state.onContainerStart(t0Plus(m(-60 + i)), false); // every start slot taken
        }
        // 40 minutes of a counter, ending 5 s into a bucket so two buckets are open.
        for (long ms = 0; ms <= m(40).toMillis() + 5_000; ms += SCRAPE) {
            state.add(t0Plus(s(0)) + ms, ms / 1000.0);
        }

        byte[] bytes = Snapshots.bytes(state::writeTo);

        assertThat(state.window().size()).isEqualTo(60);
        assertThat(state.aggregator().openBuckets()).isEqualTo(2);
        assertThat(bytes.length)
                .isEqualTo(state.serializedSize())
                .isEqualTo(TrendState.maxSerializedSize(window, step, lateness, true))
                .isEqualTo(1189)
                .isLessThanOrEqualTo(4096);
        assertThat(TrendState.maxSerializedSize(window, step, lateness, false)).isEqualTo(1164);
    }
}
