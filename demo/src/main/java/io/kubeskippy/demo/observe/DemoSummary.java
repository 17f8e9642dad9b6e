package io.kubeskippy.demo.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubeskippy.demo.cluster.AppRole;
import io.kubeskippy.demo.cluster.AppSnapshot;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's result, every number counted from what happened: OOM kills from the simulated
 * cluster's snapshots, everything else from the findings, actions and audit topics. A field that
 * cannot be counted (the apps' roles and OOM kills of a real cluster) is null.
 *
 * @param mode {@code simulated} or {@code kube-context}
 * @param durationSec from the start of the demo to this summary
 * @param loopUpSec from the start of the demo until every part ran (job tasks RUNNING)
 * @param oomKills OOM kills of the demo apps' pods
 * @param oomKillsPrevented pods heading for an OOM kill that an action replaced or restarted first
 * @param actionsByType HealingActions the job emitted, by type (dry-run ones included)
 * @param blockedByReason Blocked outcomes, by the gate's reason
 * @param actionsOnControls outcomes other than Blocked and DryRun on a control app
 * @param actionsOnProtected outcomes other than Blocked and DryRun on the protected app
 * @param meanTimeToHealSec mean over heals of: the first finding on a target (its detectedAt) to
 *     the finishedAt of its Succeeded outcome; null without a heal
 * @param p99DetectionLatencyMs 99th percentile (nearest rank) over actions of: the action record's
 *     Kafka timestamp minus spec.detection.detectedAt; null without an action
 */
public record DemoSummary(
        String mode,
        double durationSec,
        double loopUpSec,
        Integer oomKills,
        Integer oomKillsPrevented,
        Map<String, Integer> actionsByType,
        Map<String, Integer> blockedByReason,
        Integer actionsOnControls,
        Integer actionsOnProtected,
        Double meanTimeToHealSec,
        Long p99DetectionLatencyMs,
        int findings,
        int suppressedFindings,
        int actions,
        Map<String, Integer> outcomesByPhase,
        int heals,
        String llm,
        int llmReplies,
        int llmFallbacks) {

    /** Plain Jackson: absent values are written as null, not left out. */
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param apps the simulated cluster's apps now, or null for a real cluster
     * @param llm "rule-only" or the model asked
     */
    public static DemoSummary of(
            LoopSnapshot loop,
            List<AppSnapshot> apps,
            Duration running,
            Duration loopUp,
            String llm) {
        Integer oomKills = null;
        Integer prevented = null;
        Integer onControls = null;
        Integer onProtected = null;
        if (apps != null) {
            oomKills = 0;
            prevented = 0;
            for (AppSnapshot app : apps) {
                oomKills += app.oomKills();
                prevented += app.oomKillsPrevented();
            }
            onControls = executedOn(AppRole.CONTROL, loop, apps);
            onProtected = executedOn(AppRole.PROTECTED, loop, apps);
        }
        Double meanHeal = null;
        if (!loop.healSeconds().isEmpty()) {
            double sum = 0;
            for (double s : loop.healSeconds()) {
                sum += s;
            }
            meanHeal = Math.round(sum / loop.healSeconds().size() * 10) / 10.0;
        }
        return new DemoSummary(
                apps != null ? "simulated" : "kube-context",
                seconds(running),
                seconds(loopUp),
                oomKills,
                prevented,
                loop.actionsByType(),
                loop.blockedByReason(),
                onControls,
                onProtected,
                meanHeal,
                p99(loop.detectionLatenciesMs()),
                loop.findings(),
                loop.suppressedFindings(),
                loop.actions(),
                loop.outcomesByPhase(),
                loop.healSeconds().size(),
                llm,
                loop.llmReplies(),
                loop.llmFallbacks());
    }

    static int executedOn(AppRole role, LoopSnapshot loop, List<AppSnapshot> apps) {
        int n = 0;
        for (LoopSnapshot.TargetTally t : loop.targets()) {
            var app = AppTargets.appOf(t.namespace(), t.name(), apps);
            if (app.isPresent() && app.get().role() == role) {
                n += t.executed();
            }
        }
        return n;
    }

    /** The nearest-rank 99th percentile; null for no values. */
    static Long p99(List<Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(0.99 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static double seconds(Duration d) {
        return d == null ? 0 : Math.round(d.toMillis() / 100.0) / 10.0;
    }

    /** One line of JSON, the fields of the issue first. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("oomKills", oomKills);
        m.put("oomKillsPrevented", oomKillsPrevented);
        m.put("actionsByType", actionsByType);
        m.put("blockedByReason", blockedByReason);
        m.put("actionsOnControls", actionsOnControls);
        m.put("actionsOnProtected", actionsOnProtected);
        m.put("meanTimeToHealSec", meanTimeToHealSec);
        m.put("p99DetectionLatencyMs", p99DetectionLatencyMs);
        m.put("heals", heals);
        m.put("findings", findings);
        m.put("suppressedFindings", suppressedFindings);
        m.put("actions", actions);
        m.put("outcomesByPhase", outcomesByPhase);
        m.put("llm", llm);
        m.put("llmReplies", llmReplies);
        m.put("llmFallbacks", llmFallbacks);
        m.put("mode", mode);
        m.put("durationSec", durationSec);
        m.put("loopUpSec", loopUpSec);
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
