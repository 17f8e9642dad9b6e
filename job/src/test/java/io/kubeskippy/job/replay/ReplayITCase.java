package io.kubeskippy.job.replay;

import static io.kubeskippy.job.Recordings.MI;
import static io.kubeskippy.job.Recordings.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.job.JobSettings;
import io.kubeskippy.job.Recordings;
import io.kubeskippy.job.pattern.PolicyUpdate;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.record.DeadLetter;
import io.kubeskippy.model.record.HealingAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole job graph over recorded input, in a MiniCluster: what `skippy replay` runs. */
class ReplayITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Path POLICIES = Path.of("../policies");

    private static Replay.Result replay(
            Path dir, Map<String, PolicyUpdate> policies, List<DeadLetter> bad) throws Exception {
        List<Replay.Input> inputs =
                List.of(
                        new Replay.Input(Topic.PODS, dir.resolve("pods.jsonl")),
                        new Replay.Input(Topic.EVENTS, dir.resolve("events.jsonl")),
                        new Replay.Input(Topic.METRICS, dir.resolve("metrics.jsonl")));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        return new Replay(JobSettings.defaults())
                .run(env, policies, Replay.readInputs(inputs, bad::add));
    }

    @Test
    void crashLoopDeletesThePodAfterTheThirdBackOffOnly() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "replay-crash-");
        new Recordings()
                .pod("shop", "cart", "cart-1", 512 * MI, T0)
                .pod("shop", "web", "web-1", 512 * MI, T0)
                .event("shop", "cart-1", "BackOff", "Warning", T0.plusSeconds(60))
                .event("shop", "cart-1", "BackOff", "Warning", T0.plusSeconds(120))
                .event("shop", "cart-1", "BackOff", "Warning", T0.plusSeconds(200))
                .event("shop", "web-1", "BackOff", "Warning", T0.plusSeconds(100))
                .write(dir);
        List<DeadLetter> bad = new ArrayList<>();

        Replay.Result result =
                replay(dir, Replay.readPolicies(POLICIES.resolve("crash-loop.yaml")), bad);

        assertThat(bad).isEmpty();
        assertThat(result.actions()).hasSize(1);
        HealingAction action = result.actions().get(0);
        assertThat(action.spec().targetResource().id()).isEqualTo("Pod/shop/cart-1");
        assertThat(action.spec().action().name()).isEqualTo("delete-pod");
        assertThat(action.spec().detection().detectedAt()).isEqualTo(T0.plusSeconds(200));
        assertThat(action.spec().detection().firstEvidenceAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(action.spec().enrichment().source())
                .isEqualTo(HealingAction.Enrichment.Source.NONE);
        assertThat(action.spec().enrichment().confidence()).isNull();
    }

    @Test
    void memoryLeakRestartsTheWorkloadBeforeTheLimitAndLeavesTheSteadyPodAlone() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "replay-leak-");
        new Recordings()
                .pod("shop", "leaky", "leaky-1", 512 * MI, T0)
                .pod("shop", "steady", "steady-1", 512 * MI, T0)
                .memory("shop", "leaky-1", T0, 25, 15, 150 * MI, 0.2 * MI, 2 * MI, 1)
                .memory("shop", "steady-1", T0, 25, 15, 200 * MI, 0, 2 * MI, 2)
                .rawMetricLine("{not json")
                .write(dir);
        List<DeadLetter> bad = new ArrayList<>();

        Replay.Result result =
                replay(dir, Replay.readPolicies(POLICIES.resolve("memory-leak.yaml")), bad);

        assertThat(bad).hasSize(1);
        assertThat(bad.get(0).offset()).as("line number").isEqualTo(203);
        assertThat(result.actions()).isNotEmpty();
        assertThat(result.actions())
                .extracting(a -> a.spec().targetResource().id())
                .containsOnly("Deployment/shop/leaky");
        HealingAction first = result.actions().get(0);
        assertThat(first.spec().detection().pattern()).isEqualTo("growth");
        assertThat(first.spec().detection().evidence())
                .containsKeys("slope", "r2", "projectedLimitAt");
        // 150Mi + 0.2Mi/s reaches 512Mi at ~1810 s: the action must come before that
        assertThat(first.spec().detection().detectedAt()).isBefore(T0.plusSeconds(1810));
        // cooldown 15m: within 25 minutes at most two actions
        assertThat(result.actions()).hasSizeLessThanOrEqualTo(2);
    }
}
