package io.kubeskippy.cli;

import picocli.CommandLine.Command;

/** {@code skippy demo}. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Run the whole loop on this machine: Kafka, Flink with its dashboard on :8081, a simulated cluster, ingest, job and actuator.")
final class DemoCommand extends PlannedCommand {
    @Override
    String plannedIn() {
        return "issue 8 (demo)";
    }
}
