package io.kubeskippy.job.pattern;

import io.kubeskippy.model.policy.SequenceTrigger;
import io.kubeskippy.model.policy.Trigger;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * Compiles one trigger of a policy into a flink-cep {@link Pattern} over {@link Signal}s. Pure: it
 * reads the policy model and builds a pattern; running it is {@link DynamicCepFunction}'s job.
 *
 * <ul>
 *   <li>trend: the trigger's criteria hold on {@value #TREND_CONFIRMATIONS} consecutive feature
 *       points, so one lucky window does not act;
 *   <li>metric: the threshold is crossed on every point for the trigger's duration;
 *   <li>event: {@code count} matching events within {@code window};
 *   <li>condition: the condition enters the status and does not leave it within {@code duration};
 *   <li>sequence: the steps in order within {@code within}, and the {@code absent} step not after
 *       them within it.
 * </ul>
 */
public final class PatternCompiler {

    /** Consecutive feature points a trend must hold for. */
    public static final int TREND_CONFIRMATIONS = 2;

    private PatternCompiler() {}

    /**
     * @param step the feature interval, for metric triggers (points per duration)
     */
    public static Pattern<Signal, ?> compile(Trigger trigger, Duration step) {
        AfterMatchSkipStrategy skip = AfterMatchSkipStrategy.skipPastLastEvent();
        return switch (trigger.type()) {
            case TREND ->
                    Pattern.<Signal>begin("confirm", skip)
                            .where(new Satisfied())
                            .times(TREND_CONFIRMATIONS)
                            .consecutive();
            case METRIC -> {
                long points = Math.max(1, ceilDiv(trigger.metricTrigger().duration(), step));
                yield Pattern.<Signal>begin("crossed", skip)
                        .where(new Satisfied())
                        .times((int) Math.min(points, 10_000))
                        .consecutive();
            }
            case EVENT -> {
                Trigger.EventTrigger e = trigger.eventTrigger();
                Pattern<Signal, Signal> p =
                        Pattern.<Signal>begin("events", skip)
                                .where(new EventIs(e.reason(), e.type()));
                yield (e.count() > 1 ? p.times(e.count()) : p).within(e.window());
            }
            case CONDITION -> {
                Trigger.ConditionTrigger c = trigger.conditionTrigger();
                yield Pattern.<Signal>begin("enter", skip)
                        .where(new ConditionIs(c.type(), c.status(), true))
                        .notFollowedBy("leave")
                        .where(new ConditionIs(c.type(), c.status(), false))
                        .within(c.duration());
            }
            case SEQUENCE -> sequence(trigger.sequenceTrigger(), skip);
        };
    }

    private static Pattern<Signal, ?> sequence(SequenceTrigger s, AfterMatchSkipStrategy skip) {
        Pattern<Signal, Signal> p = null;
        for (int i = 0; i < s.steps().size(); i++) {
            String name = "step" + i;
            p = p == null ? Pattern.begin(name, skip) : p.followedBy(name);
            p = p.where(stepCondition(s.steps().get(i)));
        }
        if (s.absent() != null) {
            p = p.notFollowedBy("absent").where(stepCondition(s.absent()));
        }
        return p.within(s.within());
    }

    private static SimpleCondition<Signal> stepCondition(SequenceTrigger.Step step) {
        if (step.event() != null) {
            return new EventIs(step.event().reason(), step.event().type());
        }
        return new ConditionIs(step.condition().type(), step.condition().status(), true);
    }

    private static long ceilDiv(Duration a, Duration b) {
        return (a.toMillis() + b.toMillis() - 1) / b.toMillis();
    }

    /** A feature or threshold point whose criteria hold. */
    static final class Satisfied extends SimpleCondition<Signal> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean filter(Signal s) {
            return (s.kind == Signal.Kind.FEATURE || s.kind == Signal.Kind.THRESHOLD)
                    && s.satisfied;
        }
    }

    /** An event with this reason (and type, when given), matched literally as in the seed. */
    static final class EventIs extends SimpleCondition<Signal> {
        private static final long serialVersionUID = 1L;
        private final String reason;
        private final String type;

        EventIs(String reason, String type) {
            this.reason = reason;
            this.type = type;
        }

        @Override
        public boolean filter(Signal s) {
            return s.kind == Signal.Kind.EVENT
                    && reason.equals(s.reason)
                    && (type == null || type.equals(s.type));
        }
    }

    /** A condition of this type that is (or, with {@code is} false, is not) in this status. */
    static final class ConditionIs extends SimpleCondition<Signal> {
        private static final long serialVersionUID = 1L;
        private final String type;
        private final String status;
        private final boolean is;

        ConditionIs(String type, String status, boolean is) {
            this.type = type;
            this.status = status;
            this.is = is;
        }

        @Override
        public boolean filter(Signal s) {
            return s.kind == Signal.Kind.CONDITION
                    && type.equals(s.type)
                    && (Objects.equals(status, s.status) == is);
        }
    }
}
