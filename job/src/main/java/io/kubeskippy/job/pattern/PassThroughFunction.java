package io.kubeskippy.job.pattern;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * The pattern stage replaced by nothing: signals come in and no match goes out. Stateless and
 * chained to the feature stage, so {@code skippy bench} measures the rest of the graph with it as
 * the job's ceiling. (Passing every satisfied point on as a match instead would flood the findings
 * stage with far more work than any pattern makes, and the "ceiling" would be slower than the job.)
 */
public final class PassThroughFunction implements FlatMapFunction<Signal, PatternMatch> {

    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(Signal s, Collector<PatternMatch> out) {}
}
