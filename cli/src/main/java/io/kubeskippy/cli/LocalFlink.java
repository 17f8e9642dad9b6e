package io.kubeskippy.cli;

import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** A Flink cluster in this process, for {@code skippy job}, {@code replay} and the demo. */
final class LocalFlink {

    private LocalFlink() {}

    /** Flink writes under /tmp by default: keep its files in java.io.tmpdir. */
    static Configuration baseConfiguration() {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.TMP_DIRS, Path.of(System.getProperty("java.io.tmpdir")).toString());
        return conf;
    }

    /** A local environment without the web dashboard (replay). */
    static StreamExecutionEnvironment batchLike(int parallelism) {
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, baseConfiguration());
    }

    /**
     * A local cluster with the web dashboard on {@code webUiPort} and Flink's Prometheus reporter
     * on {@code prometheusPort} (0 = off).
     */
    static StreamExecutionEnvironment withDashboard(int webUiPort, int prometheusPort) {
        Configuration conf = baseConfiguration();
        conf.set(RestOptions.PORT, webUiPort);
        conf.set(RestOptions.BIND_ADDRESS, "0.0.0.0");
        if (prometheusPort > 0) {
            conf.setString(
                    "metrics.reporter.prom.factory.class",
                    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            conf.setString("metrics.reporter.prom.port", String.valueOf(prometheusPort));
        }
        return StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
    }
}
