package io.kubeskippy.job.feature;

import java.util.Arrays;

/** Small numeric helpers shared by the analyses; no allocation beyond the copies they sort. */
final class Stats {

    /** Scale that turns a median absolute deviation into a standard deviation for normal data. */
    static final double MAD_TO_SIGMA = 1.4826;

    private Stats() {}

    /** A least-squares line {@code y = intercept + slope * x}, with its coefficient r². */
    record Fit(double slope, double intercept, double r2) {
        static final Fit NONE = new Fit(Double.NaN, Double.NaN, Double.NaN);

        double at(double x) {
            return intercept + slope * x;
        }
    }

    /** Ordinary least squares over {@code x[from..to)}, {@code y[from..to)}. */
    static Fit ols(double[] x, double[] y, int from, int to) {
        int n = to - from;
        if (n < 2) {
            return n == 1 ? new Fit(0, y[from], 0) : Fit.NONE;
        }
        double mx = 0;
        double my = 0;
        for (int i = from; i < to; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = from; i < to; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if (sxx <= 0) {
            return new Fit(0, my, 0);
        }
        double slope = sxy / sxx;
        // A constant series has nothing to explain: r² 0, so it never passes a minR2 gate.
        double r2 = syy > 0 ? Math.min(1, (sxy * sxy) / (sxx * syy)) : 0;
        return new Fit(slope, my - slope * mx, r2);
    }

    /** Median of {@code a[from..to)}; the input is left untouched. NaN when empty. */
    static double median(double[] a, int from, int to) {
        if (to <= from) {
            return Double.NaN;
        }
        double[] copy = Arrays.copyOfRange(a, from, to);
        return medianSorting(copy, copy.length);
    }

    /** Median of {@code a[0..n)}, sorting that prefix in place. NaN when empty. */
    static double medianSorting(double[] a, int n) {
        if (n <= 0) {
            return Double.NaN;
        }
        Arrays.sort(a, 0, n);
        return (n & 1) == 1 ? a[n / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
    }

    /** Robust standard deviation of {@code a[0..n)}: 1.4826 × median absolute deviation. */
    static double robustSigma(double[] a, int n) {
        if (n <= 0) {
            return Double.NaN;
        }
        double[] copy = Arrays.copyOf(a, n);
        double med = medianSorting(copy, n);
        for (int i = 0; i < n; i++) {
            copy[i] = Math.abs(copy[i] - med);
        }
        return MAD_TO_SIGMA * medianSorting(copy, n);
    }

    /** Seconds since {@code origin} for each timestamp, so fits stay well conditioned. */
    static double[] secondsSince(long origin, long[] timestampsMs, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (timestampsMs[i] - origin) / 1000.0;
        }
        return x;
    }
}
