package io.kubeskippy.cli;

import java.util.List;
import picocli.CommandLine;

/** A command that only groups subcommands: run alone, it prints its usage and exits 2. */
abstract class GroupCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        List<String> names =
                spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList();
        throw new UserError(
                "choose a subcommand: "
                        + String.join(", ", names.subList(0, names.size() - 1))
                        + " or "
                        + names.get(names.size() - 1),
                2);
    }
}
