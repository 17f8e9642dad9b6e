package io.kubeskippy.job.feature;

import static io.kubeskippy.job.feature.Series.m;
import static io.kubeskippy.job.feature.Series.memory;
import static io.kubeskippy.job.feature.Series.noisy;
import static io.kubeskippy.job.feature.Series.s;
import static io.kubeskippy.job.feature.Series.sawtooth;
import static io.kubeskippy.job.feature.Series.window;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The cheap checks the feature stage runs before a full analysis: {@link GrowthCriteria#mayFire}
 * must hold whenever the analysis fires (it only skips work), and selection must find the medians
 * sorting finds.
 */
class GrowthScreenTest {

    private static final double LIMIT = memory("512Mi");

    /** Shapes that fire, that nearly fire, and that never should; each with noise. */
    private static List<DoubleUnaryOperator> shapes(long seed) {
        List<DoubleUnaryOperator> shapes = new ArrayList<>();
        double mi = memory("1Mi");
        for (double slope : new double[] {0, 0.01 * mi, 0.05 * mi, 0.2 * mi, 0.5 * mi, -0.1 * mi}) {
            for (double sigma : new double[] {0.1 * mi, 2 * mi, 10 * mi}) {
                double a = slope;
                shapes.add(noisy(t -> 150 * mi + a * t, sigma, seed++));
            }
        }
        // sawtooth with flat and with rising troughs; a step; a warm-up plateau
        shapes.add(noisy(sawtooth(150 * mi, 80 * mi, 120, 0), mi, seed++));
        shapes.add(noisy(sawtooth(150 * mi, 80 * mi, 120, 0.1 * mi), mi, seed++));
        shapes.add(noisy(sawtooth(150 * mi, 60 * mi, 90, 0.3 * mi), 0.5 * mi, seed++));
        shapes.add(noisy(t -> t < 300 ? 150 * mi : 300 * mi, mi, seed++));
        shapes.add(noisy(t -> 150 * mi + 200 * mi * (1 - Math.exp(-t / 120)), mi, seed++));
        return shapes;
    }

    private static List<GrowthCriteria> criteria() {
        List<GrowthCriteria> out = new ArrayList<>();
        out.add(GrowthCriteria.of(Series.memoryLeakTrigger()));
        out.add(new GrowthCriteria(100_000.0, false, 0.8, Duration.ZERO));
        out.add(new GrowthCriteria(null, true, 0.5, m(30)));
        out.add(new GrowthCriteria(1.0, true, 0.0, m(5)));
        return out;
    }

    @Test
    void screenHoldsWheneverTheAnalysisFires() {
        int fired = 0;
        int skipped = 0;
        for (long seed = 1; seed <= 5; seed++) {
            for (DoubleUnaryOperator shape : shapes(seed * 1000)) {
                for (Duration length : new Duration[] {m(3), m(7), m(10), m(25)}) {
                    SeriesWindow w = window(m(10), s(15), length, shape);
                    for (double limit : new double[] {LIMIT, Double.NaN, 0}) {
                        for (GrowthCriteria c : criteria()) {
                            boolean fires = c.decide(GrowthAnalysis.of(w, limit)).fires();
                            boolean may = c.mayFire(w, limit);
                            assertThat(!fires || may)
                                    .as("%s on %s with limit %s", c, w, limit)
                                    .isTrue();
                            fired += fires ? 1 : 0;
                            skipped += may ? 0 : 1;
                        }
                    }
                }
            }
        }
        assertThat(fired).as("some windows fire").isPositive();
        assertThat(skipped).as("and the screen spares the analysis of many").isGreaterThan(fired);
    }

    @Test
    void screenSkipsSteadyNoise() {
        GrowthCriteria leak = GrowthCriteria.of(Series.memoryLeakTrigger());
        int skipped = 0;
        for (long seed = 0; seed < 50; seed++) {
            SeriesWindow w =
                    window(m(10), s(15), m(10), noisy(t -> memory("200Mi"), memory("2Mi"), seed));
            skipped += leak.mayFire(w, LIMIT) ? 0 : 1;
        }
        assertThat(skipped).isGreaterThanOrEqualTo(45);
    }

    @Test
    void slopeOfIsTheAnalysisSlope() {
        SeriesWindow w = window(m(10), s(15), m(12), noisy(t -> 100 + 0.5 * t, 3, Series.SEED));
        assertThat(GrowthAnalysis.slopeOf(w)).isEqualTo(GrowthAnalysis.of(w, Double.NaN).slope());
        assertThat(GrowthAnalysis.slopeOf(new SeriesWindow(600_000, 15_000))).isNaN();
    }

    @Test
    void selectionFindsTheMedianSortingFinds() {
        Random random = new Random(Series.SEED);
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + random.nextInt(80);
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                // few distinct values, so ties are common; signed zeros too
                a[i] =
                        switch (random.nextInt(4)) {
                            case 0 -> random.nextInt(5);
                            case 1 -> random.nextBoolean() ? 0.0 : -0.0;
                            default -> random.nextGaussian();
                        };
            }
            double[] sorted = a.clone();
            Arrays.sort(sorted);
            double expected =
                    (n & 1) == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
            assertThat(Stats.medianSorting(a.clone(), n)).isEqualTo(expected);
            int k = random.nextInt(n);
            assertThat(Stats.select(a.clone(), n, k)).isEqualTo(sorted[k]);
        }
    }
}
