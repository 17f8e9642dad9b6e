package io.kubeskippy.job;

import io.kubeskippy.job.enrich.Candidate;
import io.kubeskippy.job.enrich.EnrichmentFunction;
import io.kubeskippy.job.enrich.EnrichmentStage;
import io.kubeskippy.job.feature.TriggerFunction;
import io.kubeskippy.job.pattern.DynamicCepFunction;
import io.kubeskippy.job.pattern.FindingFunction;
import io.kubeskippy.job.pattern.PassThroughFunction;
import io.kubeskippy.job.pattern.PatternMatch;
import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.job.pattern.Signal;
import io.kubeskippy.job.policy.ActivePolicies;
import io.kubeskippy.job.policy.PolicyVersions;
import io.kubeskippy.job.sink.ActionBuilder;
import io.kubeskippy.job.source.FanOutFunction;
import io.kubeskippy.job.source.PodInput;
import io.kubeskippy.job.source.SourceRecord;
import io.kubeskippy.job.source.TriggerInput;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.serde.Json;
import io.kubeskippy.model.serde.RecordCodec;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The detection graph, the same for Kafka and for replay: records are joined with pod state and
 * fanned out per policy trigger, turned into one feature point per step, matched by each policy
 * version's CEP pattern, cooled down into findings, enriched and built into HealingActions. Callers
 * give the sources and take the outputs (Kafka sinks in production, collections in replay and
 * tests).
 */
public final class SkippyJob {

    /** Unreadable records, as DeadLetter JSON. */
    public static final OutputTag<String> DEAD_LETTERS =
            new OutputTag<>("dead-letters", Types.STRING);

    /** What runs the policies' patterns over the signals. */
    public enum PatternStage {
        /** Each policy version's flink-cep NFA, keyed by pattern key: the job. */
        CEP,
        /**
         * No patterns: signals pass into a chained no-op (no shuffle, no state) and nothing is
         * matched, so nothing downstream runs either. Not a detector: {@code skippy bench} runs it
         * as the ceiling of the rest of the graph.
         */
        PASS_THROUGH
    }

    private final JobSettings settings;
    private final ActivePolicies initial;
    private final PatternStage patternStage;

    /**
     * @param initial the policies the job starts with (replay; or none, and they arrive on the
     *     policy stream)
     */
    public SkippyJob(JobSettings settings, ActivePolicies initial) {
        this(settings, initial, PatternStage.CEP);
    }

    private SkippyJob(JobSettings settings, ActivePolicies initial, PatternStage patternStage) {
        this.settings = settings;
        this.initial = initial;
        this.patternStage = patternStage;
    }

    /** The same job with another pattern stage ({@link PatternStage#CEP} unless changed). */
    public SkippyJob withPatternStage(PatternStage stage) {
        return new SkippyJob(settings, initial, stage);
    }

    /** What the graph produces. */
    public record Outputs(
            DataStream<Finding> findings,
            DataStream<HealingAction> actions,
            DataStream<String> deadLetters) {}

    /** Event time for pod records: bounded out-of-orderness, idleness on every source. */
    public static WatermarkStrategy<SourceRecord> recordWatermarks(JobSettings settings) {
        return WatermarkStrategy.<SourceRecord>forBoundedOutOfOrderness(settings.outOfOrderness())
                .withTimestampAssigner(
                        (r, kafkaTs) -> r.input != null ? r.input.timestampMs : kafkaTs)
                .withIdleness(settings.sourceIdleness());
    }

    /**
     * Event time for a replay: a watermark after every record (the input is sorted), so timers fire
     * at the same points in every run and a replay is deterministic.
     */
    public static WatermarkStrategy<SourceRecord> replayWatermarks(JobSettings settings) {
        long lag = settings.outOfOrderness().toMillis();
        return WatermarkStrategy.<SourceRecord>forGenerator(
                        ctx ->
                                new org.apache.flink.api.common.eventtime.WatermarkGenerator<>() {
                                    @Override
                                    public void onEvent(
                                            SourceRecord event,
                                            long ts,
                                            org.apache.flink.api.common.eventtime.WatermarkOutput
                                                    out) {
                                        out.emitWatermark(
                                                new org.apache.flink.api.common.eventtime.Watermark(
                                                        ts - lag));
                                    }

                                    @Override
                                    public void onPeriodicEmit(
                                            org.apache.flink.api.common.eventtime.WatermarkOutput
                                                    out) {}
                                })
                .withTimestampAssigner((r, ts) -> r.timestampMs());
    }

    /**
     * Policies are rare and their time does not matter (broadcast state applies on arrival), so
     * their input must never hold event time back: it always reports the end of time, and the
     * operators they join take the other input's watermark.
     */
    public static WatermarkStrategy<SourceRecord> policyWatermarks(JobSettings settings) {
        return WatermarkStrategy.forGenerator(ctx -> new NeverHoldBack());
    }

