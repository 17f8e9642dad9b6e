package io.kubeskippy.demo.cluster;

import java.time.Clock;

/** Starts simulated clusters. */
public final class SimulatedClusters {

    private SimulatedClusters() {}

    /**
     * Starts the mock API server, writes the kubeconfig under {@code settings.workDir()}, creates
     * the demo apps and starts the controller, the kubelet and /metrics. Returns once every app's
     * pods run. Samples are pushed only after {@link SimulatedCluster#sendSamplesTo}.
     *
     * @throws IllegalStateException if the cluster cannot start (what started is stopped)
     */
    public static SimulatedCluster start(SimulationSettings settings) {
        return RunningCluster.start(settings, Clock.systemUTC());
    }
}
