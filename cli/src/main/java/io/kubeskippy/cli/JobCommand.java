package io.kubeskippy.cli;

import io.kubeskippy.job.JobArgs;
import io.kubeskippy.job.JobSettings;
import io.kubeskippy.job.kafka.KafkaJob;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.runtime.client.JobCancellationException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code skippy job}: the detection job against Kafka, in a local Flink with its dashboard. */
@Command(
        name = "job",
        mixinStandardHelpOptions = true,
        description = {
            "Run the detection job (Flink) against Kafka in a local cluster, with the Flink web"
                    + " dashboard and the Prometheus reporter.",
            "On a Flink cluster, run io.kubeskippy.job.JobMain with the same options instead."
        },
        footerHeading = "%nOptions of the job (also for skippy replay):%n")
final class JobCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Unmatched List<String> args = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
        JobSettings settings;
        try {
            settings = JobArgs.parse(args);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), 2);
        }
        if (settings.kafka() == null || settings.kafka().isBlank()) {
            throw new UserError("--kafka HOST:PORT is required", 2);
        }
        StreamExecutionEnvironment env =
                LocalFlink.withDashboard(settings.webUiPort(), settings.prometheusPort());
        KafkaJob.build(env, settings);
        spec.commandLine()
                .getErr()
                .printf(
                        "skippy job: reading %s from %s; Flink dashboard on http://localhost:%d,"
                                + " metrics on :%d/metrics%n",
                        settings.topics().asMap().values(),
                        settings.kafka(),
                        settings.webUiPort(),
                        settings.prometheusPort());
        try {
            env.execute("kubeskippy");
        } catch (Exception e) {
            if (ExceptionUtils.findThrowable(e, JobCancellationException.class).isPresent()) {
                // cancelled from the dashboard or the REST API: an ending, not a crash
                spec.commandLine().getErr().println("skippy job: the job was cancelled");
                return 1;
            }
            throw e;
        }
        return 0;
    }
}
