package io.kubeskippy.model.policy;

import java.util.List;
import java.util.Optional;

/** The spec of a HealingPolicy: which objects, which triggers, which actions, how safely. */
public record PolicySpec(
        Selector selector,
        List<Trigger> triggers,
        List<PolicyAction> actions,
        SafetyRules safetyRules,
        Mode mode,
        AiOptions ai,
        GroupBy groupBy) {

    public PolicySpec {
        triggers = List.copyOf(triggers);
        actions = List.copyOf(actions);
        safetyRules = safetyRules == null ? SafetyRules.DEFAULTS : safetyRules;
        mode = mode == null ? Mode.MONITOR : mode;
        ai = ai == null ? AiOptions.DEFAULTS : ai;
        groupBy = groupBy == null ? GroupBy.POD : groupBy;
    }

    /** The trigger of this name, if the policy has one. */
    public Optional<Trigger> trigger(String name) {
        return triggers.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** What happens when a trigger fires. The seed's default is {@code monitor}. */
    public enum Mode {
        /** Findings only, no action. */
        MONITOR("monitor"),
        /** Actions are built with {@code spec.dryRun: true}: recorded, not executed. */
        DRYRUN("dryrun"),
        /** Actions run behind the safety gate. */
        AUTOMATIC("automatic"),
        /** Every action waits for approval. */
        MANUAL("manual");

        private final String wireName;

        Mode(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** How trend evidence is keyed: per pod, or per owning workload (survives restarts). */
    public enum GroupBy {
        POD("pod"),
        WORKLOAD("workload");

        private final String wireName;

        GroupBy(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
