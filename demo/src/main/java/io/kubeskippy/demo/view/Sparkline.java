package io.kubeskippy.demo.view;

import java.util.List;

/** A series as a line of block characters, one per value, scaled to a fixed range. */
final class Sparkline {

    private static final char[] BARS = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};

    private Sparkline() {}

    /**
     * The last {@code width} values, each as a bar from {@code min} (lowest) to {@code max}
     * (highest; values beyond are clamped), padded with spaces on the left to {@code width}.
     */
    static String of(List<Double> values, double min, double max, int width) {
        StringBuilder b = new StringBuilder();
        int from = Math.max(0, values.size() - width);
        for (int i = values.size() - from; i < width; i++) {
            b.append(' ');
        }
        double range = max > min ? max - min : 1;
        for (int i = from; i < values.size(); i++) {
            double v = values.get(i);
            double share = Double.isFinite(v) ? (v - min) / range : 0;
            int level = (int) Math.floor(share * BARS.length);
            b.append(BARS[Math.max(0, Math.min(BARS.length - 1, level))]);
        }
        return b.toString();
    }
}
