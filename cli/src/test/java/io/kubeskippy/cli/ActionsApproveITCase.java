package io.kubeskippy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubeskippy.actuator.approval.Approvals;
import io.kubeskippy.actuator.audit.ActionStatuses;
import io.kubeskippy.actuator.audit.HealingActionStore;
import io.kubeskippy.actuator.safety.ApprovalState;
import io.kubeskippy.cli.SkippyTest.Run;
import io.kubeskippy.model.policy.PolicyAction;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code skippy actions approve} against fabric8's mock API server in CRUD mode, with the shipped
 * HealingAction CRD installed, reached through a kubeconfig file as a user's would be.
 */
class ActionsApproveITCase {

    private static final AtomicInteger RUN = new AtomicInteger();

    static KubernetesMockServer server;
    static KubernetesClient k8s;
    static HealingActionStore store;
    static Path kubeconfig;

    String ns;

    @BeforeAll
    static void startServer() throws Exception {
        server =
                new KubernetesMockServer(
                        new Context(),
                        new MockWebServer(),
                        new HashMap<>(),
                        new KubernetesCrudDispatcher(),
                        false);
        server.init();
        k8s = server.createClient();
        Path crdFile = ManifestsTest.DEPLOY.resolve("crds").resolve("healingaction.yaml");
        CustomResourceDefinition crd =
                k8s.apiextensions().v1().customResourceDefinitions().load(crdFile.toFile()).item();
        k8s.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        server.expectCustomResource(HealingActionStore.CONTEXT);
        store = new HealingActionStore(k8s);
        Path dir = Files.createDirectories(Path.of("target", "actions-approve"));
        kubeconfig = dir.resolve("kubeconfig");
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
                    context: {cluster: mock, user: mock, namespace: elsewhere}
                current-context: mock
                users:
                  - name: mock
                    user: {token: mock-token}
                """
                        .formatted(server.url("/")));
    }

    @AfterAll
    static void stopServer() {
        if (k8s != null) {
            k8s.close();
        }
        if (server != null) {
            server.destroy();
        }
    }

    @BeforeEach
    void freshNamespace() {
        ns = "shop" + RUN.incrementAndGet();
        createNamespace(ns);
    }

    @Test
    void approvesAWaitingActionThroughTheAnnotationsTheActuatorReads() {
        HealingAction waiting = waitingAction(ns, "leak-cart-7f9c-0123456789ab");

        Run run =
                SkippyTest.run(
                        "actions",
                        "approve",
                        waiting.name(),
                        "-n",
                        ns,
                        "--kubeconfig",
                        kubeconfig.toString(),
                        "--by",
                        "alice",
                        "--reason",
                        "known leak");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .isEqualTo(
                        "approved HealingAction "
                                + ns
                                + "/leak-cart-7f9c-0123456789ab (restart Pod "
                                + ns
                                + "/cart-7f9c) by alice; the actuator executes it behind the"
                                + " safety gate\n");
        HealingAction after = store.get(ns, waiting.name());
        Map<String, String> annotations = after.metadata().annotations();
        assertThat(annotations)
                .containsEntry(Approvals.APPROVED, "true")
                .containsEntry(Approvals.DECIDED_BY, "alice")
                .containsEntry(Approvals.REASON, "known leak")
                .doesNotContainKey(Approvals.REJECTED);
        assertThat(Instant.parse(annotations.get(Approvals.DECIDED_AT)))
                .isBetween(Instant.now().minus(Duration.ofMinutes(1)), Instant.now());
        ApprovalState state = Approvals.state(after);
        assertThat(state.decision()).isEqualTo(ApprovalState.Decision.APPROVED);
        assertThat(state.by()).isEqualTo("alice");
        // the command annotates; the status is the actuator's to write
        assertThat(after.status()).isEqualTo(waiting.status());
    }

    @Test
    void rejectsAWaitingActionFoundInWhicheverNamespaceHasIt() {
        HealingAction waiting = waitingAction(ns, "leak-cart-7f9c-aaaaaaaaaaaa");

        Run run =
                SkippyTest.run(
                        "actions",
                        "approve",
                        "--reject",
                        waiting.name(),
                        "--kubeconfig",
                        kubeconfig.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String who = System.getenv().getOrDefault("USER", "skippy");
        assertThat(run.out())
                .isEqualTo(
                        "rejected HealingAction "
                                + ns
                                + "/leak-cart-7f9c-aaaaaaaaaaaa (restart Pod "
                                + ns
                                + "/cart-7f9c) by "
                                + who
                                + "\n");
        HealingAction after = store.get(ns, waiting.name());
        assertThat(after.metadata().annotations())
                .containsEntry(Approvals.REJECTED, "true")
                .containsEntry(Approvals.DECIDED_BY, who)
                .doesNotContainKey(Approvals.APPROVED)
                .doesNotContainKey(Approvals.REASON);
        assertThat(Approvals.state(after).decision()).isEqualTo(ApprovalState.Decision.REJECTED);
    }

    @Test
    void anUnknownNameIsOneLineAndExitCode1() {
        waitingAction(ns, "leak-cart-7f9c-bbbbbbbbbbbb");

        Run inNamespace =
                SkippyTest.run(
                        "actions",
                        "approve",
                        "no-such-action",
                        "-n",
                        ns,
                        "--kubeconfig",
                        kubeconfig.toString());
        Run anywhere =
                SkippyTest.run(
                        "actions",
                        "approve",
                        "no-such-action",
                        "--kubeconfig",
                        kubeconfig.toString());

        assertThat(inNamespace.exitCode()).isEqualTo(1);
        assertThat(inNamespace.out()).isEmpty();
        assertThat(inNamespace.err())
                .isEqualTo(
                        "skippy actions approve: no HealingAction no-such-action in namespace "
                                + ns
                                + "\n");
        assertThat(anywhere.exitCode()).isEqualTo(1);
        assertThat(anywhere.err())
                .isEqualTo(
                        "skippy actions approve: no HealingAction no-such-action in any namespace\n");
    }

    @Test
    void refusesAnActionThatDoesNotWaitOrANameInSeveralNamespaces() {
        HealingAction decided = waitingAction(ns, "leak-cart-7f9c-cccccccccccc");
        store.writeStatus(
                store.get(ns, decided.name()),
                ActionStatuses.succeeded(
                        decided.status(), Instant.now(), "replaced", java.util.List.of()));
        String other = ns + "-b";
        createNamespace(other);
        waitingAction(ns, "leak-cart-7f9c-dddddddddddd");
        waitingAction(other, "leak-cart-7f9c-dddddddddddd");

        Run notWaiting =
                SkippyTest.run(
                        "actions",
                        "approve",
                        decided.name(),
                        "-n",
                        ns,
                        "--kubeconfig",
                        kubeconfig.toString());
        Run ambiguous =
                SkippyTest.run(
                        "actions",
                        "approve",
                        "leak-cart-7f9c-dddddddddddd",
                        "--kubeconfig",
                        kubeconfig.toString());

        assertThat(notWaiting.exitCode()).isEqualTo(1);
        assertThat(notWaiting.err())
                .isEqualTo(
                        "skippy actions approve: HealingAction "
                                + ns
                                + "/leak-cart-7f9c-cccccccccccc does not wait for approval: it is"
                                + " Succeeded\n");
        assertThat(store.get(ns, decided.name()).metadata().annotations())
                .doesNotContainKey(Approvals.APPROVED);
        assertThat(ambiguous.exitCode()).isEqualTo(1);
        assertThat(ambiguous.err())
                .isEqualTo(
                        "skippy actions approve: HealingAction leak-cart-7f9c-dddddddddddd exists"
                                + " in 2 namespaces; name one with --namespace\n");
        assertThat(store.get(ns, "leak-cart-7f9c-dddddddddddd").metadata().annotations())
                .doesNotContainKey(Approvals.APPROVED);
        assertThat(store.get(other, "leak-cart-7f9c-dddddddddddd").metadata().annotations())
                .doesNotContainKey(Approvals.APPROVED);
    }

    // ---------------------------------------------------------------- helpers

    private static void createNamespace(String name) {
        k8s.namespaces()
                .resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .endMetadata()
                                .build())
                .create();
    }

    /**
     * A HealingAction resource that waits for approval, written as the actuator writes one: created
     * without a status, then the status subresource set to Pending with AwaitingApproval.
     */
    private static HealingAction waitingAction(String namespace, String name) {
        ResourceRef pod = ResourceRef.pod(namespace, "cart-7f9c", "u-1");
        HealingAction action =
                new HealingAction(
                        HealingAction.Metadata.named(name, namespace),
                        new HealingAction.Spec(
                                new HealingAction.PolicyRef("leak", null, null),
                                pod,
                                PolicyAction.restart("restart"),
                                false,
                                false,
                                null,
                                null,
                                null,
                                HealingAction.Enrichment.none("off")));
        HealingActionStore.Created created = store.create(action, Map.of());
        assertThat(created).isInstanceOf(HealingActionStore.Created.New.class);
        Instant now = Instant.now();
        HealingAction written =
                store.writeStatus(
                        store.get(namespace, name),
                        ActionStatuses.awaitingApproval(
                                null,
                                now,
                                now.plus(Duration.ofHours(1)),
                                Approvals.howToApprove(action)));
        assertThat(ActionStatuses.isAwaitingApproval(store.get(namespace, name))).isTrue();
        return written;
    }
}
