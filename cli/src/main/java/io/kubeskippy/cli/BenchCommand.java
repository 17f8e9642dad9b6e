package io.kubeskippy.cli;

import picocli.CommandLine.Command;

/** {@code skippy bench}. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Measure detection throughput, latency and state size in a local Flink MiniCluster; prints one JSON line.")
final class BenchCommand extends PlannedCommand {
    @Override
    String plannedIn() {
        return "issue 5 (job)";
    }
}
