package io.kubeskippy.demo.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A Kubernetes cluster simulated behind a real Kubernetes API endpoint: fabric8's mock server in
 * CRUD mode, a controller that keeps Deployments, ReplicaSets and Pods alive, and a kubelet that
 * runs the demo apps, produces cAdvisor / kube-state-metrics samples and real Events.
 *
 * <p>CONTRACT between the demo's parts; the implementation is in progress.
 */
public interface SimulatedCluster extends AutoCloseable {

    /** A kubeconfig file that points at the API endpoint (for --kubeconfig of ingest/actuator). */
    Path kubeconfig();

    /** A client of the API endpoint. */
    KubernetesClient client();

    /** Starts pushing samples with Prometheus remote_write 1.0 to this URL, every scrape. */
    void sendSamplesTo(URI remoteWriteUrl);

    /** The port of the kubelet's own /metrics (cAdvisor and kube-state-metrics names). */
    int metricsPort();

    /** A snapshot per demo app, in a stable order. */
    List<AppSnapshot> apps();

    @Override
    void close();
}
