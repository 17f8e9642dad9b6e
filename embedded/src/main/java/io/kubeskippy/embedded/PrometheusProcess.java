package io.kubeskippy.embedded;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Prometheus server: the {@code prometheus} binary found on {@code PATH}, run as a child
 * process on a loopback port with a generated configuration and its TSDB under a given directory.
 *
 * <p>It scrapes itself by default; scrape targets, external labels and remote_write URLs are
 * options. {@link #close()} stops exactly this process by its PID: SIGTERM, then SIGKILL after a
 * timeout. A JVM shutdown hook does the same if the caller never closes it. Starting another one on
 * the same port and directory after a close continues the same TSDB.
 */
public final class PrometheusProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusProcess.class);
    private static final String HOST = "127.0.0.1";
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final int port;
    private final Path dir;
    private final Path logFile;
    private final Duration stopTimeout;
    private final Thread shutdownHook;
    private boolean closed;

    private PrometheusProcess(
            Process process, int port, Path dir, Path logFile, Duration stopTimeout) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.logFile = logFile;
        this.stopTimeout = stopTimeout;
        this.shutdownHook =
                new Thread(
                        () -> stop(process, Duration.ofSeconds(5)), "prometheus-" + port + "-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A builder for a Prometheus whose config, TSDB and log live under {@code dir}. */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, as a scrape target. */
    public String hostPort() {
        return HOST + ":" + port;
    }

    /** {@code http://127.0.0.1:port}, the base of the HTTP API. */
    public URI baseUrl() {
        return URI.create("http://" + hostPort());
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path dir() {
        return dir;
    }

    /** Prometheus' own stdout and stderr, appended across restarts on the same directory. */
    public Path logFile() {
        return logFile;
    }

    /** Stops the process (SIGTERM, then SIGKILL after the stop timeout). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop(process, stopTimeout);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook runs (and finds nothing to stop).
        }
        LOG.info("Prometheus on {} (pid {}) stopped", hostPort(), process.pid());
    }

    private static void stop(Process process, Duration timeout) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn(
                        "Prometheus pid {} did not stop within {}; killing it",
                        process.pid(),
                        timeout);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Options of a Prometheus process. */
    public static final class Builder {
        private final Path dir;
        private Path binary;
        private int port;
        private Duration scrapeInterval = Duration.ofSeconds(1);
        private boolean scrapeSelf = true;
        private final Map<String, String> externalLabels = new LinkedHashMap<>();
        private final Map<String, String> scrapeTargets = new LinkedHashMap<>();
        private final List<String> remoteWriteUrls = new ArrayList<>();
        private Duration batchSendDeadline = Duration.ofSeconds(1);
        private Duration remoteFlushDeadline = Duration.ofSeconds(1);
        private String configFragment = "";
        private Duration readyTimeout = Duration.ofSeconds(60);
        private Duration stopTimeout = Duration.ofSeconds(15);

        private Builder(Path dir) {
            this.dir = dir.toAbsolutePath();
        }

        /** The Prometheus binary; by default {@code prometheus} on {@code PATH}. */
        public Builder binary(Path binary) {
            this.binary = binary;
            return this;
        }

        /** The web port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Scrape (and rule evaluation) interval; 1s by default. */
        public Builder scrapeInterval(Duration interval) {
            this.scrapeInterval = positive(interval, "scrape interval");
            return this;
        }

        /** Whether Prometheus scrapes its own /metrics as job {@code prometheus}; on by default. */
        public Builder scrapeSelf(boolean scrapeSelf) {
            this.scrapeSelf = scrapeSelf;
            return this;
        }

        /** A label added to every series sent by remote_write (and to federation / alerts). */
        public Builder externalLabel(String name, String value) {
            externalLabels.put(name, value);
            return this;
        }

        /** A static scrape job with one {@code host:port} target. */
        public Builder scrapeTarget(String jobName, String hostPort) {
            scrapeTargets.put(jobName, hostPort);
            return this;
        }

        /** A remote_write endpoint, sent to with a short batch deadline (see below). */
        public Builder remoteWrite(String url) {
            remoteWriteUrls.add(Objects.requireNonNull(url, "url"));
            return this;
        }

        /** How long remote_write waits to fill a batch before sending it; 1s by default. */
        public Builder remoteWriteBatchSendDeadline(Duration deadline) {
            this.batchSendDeadline = positive(deadline, "batch send deadline");
            return this;
        }

        /** How long Prometheus tries to send pending remote_write samples when stopped; 1s. */
        public Builder remoteWriteFlushDeadline(Duration deadline) {
            this.remoteFlushDeadline = positive(deadline, "remote write flush deadline");
            return this;
        }

        /** Raw top-level YAML appended to the generated configuration (e.g. rule_files). */
        public Builder configFragment(String yaml) {
            this.configFragment = Objects.requireNonNull(yaml, "yaml");
            return this;
        }

        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = positive(timeout, "ready timeout");
            return this;
        }

        /** How long close() waits after SIGTERM before SIGKILL; 15s by default. */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = positive(timeout, "stop timeout");
            return this;
        }

        /** Writes the configuration, starts Prometheus and waits until /-/ready answers 200. */
        public PrometheusProcess start() {
            Path executable = binary != null ? binary : findOnPath("prometheus");
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create Prometheus dir " + dir, e);
            }
            IllegalStateException failure = null;
            // A free port can be taken between choosing and binding it; then try another.
            int attempts = port == 0 ? START_ATTEMPTS : 1;
            for (int attempt = 1; attempt <= attempts; attempt++) {
                int webPort = port == 0 ? freePort() : port;
                try {
                    return startOn(executable, webPort);
                } catch (IllegalStateException e) {
                    if (!String.valueOf(e.getMessage()).contains("address already in use")) {
                        throw e;
                    }
                    failure = e;
                    LOG.warn("Prometheus lost the race for port {}; trying another", webPort);
                }
            }
            throw failure;
        }

        private PrometheusProcess startOn(Path executable, int webPort) {
            Path config = dir.resolve("prometheus.yml");
            Path logFile = dir.resolve("prometheus.log");
            try {
                Files.writeString(config, config(webPort), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + config, e);
            }
            List<String> command =
                    List.of(
                            executable.toString(),
                            "--config.file=" + config,
                            "--storage.tsdb.path=" + dir.resolve("data"),
                            "--web.listen-address=" + HOST + ":" + webPort,
                            // On SIGTERM, give up on unsent remote_write samples after this
                            // (Prometheus' default is a minute, which outlives a stop timeout).
                            "--storage.remote.flush-deadline=" + duration(remoteFlushDeadline),
                            "--log.level=info");
            Process process;
            try {
                process =
                        new ProcessBuilder(command)
                                .directory(dir.toFile())
                                .redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                                .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + executable, e);
            }
            PrometheusProcess prometheus =
                    new PrometheusProcess(process, webPort, dir, logFile, stopTimeout);
            try {
                awaitReady(prometheus, readyTimeout);
            } catch (RuntimeException e) {
                prometheus.close();
                throw e;
            }
            LOG.info(
                    "Prometheus serving on {} (pid {}, data in {})",
                    prometheus.hostPort(),
                    process.pid(),
                    dir);
            return prometheus;
        }

        /** The generated prometheus.yml. */
        String config(int webPort) {
            String interval = duration(scrapeInterval);
            StringBuilder yaml = new StringBuilder();
            yaml.append("global:\n")
                    .append("  scrape_interval: ")
                    .append(interval)
                    .append('\n')
                    .append("  scrape_timeout: ")
                    .append(interval)
                    .append('\n')
                    .append("  evaluation_interval: ")
                    .append(interval)
                    .append('\n');
            if (!externalLabels.isEmpty()) {
                yaml.append("  external_labels:\n");
                externalLabels.forEach(
                        (name, value) ->
                                yaml.append("    ")
                                        .append(name)
                                        .append(": ")
                                        .append(quote(value))
                                        .append('\n'));
            }
            yaml.append("scrape_configs:\n");
            Map<String, String> jobs = new LinkedHashMap<>();
            if (scrapeSelf) {
                jobs.put("prometheus", HOST + ":" + webPort);
            }
            jobs.putAll(scrapeTargets);
            if (jobs.isEmpty()) {
                yaml.append("  []\n");
            }
            jobs.forEach(
                    (job, target) ->
                            yaml.append("  - job_name: ")
                                    .append(quote(job))
                                    .append('\n')
                                    .append("    static_configs:\n")
                                    .append("      - targets: [")
                                    .append(quote(target))
                                    .append("]\n"));
            if (!remoteWriteUrls.isEmpty()) {
                yaml.append("remote_write:\n");
                for (String url : remoteWriteUrls) {
                    yaml.append("  - url: ")
                            .append(quote(url))
                            .append('\n')
                            .append("    queue_config:\n")
                            .append("      batch_send_deadline: ")
                            .append(duration(batchSendDeadline))
                            .append('\n')
                            // Retry a failed batch soon, so a test sees recovery quickly.
                            .append("      min_backoff: 100ms\n")
                            .append("      max_backoff: 1s\n");
                }
            }
            yaml.append(configFragment);
            return yaml.toString();
        }

        private static void awaitReady(PrometheusProcess prometheus, Duration timeout) {
            HttpClient client =
                    HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest request =
                    HttpRequest.newBuilder(prometheus.baseUrl().resolve("/-/ready"))
                            .timeout(Duration.ofSeconds(2))
                            .GET()
                            .build();
            long deadline = System.nanoTime() + timeout.toNanos();
            String last = "no answer yet";
            while (System.nanoTime() < deadline) {
                if (!prometheus.isAlive()) {
                    throw new IllegalStateException(
                            "Prometheus exited with code "
                                    + prometheus.process.exitValue()
                                    + "; log "
                                    + prometheus.logFile
                                    + " ends: "
                                    + tail(prometheus.logFile));
                }
                try {
                    HttpResponse<Void> response =
                            client.send(request, HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                        return;
                    }
                    last = "HTTP " + response.statusCode();
                } catch (IOException e) {
                    last = e.toString();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Prometheus", e);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Prometheus", e);
                }
            }
            throw new IllegalStateException(
                    "Prometheus on "
                            + prometheus.hostPort()
                            + " was not ready within "
                            + timeout
                            + " ("
                            + last
                            + ")");
        }

        private static String tail(Path log) {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                return String.join(
                        "\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
            } catch (IOException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        }

        private static Path findOnPath(String name) {
            String path = System.getenv("PATH");
            if (path != null) {
                for (String entry : path.split(File.pathSeparator)) {
                    if (entry.isEmpty()) {
                        continue;
                    }
                    Path candidate = Path.of(entry, name);
                    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                        return candidate;
                    }
                }
            }
            throw new IllegalStateException(
                    name
                            + " is not on PATH; install Prometheus (Debian: apt-get install"
                            + " prometheus) or pass its path to binary(...)");
        }

        private static String duration(Duration duration) {
            return duration.toMillis() + "ms";
        }

        /** A YAML double-quoted scalar. */
        private static String quote(String text) {
            return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }

        private static Duration positive(Duration duration, String what) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(what + " must be > 0, got " + duration);
            }
            return duration;
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(HOST, 0));
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port", e);
            }
        }
    }
}
