package io.kubeskippy.job;

import io.kubeskippy.job.kafka.KafkaJob;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job's entry point on a Flink cluster (the FlinkDeployment's {@code entryClass}): {@code
 * --kafka HOST:PORT} and any other {@link JobOption}.
 */
public final class JobMain {

    private JobMain() {}

    public static void main(String[] args) throws Exception {
        JobSettings settings = JobArgs.parse(List.of(args));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        KafkaJob.build(env, settings);
        env.execute("kubeskippy");
    }
}
