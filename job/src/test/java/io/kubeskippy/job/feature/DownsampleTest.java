package io.kubeskippy.job.feature;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.job.pattern.SignalSeries;
import org.junit.jupiter.api.Test;

class DownsampleTest {

    private static final long T0 = 1_763_800_000_000L;

    @Test
    void aFullWindowBecomesTwelveBucketsEndingWithItsNewestPoint() {
        SeriesWindow w = new SeriesWindow(30 * 60_000, 30_000);
        for (int i = 0; i < 60; i++) {
            w.add(T0 + i * 30_000L, i);
        }

        SignalSeries s = Downsample.of(w);

        assertThat(s.stepMs).isEqualTo(150_000);
        assertThat(s.fromMs).isEqualTo(T0);
        assertThat(s.mean).containsExactly(2, 7, 12, 17, 22, 27, 32, 37, 42, 47, 52, 57);
        assertThat(s.min).startsWith(0, 5).endsWith(55);
        assertThat(s.max).startsWith(4, 9).endsWith(59);
    }

    @Test
    void aGapIsABucketWithoutPointsAndASawtoothKeepsItsSwing() {
        SeriesWindow w = new SeriesWindow(24 * 60_000, 60_000);
        for (int i = 0; i < 24; i++) {
            if (i != 8 && i != 9) {
                w.add(T0 + i * 60_000L, i % 2 == 0 ? 100 : 300);
            }
        }

        SignalSeries s = Downsample.of(w);

        assertThat(s.stepMs).isEqualTo(120_000);
        assertThat(s.mean[4]).isNaN();
        assertThat(s.toSummary().mean().get(4)).isNull();
        assertThat(s.mean[3]).isEqualTo(200);
        assertThat(s.min[3]).isEqualTo(100);
        assertThat(s.max[3]).isEqualTo(300);
    }

    @Test
    void aPartlyFilledWindowStillSpansTheWholeWindowAndValuesKeepFourDigits() {
        SeriesWindow w = new SeriesWindow(10 * 60_000, 30_000);
        w.add(T0, 123_456_789);
        w.add(T0 + 30_000, 123_456_789);

        SignalSeries s = Downsample.of(w);

        assertThat(s.mean).hasSize(10);
        assertThat(s.mean[9]).isEqualTo(1.235e8);
        assertThat(s.mean[0]).isNaN();
        assertThat(Downsample.of(new SeriesWindow(60_000, 1_000))).isNull();
    }
}
