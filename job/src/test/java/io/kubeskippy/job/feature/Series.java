package io.kubeskippy.job.feature;

import io.kubeskippy.model.policy.Quantity;
import io.kubeskippy.model.policy.TrendTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/** Synthetic series for the feature tests: named times, quantities and seeded noise. */
final class Series {

    /** The start of every synthetic series: an aligned, readable instant. */
    static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");

    static final long SEED = 20261122L;

    private Series() {}

    static long at(Instant t) {
        return t.toEpochMilli();
    }

    /** T0 plus a duration, in epoch ms. */
    static long t0Plus(Duration d) {
        return T0.plus(d).toEpochMilli();
    }

    static Duration s(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    static Duration m(long minutes) {
        return Duration.ofMinutes(minutes);
    }

    /** Bytes of a Kubernetes memory quantity such as {@code 512Mi}. */
    static double memory(String quantity) {
        return Quantity.parse(quantity).bytes();
    }

    /** Cores of a Kubernetes CPU quantity such as {@code 250m}. */
    static double cpu(String quantity) {
        return Quantity.parse(quantity).cores();
    }

    /** A shape plus Gaussian noise, as a function of seconds since T0. */
    static DoubleUnaryOperator noisy(DoubleUnaryOperator shape, double sigma, long seed) {
        Random random = new Random(seed);
        return t -> shape.applyAsDouble(t) + sigma * random.nextGaussian();
    }

    /**
     * A window filled with one point per step from T0 to T0 + length (exclusive), valued {@code
     * f(seconds since T0)}.
     */
    static SeriesWindow window(
            Duration window, Duration step, Duration length, DoubleUnaryOperator f) {
        SeriesWindow w = new SeriesWindow(window.toMillis(), step.toMillis());
        for (long ms = 0; ms < length.toMillis(); ms += step.toMillis()) {
            w.add(at(T0) + ms, f.applyAsDouble(ms / 1000.0));
        }
        return w;
    }

    /**
     * A GC sawtooth: rises linearly from trough to trough + height over each period, then drops.
     */
    static DoubleUnaryOperator sawtooth(
            double trough, double height, double periodSeconds, double troughRisePerSecond) {
        return t -> {
            double phase = (t % periodSeconds) / periodSeconds;
            double floor = trough + troughRisePerSecond * (t - t % periodSeconds);
            return floor + height * phase;
        };
    }

    /**
     * The shipped memory-leak policy's trigger (policies/memory-leak.yaml): 10m window, 15s step,
     * relativeTo limit, 15m horizon, minR2 0.8, 2m startup grace.
     */
    static TrendTrigger memoryLeakTrigger() {
        return new TrendTrigger(
                new TrendTrigger.MetricSelector("container_memory_working_set_bytes", Map.of()),
                false,
                TrendTrigger.Pattern.GROWTH,
                m(10),
                s(15),
                null,
                TrendTrigger.RelativeTo.LIMIT,
                0.8,
                m(15),
                TrendTrigger.DEFAULT_MIN_CYCLES,
                null,
                null,
                m(2));
    }

    /** A CPU oscillation trigger over a counter: 15m window, 10s step, 3 cycles, no bounds. */
    static TrendTrigger cpuOscillationTrigger(
            Double minAmplitude, Duration minPeriod, Duration maxPeriod) {
        return new TrendTrigger(
                new TrendTrigger.MetricSelector("container_cpu_usage_seconds_total", Map.of()),
                true,
                TrendTrigger.Pattern.OSCILLATION,
                m(15),
                s(10),
                null,
                null,
                TrendTrigger.DEFAULT_MIN_R2,
                null,
                3,
                minAmplitude,
                minPeriod == null && maxPeriod == null
                        ? null
                        : new TrendTrigger.PeriodRange(minPeriod, maxPeriod),
                null);
    }

    /**
     * CPU bursts at random (Poisson) times: a baseline with bursts of 20-60 s to a higher level,
     * gaps exponentially distributed with the given mean; as a function of seconds since T0.
     */
    static DoubleUnaryOperator randomBursts(
            double baseline, double burst, double meanGapSeconds, double sigma, long seed) {
        Random random = new Random(seed);
        boolean[] on = new boolean[24 * 3600];
        int t = 0;
        while (t < on.length) {
            t += (int) Math.round(-Math.log(1 - random.nextDouble()) * meanGapSeconds);
            int length = 20 + random.nextInt(41);
            for (int k = 0; k < length && t < on.length; k++, t++) {
                on[t] = true;
            }
        }
        Random noise = new Random(seed + 1);
        return x -> (on[(int) x] ? burst : baseline) + sigma * noise.nextGaussian();
    }
}
