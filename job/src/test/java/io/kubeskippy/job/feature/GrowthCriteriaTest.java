package io.kubeskippy.job.feature;

import static io.kubeskippy.job.feature.Series.SEED;
import static io.kubeskippy.job.feature.Series.m;
import static io.kubeskippy.job.feature.Series.memory;
import static io.kubeskippy.job.feature.Series.memoryLeakTrigger;
import static io.kubeskippy.job.feature.Series.noisy;
import static io.kubeskippy.job.feature.Series.s;
import static io.kubeskippy.job.feature.Series.sawtooth;
import static io.kubeskippy.job.feature.Series.t0Plus;
import static io.kubeskippy.job.feature.Series.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Leak or not: the shipped memory-leak trigger (10m window, 15s step, 1Gi limit, 15m horizon, minR2
 * 0.8) over synthetic memory series, each with seeded noise.
 */
class GrowthCriteriaTest {

    private static final double MI = memory("1Mi");
    private static final double LIMIT = memory("1Gi");
    private static final GrowthCriteria LEAK = GrowthCriteria.of(memoryLeakTrigger());

    /** Ten minutes of one point per 15 s, as the trigger's window sees them. */
    private static GrowthAnalysis analyse(DoubleUnaryOperator memory) {
        return GrowthAnalysis.of(window(m(10), s(15), m(10), memory), LIMIT);
    }

    @Test
    void linearLeakToTheLimitFiresWithACorrectForecast() {
        // 100Mi + 1Mi/s reaches 1Gi (1024Mi) after 924 s; the window ends at 585 s.
        GrowthAnalysis a = analyse(noisy(t -> memory("100Mi") + MI * t, 8 * MI, SEED));

        TrendDecision d = LEAK.decide(a);

        assertThat(d.fires()).as(d.toString()).isTrue();
        assertThat(a.projectedLimitAt()).isPresent();
        assertThat((double) a.projectedLimitAt().getAsLong())
                .isCloseTo(t0Plus(s(924)), within(15_000.0));
        assertThat(a.slope()).isCloseTo(MI, within(0.02 * MI));
        assertThat(a.r2()).isGreaterThan(0.99);
    }

    @Test
    void warmUpThatPlateausIsNotALeak() {
        // A cache filling up: +300Mi approached with a 2 minute time constant, then flat.
        GrowthAnalysis a =
                analyse(
                        noisy(
                                t -> memory("200Mi") + 300 * MI * (1 - Math.exp(-t / 120)),
                                3 * MI,
                                SEED));

        TrendDecision d = LEAK.decide(a);

        assertThat(d.fires()).isFalse();
        assertThat(d.reason()).as(d.toString()).isEqualTo(GrowthCriteria.PLATEAU);
    }

    @Test
    void steadyNoiseAroundALevelIsNotALeak() {
        GrowthAnalysis a = analyse(noisy(t -> memory("512Mi"), 10 * MI, SEED));

        TrendDecision d = LEAK.decide(a);

        assertThat(d.reason()).as(d.toString()).isEqualTo(GrowthCriteria.NO_TREND);
    }

    @Test
    void gcSawtoothWithFlatTroughsIsNotALeak() {
        // Heap grows 300Mi -> 500Mi over 2.5 minutes, the collector frees it back, repeatedly.
        GrowthAnalysis a =
                analyse(noisy(sawtooth(memory("300Mi"), 200 * MI, 150, 0), 3 * MI, SEED));

        TrendDecision d = LEAK.decide(a);

        assertThat(a.sawtooth()).isTrue();
        assertThat(a.drops()).isBetween(3, 4);
        assertThat(a.troughsFlat()).isTrue();
        assertThat(d.reason()).as(d.toString()).isEqualTo(GrowthCriteria.SAWTOOTH);
    }

    @Test
    void gcSawtoothWhoseTroughsRiseSteadilyIsALeak() {
        // The same collector cycle every 2 minutes, but each collection frees 60Mi less.
        GrowthAnalysis a =
                analyse(noisy(sawtooth(memory("300Mi"), 200 * MI, 120, 0.5 * MI), 3 * MI, SEED));

        TrendDecision d = LEAK.decide(a);

        assertThat(a.sawtooth()).isTrue();
        assertThat(a.troughsFlat()).isFalse();
        assertThat(a.troughSlope()).isCloseTo(0.5 * MI, within(0.05 * MI));
        assertThat(d.fires()).as(d.toString()).isTrue();
        // The forecast follows the peaks: the trough line raised by one tooth (here about 125Mi:
        // each tooth climbs 175Mi in its 105 s above a trough line rising 0.5Mi/s).
        assertThat(a.toothHeight()).isCloseTo(125 * MI, within(15 * MI));
        assertThat(a.reachesLimitWithin(m(15).toMillis())).isTrue();
    }

