package io.kubeskippy.ingest;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * fabric8's mock API server in CRUD mode, which also serves HealingPolicy resources, with a client
 * for it; the tests' Kubernetes cluster.
 */
public final class TestingCluster implements AutoCloseable {

    private static final CustomResourceDefinitionContext HEALING_POLICIES =
            new CustomResourceDefinitionContext.Builder()
                    .withGroup("kubeskippy.io")
                    .withVersion("v1alpha1")
                    .withPlural("healingpolicies")
                    .withKind("HealingPolicy")
                    .withScope("Namespaced")
                    .build();

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    public TestingCluster() {
        server =
                new KubernetesMockServer(
                        new Context(),
                        new MockWebServer(),
                        new HashMap<>(),
                        new KubernetesCrudDispatcher(),
                        false);
        server.init();
        server.expectCustomResource(HEALING_POLICIES);
        client = server.createClient();
    }

    /** A client of the mock server; closed with it. */
    public KubernetesClient client() {
        return client;
    }

    /** Creates a HealingPolicy resource from its YAML in {@code namespace}. */
    public void createHealingPolicy(String namespace, String yaml) {
        GenericKubernetesResource resource =
                client.getKubernetesSerialization()
                        .unmarshal(yaml, GenericKubernetesResource.class);
        resource.getMetadata().setNamespace(namespace);
        client.genericKubernetesResources(HEALING_POLICIES)
                .inNamespace(namespace)
                .resource(resource)
                .create();
    }

    /** Writes a kubeconfig file for the mock server into {@code dir} and returns it. */
    public Path writeKubeconfig(Path dir) throws IOException {
        Path kubeconfig = Files.createDirectories(dir).resolve("kubeconfig");
        Files.writeString(
                kubeconfig,
                """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster: {server: "%s"}
                contexts:
                  - name: mock
                    context: {cluster: mock, user: mock}
                current-context: mock
                users:
                  - name: mock
                    user: {token: mock-token}
                """
                        .formatted(server.url("/")));
        return kubeconfig;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
