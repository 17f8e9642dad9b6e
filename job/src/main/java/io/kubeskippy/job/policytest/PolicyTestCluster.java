package io.kubeskippy.job.policytest;

import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * One local Flink cluster for a whole policy test run: each case gets an environment that submits
 * its job to this cluster. A local environment per case would start and stop a cluster for every
 * case, which costs more than most cases take to run (about 2s against 0.3s).
 */
public final class PolicyTestCluster implements AutoCloseable {

    private static final String EXECUTOR = "kubeskippy-policy-test";

    private final MiniCluster cluster;

    private PolicyTestCluster(MiniCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * Starts a cluster of one task manager with one slot (cases run one after another, at
     * parallelism 1, as {@code skippy replay} does).
     *
     * @param base configuration to start from (temporary directories, say); the REST endpoint is
     *     bound to a free port on localhost, so a running dashboard is never in the way
     */
    public static PolicyTestCluster start(Configuration base) throws Exception {
        Configuration conf = new Configuration(base);
        conf.set(RestOptions.BIND_ADDRESS, "localhost");
        conf.set(RestOptions.BIND_PORT, "0");
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(1)
                                .build());
        cluster.start();
        return new PolicyTestCluster(cluster);
    }

    /** A new environment whose jobs run on this cluster. */
    public StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(DeploymentOptions.TARGET, EXECUTOR);
        conf.set(DeploymentOptions.ATTACHED, true);
        StreamExecutionEnvironment env =
                new StreamExecutionEnvironment(
                        new Loader(), conf, PolicyTestCluster.class.getClassLoader());
        env.setParallelism(1);
        return env;
    }

    /** Submits a pipeline to the shared cluster, as Flink's LocalExecutor does to its own. */
    private final class Executor implements PipelineExecutor {
        @Override
        public CompletableFuture<JobClient> execute(
                org.apache.flink.api.dag.Pipeline pipeline,
                Configuration configuration,
                ClassLoader userCodeClassLoader)
                throws Exception {
            StreamGraph graph = PipelineExecutorUtils.getStreamGraph(pipeline, configuration);
            graph.serializeUserDefinedInstances();
            return cluster.submitJob(graph)
                    .thenApply(
                            submitted ->
                                    new MiniClusterJobClient(
                                            submitted.getJobID(),
                                            cluster,
                                            userCodeClassLoader,
                                            MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
        }
    }

    private final class Loader implements PipelineExecutorServiceLoader, PipelineExecutorFactory {
        @Override
        public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
            return this;
        }

        @Override
        public Stream<String> getExecutorNames() {
            return Stream.of(EXECUTOR);
        }

        @Override
        public String getName() {
            return EXECUTOR;
        }

        @Override
        public boolean isCompatibleWith(Configuration configuration) {
            return EXECUTOR.equals(configuration.get(DeploymentOptions.TARGET));
        }

        @Override
        public PipelineExecutor getExecutor(Configuration configuration) {
            return new Executor();
        }
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
