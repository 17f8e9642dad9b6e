package io.kubeskippy.cli;

import picocli.CommandLine.Command;

/** {@code skippy policy}: check, explain and test HealingPolicy files. */
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        description = "Check, explain and test HealingPolicy files.",
        subcommands = {PolicyCheck.class, PolicyExplain.class, PolicyTestCommand.class})
final class PolicyCommand extends GroupCommand {}
