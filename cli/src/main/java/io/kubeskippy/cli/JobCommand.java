package io.kubeskippy.cli;

import picocli.CommandLine.Command;

/** {@code skippy job}. */
@Command(
        name = "job",
        mixinStandardHelpOptions = true,
        description = "Run the detection job (Flink) against Kafka, with the Flink web dashboard.")
final class JobCommand extends PlannedCommand {
    @Override
    String plannedIn() {
        return "issue 5 (job)";
    }
}
