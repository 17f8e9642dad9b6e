package io.kubeskippy.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeskippy.job.JobSettings;
import io.kubeskippy.job.kafka.KafkaJob;
import io.kubeskippy.model.serde.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detection job in a Flink cluster in this process, with the web dashboard (REST API) and
 * Flink's Prometheus reporter. The demo owns the cluster, so it knows the dashboard's port when a
 * free one was asked for, and it submits the job without waiting for it to end.
 */
final class JobCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobCluster.class);

    private final MiniCluster cluster;
    private final JobID jobId;
    private final URI restUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private JobCluster(MiniCluster cluster, JobID jobId, URI restUrl) {
        this.cluster = cluster;
        this.jobId = jobId;
        this.restUrl = restUrl;
    }

    /**
     * Starts the cluster and submits the job; returns once it is submitted (see {@link
     * #awaitRunning(Duration)}).
     *
     * @param tmpDir Flink's temporary files (instead of /tmp)
     */
    static JobCluster start(JobSettings settings, int webUiPort, int metricsPort, Path tmpDir)
            throws Exception {
        Files.createDirectories(tmpDir);
        Configuration conf = new Configuration();
        conf.set(CoreOptions.TMP_DIRS, tmpDir.toString());
        conf.set(WebOptions.TMP_DIR, tmpDir.resolve("web").toString());
        conf.set(RestOptions.BIND_ADDRESS, "0.0.0.0");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, String.valueOf(webUiPort));
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, settings.parallelism());
        conf.setString(
                "metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.setString("metrics.reporter.prom.port", String.valueOf(metricsPort));
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(settings.parallelism())
                                .build());
        try {
            cluster.start();
            StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
            KafkaJob.build(env, settings);
            StreamGraph graph = env.getStreamGraph();
            graph.setJobName("kubeskippy");
            JobID id = cluster.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();
            URI rest = cluster.getRestAddress().get(10, TimeUnit.SECONDS);
            LOG.info("job {} submitted; Flink dashboard on {}", id, rest);
            return new JobCluster(cluster, id, rest);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** The REST API and web dashboard, e.g. {@code http://127.0.0.1:8081}. */
    URI restUrl() {
        return restUrl;
    }

    JobID jobId() {
        return jobId;
    }

    /** The job's status as the cluster reports it; FAILED when it cannot say. */
    JobStatus status() {
        try {
            return cluster.getJobStatus(jobId).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return JobStatus.FAILED;
        }
    }

    /**
     * Waits until the job and every one of its tasks run, as the REST API reports them.
     *
     * @throws IllegalStateException if the job ends or does not run within {@code timeout}
     */
    void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            JobStatus status = status();
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException("the Flink job ended: " + status);
            }
            try {
                JsonNode job = get("/jobs/" + jobId);
                last = "job " + job.path("state").asText();
                boolean allRunning = job.path("state").asText().equals("RUNNING");
                for (JsonNode vertex : job.path("vertices")) {
                    allRunning &= vertex.path("status").asText().equals("RUNNING");
                }
                if (allRunning && job.path("vertices").size() > 0) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(
                "the Flink job did not run within " + timeout + " (" + last + ")");
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(restUrl.resolve(path))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " from " + path);
        }
        return Json.mapper().readTree(response.body());
    }

    /** Cancels the job and stops the cluster. */
    @Override
    public void close() {
        try {
            if (!status().isGloballyTerminalState()) {
                cluster.cancelJob(jobId).get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.warn("cancelling the Flink job failed: {}", e.toString());
        }
        try {
            cluster.closeAsync().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("the Flink cluster did not stop cleanly: {}", e.toString());
        }
    }
}
