package io.kubeskippy.job.enrich;

import static io.kubeskippy.job.Recordings.MI;
import static io.kubeskippy.job.Recordings.T0;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.CRASH_LOOP_AI;
import static io.kubeskippy.job.enrich.TestingLlmServer.good;
import static io.kubeskippy.job.enrich.TestingLlmServer.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.job.JobSettings;
import io.kubeskippy.job.Recordings;
import io.kubeskippy.job.SkippyJob;
import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.job.policy.ActivePolicies;
import io.kubeskippy.job.replay.Replay;
import io.kubeskippy.job.source.SourceRecord;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.HealingAction.Enrichment;
import io.kubeskippy.model.serde.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The circuit breaker in the running job graph: recorded crash loops replayed with pauses (in
 * processing time) between them, so findings reach the LLM stage before, during and after the
 * breaker's cool-off.
 */
class BreakerITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    /** Holds the replay back before records at given event times. */
    static final class PauseBefore implements MapFunction<SourceRecord, SourceRecord> {
        private static final long serialVersionUID = 1L;
        private final HashMap<Long, Long> pauses;

        PauseBefore(Map<Instant, Long> pauses) {
            this.pauses = new HashMap<>();
            pauses.forEach((at, ms) -> this.pauses.put(at.toEpochMilli(), ms));
        }

        @Override
        public SourceRecord map(SourceRecord r) throws Exception {
            Long ms = pauses.remove(r.timestampMs());
            if (ms != null) {
                Thread.sleep(ms);
            }
            return r;
        }
    }

    private static Recordings crashLoop(Recordings r, String pod, int fromSecond) {
        return r.event("shop", pod, "BackOff", "Warning", T0.plusSeconds(fromSecond))
                .event("shop", pod, "BackOff", "Warning", T0.plusSeconds(fromSecond + 60))
                .event("shop", pod, "BackOff", "Warning", T0.plusSeconds(fromSecond + 140));
    }

    @Test
    void opensAfterConsecutiveFailuresSkipsTheLlmAndClosesAfterTheCoolOff() throws Exception {
        Recordings r = new Recordings();
        for (String pod : List.of("a", "b", "c", "d", "e")) {
            r.pod("shop", "app-" + pod, pod, 512 * MI, T0);
        }
        crashLoop(r, "a", 60);
        crashLoop(r, "b", 60);
        r.event("shop", "z", "Pulled", "Normal", T0.plusSeconds(300)); // moves event time on
        crashLoop(r, "c", 400);
        r.event("shop", "z", "Pulled", "Normal", T0.plusSeconds(640));
        crashLoop(r, "d", 700);
        r.event("shop", "z", "Pulled", "Normal", T0.plusSeconds(940));
        crashLoop(r, "e", 1000);
        Path dir = r.write(Files.createTempDirectory(Path.of("target"), "enrich-breaker-"));
        Files.writeString(dir.resolve("policy.yaml"), CRASH_LOOP_AI);

        try (TestingLlmServer server = TestingLlmServer.start()) {
            server.then(status(500, "down"), status(500, "down"))
                    .otherwise(good(0.9, "rollout-restart"));
            JobSettings settings =
                    JobSettings.from(
                            Map.of(
                                    "llm-url", server.url(),
                                    "llm-provider", "openai",
                                    "llm-retries", "0",
                                    "llm-breaker-failures", "2",
                                    "llm-breaker-cool-off", "1500ms",
                                    "llm-cache-ttl", "0"),
                            Topics.defaults());
            Map<Instant, Long> pauses =
                    Map.of(
                            T0.plusSeconds(400), 800L, // a and b failed: the breaker is open
                            T0.plusSeconds(700), 2000L, // past the cool-off
                            T0.plusSeconds(1000), 800L); // d's trial closed it

            List<HealingAction> actions =
                    run(settings, Replay.readPolicies(dir.resolve("policy.yaml")), dir, pauses);

            Map<String, Enrichment> byPod = new HashMap<>();
            actions.forEach(
                    a -> byPod.put(a.spec().targetResource().name(), a.spec().enrichment()));
            assertThat(byPod).containsOnlyKeys("a", "b", "c", "d", "e");
            for (String failed : List.of("a", "b")) {
                assertThat(byPod.get(failed).source()).isEqualTo(Enrichment.Source.OPENAI);
                assertThat(byPod.get(failed).fallbackReason())
                        .isEqualTo("HTTP 500 from the LLM server: down");
            }
            assertThat(byPod.get("c").source()).isEqualTo(Enrichment.Source.NONE);
            assertThat(byPod.get("c").fallbackReason())
                    .startsWith(
                            "LLM skipped: circuit breaker open after 2 consecutive failures (last:"
                                    + " HTTP 500 from the LLM server: down); next trial in");
            for (String ok : List.of("d", "e")) {
                assertThat(byPod.get(ok).confidence()).as(ok).isEqualTo(0.9);
                assertThat(byPod.get(ok).fallbackReason()).as(ok).isNull();
            }
            assertThat(server.requests()).hasSize(4);
        }
    }

    private static List<HealingAction> run(
            JobSettings settings,
            Map<String, PolicyUpdate> policies,
            Path dir,
            Map<Instant, Long> pauses)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        Configuration strict = new Configuration();
        strict.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(strict);
        List<SourceRecord> records =
                Replay.readInputs(
                        List.of(
                                new Replay.Input(Topic.PODS, dir.resolve("pods.jsonl")),
                                new Replay.Input(Topic.EVENTS, dir.resolve("events.jsonl"))),
                        bad -> {
                            throw new AssertionError(bad);
                        });
        TypeInformation<SourceRecord> type = TypeInformation.of(SourceRecord.class);
        DataStream<SourceRecord> data =
                env.fromData(records, type)
                        .map(new PauseBefore(pauses), type)
                        .assignTimestampsAndWatermarks(SkippyJob.replayWatermarks(settings));
        DataStream<SourceRecord> policyStream =
                env.fromData(policies.values().stream().map(SourceRecord::of).toList(), type);
        SkippyJob.Outputs out =
                new SkippyJob(settings, new ActivePolicies(policies)).build(data, policyStream);
        List<HealingAction> actions = new ArrayList<>();
        try (CloseableIterator<String> it =
                out.actions()
                        .map(a -> RecordCodec.healingActions().encodeToString(a), Types.STRING)
                        .executeAndCollect("breaker")) {
            while (it.hasNext()) {
                actions.add(
                        RecordCodec.healingActions()
                                .decodeOrThrow(it.next().getBytes(StandardCharsets.UTF_8)));
            }
        }
        return actions;
    }
}
