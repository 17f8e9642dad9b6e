package io.kubeskippy.job.pattern;

import java.util.HashMap;
import java.util.Map;

/**
 * A completed pattern: which trigger of which policy version matched on which target, when the
 * evidence began and when the pattern completed (event time), and the evidence of the last point. A
 * Flink POJO; the action builder turns it into a Finding.
 */
public class PatternMatch {

    /** {@link PatternKey#format()}. */
    public String key;

    public long firstEvidenceAtMs;

    /** Event time of the evidence that completed the pattern. */
    public long detectedAtMs;

    /** How many signals the match holds (events counted, points confirmed, steps). */
    public int signals;

    public Map<String, Double> evidence = new HashMap<>();

    /** The last point's window, downsampled (trend patterns); {@code null} otherwise. */
    public SignalSeries series;

    public PatternMatch() {}

    public PatternKey patternKey() {
        return PatternKey.parse(key);
    }

    @Override
    public String toString() {
        return "match["
                + key
                + " "
                + firstEvidenceAtMs
                + ".."
                + detectedAtMs
                + " n="
                + signals
                + "]";
    }
}
