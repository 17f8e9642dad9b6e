package io.kubeskippy.ingest.remotewrite;

import io.kubeskippy.ingest.remotewrite.proto.Label;
import io.kubeskippy.ingest.remotewrite.proto.Sample;
import io.kubeskippy.ingest.remotewrite.proto.TimeSeries;
import io.kubeskippy.ingest.remotewrite.proto.WriteRequest;
import io.kubeskippy.model.policy.Durations;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.xerial.snappy.Snappy;

/**
 * A load generator for the benchmark in {@code ingest/bench/remote-write.sh}: like a Prometheus
 * with several remote_write shards, it sends real WriteRequests (snappy protobuf, sorted labels,
 * one sample per series, as Prometheus batches them) over several connections for a fixed time, and
 * prints what the receiver accepted. Not a test.
 *
 * <pre>
 * RemoteWriteLoad --url http://127.0.0.1:9201/api/v1/write [--duration 30s] [--warmup 5s]
 *                 [--connections 8] [--samples-per-request 500] [--pods 1000]
 * RemoteWriteLoad offsets BOOTSTRAP TOPIC     (prints the sum of the topic's end offsets)
 * </pre>
 */
public final class RemoteWriteLoad {

    /** Distinct request bodies sent in turn; each with its own timestamps. */
    private static final int BODIES = 64;

    private final URI url;
    private final Duration duration;
    private final Duration warmup;
    private final int connections;
    private final int samplesPerRequest;
    private final int pods;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder acceptedSamples = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Map<Integer, LongAdder> refused = new ConcurrentHashMap<>();
    private volatile boolean measuring;

    private RemoteWriteLoad(Map<String, String> options) {
        this.url = URI.create(required(options, "url"));
        this.duration = Durations.parse(options.getOrDefault("duration", "30s"));
        this.warmup = Durations.parse(options.getOrDefault("warmup", "5s"));
        this.connections = Integer.parseInt(options.getOrDefault("connections", "8"));
        this.samplesPerRequest =
                Integer.parseInt(options.getOrDefault("samples-per-request", "500"));
        this.pods = Integer.parseInt(options.getOrDefault("pods", "1000"));
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("offsets")) {
            System.out.println(endOffsets(args[1], args[2]));
            return;
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        new RemoteWriteLoad(options).run();
    }

    private void run() throws Exception {
        List<byte[]> bodies = bodies();
        System.out.printf(
                "remote_write load: %s, %d connections, %d samples/request (%d-byte bodies on"
                        + " average), warm-up %ss, measured %ss%n",
                url,
                connections,
                samplesPerRequest,
                bodies.stream().mapToLong(b -> b.length).sum() / bodies.size(),
                warmup.toSeconds(),
                duration.toSeconds());
        long warmupEnd = System.nanoTime() + warmup.toNanos();
        long end = warmupEnd + duration.toNanos();
        LongAdder warmupSamples = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int first = c;
            Thread thread =
                    new Thread(
                            () -> send(bodies, first, end, warmupSamples),
                            "remote-write-load-" + c);
            thread.start();
            threads.add(thread);
        }
        Thread.sleep(Math.max(0, (warmupEnd - System.nanoTime()) / 1_000_000));
        long measuredFrom = System.nanoTime();
        measuring = true;
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - measuredFrom) / 1e9;
        Map<Integer, Long> refusedByStatus = new TreeMap<>();
        refused.forEach((status, n) -> refusedByStatus.put(status, n.sum()));
        System.out.printf(
                "accepted (2xx): %d requests, %d samples in %.1f s = %.0f samples/s, %.1f"
                        + " requests/s; refused by status: %s; errors: %d%n",
                accepted.sum(),
                acceptedSamples.sum(),
                seconds,
                acceptedSamples.sum() / seconds,
                accepted.sum() / seconds,
                refusedByStatus,
                errors.sum());
        System.out.printf(
                "samples accepted in all, warm-up included: %d%n",
                acceptedSamples.sum() + warmupSamples.sum());
    }

    private void send(List<byte[]> bodies, int first, long end, LongAdder warmupSamples) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int n = first; System.nanoTime() < end; n++) {
            HttpRequest request =
                    HttpRequest.newBuilder(url)
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Encoding", "snappy")
                            .header("Content-Type", "application/x-protobuf")
                            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(n % BODIES)))
                            .build();
            boolean counted = measuring;
            try {
                int status =
                        client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    if (counted) {
                        accepted.increment();
                        acceptedSamples.add(samplesPerRequest);
                    } else {
                        warmupSamples.add(samplesPerRequest);
                    }
                } else if (counted) {
                    refused.computeIfAbsent(status, s -> new LongAdder()).increment();
                }
            } catch (IOException e) {
                errors.increment();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Request bodies as Prometheus builds them: one sample per series, labels sorted. */
    private List<byte[]> bodies() throws IOException {
        List<byte[]> bodies = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int b = 0; b < BODIES; b++) {
            WriteRequest.Builder request = WriteRequest.newBuilder();
            for (int i = 0; i < samplesPerRequest; i++) {
                int series = b * samplesPerRequest + i;
                String pod = "app-" + (series % pods);
                request.addTimeseries(
                        TimeSeries.newBuilder()
                                .addLabels(label("__name__", "container_memory_working_set_bytes"))
                                .addLabels(label("container", "app"))
                                .addLabels(label("id", Integer.toString(series)))
                                .addLabels(label("namespace", "bench"))
                                .addLabels(label("pod", pod))
                                .addSamples(
                                        Sample.newBuilder()
                                                .setTimestamp(now + b)
                                                .setValue(1e8 + series)));
            }
            bodies.add(Snappy.compress(request.build().toByteArray()));
        }
        return bodies;
    }

    private static Label label(String name, String value) {
        return Label.newBuilder().setName(name).setValue(value).build();
    }

    private static long endOffsets(String bootstrap, String topic) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .forEach(
                            p ->
                                    latest.put(
                                            new TopicPartition(topic, p.partition()),
                                            OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(info -> info.offset())
                    .sum();
        }
    }

    private static String required(Map<String, String> options, String key) {
        String value = options.get(key);
        if (value == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return value;
    }
}
