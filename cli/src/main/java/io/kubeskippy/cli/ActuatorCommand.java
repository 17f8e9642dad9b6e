package io.kubeskippy.cli;

import io.kubeskippy.actuator.ActuatorOption;
import io.kubeskippy.actuator.ActuatorOptions;
import io.kubeskippy.actuator.ActuatorProcess;
import io.kubeskippy.actuator.ActuatorStartException;
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
 * {@code skippy actuator}: the actuator process until Ctrl-C or SIGTERM. Its options are {@link
 * ActuatorOption}'s, added when the command is built, so names, defaults and help come from the one
 * place that also documents them; every value is checked by {@link ActuatorOptions}, so a bad one
 * is a single line naming the option.
 */
@Command(
        name = "actuator",
        mixinStandardHelpOptions = true,
        modelTransformer = ActuatorCommand.Options.class,
        sortOptions = false,
        sortSynopsis = false,
        description = {
            "Consume the action topic and heal behind the safety gate, with an audit trail, until"
                    + " Ctrl-C or SIGTERM.",
            "Serves /metrics and /healthz on --metrics-port."
        })
final class ActuatorCommand implements Callable<Integer> {

    @CommandLine.Spec CommandSpec spec;

    /** Anything that is not an actuator option, reported by {@link #call()} in one line. */
    @CommandLine.Unmatched List<String> unmatched;

    /** Adds one picocli option per {@link ActuatorOption}; every value is read as text. */
    static final class Options implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            for (ActuatorOption o : ActuatorOption.values()) {
                String help =
                        o.description()
                                + (o.defaultValue().isEmpty() || o.isFlag()
                                        ? ""
                                        : " Default: " + o.defaultValue() + ".");
                OptionSpec.Builder option = OptionSpec.builder(o.optionName()).description(help);
                if (o.isFlag()) {
                    option.type(boolean.class).arity("0");
                } else {
                    option.type(String.class)
                            .arity("0..1")
                            .fallbackValue("")
                            .paramLabel(o.paramLabel())
                            .hideParamSyntax(true);
                }
                spec.addOption(option.build());
            }
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
                            + "'; see skippy actuator --help",
                    2);
        }
        ActuatorOptions options;
        try {
            options = ActuatorOptions.from(given(spec.commandLine().getParseResult()));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), 2);
        }
        ActuatorProcess process;
        try {
            process = ActuatorProcess.start(options);
        } catch (ActuatorStartException e) {
            throw new UserError(e.getMessage(), 1);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            process.close();
                            stopped.countDown();
                        },
                        "skippy-actuator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Thread watchdog =
                new Thread(
                        () -> {
                            try {
                                process.awaitFailure();
                                stopped.countDown();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "skippy-actuator-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        PrintWriter out = spec.commandLine().getOut();
        out.println("actuator ready");
        process.summary().forEach(out::println);
        out.println("Ctrl-C or SIGTERM stops the actuator.");
        out.flush();
        stopped.await();
        Throwable failure = process.failure();
        if (failure != null) {
            throw new UserError("stopped: " + failure.getMessage(), 1);
        }
        return 0;
    }

    /** The options given on the command line, by key, as text. */
    private static Map<String, String> given(ParseResult parsed) {
        Map<String, String> values = new LinkedHashMap<>();
        for (ActuatorOption o : ActuatorOption.values()) {
            if (parsed.hasMatchedOption(o.optionName())) {
                Object value = parsed.matchedOptionValue(o.optionName(), "");
                values.put(o.key(), value == null ? "" : value.toString());
            }
        }
        return values;
    }
}
