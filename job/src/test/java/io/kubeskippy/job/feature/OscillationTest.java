package io.kubeskippy.job.feature;

import static io.kubeskippy.job.feature.Series.SEED;
import static io.kubeskippy.job.feature.Series.cpu;
import static io.kubeskippy.job.feature.Series.cpuOscillationTrigger;
import static io.kubeskippy.job.feature.Series.m;
import static io.kubeskippy.job.feature.Series.noisy;
import static io.kubeskippy.job.feature.Series.randomBursts;
import static io.kubeskippy.job.feature.Series.s;
import static io.kubeskippy.job.feature.Series.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Oscillation or not: CPU usage in cores over a 15 minute window at a 10 s step, with the criteria
 * of a cpu-oscillation trigger (3 cycles, minAmplitude 250m, period 30s..5m) unless a test says
 * otherwise.
 */
class OscillationTest {

    private static final OscillationCriteria CPU_SWING =
            OscillationCriteria.of(cpuOscillationTrigger(cpu("250m"), s(30), m(5)));

    /** Any cycles at all: no amplitude or period bound, so only regularity can say no. */
    private static final OscillationCriteria ANY_SWING =
            OscillationCriteria.of(cpuOscillationTrigger(null, null, null));

    private static OscillationAnalysis analyse(DoubleUnaryOperator cores) {
        return OscillationAnalysis.of(window(m(15), s(10), m(15), cores));
    }

    private static DoubleUnaryOperator sine(double level, double amplitude, double periodSeconds) {
        return t -> level + amplitude * Math.sin(2 * Math.PI * t / periodSeconds);
    }

    @Test
    void cleanSineIsAnOscillationWithTheRightCyclesAmplitudeAndPeriod() {
        // Period 2m, amplitude 0.5 cores, over 15m: 7.5 periods, of which the crossings from
        // the first to the last span 6.5.
        OscillationAnalysis a = analyse(noisy(sine(1, 0.5, 120), 0.03, SEED));

        TrendDecision d = CPU_SWING.decide(a);

        assertThat(d.fires()).as(d.toString()).isTrue();
        assertThat(a.cycles()).isBetween(6, 7);
        assertThat(a.amplitude()).isCloseTo(0.5, within(0.05));
        assertThat(a.periodSeconds()).isCloseTo(120, within(3.0));
        assertThat(a.periodCv()).isLessThan(0.05);
        assertThat(a.periodicity()).isGreaterThan(0.9);
        assertThat(a.level()).isCloseTo(1, within(0.05));
    }

    @Test
    void sineOnARisingTrendIsStillAnOscillation() {
        OscillationAnalysis a =
                analyse(noisy(t -> sine(1, 0.5, 120).applyAsDouble(t) + 0.001 * t, 0.03, SEED));

        assertThat(CPU_SWING.decide(a).fires()).isTrue();
        assertThat(a.trendSlope()).isCloseTo(0.001, within(0.0003));
        assertThat(a.amplitude()).isCloseTo(0.5, within(0.05));
    }

    @Test
    void steadyHighCpuIsNotAnOscillation() {
        for (long seed = 1; seed <= 50; seed++) {
            OscillationAnalysis a = analyse(noisy(t -> cpu("1900m"), 0.02, seed));

            TrendDecision d = ANY_SWING.decide(a);

            assertThat(d.fires()).as("seed %d: %s", seed, d).isFalse();
            assertThat(d.reason())
                    .isIn(OscillationCriteria.TOO_FEW_CYCLES, OscillationCriteria.IRREGULAR);
        }
    }

    @Test
    void perfectlyConstantCpuHasNoCycles() {
        OscillationAnalysis a = analyse(t -> cpu("1900m"));

        assertThat(a.crossings()).isZero();
        assertThat(ANY_SWING.decide(a).reason()).isEqualTo(OscillationCriteria.TOO_FEW_CYCLES);
    }

    @Test
    void randomBurstsAreNotAnOscillation() {
        // Bursts of 20-60 s at Poisson times, 2 minutes apart on average: they cross the mean
        // like a swing does, but at irregular intervals.
        for (long seed = 1; seed <= 50; seed++) {
            OscillationAnalysis a = analyse(randomBursts(0.3, 1.5, 120, 0.03, seed));

            TrendDecision d = ANY_SWING.decide(a);

            assertThat(d.fires()).as("seed %d: %s", seed, d).isFalse();
        }
    }

    @Test
    void pureNoiseIsNotAnOscillation() {
        for (long seed = 1; seed <= 50; seed++) {
            OscillationAnalysis a = analyse(noisy(t -> 1, 0.3, seed));

            TrendDecision d = ANY_SWING.decide(a);

            assertThat(d.fires()).as("seed %d: %s", seed, d).isFalse();
        }
    }

    @Test
    void swingSmallerThanMinAmplitudeDoesNotFire() {
        OscillationAnalysis a = analyse(noisy(sine(1, 0.15, 120), 0.01, SEED));

        TrendDecision d = CPU_SWING.decide(a);

        assertThat(d.reason()).as(d.toString()).isEqualTo(OscillationCriteria.SMALL_AMPLITUDE);
        assertThat(ANY_SWING.decide(a).fires()).isTrue();
    }

    @Test
    void periodOutsideTheRangeDoesNotFire() {
        OscillationAnalysis a = analyse(noisy(sine(1, 0.5, 120), 0.03, SEED));
        OscillationCriteria fast =
                OscillationCriteria.of(cpuOscillationTrigger(null, s(30), s(90)));
        OscillationCriteria slow = OscillationCriteria.of(cpuOscillationTrigger(null, m(3), null));

        assertThat(fast.decide(a).reason()).isEqualTo(OscillationCriteria.PERIOD_OUT_OF_RANGE);
        assertThat(slow.decide(a).reason()).isEqualTo(OscillationCriteria.PERIOD_OUT_OF_RANGE);
        assertThat(fast.decide(a).detail()).matches("period 1[12]\\ds outside \\[30s, 90s\\]");
    }

    @Test
    void fewerCyclesThanMinCyclesDoNotFire() {
        // A 6 minute period gives 2.5 periods in 15 minutes: 4 crossings, 1 full cycle between
        // the first and the last.
        OscillationAnalysis a = analyse(noisy(sine(1, 0.5, 360), 0.03, SEED));

        assertThat(a.cycles()).isEqualTo(1);
        assertThat(CPU_SWING.decide(a).reason()).isEqualTo(OscillationCriteria.TOO_FEW_CYCLES);
    }

    @Test
    void aWindowLessThanSixtyPercentFullIsInsufficientData() {
        OscillationAnalysis a =
                OscillationAnalysis.of(window(m(15), s(10), m(8), sine(1, 0.5, 60)));

        assertThat(CPU_SWING.decide(a).reason()).isEqualTo(OscillationCriteria.INSUFFICIENT_DATA);
    }

    @Test
    void evidenceNamesCyclesAmplitudeAndPeriod() {
        OscillationAnalysis a = analyse(noisy(sine(1, 0.5, 120), 0.03, SEED));

        assertThat(a.evidence())
                .containsKeys("cycles", "amplitude", "periodSeconds", "periodCv", "periodicity")
                .containsEntry("cycles", a.cycles());
        assertThat(analyse(t -> 1).evidence()).doesNotContainKeys("amplitude", "periodSeconds");
    }
}
