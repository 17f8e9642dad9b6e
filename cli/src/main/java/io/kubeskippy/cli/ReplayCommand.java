package io.kubeskippy.cli;

import picocli.CommandLine.Command;

/** {@code skippy replay}. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description =
                "Run the job graph over recorded metrics, pods and events and print the HealingActions it would emit, one JSON line each.")
final class ReplayCommand extends PlannedCommand {
    @Override
    String plannedIn() {
        return "issue 5 (job)";
    }
}
