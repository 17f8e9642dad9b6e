package io.kubeskippy.cli;

import io.kubeskippy.demo.Demo;
import io.kubeskippy.demo.DemoOptions;
import io.kubeskippy.demo.DemoStartException;
import io.kubeskippy.demo.view.TerminalView;
import io.kubeskippy.model.policy.Durations;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code skippy demo}: the whole loop on this machine, with a live view and a final summary. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run the whole loop on this machine: Kafka, Flink with its dashboard on :8081, a"
                    + " simulated cluster, ingest, job and actuator; a live view of what it"
                    + " heals; with --duration, a final JSON summary line.",
            "With --kube-context, heal a real cluster instead of the simulated one."
        })
final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--duration",
            paramLabel = "D",
            description =
                    "End by itself after D (e.g. 5m) and print the summary as one JSON line;"
                            + " without it, run until Ctrl-C.")
    String duration;

    @Option(
            names = "--llm-url",
            paramLabel = "URL",
            description =
                    "LLM server that explains and ranks findings (Ollama or OpenAI-compatible);"
                            + " without it the job is rule-only.")
    String llmUrl;

    @Option(
            names = "--llm-provider",
            paramLabel = "P",
            description = "ollama or openai (default: the job's, ollama).")
    String llmProvider;

    @Option(
            names = "--llm-model",
            paramLabel = "M",
            description = "Model the LLM server is asked to use (default: the job's).")
    String llmModel;

    @Option(
            names = "--llm-key-env",
            paramLabel = "VAR",
            description = "Environment variable holding the LLM API key.")
    String llmKeyEnv;

    @Option(
            names = "--web-ui-port",
            defaultValue = "8081",
            paramLabel = "N",
            description =
                    "Port of the Flink web dashboard and REST API (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description =
                    "Where the demo writes (Kafka's log, emptied at start; Flink's files; the"
                            + " kubeconfig; Prometheus' data; demo.log); default: a temporary"
                            + " directory, deleted on exit.")
    Path workDir;

    @Option(
            names = "--kube-context",
            paramLabel = "CTX",
            description =
                    "Heal the cluster of this kubeconfig context (e.g. kind-kubeskippy) instead"
                            + " of the simulated one; samples come from your Prometheus by"
                            + " remote_write (see demo/k8s/README.md).")
    String kubeContext;

    @Option(
            names = "--namespaces",
            paramLabel = "a,b",
            split = ",",
            description =
                    "With --kube-context: the only namespaces watched and acted in (default:"
                            + " demo, where demo/k8s puts the apps).")
    List<String> namespaces;

    @Option(
            names = "--remote-write-port",
            paramLabel = "N",
            description =
                    "Port of ingest's remote_write receiver (default: 9201 with --kube-context,"
                            + " else any free port).")
    Integer remoteWritePort;

    @Option(
            names = "--prometheus-port",
            defaultValue = "9090",
            paramLabel = "N",
            description =
                    "Port of the Prometheus the demo starts when prometheus is on PATH (default:"
                            + " ${DEFAULT-VALUE}; another free one if taken).")
    int prometheusPort;

    @Option(names = "--no-prometheus", description = "Do not start Prometheus.")
    boolean noPrometheus;

    @Option(
            names = "--refresh",
            paramLabel = "D",
            description =
                    "How often the view is drawn (default: 1s on a terminal; 30s as plain text"
                            + " when stdout is not a terminal).")
    String refresh;

    @Option(
            names = "--plain",
            description = "Plain-text status blocks even on a terminal (no redraw in place).")
    boolean plain;

    private final Object lock = new Object();
    private Demo demo;
    private boolean reported;

    @Override
    public Integer call() throws Exception {
        Duration limit = durationOption("--duration", duration);
        if (limit != null && limit.isZero()) {
            throw new UserError("--duration must be > 0", 2);
        }
        boolean tty = !plain && System.console() != null;
        Duration every = durationOption("--refresh", refresh);
        if (every == null || every.isZero()) {
            every = tty ? Duration.ofSeconds(1) : Duration.ofSeconds(30);
        }
        boolean temporary = workDir == null;
        Path dir = temporary ? Files.createTempDirectory("skippy-demo-") : workDir.toAbsolutePath();
        Files.createDirectories(dir);

        DemoOptions.Builder b =
                DemoOptions.builder(dir)
                        .webUiPort(webUiPort)
                        .prometheusPort(prometheusPort)
                        .prometheus(
                                noPrometheus
                                        ? DemoOptions.PrometheusMode.OFF
                                        : DemoOptions.PrometheusMode.AUTO)
                        .jobArgs(jobArgs());
        if (kubeContext != null) {
            b.kubeContext(kubeContext)
                    .namespaces(
                            namespaces == null || namespaces.isEmpty()
                                    ? List.of("demo")
                                    : namespaces)
                    .remoteWritePort(remoteWritePort == null ? 9201 : remoteWritePort);
        } else if (remoteWritePort != null) {
            b.remoteWritePort(remoteWritePort);
        }
        DemoOptions options;
        try {
            options = b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UserError(e.getMessage(), 2);
        }

        PrintWriter out = spec.commandLine().getOut();
        PrintStream originalErr = System.err;
        Path log = dir.resolve("demo.log");
        if (tty) {
            // The view redraws the screen: logs go to a file instead of between its lines.
            System.setErr(new PrintStream(new FileOutputStream(log.toFile(), true), true));
        }
        out.println(
                "skippy demo: starting Kafka, "
                        + (kubeContext == null
                                ? "the simulated cluster"
                                : "ingest and the actuator for context " + kubeContext)
                        + ", ingest, the Flink job and the actuator in "
                        + dir
                        + (tty ? " (logs: " + log + ")" : ""));
        out.flush();
        Thread hook =
                new Thread(
                        () -> {
                            stopAndReport(out, "stopped (Ctrl-C)");
                            if (temporary) {
                                deleteQuietly(dir);
                            }
                        },
                        "skippy-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Demo started;
        try {
            started = Demo.start(options);
        } catch (DemoStartException e) {
            System.setErr(originalErr);
            Runtime.getRuntime().removeShutdownHook(hook);
            if (temporary) {
                deleteQuietly(dir);
            }
            throw new UserError(e.getMessage() + (tty ? " (logs: " + log + ")" : ""), 1);
        }
        synchronized (lock) {
            demo = started;
        }
        printReady(out, started);

        TerminalView view = new TerminalView(out, tty);
        long endNanos = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        while (true) {
            synchronized (lock) {
                if (reported) {
                    break;
                }
                Duration remaining =
                        limit == null
                                ? null
                                : Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
                view.show(demo.status(remaining));
            }
            long left = endNanos - System.nanoTime();
            if (left <= 0) {
                break;
            }
            Thread.sleep(Math.min(every.toMillis(), Math.max(1, left / 1_000_000)));
        }
        stopAndReport(out, "ended after " + Durations.format(limit));
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        System.setErr(originalErr);
        if (temporary) {
            deleteQuietly(dir);
        }
        return 0;
    }

    /** Stops the demo once and prints the final summary line. */
    private void stopAndReport(PrintWriter out, String why) {
        synchronized (lock) {
            if (reported || demo == null) {
                // Nothing started yet (Ctrl-C while starting: the parts die with the JVM).
                reported = true;
                return;
            }
            reported = true;
            demo.close();
            out.println("skippy demo: " + why + "; summary:");
            out.println(demo.summary().toJson());
            out.flush();
        }
    }

    private void printReady(PrintWriter out, Demo d) {
        out.printf("skippy demo: every part runs after %.1f s%n", d.loopUp().toMillis() / 1000.0);
        out.println("  Flink dashboard: " + d.flinkRestUrl() + "  (REST: /jobs/overview)");
        out.println("  Kafka: " + d.kafkaBootstrapServers());
        out.println("  metrics: " + d.metricsEndpoints());
        if (d.options().realCluster()) {
            out.println(
                    "  your Prometheus must send samples here: remote_write: [{url:"
                            + " http://<this host's address>:"
                            + d.remoteWriteUrl().getPort()
                            + "/api/v1/write}]  (see demo/k8s/README.md)");
        }
        d.prometheusUrl()
                .ifPresent(
                        p -> {
                            out.println(
                                    "  Prometheus: "
                                            + p
                                            + " scraping "
                                            + d.metricsEndpoints().keySet());
                            out.println(
                                    "  Grafana: KUBESKIPPY_PROMETHEUS_URL=http://localhost:"
                                            + p.getPort()
                                            + " grafana/run.sh   (docker, or a local Grafana:"
                                            + " grafana/README.md)");
                        });
        out.println(
                "  LLM: "
                        + d.llmStatus()
                        + "  ·  Ctrl-C stops the demo"
                        + (duration == null ? "" : "; it ends by itself after " + duration));
        out.flush();
    }

    private List<String> jobArgs() {
        List<String> args = new ArrayList<>();
        add(args, "--llm-url", llmUrl);
        add(args, "--llm-provider", llmProvider);
        add(args, "--llm-model", llmModel);
        add(args, "--llm-key-env", llmKeyEnv);
        return args;
    }

    private static void add(List<String> args, String option, String value) {
        if (value != null) {
            args.add(option);
            args.add(value);
        }
    }

    private static Duration durationOption(String option, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Durations.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw new UserError(option + ": " + e.getMessage(), 2);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
