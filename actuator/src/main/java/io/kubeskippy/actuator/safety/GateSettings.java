package io.kubeskippy.actuator.safety;

import io.kubeskippy.model.policy.Selector;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The actuator-wide limits the gate applies to every action.
 *
 * @param managedNamespaces the only namespaces acted in; empty for all
 * @param protectedNamespaces never acted in; always includes {@link Selector#PROTECTED_NAMESPACES}
 * @param cooldown least time between two actions on one target
 * @param maxActionsPerHour actions executed per hour, all policies together
 * @param stormWindow the window of the storm breaker
 * @param stormMaxTargets distinct targets acted on within the window that open the breaker
 * @param stormWorkloadShare share of one workload's pods that may be acted on within the window (at
 *     least one pod always may)
 * @param approvalTtl how long an action waits for approval before it expires
 * @param maxActionAge older records are stale and never executed
 * @param dryRun the global dry-run: no mutating call at all
 */
public record GateSettings(
        Set<String> managedNamespaces,
        Set<String> protectedNamespaces,
        Duration cooldown,
        int maxActionsPerHour,
        Duration stormWindow,
        int stormMaxTargets,
        double stormWorkloadShare,
        Duration approvalTtl,
        Duration maxActionAge,
        boolean dryRun) {

    public static final GateSettings DEFAULTS =
            new GateSettings(
                    Set.of(),
                    Set.of(),
                    Duration.ofMinutes(5),
                    60,
                    Duration.ofMinutes(10),
                    10,
                    0.5,
                    Duration.ofHours(1),
                    Duration.ofMinutes(15),
                    false);

    public GateSettings {
        managedNamespaces = Set.copyOf(managedNamespaces);
        Set<String> all = new LinkedHashSet<>(Selector.PROTECTED_NAMESPACES);
        all.addAll(protectedNamespaces);
        protectedNamespaces = Set.copyOf(all);
        if (stormWorkloadShare <= 0 || stormWorkloadShare > 1) {
            throw new IllegalArgumentException(
                    "stormWorkloadShare must be within (0, 1], got " + stormWorkloadShare);
        }
    }

    public GateSettings withDryRun(boolean value) {
        return new GateSettings(
                managedNamespaces,
                protectedNamespaces,
                cooldown,
                maxActionsPerHour,
                stormWindow,
                stormMaxTargets,
                stormWorkloadShare,
                approvalTtl,
                maxActionAge,
                value);
    }

    public GateSettings withLimits(int perHour, int stormTargets, double workloadShare) {
        return new GateSettings(
                managedNamespaces,
                protectedNamespaces,
                cooldown,
                perHour,
                stormWindow,
                stormTargets,
                workloadShare,
                approvalTtl,
                maxActionAge,
                dryRun);
    }

    public GateSettings withNamespaces(Set<String> managed, Set<String> extraProtected) {
        return new GateSettings(
                managed,
                extraProtected,
                cooldown,
                maxActionsPerHour,
                stormWindow,
                stormMaxTargets,
                stormWorkloadShare,
                approvalTtl,
                maxActionAge,
                dryRun);
    }

    /** How many of a workload's {@code replicas} pods may be acted on within the window. */
    public int workloadBudget(int replicas) {
        return Math.max(1, (int) Math.floor(stormWorkloadShare * replicas + 1e-9));
    }
}
