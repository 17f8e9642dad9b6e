package io.kubeskippy.cli;

import picocli.CommandLine.Command;

/** {@code skippy policy}: check, explain and test HealingPolicy files. */
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        description = "Check, explain and test HealingPolicy files.",
        subcommands = {PolicyCheck.class, PolicyExplain.class, PolicyCommand.Test.class})
final class PolicyCommand extends GroupCommand {

    /** {@code skippy policy test FILE...}. */
    @Command(
            name = "test",
            mixinStandardHelpOptions = true,
            description = "Run promtool-style policy unit tests: input series, expected actions.")
    static final class Test extends PlannedCommand {
        @Override
        String plannedIn() {
            return "issue 5 (job)";
        }
    }
}
