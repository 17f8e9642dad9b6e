package io.kubeskippy.job.policytest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.job.replay.Replay;
import io.kubeskippy.job.source.PodInput;
import io.kubeskippy.job.source.PodState;
import io.kubeskippy.job.source.SourceRecord;
import io.kubeskippy.model.Topic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A case's recorded input: what the job reads, in the order a replay feeds it. */
class CaseInputTest {

    private static List<SourceRecord> records(String yaml) throws Exception {
        PolicyTestFile file =
                PolicyTestReader.read(
                        "t.yaml",
                        Path.of("../policies/tests"),
                        yaml.getBytes(StandardCharsets.UTF_8));
        return CaseInput.records("t.yaml", file.tests().get(0));
    }

    @Test
    void buildsPodsEventsAndSamplesInEventTimeOrder() throws Exception {
        List<SourceRecord> records =
                records(
                        """
                        policies: [../crash-loop.yaml]
                        tests:
                          - name: a
                            interval: 30s
                            pods:
                              - name: api-1
                                namespace: shop
                                deployment: api
                                labels: {tier: web}
                                containers: [{name: app, limits: {memory: 256Mi, cpu: 500m}}]
                            inputSeries:
                              - series: 'container_memory_working_set_bytes{namespace="shop",pod="api-1",container="app"}'
                                values: '1e6 _ stale 3e6'
                            events:
                              - {pod: api-1, reason: OOMKilling, at: 1m}
                            podChanges:
                              - {pod: api-1, at: 1m, restart: OOMKilled, limits: {memory: 384Mi}}
                            actions: []
                        """);

        assertThat(records)
                .extracting(
                        r ->
                                r.input.kind
                                        + "@"
                                        + PolicyTests.offset(
                                                java.time.Instant.ofEpochMilli(
                                                        r.input.timestampMs)))
                .containsExactly("POD@0s", "SAMPLE@0s", "POD@1m", "EVENT@1m", "SAMPLE@1m30s");
        PodState added = records.get(0).input.pod;
        assertThat(added.workloadId()).isEqualTo("Deployment/shop/api");
        assertThat(added.labels).containsEntry("tier", "web");
        assertThat(added.container("app").memoryLimitBytes).isEqualTo(256L << 20);
        assertThat(added.container("app").cpuLimitCores).isEqualTo(0.5);
        assertThat(added.container("app").startedAtMs).isEqualTo(PolicyTests.START.toEpochMilli());
        assertThat(added.conditions).containsEntry("Ready", "True");

        PodState restarted = records.get(2).input.pod;
        assertThat(restarted.container("app").restartCount).isEqualTo(1);
        assertThat(restarted.container("app").lastTerminatedReason).isEqualTo("OOMKilled");
        assertThat(restarted.container("app").startedAtMs)
                .isEqualTo(PolicyTests.START.plusSeconds(60).toEpochMilli());
        assertThat(restarted.container("app").memoryLimitBytes).isEqualTo(384L << 20);

        PodInput event = records.get(3).input;
        assertThat(event.key).isEqualTo("shop/api-1");
        assertThat(event.reason).isEqualTo("OOMKilling");
        assertThat(event.type).isEqualTo("Warning");

        PodInput sample = records.get(4).input;
        assertThat(sample.key).isEqualTo("shop/api-1");
        assertThat(sample.metric).isEqualTo("container_memory_working_set_bytes");
        assertThat(sample.value).isEqualTo(3e6);
    }

    @Test
    void aBarePodIsItsOwnWorkloadAndADeletionEndsIt() throws Exception {
        List<SourceRecord> records =
                records(
                        """
                        policies: [../crash-loop.yaml]
                        tests:
                          - name: a
                            pods: [{name: lone, started: -1h}]
                            podChanges:
                              - {pod: lone, at: 5m, waiting: CrashLoopBackOff}
                              - {pod: lone, at: 6m, deleted: true}
                            actions: []
                        """);
        assertThat(records).hasSize(3);
        PodState added = records.get(0).input.pod;
        assertThat(added.workloadId()).isEqualTo("Pod/default/lone");
        assertThat(records.get(0).input.timestampMs)
                .isEqualTo(PolicyTests.START.minusSeconds(3600).toEpochMilli());
        PodState waiting = records.get(1).input.pod;
        assertThat(waiting.container("app").waitingReason).isEqualTo("CrashLoopBackOff");
        assertThat(waiting.conditions).containsEntry("Ready", "False");
        assertThat(records.get(2).input.pod.deleted).isTrue();
    }

    @Test
    void ordersRecordsOfOneInstantAsReplayOrdersItsFiles() throws Exception {
        String yaml =
                """
                policies: [../crash-loop.yaml]
                tests:
                  - name: a
                    pods: [{name: api-2, namespace: shop, deployment: api, started: 6m}]
                    inputSeries:
                      - series: 'up{namespace="shop",pod="api-2"}'
                        values: '_x24 1'
                    events:
                      - {pod: api-2, reason: OOMKilling, at: 6m}
                    actions: []
                """;
        List<PodInput.Kind> cases = records(yaml).stream().map(r -> r.input.kind).toList();

        // the same three records as files, each file in the order replay's callers give them
        Path dir = Files.createTempDirectory(Path.of("target"), "case-input-");
        long at = PolicyTests.START.plusSeconds(360).toEpochMilli();
        Files.writeString(
                dir.resolve("metrics.jsonl"),
                "{\"name\":\"up\",\"labels\":{\"namespace\":\"shop\",\"pod\":\"api-2\"},"
                        + "\"timestampMs\":"
                        + at
                        + ",\"value\":1}\n");
        Files.writeString(
                dir.resolve("events.jsonl"),
                "{\"type\":\"ADDED\",\"observedAt\":\"2026-11-22T10:06:00Z\",\"object\":"
                        + "{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"e\","
                        + "\"namespace\":\"shop\"},\"involvedObject\":{\"kind\":\"Pod\","
                        + "\"name\":\"api-2\",\"namespace\":\"shop\"},\"reason\":\"OOMKilling\","
                        + "\"type\":\"Warning\",\"lastTimestamp\":\"2026-11-22T10:06:00Z\"}}\n");
        Files.writeString(
                dir.resolve("pods.jsonl"),
                "{\"type\":\"ADDED\",\"observedAt\":\"2026-11-22T10:06:00Z\",\"object\":"
                        + "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"api-2\","
                        + "\"namespace\":\"shop\"}}}\n");
        List<PodInput.Kind> replay =
                Replay.readInputs(
                                List.of(
                                        new Replay.Input(
                                                Topic.METRICS, dir.resolve("metrics.jsonl")),
                                        new Replay.Input(Topic.EVENTS, dir.resolve("events.jsonl")),
                                        new Replay.Input(Topic.PODS, dir.resolve("pods.jsonl"))),
                                d -> {
                                    throw new AssertionError(d.reason());
                                })
                        .stream()
                        .map(r -> r.input.kind)
                        .toList();

        // an event about a pod created at the same instant must see the pod (and its workload)
        assertThat(cases)
                .containsExactly(PodInput.Kind.POD, PodInput.Kind.EVENT, PodInput.Kind.SAMPLE);
        assertThat(replay).isEqualTo(cases);
    }
}
