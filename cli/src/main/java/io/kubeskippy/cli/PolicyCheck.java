package io.kubeskippy.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubeskippy.model.policy.Diagnostic;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.MetricQuery;
import io.kubeskippy.model.policy.PolicyFile;
import io.kubeskippy.model.policy.PolicyReader;
import io.kubeskippy.model.policy.Trigger;
import io.kubeskippy.model.serde.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code skippy policy check PATH...}: validates policy files and prints every problem. */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Validate HealingPolicy files (directories are searched for *.yaml, *.yml, *.json).",
            "Prints every error and warning as file:line: path: message; exits 1 if any file has"
                    + " an error, 0 otherwise."
        })
final class PolicyCheck implements Callable<Integer> {

    /** Output formats. */
    enum Format {
        text,
        json
    }

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Policy files or directories.")
    List<Path> paths;

    @Option(
            names = "--format",
            defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() throws Exception {
        List<PolicyFile> files = new ArrayList<>();
        for (Path path : PolicyFiles.expand(paths)) {
            files.add(PolicyReader.readFile(path));
        }
        if (files.isEmpty()) {
            throw new UserError("no policy files (*.yaml, *.yml, *.json) under " + paths);
        }
        PrintWriter out = spec.commandLine().getOut();
        int errors = 0;
        int warnings = 0;
        int policies = 0;
        for (PolicyFile file : files) {
            for (Diagnostic d : file.diagnostics()) {
                if (d.severity() == Diagnostic.Severity.ERROR) {
                    errors++;
                } else if (d.severity() == Diagnostic.Severity.WARNING) {
                    warnings++;
                }
            }
            policies += file.policies().size();
        }
        if (format == Format.json) {
            out.println(Json.mapper().writeValueAsString(json(files, errors, warnings)));
        } else {
            for (PolicyFile file : files) {
                file.diagnostics().forEach(d -> out.println(d.format()));
                for (HealingPolicy policy : file.policies()) {
                    out.println(
                            file.source()
                                    + ": ok: "
                                    + policy.name()
                                    + " (version "
                                    + policy.version()
                                    + ", "
                                    + count(policy.spec().triggers().size(), "trigger")
                                    + ", "
                                    + count(policy.spec().actions().size(), "action")
                                    + inert(policy)
                                    + ")");
                }
            }
            out.printf(
                    "%d files, %d policies, %d errors, %d warnings%n",
                    files.size(), policies, errors, warnings);
        }
        out.flush();
        return errors > 0 ? 1 : 0;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String inert(HealingPolicy policy) {
        List<String> inert =
                policy.spec().triggers().stream()
                        .filter(t -> t.type() == Trigger.Type.METRIC)
                        .filter(
                                t ->
                                        t.metricTrigger().classified().kind()
                                                == MetricQuery.Kind.INERT)
                        .map(Trigger::name)
                        .toList();
        return inert.isEmpty() ? "" : "; inert: " + String.join(", ", inert);
    }

    private static ObjectNode json(List<PolicyFile> files, int errors, int warnings) {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode fileNodes = root.putArray("files");
        for (PolicyFile file : files) {
            ObjectNode f = fileNodes.addObject();
            f.put("file", file.source());
            f.put("valid", !file.hasErrors());
            ArrayNode pols = f.putArray("policies");
            for (HealingPolicy policy : file.policies()) {
                ObjectNode p = pols.addObject();
                p.put("name", policy.name());
                p.put("version", policy.version());
                p.put("contentHash", policy.contentHash());
                ArrayNode triggers = p.putArray("triggers");
                for (Trigger t : policy.spec().triggers()) {
                    ObjectNode tn = triggers.addObject();
                    tn.put("name", t.name());
                    tn.put("type", t.type().wireName());
                    if (t.metricTrigger() != null) {
                        tn.put(
                                "evaluation",
                                t.metricTrigger()
                                        .classified()
                                        .kind()
                                        .name()
                                        .toLowerCase(java.util.Locale.ROOT));
                    }
                }
            }
            ArrayNode diags = f.putArray("diagnostics");
            for (Diagnostic d : file.diagnostics()) {
                ObjectNode dn = diags.addObject();
                dn.put("severity", d.severity().name().toLowerCase(java.util.Locale.ROOT));
                dn.put("file", d.source());
                if (d.line() > 0) {
                    dn.put("line", d.line());
                }
                dn.put("path", d.path());
                dn.put("message", d.message());
                dn.put("text", d.format());
            }
        }
        root.put("errors", errors);
        root.put("warnings", warnings);
        return root;
    }
}