    /** A watermark generator that never holds event time back. */
    static final class NeverHoldBack
            implements org.apache.flink.api.common.eventtime.WatermarkGenerator<SourceRecord> {
        @Override
        public void onEvent(
                SourceRecord event,
                long eventTimestamp,
                org.apache.flink.api.common.eventtime.WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(org.apache.flink.api.common.eventtime.WatermarkOutput output) {
            output.emitWatermark(
                    new org.apache.flink.api.common.eventtime.Watermark(Long.MAX_VALUE - 1));
        }
    }

    /**
     * @param records samples, pods and events (with timestamps and watermarks assigned)
     * @param policies policy updates and removals
     */
    public Outputs build(DataStream<SourceRecord> records, DataStream<SourceRecord> policies) {
        SingleOutputStreamOperator<PodInput> inputs =
                records.process(new SplitDeadLetters<>(PodInput.class))
                        .returns(PodInput.class)
                        .name("read records")
                        .uid("read-records");
        SingleOutputStreamOperator<PolicyUpdate> updates =
                policies.process(new SplitDeadLetters<>(PolicyUpdate.class))
                        .returns(PolicyUpdate.class)
                        .name("read policies")
                        .uid("read-policies");
        BroadcastStream<PolicyUpdate> broadcast = updates.broadcast(ActivePolicies.DESCRIPTOR);

        SingleOutputStreamOperator<TriggerInput> triggerInputs =
                inputs.keyBy(in -> in.key, Types.STRING)
                        .connect(broadcast)
                        .process(
                                new FanOutFunction(initial, settings.llm().configured()),
                                TypeInformation.of(TriggerInput.class))
                        .name("join pod state, fan out to policies")
                        .uid("fan-out");
        DataStream<Signal> signals =
                triggerInputs
                        .keyBy(t -> t.key, Types.STRING)
                        .connect(broadcast)
                        .process(
                                new TriggerFunction(
                                        settings.metricStep(),
                                        settings.lateness(),
                                        settings.idleTtl(),
                                        initial),
                                TypeInformation.of(Signal.class))
                        .name("trend features")
                        .uid("features");
        DataStream<PatternMatch> matches =
                patternStage == PatternStage.PASS_THROUGH
                        ? signals.flatMap(
                                        new PassThroughFunction(),
                                        TypeInformation.of(PatternMatch.class))
                                .name("patterns: pass-through (bench ceiling)")
                                .uid("patterns-pass-through")
                        : signals.keyBy(s -> s.key, Types.STRING)
                                .connect(broadcast)
                                .process(
                                        new DynamicCepFunction(
                                                settings.metricStep(), settings.idleTtl(), initial),
                                        TypeInformation.of(PatternMatch.class))
                                .name("dynamic CEP")
                                .uid("patterns");
        SingleOutputStreamOperator<Finding> findings =
                matches.keyBy(FindingFunction::keyOf, Types.STRING)
                        .connect(broadcast)
                        .process(new FindingFunction(initial), JsonRecordTypeInfo.of(Finding.class))
                        .name("findings: cooldown and dedupe")
                        .uid("findings");
        DataStream<Candidate> enriched =
                EnrichmentStage.apply(
                        findings.getSideOutput(FindingFunction.CANDIDATES),
                        triggerInputs.getSideOutput(FanOutFunction.CONTEXT_FACTS),
                        settings);
        DataStream<HealingAction> actions =
                enriched.flatMap(new BuildAction(), JsonRecordTypeInfo.of(HealingAction.class))
                        .name("build actions")
                        .uid("actions");
        DataStream<String> deadLetters =
                inputs.getSideOutput(DEAD_LETTERS).union(updates.getSideOutput(DEAD_LETTERS));
        return new Outputs(findings, actions, deadLetters);
    }

    /** Passes records on and sends dead letters to {@link #DEAD_LETTERS}. */
    static final class SplitDeadLetters<T> extends ProcessFunction<SourceRecord, T> {
        private static final long serialVersionUID = 1L;
        private final Class<T> type;
        private transient java.util.Map<String, org.apache.flink.metrics.Counter> counters;

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
            var group = JobMetrics.group(getRuntimeContext());
            counters = new java.util.HashMap<>();
            for (String kind : new String[] {"SAMPLE", "POD", "EVENT", "POLICY"}) {
                counters.put(
                        kind,
                        group.addGroup("kind", kind.toLowerCase(java.util.Locale.ROOT))
                                .counter("recordsIn"));
            }
            counters.put("dead", group.counter("deadLetters"));
        }

        SplitDeadLetters(Class<T> type) {
            this.type = type;
        }

        @Override
        public void processElement(SourceRecord r, Context ctx, Collector<T> out) {
            if (r.deadLetter != null) {
                counters.get("dead").inc();
                ctx.output(DEAD_LETTERS, r.deadLetter);
            } else if (type == PodInput.class && r.input != null) {
                counters.get(r.input.kind.name()).inc();
                out.collect(type.cast(r.input));
            } else if (type == PolicyUpdate.class && r.policy != null) {
                counters.get("POLICY").inc();
                out.collect(type.cast(r.policy));
            }
        }
    }

    /** Builds the action of an enriched candidate. */
    static final class BuildAction
            extends org.apache.flink.api.common.functions.RichFlatMapFunction<
                    Candidate, HealingAction> {
        private static final long serialVersionUID = 1L;
        private transient RecordCodec<Finding> findingCodec;
        private transient PolicyVersions versions;
        private transient java.util.Map<String, org.apache.flink.metrics.Counter> byType;

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
            findingCodec = RecordCodec.findings();
            versions = new PolicyVersions();
            byType = new java.util.HashMap<>();
        }

        @Override
        public void flatMap(Candidate c, Collector<HealingAction> out) throws Exception {
            Finding finding =
                    findingCodec.decodeOrThrow(
                            c.finding.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            HealingAction.Enrichment enrichment =
                    c.enrichment == null
                            ? HealingAction.Enrichment.none(EnrichmentFunction.NO_LLM)
                            : Json.mapper().readValue(c.enrichment, HealingAction.Enrichment.class);
            var policy = versions.policy(c.policy);
            if (policy != null) {
                ActionBuilder.build(finding, policy, enrichment)
                        .ifPresent(
                                a -> {
                                    String type = a.spec().action().type().wireName();
                                    byType.computeIfAbsent(
                                                    type,
                                                    t ->
                                                            JobMetrics.group(getRuntimeContext())
                                                                    .addGroup("type", t)
                                                                    .counter("actionsOut"))
                                            .inc();
                                    out.collect(a);
                                });
            }
        }
    }
}
