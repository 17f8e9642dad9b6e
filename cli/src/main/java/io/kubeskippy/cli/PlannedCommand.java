package io.kubeskippy.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * A subcommand that is registered but not built yet: it says so, names the issue that builds it,
 * and exits 2. Its arguments are accepted as given, so a script written against the documented
 * interface fails with that message rather than with an unknown-option error.
 */
abstract class PlannedCommand implements Callable<Integer> {

    static final int NOT_BUILT = 2;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Unmatched List<String> ignored;

    /** What will build it, e.g. "issue 5 (job)". */
    abstract String plannedIn();

    @Override
    public Integer call() {
        spec.commandLine()
                .getErr()
                .println(
                        spec.qualifiedName()
                                + ": not built yet (planned in "
                                + plannedIn()
                                + "); see README.md");
        return NOT_BUILT;
    }
}
