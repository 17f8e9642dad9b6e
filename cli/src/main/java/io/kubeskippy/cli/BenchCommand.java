package io.kubeskippy.cli;

import io.kubeskippy.job.bench.Bench;
import io.kubeskippy.job.bench.BenchOptions;
import io.kubeskippy.model.serde.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code skippy bench}: throughput, detection latency and state size; one JSON line. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure detection throughput, latency and state size in a local Flink MiniCluster;"
                    + " prints one JSON line.",
            "The job's graph runs without Kafka over a synthetic cluster generated inside a Flink"
                    + " source: TARGETS pods (two per Deployment, five namespaces) scraped every"
                    + " 15 s, a few leaking, running hot, swinging or crash-looping. Passes: the"
                    + " generator alone, the graph with the pattern stage passed through (the"
                    + " ceiling), the graph itself, and the graph paced at half its rate for"
                    + " detection latency, then a savepoint for state size. Progress goes to"
                    + " stderr.",
        })
final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--targets",
            paramLabel = "N",
            description = "Pods (default: ${DEFAULT-VALUE}).")
    int targets = BenchOptions.DEFAULT_TARGETS;

    @Option(
            names = "--policies",
            paramLabel = "N",
            description = "Policies, variants of the shipped ones (default: ${DEFAULT-VALUE}).")
    int policies = BenchOptions.DEFAULT_POLICIES;

    @Option(
            names = "--minutes",
            paramLabel = "N",
            description = "Event time of samples per pass (default: ${DEFAULT-VALUE}).")
    int minutes = BenchOptions.DEFAULT_MINUTES;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description = "Parallelism of the job (default: ${DEFAULT-VALUE}).")
    int parallelism = BenchOptions.DEFAULT_PARALLELISM;

    @Option(
            names = "--warmup-minutes",
            paramLabel = "N",
            description =
                    "Event time of the unmeasured warm-up pass, 0 for none (default:"
                            + " ${DEFAULT-VALUE}).")
    int warmupMinutes = BenchOptions.DEFAULT_WARMUP_MINUTES;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "Seed of the synthetic cluster (default: ${DEFAULT-VALUE}).")
    long seed = BenchOptions.DEFAULT_SEED;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description =
                    "Where Flink's temporary files and the savepoint go (default: java.io.tmpdir).")
    Path workDir;

    @Option(
            names = "--passes",
            paramLabel = "P,...",
            split = ",",
            description =
                    "Passes to run, for profiling one: generator, ceiling, job, latency"
                            + " (default: all; the latency pass needs the job pass).")
    List<String> passes = List.of();

    @Override
    public Integer call() throws Exception {
        BenchOptions options;
        Set<BenchOptions.Pass> selected = EnumSet.noneOf(BenchOptions.Pass.class);
        for (String p : passes) {
            try {
                selected.add(BenchOptions.Pass.valueOf(p.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new UserError(
                        "--passes: unknown pass '" + p + "'; use generator, ceiling, job, latency",
                        2);
            }
        }
        try {
            options =
                    new BenchOptions(
                            targets,
                            policies,
                            minutes,
                            parallelism,
                            warmupMinutes,
                            seed,
                            workDir,
                            selected);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), 2);
        }
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> result = new Bench(options, err).run();
        PrintWriter out = spec.commandLine().getOut();
        out.println(Json.mapper().writeValueAsString(result));
        out.flush();
        return 0;
    }
}
