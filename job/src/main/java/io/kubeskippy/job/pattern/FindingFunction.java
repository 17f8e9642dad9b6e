package io.kubeskippy.job.pattern;

import io.kubeskippy.job.enrich.Candidate;
import io.kubeskippy.job.policy.ActivePolicies;
import io.kubeskippy.job.policy.PolicyVersions;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicySpec;
import io.kubeskippy.model.policy.Trigger;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.ResourceRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns pattern matches into Findings and applies the per-(target, policy) cooldown and dedupe, in
 * event time so a replay decides as the live job did. Every finding is emitted: suppressed ones
 * carry the reason ({@code cooldown}, {@code duplicate}, {@code monitor}, {@code policy changed});
 * only unsuppressed ones become actions. Keyed by {@code target|policy}; the state of a key is
 * cleared by a timer once its cooldown and dedupe horizon have passed.
 */
public class FindingFunction
        extends KeyedBroadcastProcessFunction<String, PatternMatch, PolicyUpdate, Finding> {

    private static final long serialVersionUID = 1L;

    public static final String COOLDOWN = "cooldown";
    public static final String DUPLICATE = "duplicate";
    public static final String MONITOR = "monitor";
    public static final String POLICY_CHANGED = "policy changed";

    /** Unsuppressed findings, with the policy version that allows them: on to enrichment. */
    public static final OutputTag<Candidate> CANDIDATES =
            new OutputTag<>("candidates", TypeInformation.of(Candidate.class));

    /** How long a finding id is remembered for dedupe, at least. */
    private static final Duration DEDUPE_HORIZON = Duration.ofHours(1);

    private final ActivePolicies active;

    private transient ValueState<Long> coolUntil;
    private transient MapState<String, Long> seen;
    private transient PolicyVersions versions;
    private transient FindingMetrics metrics;

    public FindingFunction(ActivePolicies active) {
        this.active = active;
    }

    @Override
    public void open(OpenContext openContext) {
        coolUntil =
                getRuntimeContext().getState(new ValueStateDescriptor<>("cool-until", Types.LONG));
        seen =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "seen-findings", Types.STRING, Types.LONG));
        versions = new PolicyVersions();
        metrics =
                new FindingMetrics(
                        io.kubeskippy.job.JobMetrics.group(getRuntimeContext()),
                        System::currentTimeMillis);
    }

    /** The key of a match in this function: {@code target|policy}. */
    public static String keyOf(PatternMatch match) {
        PatternKey k = match.patternKey();
        return k.target() + "|" + k.policy();
    }

    @Override
    public void processElement(PatternMatch match, ReadOnlyContext ctx, Collector<Finding> out)
            throws Exception {
        PatternKey key = match.patternKey();
        PolicyUpdate current =
                active.get(ctx.getBroadcastState(ActivePolicies.DESCRIPTOR), key.policy());
        HealingPolicy policy =
                current != null && current.version.equals(key.version())
                        ? versions.policy(current)
                        : null;
        Trigger trigger = policy == null ? null : policy.spec().trigger(key.trigger()).orElse(null);
        Finding finding = finding(match, key, trigger);
        if (trigger == null) {
            emit(out, finding.suppress(POLICY_CHANGED));
            return;
        }
        long detectedAt = match.detectedAtMs;
        if (seen.contains(finding.id())) {
            emit(out, finding.suppress(DUPLICATE));
            return;
        }
        seen.put(finding.id(), detectedAt);
        long horizon = Math.max(trigger.cooldownPeriod().toMillis(), DEDUPE_HORIZON.toMillis());
        ctx.timerService().registerEventTimeTimer(detectedAt + horizon);

        Long until = coolUntil.value();
        if (until != null && detectedAt < until) {
            emit(out, finding.suppress(COOLDOWN));
            return;
        }
        if (policy.spec().mode() == PolicySpec.Mode.MONITOR) {
            emit(out, finding.suppress(MONITOR));
            return;
        }
        coolUntil.update(detectedAt + trigger.cooldownPeriod().toMillis());
        emit(out, finding);
        ctx.output(CANDIDATES, Candidate.of(finding, current));
    }

    private void emit(Collector<Finding> out, Finding finding) {
        metrics.emitted(finding);
        out.collect(finding);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Finding> out)
            throws Exception {
        Long until = coolUntil.value();
        if (until != null && until <= timestamp) {
            coolUntil.clear();
        }
        var it = seen.iterator();
        while (it.hasNext()) {
            if (it.next().getValue() + DEDUPE_HORIZON.toMillis() <= timestamp) {
                it.remove();
            }
        }
        if (seen.isEmpty()) {
            seen.clear(); // an empty map still holds an entry in the heap backend
        }
    }

    @Override
    public void processBroadcastElement(PolicyUpdate update, Context ctx, Collector<Finding> out)
            throws Exception {
        active.apply(ctx.getBroadcastState(ActivePolicies.DESCRIPTOR), update);
    }

    /** The finding of a match; its id depends only on the match, so a replay gives the same id. */
    static Finding finding(PatternMatch match, PatternKey key, Trigger trigger) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        new TreeMap<>(match.evidence).forEach(evidence::put);
        String pattern = trigger == null ? "unknown" : pattern(trigger);
        return new Finding(
                id(key, match.firstEvidenceAtMs, match.detectedAtMs),
                key.policy(),
                key.trigger(),
                target(key.target()),
                pattern,
                Instant.ofEpochMilli(match.firstEvidenceAtMs),
                Instant.ofEpochMilli(match.detectedAtMs),
                evidence,
                match.series == null ? null : match.series.toSummary(),
                null);
    }

    /** The pattern name a finding reports: growth, oscillation, threshold, events, ... */
    static String pattern(Trigger trigger) {
        return switch (trigger.type()) {
            case TREND -> trigger.trendTrigger().pattern().wireName();
            case METRIC -> "threshold";
            case EVENT -> "events";
            case CONDITION -> "condition";
            case SEQUENCE -> "sequence";
        };
    }

    /** {@code Kind/namespace/name} as a reference with the kind's API version. */
    public static ResourceRef target(String id) {
        String[] parts = id.split("/", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a target id: " + id);
        }
        String apiVersion =
                switch (parts[0]) {
                    case "Pod" -> "v1";
                    case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet" -> "apps/v1";
                    case "Job" -> "batch/v1";
                    default -> "v1";
                };
        return new ResourceRef(apiVersion, parts[0], parts[1], parts[2], null);
    }

    private static String id(PatternKey key, long firstEvidenceAtMs, long detectedAtMs) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String text = key.format() + "|" + firstEvidenceAtMs + "|" + detectedAtMs;
            return HexFormat.of()
                    .formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 20);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
