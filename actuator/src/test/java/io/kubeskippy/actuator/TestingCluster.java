package io.kubeskippy.actuator;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubeskippy.actuator.audit.HealingActionStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * fabric8's mock API server in CRUD mode, with the HealingAction CRD installed (so the status
 * subresource behaves as on a real server), a log of every request with its client's User-Agent,
 * and clients that name themselves: the actuator's, the fixtures' and the testing controller's.
 *
 * <p>What the CRUD mock cannot do, and what this adds: it has no {@code pods/resize} subresource (a
 * PATCH there fails inside the mock); with {@code inPlaceResize} this server lists {@code
 * pods/resize} in discovery and applies such a PATCH to the pod, as a Kubernetes 1.33 API server
 * does. It does not enforce delete preconditions, run controllers, or honour grace periods.
 */
final class TestingCluster implements AutoCloseable {

    static final String ACTUATOR = "kubeskippy-actuator";
    static final String FIXTURE = "testing-fixture";
    static final String CONTROLLER = "testing-controller";

    /** One request as the server saw it. */
    record Request(String method, String path, String userAgent, String body) {
        boolean mutating() {
            return !method.equals("GET") && !method.equals("HEAD");
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");
    private static final Pattern RESIZE =
            Pattern.compile("(/api/v1/namespaces/[^/]+/pods/[^/?]+)/resize(\\?.*)?");

    private final KubernetesMockServer server;
    private final List<Request> requests = new ArrayList<>();
    private final KubernetesClient fixtures;
    private final KubernetesClient actuator;
    private final KubernetesClient controller;
    private volatile boolean inPlaceResize;

    TestingCluster() {
        MOCK_LOG.setLevel(Level.WARNING);
        server =
                new KubernetesMockServer(
                        new Context(),
                        new MockWebServer(),
                        new HashMap<>(),
                        new Dispatcher(),
                        false);
        server.init();
        fixtures = client(FIXTURE);
        actuator = client(ACTUATOR);
        controller = client(CONTROLLER);
        installCrd();
    }

    private KubernetesClient client(String userAgent) {
        KubernetesClient base = server.createClient();
        var config = new ConfigBuilder(base.getConfiguration()).withUserAgent(userAgent).build();
        base.close();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /**
     * The HealingAction CRD's names and its status subresource (the mock does not validate schemas,
     * so the schema is left open): with it, the mock keeps status out of create and update, as a
     * real API server does.
     */
    private void installCrd() {
        CustomResourceDefinition crd =
                new CustomResourceDefinitionBuilder()
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
        fixtures.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        server.expectCustomResource(HealingActionStore.CONTEXT);
    }

    /** Serves pods/resize as a Kubernetes 1.33+ server does (off: as an older one). */
    void inPlaceResize(boolean on) {
        inPlaceResize = on;
    }

    KubernetesClient fixtures() {
        return fixtures;
    }

    /** The client the actuator under test uses; its requests carry {@link #ACTUATOR}. */
    KubernetesClient actuatorClient() {
        return actuator;
    }

    KubernetesClient controllerClient() {
        return controller;
    }

    /** Every request so far, in order. */
    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The requests of one client, in order. */
    synchronized List<Request> requestsBy(String userAgent) {
        return requests.stream().filter(r -> userAgent.equals(r.userAgent())).toList();
    }

    synchronized int requestCount() {
        return requests.size();
    }

    /** The requests of one client made after the first {@code from} requests. */
    synchronized List<Request> requestsBy(String userAgent, int from) {
        return requests.subList(from, requests.size()).stream()
                .filter(r -> userAgent.equals(r.userAgent()))
                .toList();
    }

    Path writeKubeconfig(Path dir) throws IOException {
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
        fixtures.close();
        actuator.close();
        controller.close();
        server.destroy();
    }

    private final class Dispatcher extends KubernetesCrudDispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String ua = request.getHeader("User-Agent");
            String body =
                    request.getBody() == null
                            ? ""
                            : new String(
                                    request.getBody().getBytes(),
                                    java.nio.charset.StandardCharsets.UTF_8);
            synchronized (TestingCluster.this) {
                requests.add(
                        new Request(
                                request.getMethod(),
                                request.getPath(),
                                ua == null ? "" : ua.split("/")[0],
                                body));
            }
            String path = request.getPath();
            if (inPlaceResize && "GET".equals(request.getMethod()) && "/api/v1".equals(path)) {
                return new MockResponse()
                        .setResponseCode(200)
                        .setBody(
                                "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
                                        + "{\"name\":\"pods\",\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"get\",\"list\",\"patch\"]},"
                                        + "{\"name\":\"pods/resize\",\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"get\",\"patch\",\"update\"]}]}");
            }
            var resize = RESIZE.matcher(path);
            if (resize.matches() && "PATCH".equals(request.getMethod())) {
                if (!inPlaceResize) {
                    return new MockResponse()
                            .setResponseCode(404)
                            .setBody("{\"kind\":\"Status\",\"code\":404}");
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
    }

    static boolean isMutation(Request r, Set<String> allowedPaths) {
        return r.mutating() && allowedPaths.stream().noneMatch(r.path()::contains);
    }
}
