package io.kubeskippy.cli;

import io.kubeskippy.model.policy.Diagnostic;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicyExplainer;
import io.kubeskippy.model.policy.PolicyFile;
import io.kubeskippy.model.policy.PolicyReader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code skippy policy explain FILE}: how each trigger of a policy will be evaluated. */
@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        description =
                "Print how each trigger of a policy is evaluated: which samples, window and step,"
                        + " which pattern; and what its actions do.")
final class PolicyExplain implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A policy file.")
    Path file;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + ": no such file");
        }
        PolicyFile read = PolicyReader.readFile(file);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        read.diagnostics().forEach(d -> (d.isError() ? err : out).println(d.format()));
        if (read.hasErrors()) {
            err.println(file + ": has errors; fix them first (skippy policy check " + file + ")");
            return 1;
        }
        for (HealingPolicy policy : read.policies()) {
            out.print(PolicyExplainer.explain(policy));
        }
        if (read.policies().isEmpty()) {
            out.println(file + ": no HealingPolicy documents");
        }
        out.flush();
        return read.diagnostics().stream().anyMatch(Diagnostic::isError) ? 1 : 0;
    }
}
