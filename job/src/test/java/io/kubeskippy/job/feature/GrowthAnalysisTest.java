package io.kubeskippy.job.feature;

import static io.kubeskippy.job.feature.Series.T0;
import static io.kubeskippy.job.feature.Series.m;
import static io.kubeskippy.job.feature.Series.s;
import static io.kubeskippy.job.feature.Series.t0Plus;
import static io.kubeskippy.job.feature.Series.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The numbers of a growth analysis: fits, robust tests, forecast, evidence. */
class GrowthAnalysisTest {

    @Test
    void fitsACleanLineExactly() {
        SeriesWindow w = window(m(10), s(15), m(10), t -> 10 + 2 * t);

        GrowthAnalysis a = GrowthAnalysis.of(w, Double.NaN);

        assertThat(a.points()).isEqualTo(40);
        assertThat(a.expectedPoints()).isEqualTo(40);
        assertThat(a.firstPointAt()).isEqualTo(T0.toEpochMilli());
        assertThat(a.lastPointAt()).isEqualTo(t0Plus(s(585)));
        assertThat(a.slope()).isCloseTo(2, within(1e-9));
        assertThat(a.intercept()).isCloseTo(10, within(1e-9));
        assertThat(a.r2()).isCloseTo(1, within(1e-12));
        assertThat(a.theilSenSlope()).isCloseTo(2, within(1e-9));
        assertThat(a.mannKendallS()).isEqualTo(40 * 39 / 2);
        assertThat(a.mannKendallZ()).isGreaterThan(8);
        assertThat(a.stepChange()).isFalse();
        assertThat(a.plateau()).isFalse();
        assertThat(a.sawtooth()).isFalse();
        assertThat(a.projectedLimitAt()).isEmpty();
    }

    @Test
    void theilSenSlopeIgnoresAnOutlierThatMovesTheLeastSquaresSlope() {
        long[] t = new long[20];
        double[] v = new double[20];
        for (int i = 0; i < 20; i++) {
            t[i] = t0Plus(s(30L * i));
            v[i] = 100 + 0.1 * 30 * i;
        }
        v[19] += 500; // one wild last point

        GrowthAnalysis a = GrowthAnalysis.of(t, v, 20, Double.NaN);

        assertThat(a.theilSenSlope()).isCloseTo(0.1, within(1e-9));
        assertThat(a.slope()).isGreaterThan(3 * a.theilSenSlope());
    }

    @Test
    void mannKendallZCorrectsForTiedValues() {
        long[] t = {t0Plus(s(0)), t0Plus(s(30)), t0Plus(s(60)), t0Plus(s(90))};
        double[] v = {1, 2, 2, 3};

        GrowthAnalysis a = GrowthAnalysis.of(t, v, 4, Double.NaN);

        // S = 5 (one tied pair); Var = (4*3*13 - 2*1*9) / 18; Z = (S - 1) / sqrt(Var)
        assertThat(a.mannKendallS()).isEqualTo(5);
        assertThat(a.mannKendallZ()).isCloseTo(4 / Math.sqrt(138.0 / 18), within(1e-12));
    }

    @Test
    void aConstantSeriesHasNoTrendAndNoFit() {
        SeriesWindow w = window(m(10), s(15), m(10), t -> 512);

        GrowthAnalysis a = GrowthAnalysis.of(w, 1024);

        assertThat(a.slope()).isZero();
        assertThat(a.r2()).isZero();
        assertThat(a.mannKendallS()).isZero();
        assertThat(a.mannKendallZ()).isZero();
        assertThat(a.projectedLimitAt()).isEmpty();
    }

    @Test
    void forecastIsWhenTheFittedLineReachesTheLimit() {
        SeriesWindow w = window(m(10), s(15), m(10), t -> 100 + 0.5 * t);

        GrowthAnalysis a = GrowthAnalysis.of(w, 1000);

        assertThat(a.projectedLimitAt()).hasValue(t0Plus(s(1800)));
        // 1800 s is 1215 s after the newest point (585 s)
        assertThat(a.reachesLimitWithin(s(1215).toMillis())).isTrue();
        assertThat(a.reachesLimitWithin(s(1214).toMillis())).isFalse();
    }

    @Test
    void noForecastWithoutALimitOrWithoutGrowth() {
        SeriesWindow falling = window(m(10), s(15), m(10), t -> 900 - 0.5 * t);
        SeriesWindow rising = window(m(10), s(15), m(10), t -> 100 + 0.5 * t);

        assertThat(GrowthAnalysis.of(falling, 1000).projectedLimitAt()).isEmpty();
        assertThat(GrowthAnalysis.of(rising, Double.NaN).projectedLimitAt()).isEmpty();
        assertThat(GrowthAnalysis.of(rising, 0).projectedLimitAt()).isEmpty();
        assertThat(GrowthAnalysis.of(rising, 0).limit()).isNaN();
    }

    @Test
    void windowsTooShortToFitGiveNaNsNotExceptions() {
        GrowthAnalysis empty = GrowthAnalysis.of(new long[0], new double[0], 40, 1);
        GrowthAnalysis one = GrowthAnalysis.of(new long[] {t0Plus(s(0))}, new double[] {5}, 40, 1);
        GrowthAnalysis two =
                GrowthAnalysis.of(
                        new long[] {t0Plus(s(0)), t0Plus(s(15))}, new double[] {5, 6}, 40, 1);

        assertThat(empty.points()).isZero();
        assertThat(empty.slope()).isNaN();
        assertThat(one.lastValue()).isEqualTo(5);
        assertThat(two.slope()).isCloseTo(1 / 15.0, within(1e-12));
        assertThat(two.stepChange()).isFalse();
    }

    @Test
    void longWindowsThinThePairwiseStatisticsButKeepTheirAnswer() {
        SeriesWindow w = window(m(24 * 60), s(30), m(24 * 60), t -> 7 + 0.001 * t);

        GrowthAnalysis a = GrowthAnalysis.of(w, Double.NaN);

        assertThat(a.points()).isEqualTo(2880);
        assertThat(a.theilSenSlope()).isCloseTo(0.001, within(1e-12));
        assertThat(a.mannKendallZ()).isGreaterThan(GrowthAnalysis.SIGNIFICANT_Z);
    }

    @Test
    void evidenceHoldsOnlyFiniteNumbersAndInstants() {
        SeriesWindow w = window(m(10), s(15), m(10), t -> 100 + 0.5 * t);

        Map<String, Object> evidence = GrowthAnalysis.of(w, 1000).evidence();

        assertThat(evidence)
                .containsKeys(
                        "slope",
                        "r2",
                        "theilSenSlope",
                        "mannKendallZ",
                        "points",
                        "firstPointAt",
                        "limit")
                .containsEntry("projectedLimitAt", "2026-11-22T09:30:00Z")
                .containsEntry("firstPointAt", "2026-11-22T09:00:00Z")
                .containsEntry("points", 40)
                .doesNotContainKey("troughSlope");
        assertThat(evidence.values()).allMatch(v -> !(v instanceof Double d) || Double.isFinite(d));
        assertThat(GrowthAnalysis.of(w, Double.NaN).evidence())
                .doesNotContainKeys("limit", "projectedLimitAt");
    }
}
