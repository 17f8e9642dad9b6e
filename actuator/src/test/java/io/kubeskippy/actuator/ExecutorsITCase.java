package io.kubeskippy.actuator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.kubeskippy.actuator.execute.Changes;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.ActionOutcome.Phase;
import io.kubeskippy.model.record.Change;
import io.kubeskippy.model.record.HealingAction;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each executor against the mock API server, with the testing controller standing in for
 * Kubernetes' controllers: what it changes, how it verifies, what it records.
 */
class ExecutorsITCase extends ActuatorTestBase {

    @Test
    void restartsAPodByDeletingItAndVerifiesItsReplacement() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        Pod victim = pods("web").get(0);
        startActuator(Map.of());

        HealingAction action = action(policy, "restart", ref(victim));
        ActionOutcome outcome = sendAndAwait(action);

        assertThat(outcome.phase()).as(outcome.reason()).isEqualTo(Phase.Succeeded);
        assertThat(outcome.reason()).contains("replaced it with a ready pod");
        assertThat(outcome.changes())
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.changeType()).isEqualTo(Change.ChangeType.DELETE);
                            assertThat(c.oldValue()).isEqualTo(victim.getMetadata().getUid());
                            assertThat(c.timestamp()).isNotNull();
                        });
        assertThat(pods("web"))
                .hasSize(2)
                .noneMatch(p -> p.getMetadata().getUid().equals(victim.getMetadata().getUid()));
        assertThat(deletesOf(victim)).hasSize(1);
        assertThat(deletesOf(victim).get(0).body())
                .contains("\"gracePeriodSeconds\":5")
                .contains("\"uid\":\"" + victim.getMetadata().getUid() + "\"");

        HealingAction cr = resource(action.name());
        assertThat(cr.status().phase()).isEqualTo(HealingAction.Phase.Succeeded);
        assertThat(cr.status().result().changes()).hasSize(1);
        assertThat(phasesWritten(action.name()))
                .containsExactly("Pending", "Approved", "InProgress", "Succeeded");
        assertThat(event(victim.getMetadata().getName(), "PodRestarted")).isNotNull();
    }

    @Test
    void rolloutRestartsEachWorkloadKindThroughTheTemplateAnnotation() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        statefulSet("db", 2);
        daemonSet("agent");
        startActuator(Map.of());

        for (String[] w :
                new String[][] {
                    {"Deployment", "web"}, {"StatefulSet", "db"}, {"DaemonSet", "agent"}
                }) {
            HealingAction action = action(policy, "restart", workload(w[0], w[1]));
            ActionOutcome outcome = sendAndAwait(action);

            assertThat(outcome.phase())
                    .as(w[0] + ": " + outcome.reason())
                    .isEqualTo(Phase.Succeeded);
            assertThat(outcome.reason())
                    .contains("rollout of " + w[0] + " " + ns + "/" + w[1] + " complete");
            Change change = outcome.changes().get(0);
            assertThat(change.field())
                    .isEqualTo(
                            "spec.template.metadata.annotations[kubectl.kubernetes.io/restartedAt]");
            assertThat(change.oldValue()).isNull();
            assertThat(templateAnnotation(w[0], w[1])).isEqualTo(change.newValue());
            assertThat(event(w[1], "WorkloadRestarted")).isNotNull();
        }
    }

    @Test
    void recreateDeletesTheWorkloadsPodsOneBatchAtATime() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 3, "256Mi", Map.of());
        List<String> before = pods("web").stream().map(p -> p.getMetadata().getUid()).toList();
        startActuator(Map.of("storm-workload-share", "100%"));

        ActionOutcome outcome =
                sendAndAwait(action(policy, "recreate", workload("Deployment", "web")));

        assertThat(outcome.phase()).as(outcome.reason()).isEqualTo(Phase.Succeeded);
        assertThat(outcome.changes()).hasSize(3);
        assertThat(pods("web"))
                .hasSize(3)
                .noneMatch(p -> before.contains(p.getMetadata().getUid()));
    }

    @Test
    void scalesUpDownAndAbsoluteWithinTheActionsBounds() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 1, "256Mi", Map.of());
        startActuator(Map.of("cooldown", "0s"));

        ActionOutcome up = sendAndAwait(action(policy, "scale-up", workload("Deployment", "web")));
        assertThat(up.phase()).as(up.reason()).isEqualTo(Phase.Succeeded);
        assertThat(replicas("web")).isEqualTo(3);
        assertThat(up.changes().get(0))
                .extracting(Change::oldValue, Change::newValue)
                .containsExactly("1", "3");

        // up by 2 from 3 is 5, clamped to maxReplicas 4
        ActionOutcome clamped =
                sendAndAwait(action(policy, "scale-up", workload("Deployment", "web")));
        assertThat(clamped.phase()).as(clamped.reason()).isEqualTo(Phase.Succeeded);
        assertThat(clamped.reason()).contains("clamped to [1, 4]");
        assertThat(replicas("web")).isEqualTo(4);

        // at the bound already: nothing to do, so nothing is done
        ActionOutcome atMax =
                sendAndAwait(action(policy, "scale-up", workload("Deployment", "web")));
        assertThat(atMax.phase()).isEqualTo(Phase.Blocked);
        assertThat(atMax.reason()).startsWith("at_bound: ").contains("already has 4 replicas");

        // absolute, from 4 to 3; a pod's action scales its Deployment
        ActionOutcome absolute =
                sendAndAwait(action(policy, "scale-to-3", ref(pods("web").get(0))));
        assertThat(absolute.phase()).as(absolute.reason()).isEqualTo(Phase.Succeeded);
        assertThat(replicas("web")).isEqualTo(3);
        await().atMost(WAIT).until(() -> pods("web").size() == 3);
        assertThat(absolute.changes())
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.resourceRef().kind()).isEqualTo("Deployment");
                            assertThat(c.resourceRef().name()).isEqualTo("web");
                            assertThat(c.field()).isEqualTo("spec.replicas");
                            assertThat(c)
                                    .extracting(Change::oldValue, Change::newValue)
                                    .containsExactly("4", "3");
                        });
        HealingAction.Result recorded = resource(absolute.action()).status().result();
        assertThat(recorded.changes())
                .singleElement()
                .extracting(Change::oldValue, Change::newValue)
                .containsExactly("4", "3");

        // absolute, at the count already: nothing to do
        ActionOutcome again = sendAndAwait(action(policy, "scale-to-3", ref(pods("web").get(0))));
        assertThat(again.phase()).isEqualTo(Phase.Blocked);
        assertThat(again.reason()).contains("already has 3 replicas");

        ActionOutcome down =
                sendAndAwait(action(policy, "scale-down", workload("Deployment", "web")));
        assertThat(down.phase()).as(down.reason()).isEqualTo(Phase.Succeeded);
        assertThat(replicas("web")).isEqualTo(2);
        assertThat(down.changes().get(0))
                .extracting(Change::oldValue, Change::newValue)
                .containsExactly("3", "2");
        assertThat(event("web", "Scaled").getMessage()).contains("from 1 to 3 replicas");
    }

    @Test
    void scaleThroughAnHpaRaisesItsMinReplicasOrRefusesWithTheReason() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        k8s.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(ns)
                .resource(
                        new HorizontalPodAutoscalerBuilder()
                                .withNewMetadata()
                                .withName("web")
                                .withNamespace(ns)
                                .endMetadata()
                                .withNewSpec()
                                .withMinReplicas(2)
                                .withMaxReplicas(3)
                                .withNewScaleTargetRef()
                                .withApiVersion("apps/v1")
                                .withKind("Deployment")
                                .withName("web")
                                .endScaleTargetRef()
                                .endSpec()
                                .build())
                .create();
        startActuator(Map.of("cooldown", "0s"));

        ActionOutcome up = sendAndAwait(action(policy, "scale-up", workload("Deployment", "web")));

        assertThat(up.phase()).as(up.reason()).isEqualTo(Phase.Succeeded);
        assertThat(up.reason())
                .contains("minReplicas from 2 to 3")
                .contains("capped at the HPA's maxReplicas 3");
        assertThat(up.changes().get(0).resourceRef().kind()).isEqualTo("HorizontalPodAutoscaler");
        assertThat(
                        k8s.autoscaling()
                                .v2()
                                .horizontalPodAutoscalers()
                                .inNamespace(ns)
                                .withName("web")
                                .get()
                                .getSpec()
                                .getMinReplicas())
                .isEqualTo(3);
        await().atMost(WAIT).until(() -> pods("web").size() == 3);

        ActionOutcome down =
                sendAndAwait(action(policy, "scale-down", workload("Deployment", "web")));
        assertThat(down.phase()).isEqualTo(Phase.Blocked);
        assertThat(down.reason()).startsWith("hpa_conflict: ").contains("would be undone by it");

        ActionOutcome again =
                sendAndAwait(action(policy, "scale-up", workload("Deployment", "web")));
        assertThat(again.phase()).isEqualTo(Phase.Blocked);
        assertThat(again.reason()).contains("its maxReplicas is 3");
    }

    @Test
    void patchesResourcesThroughTheOwnersTemplateWhenTheServerCannotResize() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "512Mi", Map.of());
        startActuator(Map.of());

        ActionOutcome outcome =
                sendAndAwait(action(policy, "more-memory", ref(pods("web").get(0))));

        assertThat(outcome.phase()).as(outcome.reason()).isEqualTo(Phase.Succeeded);
        assertThat(outcome.reason())
                .contains("through the pod template of Deployment " + ns + "/web");
        Change change = outcome.changes().get(0);
        assertThat(change.resourceRef().kind()).isEqualTo("Deployment");
        assertThat(change.field())
                .isEqualTo("spec.template.spec.containers[app].resources.limits.memory");
        assertThat(change)
                .extracting(Change::oldValue, Change::newValue)
                .containsExactly("512Mi", "768Mi");
        Deployment d = k8s.apps().deployments().inNamespace(ns).withName("web").get();
        assertThat(
                        d.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getResources()
                                .getLimits()
                                .get("memory"))
                .hasToString("768Mi");
        assertThat(cluster.requestsBy(TestingCluster.ACTUATOR))
                .noneMatch(r -> r.path().endsWith("/resize"));
        assertThat(pods("web"))
                .allSatisfy(
                        p ->
                                assertThat(
                                                p.getSpec()
                                                        .getContainers()
                                                        .get(0)
                                                        .getResources()
                                                        .getLimits()
                                                        .get("memory"))
                                        .hasToString("768Mi"));
    }

    @Test
    void patchesResourcesInPlaceWhereTheServerHasPodsResize() throws Exception {
        cluster.inPlaceResize(true);
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 1, "800Mi", Map.of());
        Pod pod = pods("web").get(0);
        startActuator(Map.of());

        ActionOutcome outcome = sendAndAwait(action(policy, "more-memory", ref(pod)));

        assertThat(outcome.phase()).as(outcome.reason()).isEqualTo(Phase.Succeeded);
        assertThat(outcome.reason()).contains("in place (pods/resize)");
        // 800Mi * 1.5 = 1200Mi, clamped to the policy's max 1Gi
        assertThat(outcome.changes().get(0))
                .extracting(Change::field, Change::oldValue, Change::newValue)
                .containsExactly("spec.containers[app].resources.limits.memory", "800Mi", "1Gi");
        Pod after = k8s.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get();
        assertThat(after.getMetadata().getUid()).isEqualTo(pod.getMetadata().getUid());
        assertThat(after.getSpec().getContainers().get(0).getResources().getLimits().get("memory"))
                .hasToString("1Gi");
        assertThat(cluster.requestsBy(TestingCluster.ACTUATOR))
                .filteredOn(r -> r.method().equals("PATCH") && r.path().endsWith("/resize"))
                .singleElement()
                .satisfies(
                        r ->
                                assertThat(r.body())
                                        .contains("\"op\":\"test\"")
                                        .contains("\"value\":\"800Mi\""));

        // at the max now: refused, not repeated
        ActionOutcome again = sendAndAwait(action(policy, "more-memory", ref(after)));
        assertThat(again.phase()).isEqualTo(Phase.Blocked);
    }

    @Test
    void deletesOnlyAPodAndVerifiesItIsGone() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        Pod bare = barePod("stray", Map.of("app", "stray"));
        startActuator(Map.of());

        ActionOutcome outcome = sendAndAwait(action(policy, "delete", ref(bare)));

        assertThat(outcome.phase()).as(outcome.reason()).isEqualTo(Phase.Succeeded);
        assertThat(outcome.reason()).contains("is gone");
        assertThat(k8s.pods().inNamespace(ns).withName("stray").get()).isNull();
        assertThat(event("stray", "PodDeleted")).isNotNull();
    }

    @Test
    void failsWithTheReasonWhenTheChangeDoesNotTakeEffectInTime() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        Pod victim = pods("web").get(0);
        controller.pause();
        startActuator(Map.of("verify-timeout", "2s"));

        ActionOutcome outcome = sendAndAwait(action(policy, "restart", ref(victim)));

        assertThat(outcome.phase()).isEqualTo(Phase.Failed);
        assertThat(outcome.reason())
                .startsWith("not verified within 2s: ")
                .contains("0 of 1 ready replacement pods of Deployment " + ns + "/web");
        assertThat(resource(outcome.action()).status().phase())
                .isEqualTo(HealingAction.Phase.Failed);
        assertThat(event(victim.getMetadata().getName(), "ActionFailed")).isNotNull();
        controller.resume();
    }

    @Test
    void servesMetricsAndHealth() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        Pod bare = barePod("stray", Map.of("app", "stray"));
        ActuatorProcess actuator = startActuator(Map.of());
        sendAndAwait(action(policy, "delete", ref(bare)));

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + actuator.metricsPort();
        HttpResponse<String> health =
                http.send(
                        HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).startsWith("ok\n").contains("policies: 1 known");
        String metrics =
                http.send(
                                HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
        assertThat(metrics)
                .contains(
                        "kubeskippy_actuator_actions_total{outcome=\"Succeeded\",type=\"delete\"} 1.0")
                .contains("kubeskippy_actuator_execution_seconds_count{type=\"delete\"} 1")
                .contains("kubeskippy_actuator_time_to_heal_seconds_count{type=\"delete\"} 1")
                .contains("kubeskippy_actuator_approvals_pending 0.0")
                .contains("kubeskippy_actuator_storm_breaker_open 0.0");
    }

    // ---------------------------------------------------------------- helpers

    private List<TestingCluster.Request> deletesOf(Pod pod) {
        return cluster.requestsBy(TestingCluster.ACTUATOR).stream()
                .filter(r -> r.method().equals("DELETE"))
                .filter(r -> r.path().endsWith("/pods/" + pod.getMetadata().getName()))
                .toList();
    }

    /** The phases the actuator wrote to the status subresource, in order. */
    private List<String> phasesWritten(String action) {
        return cluster.requestsBy(TestingCluster.ACTUATOR).stream()
                .filter(
                        r ->
                                r.method().equals("PUT")
                                        && r.path()
                                                .endsWith("/healingactions/" + action + "/status"))
                .map(r -> r.body().replaceAll(".*\"phase\":\"([A-Za-z]+)\".*", "$1"))
                .toList();
    }

    private Event event(String involved, String reason) {
        return k8s.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> involved.equals(e.getInvolvedObject().getName()))
                .filter(e -> reason.equals(e.getReason()))
                .findFirst()
                .orElse(null);
    }

    private int replicas(String deployment) {
        return k8s.apps()
                .deployments()
                .inNamespace(ns)
                .withName(deployment)
                .get()
                .getSpec()
                .getReplicas();
    }

    private String templateAnnotation(String kind, String name) {
        var template =
                switch (kind) {
                    case "Deployment" ->
                            k8s.apps()
                                    .deployments()
                                    .inNamespace(ns)
                                    .withName(name)
                                    .get()
                                    .getSpec()
                                    .getTemplate();
                    case "StatefulSet" ->
                            k8s.apps()
                                    .statefulSets()
                                    .inNamespace(ns)
                                    .withName(name)
                                    .get()
                                    .getSpec()
                                    .getTemplate();
                    default ->
                            k8s.apps()
                                    .daemonSets()
                                    .inNamespace(ns)
                                    .withName(name)
                                    .get()
                                    .getSpec()
                                    .getTemplate();
                };
        return template.getMetadata().getAnnotations().get(Changes.RESTARTED_AT);
    }
}
