package io.kubeskippy.demo.cluster;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The simulated cluster's Kubernetes API endpoint: fabric8's mock server in CRUD mode, with the
 * HealingAction CRD (and its status subresource) and HealingPolicy resources installed, and a
 * kubeconfig that points at it.
 *
 * <p>What the CRUD mock lacks and this adds: with {@code inPlaceResize} it lists {@code
 * pods/resize} in discovery and applies a PATCH of that subresource to the pod, as a Kubernetes
 * 1.33+ API server does; without it such a PATCH gets 404, as from an older server. Controllers are
 * not part of it: see {@link WorkloadController} and {@link Kubelet}.
 */
final class ApiServer implements AutoCloseable {

    static final CustomResourceDefinitionContext HEALING_ACTIONS =
            context("healingactions", "HealingAction");
    static final CustomResourceDefinitionContext HEALING_POLICIES =
            context("healingpolicies", "HealingPolicy");

    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");
    private static final Pattern RESIZE =
            Pattern.compile("(/api/v1/namespaces/[^/]+/pods/[^/?]+)/resize(\\?.*)?");

    private final KubernetesMockServer server;
    private final boolean inPlaceResize;
    private final List<KubernetesClient> clients = new ArrayList<>();

    ApiServer(boolean inPlaceResize) {
        this.inPlaceResize = inPlaceResize;
        MOCK_LOG.setLevel(Level.WARNING);
        server =
                new KubernetesMockServer(
                        new Context(),
                        new MockWebServer(),
                        new HashMap<>(),
                        new Dispatcher(),
                        false);
        server.init();
        try {
            KubernetesClient admin = client("simulated-cluster-setup");
            admin.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .resource(healingActionCrd())
                    .create();
            server.expectCustomResource(HEALING_ACTIONS);
            server.expectCustomResource(HEALING_POLICIES);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The URL of the API endpoint. */
    String url() {
        return server.url("/");
    }

    /** A client that names itself {@code userAgent}; closed with the server. */
    synchronized KubernetesClient client(String userAgent) {
        KubernetesClient base = server.createClient();
        var config = new ConfigBuilder(base.getConfiguration()).withUserAgent(userAgent).build();
        base.close();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        clients.add(client);
        return client;
    }

    /** Writes {@code dir/kubeconfig} for this server and returns its path. */
    Path writeKubeconfig(Path dir) {
        try {
            Path kubeconfig = Files.createDirectories(dir).resolve("kubeconfig");
            Files.writeString(
                    kubeconfig,
                    """
                    apiVersion: v1
                    kind: Config
                    clusters:
                      - name: kubeskippy-demo
                        cluster: {server: "%s"}
                    contexts:
                      - name: kubeskippy-demo
                        context: {cluster: kubeskippy-demo, user: kubeskippy-demo, namespace: default}
                    current-context: kubeskippy-demo
                    users:
                      - name: kubeskippy-demo
                        user: {token: kubeskippy-demo}
                    """
                            .formatted(url()));
            return kubeconfig;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the kubeconfig under " + dir, e);
        }
    }

    @Override
    public synchronized void close() {
        for (KubernetesClient c : clients) {
            c.close();
        }
        clients.clear();
        server.destroy();
    }

    private static CustomResourceDefinitionContext context(String plural, String kind) {
        return new CustomResourceDefinitionContext.Builder()
                .withGroup("kubeskippy.io")
                .withVersion("v1alpha1")
                .withPlural(plural)
                .withKind(kind)
                .withScope("Namespaced")
                .build();
    }

    /**
     * The HealingAction CRD's names and status subresource; the mock does not validate schemas, so
     * the schema is left open. With it, the mock keeps status out of create and update, as a real
     * API server does.
     */
    private static CustomResourceDefinition healingActionCrd() {
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName("healingactions.kubeskippy.io")
                .endMetadata()
                .withNewSpec()
                .withGroup("kubeskippy.io")
                .withScope("Namespaced")
                .withNewNames()
                .withKind("HealingAction")
                .withPlural("healingactions")
                .withSingular("healingaction")
                .withShortNames("ha")
                .endNames()
                .addNewVersion()
                .withName("v1alpha1")
                .withServed(true)
                .withStorage(true)
                .withNewSubresources()
                .withNewStatus()
                .endStatus()
                .endSubresources()
                .withNewSchema()
                .withNewOpenAPIV3Schema()
                .withType("object")
                .withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema()
                .endSchema()
                .endVersion()
                .endSpec()
                .build();
    }

    private final class Dispatcher extends KubernetesCrudDispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            if (inPlaceResize && "GET".equals(request.getMethod()) && "/api/v1".equals(path)) {
                return new MockResponse()
                        .setResponseCode(200)
                        .setBody(
                                "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
                                        + resource(
                                                "pods",
                                                "Pod",
                                                "create,delete,get,list,patch,update,watch")
                                        + ","
                                        + resource("pods/status", "Pod", "get,patch,update")
                                        + ","
                                        + resource("pods/resize", "Pod", "get,patch,update")
                                        + ","
                                        + resource(
                                                "events",
                                                "Event",
                                                "create,delete,get,list,patch,update,watch")
                                        + "]}");
            }
            var resize = RESIZE.matcher(path);
            if (resize.matches()) {
                if (!inPlaceResize) {
                    return new MockResponse()
                            .setResponseCode(404)
                            .setBody(
                                    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                            + "\"reason\":\"NotFound\",\"code\":404}");
                }
                return super.dispatch(
                        new RecordedRequest(
                                "HTTP/1.1",
                                request.method(),
                                resize.group(1),
                                request.getHeaders(),
                                request.getBody()));
            }
            return super.dispatch(request);
        }

        private static String resource(String name, String kind, String verbs) {
            StringBuilder v = new StringBuilder();
            for (String verb : verbs.split(",")) {
                v.append(v.length() == 0 ? "" : ",").append('"').append(verb).append('"');
            }
            return "{\"name\":\""
                    + name
                    + "\",\"namespaced\":true,\"kind\":\""
                    + kind
                    + "\",\"verbs\":["
                    + v
                    + "]}";
        }
    }
}
