package io.kubeskippy.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code skippy} command line: one entry point for every KubeSkippy process and tool. */
@Command(
        name = "skippy",
        mixinStandardHelpOptions = true,
        versionProvider = Skippy.Version.class,
        description = "KubeSkippy: streaming self-healing for Kubernetes, on Apache Flink.",
        subcommands = {
            DemoCommand.class,
            KafkaCommand.class,
            PolicyCommand.class,
            ReplayCommand.class,
            BenchCommand.class,
            IngestCommand.class,
            JobCommand.class,
            ActuatorCommand.class,
            ActionsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Skippy implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (0 ok, 1 failure, 2 usage). */
    public static int run(String... args) {
        return newCommandLine().execute(args);
    }

    static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new Skippy());
        cli.setExecutionExceptionHandler(Skippy::handleError);
        for (String name : new String[] {"job", "replay"}) {
            cli.getSubcommands()
                    .get(name)
                    .getCommandSpec()
                    .usageMessage()
                    .footer(io.kubeskippy.job.JobArgs.help());
        }
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reports an error in one line on stderr; a stack trace only for bugs, not user errors. */
    private static int handleError(
            Exception error, CommandLine cli, CommandLine.ParseResult parseResult) {
        PrintWriter err = cli.getErr();
        String command = cli.getCommandSpec().qualifiedName();
        if (error instanceof UserError userError) {
            err.println(command + ": " + userError.getMessage());
            return userError.exitCode();
        }
        err.println(command + ": internal error: " + error);
        error.printStackTrace(err);
        return 1;
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Skippy.class.getPackage().getImplementationVersion();
            return new String[] {
                "skippy " + (version == null ? "(development build)" : version),
                "Java "
                        + System.getProperty("java.version")
                        + " ("
                        + System.getProperty("java.vendor")
                        + ")"
            };
        }
    }
}
