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

    /**
     * Median of {@code a[0..n)}, reordering that prefix in place. NaN when empty. The value is the
     * one sorting would give ({@link Arrays#sort(double[])}'s order: -0.0 before 0.0, NaN last),
     * found by selection in linear expected time.
     */
    static double medianSorting(double[] a, int n) {
        if (n <= 0) {
            return Double.NaN;
        }
        double upper = select(a, n, n / 2);
        if ((n & 1) == 1) {
            return upper;
        }
        // a[0..n/2) now holds the n/2 smallest: the lower middle is their largest
        double lower = a[0];
        for (int i = 1; i < n / 2; i++) {
            if (Double.compare(a[i], lower) > 0) {
                lower = a[i];
            }
        }
        return 0.5 * (lower + upper);
    }

    /**
     * The {@code k}-th smallest of {@code a[0..n)} (from 0) in {@link Double#compare} order,
     * leaving {@code a[0..k)} no larger and {@code a(k..n)} no smaller: Hoare's selection.
     */
    static double select(double[] a, int n, int k) {
        if (plain(a, n)) {
            return selectPlain(a, n, k);
        }
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            double pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (Double.compare(a[i], pivot) < 0) {
                    i++;
                }
                while (Double.compare(a[j], pivot) > 0) {
                    j--;
                }
                if (i <= j) {
                    double t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    /**
     * Whether {@code a[0..n)} holds neither NaN nor -0.0: then {@code <} orders it as {@link
     * Double#compare} does, and selection may use it.
     */
    private static boolean plain(double[] a, int n) {
        for (int i = 0; i < n; i++) {
            double v = a[i];
            if (v != v || (v == 0 && Double.doubleToRawLongBits(v) != 0)) {
                return false;
            }
        }
        return true;
    }

    /** {@link #select} with primitive comparisons, for arrays {@link #plain} says allow it. */
    private static double selectPlain(double[] a, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            double pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
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
