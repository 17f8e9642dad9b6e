package io.kubeskippy.job.feature;

import static io.kubeskippy.job.feature.Series.m;
import static io.kubeskippy.job.feature.Series.s;
import static io.kubeskippy.job.feature.Series.t0Plus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The sliding window of feature points: eviction by time, gaps, capacity, snapshots. */
class SeriesWindowTest {

    private static SeriesWindow thirtyMinutesAtThirtySeconds() {
        return new SeriesWindow(m(30).toMillis(), s(30).toMillis());
    }

    @Test
    void holdsSixtyPointsForThirtyMinutesAtThirtySeconds() {
        SeriesWindow w = thirtyMinutesAtThirtySeconds();
        for (int i = 0; i < 100; i++) {
            w.add(t0Plus(s(30L * i)), i);
        }

        assertThat(w.capacity()).isEqualTo(60);
        assertThat(w.size()).isEqualTo(60);
        assertThat(w.fill()).isEqualTo(1.0);
        assertThat(w.oldestTimestamp()).isEqualTo(t0Plus(s(30L * 40)));
        assertThat(w.newestTimestamp()).isEqualTo(t0Plus(s(30L * 99)));
        assertThat(w.valueAt(0)).isEqualTo(40);
        assertThat(w.copyValues()).hasSize(60).startsWith(40, 41).endsWith(98, 99);
    }

    @Test
    void evictsByTimeAcrossAGapSoStalePointsDoNotLinger() {
        SeriesWindow w = thirtyMinutesAtThirtySeconds();
        for (int i = 0; i < 10; i++) {
            w.add(t0Plus(s(30L * i)), i);
        }

        // 25 minutes of missing steps, then one point: only points within 30 minutes remain.
        w.add(t0Plus(m(30)), 99);

        assertThat(w.copyTimestamps())
                .containsExactly(
                        t0Plus(s(30)),
                        t0Plus(s(60)),
                        t0Plus(s(90)),
                        t0Plus(s(120)),
                        t0Plus(s(150)),
                        t0Plus(s(180)),
                        t0Plus(s(210)),
                        t0Plus(s(240)),
                        t0Plus(s(270)),
                        t0Plus(m(30)));
        assertThat(w.fill()).isEqualTo(10 / 60.0);
    }

    @Test
    void watermarkEvictsPointsThatFellOutOfTheWindow() {
        SeriesWindow w = thirtyMinutesAtThirtySeconds();
        w.add(t0Plus(s(0)), 1);
        w.add(t0Plus(s(30)), 2);

        w.advanceTo(t0Plus(m(30)));
        assertThat(w.copyValues()).containsExactly(2);

        w.advanceTo(t0Plus(m(31)));
        assertThat(w.isEmpty()).isTrue();
    }

    @Test
    void ignoresPointsThatAreNotLaterThanTheNewestOrNotFinite() {
        SeriesWindow w = thirtyMinutesAtThirtySeconds();
        w.add(t0Plus(s(60)), 1);

        assertThat(w.add(t0Plus(s(60)), 2)).isFalse();
        assertThat(w.add(t0Plus(s(30)), 2)).isFalse();
        assertThat(w.add(t0Plus(s(90)), Double.NaN)).isFalse();
        assertThat(w.copyValues()).containsExactly(1);
    }

    @Test
    void dropsTheOldestWhenPointsComeFasterThanTheStep() {
        SeriesWindow w = new SeriesWindow(m(1).toMillis(), s(30).toMillis());

        w.add(t0Plus(s(0)), 1);
        w.add(t0Plus(s(10)), 2);
        w.add(t0Plus(s(20)), 3);

        assertThat(w.capacity()).isEqualTo(2);
        assertThat(w.copyValues()).containsExactly(2, 3);
    }

    @Test
    void clearEmptiesTheWindow() {
        SeriesWindow w = thirtyMinutesAtThirtySeconds();
        w.add(t0Plus(s(0)), 1);

        w.clear();

        assertThat(w.isEmpty()).isTrue();
        assertThat(w.add(t0Plus(s(0)), 1)).isTrue();
    }

    @Test
    void snapshotOfAWrappedRingRestoresThePointsInOrder() throws IOException {
        SeriesWindow original = thirtyMinutesAtThirtySeconds();
        for (int i = 0; i < 75; i++) {
            original.add(t0Plus(s(30L * i)), Math.sqrt(i));
        }

        byte[] bytes = Snapshots.bytes(original::writeTo);
        SeriesWindow restored = Snapshots.read(bytes, SeriesWindow::readFrom);

        assertThat(bytes).hasSize(original.serializedSize()).hasSize(981);
        assertThat(restored.copyTimestamps()).isEqualTo(original.copyTimestamps());
        assertThat(restored.copyValues()).isEqualTo(original.copyValues());
        assertThat(Snapshots.bytes(restored::writeTo)).isEqualTo(bytes);
        original.add(t0Plus(s(30L * 80)), 1);
        restored.add(t0Plus(s(30L * 80)), 1);
        assertThat(restored.copyTimestamps()).isEqualTo(original.copyTimestamps());
    }

    @Test
    void refusesAWindowOfTooManyPoints() {
        assertThatThrownBy(() -> new SeriesWindow(m(24 * 60).toMillis(), s(1).toMillis()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use a longer step");
    }
}
