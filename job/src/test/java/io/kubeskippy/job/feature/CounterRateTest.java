package io.kubeskippy.job.feature;

import static io.kubeskippy.job.feature.Series.s;
import static io.kubeskippy.job.feature.Series.t0Plus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Counter to per-second rate, with resets handled as Prometheus does. */
class CounterRateTest {

    @Test
    void firstReadingHasNoRate() {
        CounterRate rate = new CounterRate();

        assertThat(rate.update(t0Plus(s(0)), 100)).isNaN();
    }

    @Test
    void rateIsTheIncreasePerSecond() {
        CounterRate rate = new CounterRate();
        rate.update(t0Plus(s(0)), 100);

        assertThat(rate.update(t0Plus(s(30)), 160)).isEqualTo(2.0);
        assertThat(rate.update(t0Plus(s(90)), 160)).isEqualTo(0.0); // a gap of two steps
    }

    @Test
    void resetInTheMiddleCountsTheNewValueAsTheIncreaseAndIsNeverNegative() {
        CounterRate rate = new CounterRate();
        // CPU seconds at 1.5 cores, scraped every 30 s; the container restarts after 120 s and
        // its counter starts again from zero, reaching 15 s by the next scrape.
        double[] readings = {1000, 1045, 1090, 1135, 1180, 15, 60, 105};
        double[] expected = {Double.NaN, 1.5, 1.5, 1.5, 1.5, 0.5, 1.5, 1.5};

        for (int i = 0; i < readings.length; i++) {
            double r = rate.update(t0Plus(s(30L * i)), readings[i]);
            if (i == 0) {
                assertThat(r).isNaN();
            } else {
                assertThat(r)
                        .as("rate %d", i)
                        .isCloseTo(expected[i], within(1e-12))
                        .isNotNegative();
            }
        }
        assertThat(rate.resets()).isEqualTo(1);
    }

    @Test
    void ignoresReadingsThatAreNotLaterOrNotValid() {
        CounterRate rate = new CounterRate();
        rate.update(t0Plus(s(30)), 100);

        assertThat(rate.update(t0Plus(s(30)), 200)).isNaN();
        assertThat(rate.update(t0Plus(s(0)), 50)).isNaN();
        assertThat(rate.update(t0Plus(s(45)), Double.NaN)).isNaN();
        assertThat(rate.update(t0Plus(s(45)), -1)).isNaN();
        assertThat(rate.resets()).isZero();

        assertThat(rate.update(t0Plus(s(60)), 130)).isEqualTo(1.0);
    }

    @Test
    void clearStartsAfresh() {
        CounterRate rate = new CounterRate();
        rate.update(t0Plus(s(0)), 100);
        rate.clear();

        assertThat(rate.update(t0Plus(s(30)), 10)).isNaN();
        assertThat(rate.resets()).isZero();
    }

    @Test
    void snapshotRestoresThePreviousReadingAndResets() throws IOException {
        CounterRate original = new CounterRate();
        original.update(t0Plus(s(0)), 500);
        original.update(t0Plus(s(30)), 20);

        byte[] bytes = Snapshots.bytes(original::writeTo);
        CounterRate restored = Snapshots.read(bytes, CounterRate::readFrom);

        assertThat(bytes).hasSize(CounterRate.SERIALIZED_BYTES);
        assertThat(Snapshots.bytes(restored::writeTo)).isEqualTo(bytes);
        assertThat(restored.resets()).isEqualTo(1);
        assertThat(restored.update(t0Plus(s(60)), 50)).isEqualTo(1.0);
    }
}
