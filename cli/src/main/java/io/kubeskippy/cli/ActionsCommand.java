package io.kubeskippy.cli;

import picocli.CommandLine.Command;

/** {@code skippy actions}: follow and approve healing actions. */
@Command(
        name = "actions",
        mixinStandardHelpOptions = true,
        description = "Follow healing actions and their outcomes; approve actions that wait.",
        subcommands = {ActionsCommand.Tail.class, ActionsCommand.Approve.class})
final class ActionsCommand extends GroupCommand {

    /** {@code skippy actions tail}. */
    @Command(
            name = "tail",
            mixinStandardHelpOptions = true,
            description = "Pretty-print actions and outcomes as they happen.")
    static final class Tail extends PlannedCommand {
        @Override
        String plannedIn() {
            return "issue 7 (actuator)";
        }
    }

    /** {@code skippy actions approve NAME}. */
    @Command(
            name = "approve",
            mixinStandardHelpOptions = true,
            description = "Approve a HealingAction that waits for approval.")
    static final class Approve extends PlannedCommand {
        @Override
        String plannedIn() {
            return "issue 7 (actuator)";
        }
    }
}
