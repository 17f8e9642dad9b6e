package io.kubeskippy.cli;

import picocli.CommandLine.Command;

/** {@code skippy ingest}. */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description =
                "Stream Kubernetes pods and events, Prometheus samples and policy files into Kafka.")
final class IngestCommand extends PlannedCommand {
    @Override
    String plannedIn() {
        return "issue 4 (ingest)";
    }
}
