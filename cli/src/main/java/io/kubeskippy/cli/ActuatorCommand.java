package io.kubeskippy.cli;

import picocli.CommandLine.Command;

/** {@code skippy actuator}. */
@Command(
        name = "actuator",
        mixinStandardHelpOptions = true,
        description =
                "Consume the action topic and heal behind the safety gate, with an audit trail.")
final class ActuatorCommand extends PlannedCommand {
    @Override
    String plannedIn() {
        return "issue 7 (actuator)";
    }
}
