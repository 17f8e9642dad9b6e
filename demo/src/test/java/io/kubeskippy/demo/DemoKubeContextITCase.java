package io.kubeskippy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubeskippy.demo.cluster.SimulatedCluster;
import io.kubeskippy.demo.cluster.SimulatedClusters;
import io.kubeskippy.demo.cluster.SimulationSettings;
import io.kubeskippy.demo.observe.DemoSummary;
import io.kubeskippy.demo.view.TerminalView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code skippy demo --kube-context}: the demo heals a cluster it did not start, found by its
 * kubeconfig context, and receives samples by remote_write as from the user's Prometheus. The
 * "real" cluster here is a simulated one the test starts on its own, reached only through its
 * kubeconfig file and context.
 */
class DemoKubeContextITCase {

    @Test
    void healsTheClusterOfAKubeconfigContext() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "demo-context-it-");
        try (SimulatedCluster cluster =
                SimulatedClusters.start(SimulationSettings.defaults(work.resolve("cluster")))) {
            DemoOptions options =
                    DemoOptions.builder(work.resolve("demo"))
                            .ephemeralPorts()
                            .prometheus(DemoOptions.PrometheusMode.OFF)
                            .kubeContext("kubeskippy-demo")
                            .kubeconfigFiles(List.of(cluster.kubeconfig()))
                            .namespaces(List.of("demo"))
                            .build();
            DemoSummary summary;
            try (Demo demo = Demo.start(options)) {
                assertThat(demo.simulatedCluster()).isEmpty();
                assertThat(Files.readString(demo.kubeconfig()))
                        .containsPattern("current-context: \"?kubeskippy-demo");
                // What the user's Prometheus does with remote_write.
                cluster.sendSamplesTo(demo.remoteWriteUrl());

                await().atMost(Duration.ofSeconds(180))
                        .pollInterval(Duration.ofSeconds(2))
                        .until(() -> demo.loop().outcomesByPhase().containsKey("Succeeded"));
                assertThat(String.join("\n", TerminalView.render(demo.status(null))))
                        .contains("context kubeskippy-demo", "TARGET");
                demo.close();
                summary = demo.summary();
            }
            assertThat(summary.mode()).isEqualTo("kube-context");
            assertThat(summary.oomKills()).isNull();
            assertThat(summary.actionsOnControls()).isNull();
            assertThat(summary.outcomesByPhase()).containsKey("Succeeded");
            assertThat(summary.heals()).isPositive();
        }
    }
}
