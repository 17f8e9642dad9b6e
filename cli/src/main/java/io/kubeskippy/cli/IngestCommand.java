package io.kubeskippy.cli;

import io.kubeskippy.ingest.IngestOption;
import io.kubeskippy.ingest.IngestOptions;
import io.kubeskippy.ingest.IngestProcess;
import io.kubeskippy.ingest.IngestStartException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code skippy ingest}: the ingest process until Ctrl-C or SIGTERM. Its options are {@link
 * IngestOption}'s, added to the command when it is built, so their names, defaults and help come
 * from the one place that also documents them; every value is checked by {@link IngestOptions}, so
 * a bad one is a single line naming the option.
 */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        modelTransformer = IngestCommand.Options.class,
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "Stream Kubernetes pods and events, Prometheus samples (polled and remote_write) and"
                    + " policies into Kafka, until Ctrl-C or SIGTERM.",
            "Serves /metrics and /healthz on --metrics-port."
        })
final class IngestCommand implements Callable<Integer> {

    @CommandLine.Spec CommandSpec spec;

    /** Anything that is not an ingest option, reported by {@link #call()} in one line. */
    @CommandLine.Unmatched List<String> unmatched;

    /** Adds one picocli option per {@link IngestOption}; every value is read as text. */
    static final class Options implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            for (IngestOption o : IngestOption.values()) {
                String help =
                        o.description()
                                + (o.defaultValue().isEmpty() || o.isFlag()
                                        ? ""
                                        : " Default: " + o.defaultValue() + ".");
                OptionSpec.Builder option = OptionSpec.builder(o.optionName()).description(help);
                if (o.isFlag()) {
                    option.type(boolean.class).arity("0");
                } else {
                    // A missing value is not a parse error (with a usage dump) but a one-line
                    // one from IngestOptions; the label is shown as --key=LABEL all the same.
                    option.type(String.class)
                            .arity("0..1")
                            .fallbackValue("")
                            .paramLabel(o.paramLabel())
                            .hideParamSyntax(true);
                }
                spec.addOption(option.build());
            }
            // A repeated option is not a parse error: the last one counts.
            spec.parser().overwrittenOptionsAllowed(true);
            return spec;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (unmatched != null && !unmatched.isEmpty()) {
            throw new UserError(
                    "unknown option or argument '"
                            + unmatched.get(0)
                            + "'; see skippy ingest --help",
                    2);
        }
        IngestOptions options;
        try {
            options = IngestOptions.from(given(spec.commandLine().getParseResult()));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), 2);
        }
        IngestProcess process;
        try {
            process = IngestProcess.start(options);
        } catch (IngestStartException e) {
            throw new UserError(e.getMessage(), 1);
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    process.close();
                                    stopped.countDown();
                                },
                                "skippy-ingest-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("ingest ready");
        process.summary().forEach(out::println);
        out.println("Ctrl-C or SIGTERM stops ingest.");
        out.flush();
        stopped.await();
        return 0;
    }

    /** The options given on the command line, by key, as text. */
    private static Map<String, String> given(ParseResult parsed) {
        Map<String, String> values = new LinkedHashMap<>();
        for (IngestOption o : IngestOption.values()) {
            if (parsed.hasMatchedOption(o.optionName())) {
                Object value = parsed.matchedOptionValue(o.optionName(), "");
                values.put(o.key(), value == null ? "" : value.toString());
            }
        }
        return values;
    }
}