    @Test
    void stepChangeToANewStableLevelIsNotALeak() {
        // A new feature flag loads a 150Mi table half way through the window.
        GrowthAnalysis a =
                analyse(noisy(t -> t < 300 ? memory("300Mi") : memory("450Mi"), 3 * MI, SEED));

        TrendDecision d = LEAK.decide(a);

        assertThat(a.stepChange()).isTrue();
        assertThat(a.stepJump()).isCloseTo(150 * MI, within(10 * MI));
        assertThat(d.reason()).as(d.toString()).isEqualTo(GrowthCriteria.STEP_CHANGE);
    }

    @Test
    void slowGrowthThatWillNotReachTheLimitWithinTheHorizonIsNotALeak() {
        // Real growth (r2 ~0.99), but 0.05Mi/s needs ~2.7 hours to cover the last 494Mi.
        GrowthAnalysis a = analyse(noisy(t -> memory("500Mi") + 0.05 * MI * t, MI, SEED));

        TrendDecision d = LEAK.decide(a);

        assertThat(a.r2()).isGreaterThan(0.9);
        assertThat(d.reason()).as(d.toString()).isEqualTo(GrowthCriteria.BEYOND_HORIZON);
        assertThat(a.projectedLimitAt().getAsLong() - a.lastPointAt())
                .isGreaterThan(Duration.ofHours(2).toMillis());
    }

    @Test
    void slowGrowthFiresWhenItsSlopeReachesMinSlope() {
        GrowthAnalysis a = analyse(noisy(t -> memory("500Mi") + 0.05 * MI * t, MI, SEED));
        GrowthCriteria minSlope = new GrowthCriteria(0.04 * MI, false, 0.8, m(30));
        GrowthCriteria steeper = new GrowthCriteria(0.1 * MI, false, 0.8, m(30));

        assertThat(minSlope.decide(a).fires()).isTrue();
        assertThat(steeper.decide(a).reason()).isEqualTo(GrowthCriteria.BELOW_MIN_SLOPE);
    }

    @Test
    void growthWithoutAKnownLimitHasNothingToForecast() {
        GrowthAnalysis a =
                GrowthAnalysis.of(
                        window(m(10), s(15), m(10), noisy(t -> memory("100Mi") + MI * t, MI, SEED)),
                        Double.NaN);

        assertThat(LEAK.decide(a).reason()).isEqualTo(GrowthCriteria.NO_LIMIT);
    }

    @Test
    void noisyGrowthBelowMinR2DoesNotFire() {
        // A real 0.2Mi/s rise buried in 40Mi of noise: r2 ~0.3.
        GrowthAnalysis a = analyse(noisy(t -> memory("800Mi") + 0.2 * MI * t, 40 * MI, SEED));

        TrendDecision d = LEAK.decide(a);

        assertThat(a.r2()).isLessThan(0.8);
        assertThat(d.fires()).isFalse();
        assertThat(d.reason())
                .as(d.toString())
                .isIn(GrowthCriteria.LOW_R2, GrowthCriteria.NO_TREND);
    }

    @Test
    void aWindowLessThanSixtyPercentFullIsInsufficientData() {
        GrowthAnalysis a =
                GrowthAnalysis.of(window(m(10), s(15), m(5), t -> memory("100Mi") + MI * t), LIMIT);

        TrendDecision d = LEAK.decide(a);

        assertThat(a.points()).isEqualTo(20);
        assertThat(d.reason()).isEqualTo(GrowthCriteria.INSUFFICIENT_DATA);
        assertThat(d.detail()).isEqualTo("20 of 24 points needed");
    }

    @Test
    void refusesCriteriaWithNeitherMinSlopeNorALimit() {
        assertThatThrownBy(() -> new GrowthCriteria(null, false, 0.8, m(15)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minSlope or relativeTo");
    }
}
