package io.kubeskippy.cli;

import io.kubeskippy.job.JobSettings;
import io.kubeskippy.job.policytest.PolicyTestCluster;
import io.kubeskippy.job.policytest.PolicyTestRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code skippy policy test FILE...}: promtool-style policy unit tests. */
@Command(
        name = "test",
        mixinStandardHelpOptions = true,
        description = {
            "Run promtool-style policy unit tests: each case replays its pods, events and input"
                    + " series (Prometheus' expanding notation, e.g. '100e6+1e6x400') through the"
                    + " job graph with the file's policies and compares the actions emitted with"
                    + " the expected ones, exactly.",
            "Prints PASS or FAIL per case (a failure with expected, got and a diff); exits 1 if"
                    + " any case fails or any file has an error, 0 otherwise. The format is in"
                    + " README.md (Policy tests)."
        })
final class PolicyTestCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
            arity = "1..*",
            paramLabel = "FILE",
            description = "Test files, or directories of them (*.yaml, *.yml).")
    List<Path> paths;

    @Option(
            names = "--run",
            paramLabel = "REGEX",
            description = "Run only the cases whose name matches REGEX (anywhere in the name).")
    String run;

    @Option(
            names = {"-v", "--verbose"},
            description = "Also list the actions of passing cases (with their detection times).")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Pattern filter;
        try {
            filter = run == null ? null : Pattern.compile(run);
        } catch (PatternSyntaxException e) {
            throw new UserError("--run: not a regular expression: " + e.getDescription(), 2);
        }
        List<Path> files = expand(paths);
        PrintWriter out = spec.commandLine().getOut();
        try (PolicyTestCluster cluster = PolicyTestCluster.start(LocalFlink.baseConfiguration())) {
            PolicyTestRunner runner =
                    new PolicyTestRunner(
                            JobSettings.defaults(),
                            cluster::environment,
                            out,
                            name -> filter == null || filter.matcher(name).find(),
                            verbose);
            PolicyTestRunner.Summary summary = runner.run(files);
            if (filter != null && summary.cases() == 0 && summary.filesWithErrors() == 0) {
                throw new UserError("no case matches --run " + run);
            }
            return summary.exitCode();
        }
    }

    /** Files as given (a missing one is reported by the runner), directories' test files. */
    private static List<Path> expand(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.isDirectory(path)) {
                files.add(path);
                continue;
            }
            try (Stream<Path> list = Files.list(path)) {
                List<Path> found =
                        list.filter(Files::isRegularFile)
                                .filter(p -> p.toString().matches(".*\\.ya?ml$"))
                                .sorted()
                                .toList();
                if (found.isEmpty()) {
                    throw new UserError(path + ": no test files (*.yaml, *.yml) in it");
                }
                files.addAll(found);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }
}
