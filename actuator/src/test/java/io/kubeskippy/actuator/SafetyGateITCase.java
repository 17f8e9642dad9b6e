package io.kubeskippy.actuator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubeskippy.actuator.safety.SafetyGate;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.ActionOutcome.Phase;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each rule of the safety gate, through the running actuator: what it blocks and records. */
class SafetyGateITCase extends ActuatorTestBase {

    @Test
    void aProtectedLabelOnTheLivePodBlocksAndIsRecorded() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        Pod pod = pods("web").get(0);
        startActuator(Map.of());
        // the record knows nothing of the label: only the live object has it
        setMetadata(
                k8s.pods().inNamespace(ns).withName(pod.getMetadata().getName()),
                "labels",
                SafetyGate.PROTECTED,
                "true");
        HealingAction action = action(policy, "restart", ref(pod));

        ActionOutcome outcome = sendAndAwait(action);

        assertThat(outcome.phase()).isEqualTo(Phase.Blocked);
        assertThat(outcome.reason())
                .startsWith(
                        "protected_object: Pod "
                                + ns
                                + "/"
                                + pod.getMetadata().getName()
                                + " is protected: it has the label kubeskippy.io/protected=true");
        HealingAction cr = resource(action.name());
        assertThat(cr.status().phase()).isEqualTo(HealingAction.Phase.Cancelled);
        assertThat(cr.status().conditions())
                .anyMatch(c -> c.type().equals("Blocked") && c.reason().equals("ProtectedObject"));
        assertThat(event(pod.getMetadata().getName(), "ActionBlocked").getType())
                .isEqualTo("Warning");
        assertThat(mutationsOfPods()).isEmpty();
    }

    @Test
    void aHealingDisabledWorkloadProtectsItsPods() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        setMetadata(
                k8s.apps().deployments().inNamespace(ns).withName("web"),
                "annotations",
                SafetyGate.HEALING_DISABLED,
                "incident-4711");
        startActuator(Map.of());

        ActionOutcome outcome = sendAndAwait(action(policy, "restart", ref(pods("web").get(0))));

        assertThat(outcome.reason())
                .startsWith(
                        "protected_object: Deployment "
                                + ns
                                + "/web is protected: it has the annotation kubeskippy.io/healing-disabled");
    }

    @Test
    void theProtectedResourcesOfThePolicyAreNeverActedOn() throws Exception {
        HealingPolicy policy =
                publishPolicy(
                        TestPolicies.policy(
                                "heal",
                                "automatic",
                                "  safetyRules:\n    protectedResources: [{apiVersion: apps/v1, kind: Deployment, excludeNames: [\"pay*\"]}]",
                                ""));
        deployment("payments", 1, "256Mi", Map.of());
        startActuator(Map.of());

        ActionOutcome outcome =
                sendAndAwait(action(policy, "restart", workload("Deployment", "payments")));

        assertThat(outcome.reason())
                .startsWith(
                        "excluded_by_policy: Deployment "
                                + ns
                                + "/payments is protected by safetyRules.protectedResources of policy heal [pay*]");
    }

    @Test
    void aConfiguredProtectedNamespaceAndAnUnmanagedOneAreNotActedIn() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        startActuator(Map.of("protected-namespaces", "payments", "namespaces", ns));

        ActionOutcome protectedNs =
                sendAndAwait(action(policy, "restart", ResourceRef.pod("payments", "api-1", null)));
        ActionOutcome unmanaged =
                sendAndAwait(
                        action(policy, "restart", ResourceRef.pod("elsewhere", "api-1", null)));

        assertThat(protectedNs.reason())
                .startsWith("protected_namespace: the target's namespace payments is protected");
        assertThat(unmanaged.reason())
                .startsWith(
                        "unmanaged_namespace: the target's namespace elsewhere is not one of --namespaces "
                                + ns);
    }

    @Test
    void theCooldownKeepsASecondActionOffTheSameTarget() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 1, "256Mi", Map.of());
        startActuator(Map.of());

        ActionOutcome first =
                sendAndAwait(action(policy, "scale-up", workload("Deployment", "web")));
        ActionOutcome second =
                sendAndAwait(action(policy, "restart", workload("Deployment", "web")));

        assertThat(first.phase()).isEqualTo(Phase.Succeeded);
        assertThat(second.phase()).isEqualTo(Phase.Blocked);
        assertThat(second.reason())
                .startsWith("cooldown: Deployment " + ns + "/web was acted on")
                .contains("--cooldown is 5m");
    }

    @Test
    void theRateLimitsAreRebuiltFromTheHealingActionsWhenTheActuatorRestarts() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        HealingPolicy limited =
                publishPolicy(
                        TestPolicies.policy(
                                "limited",
                                "automatic",
                                "  safetyRules: {maxActionsPerHour: 1}",
                                ""));
        deployment("web", 1, "256Mi", Map.of());
        deployment("a", 1, "256Mi", Map.of());
        deployment("b", 1, "256Mi", Map.of());
        deployment("c", 1, "256Mi", Map.of());
        ActuatorProcess first = startActuator(Map.of());
        assertThat(sendAndAwait(action(policy, "scale-up", workload("Deployment", "web"))).phase())
                .isEqualTo(Phase.Succeeded);
        assertThat(sendAndAwait(action(limited, "scale-up", workload("Deployment", "a"))).phase())
                .isEqualTo(Phase.Succeeded);
        first.close();

        // a new process: its history is only what the HealingAction resources say (2 acted)
        ActuatorProcess second = startActuator(Map.of("max-actions-per-hour", "2"));
        ActionOutcome cooldown =
                sendAndAwait(action(policy, "restart", workload("Deployment", "web")));
        ActionOutcome policyLimit =
                sendAndAwait(action(limited, "scale-up", workload("Deployment", "b")));
        ActionOutcome globalLimit =
                sendAndAwait(action(policy, "scale-up", workload("Deployment", "c")));

        assertThat(cooldown.reason()).startsWith("cooldown: Deployment " + ns + "/web");
        assertThat(policyLimit.phase()).isEqualTo(Phase.Blocked);
        assertThat(policyLimit.reason())
                .startsWith(
                        "policy_rate_limit: policy limited acted 1 times within the last hour;"
                                + " its safetyRules.maxActionsPerHour is 1");
        assertThat(globalLimit.phase()).isEqualTo(Phase.Blocked);
        assertThat(globalLimit.reason())
                .startsWith(
                        "global_rate_limit: 2 actions within the last hour;"
                                + " --max-actions-per-hour is 2");
        assertThat(replicas("b")).isEqualTo(1);
        assertThat(replicas("c")).isEqualTo(1);
        assertThat(scrape(second))
                .contains("kubeskippy_actuator_blocked_total{reason=\"cooldown\"} 1.0")
                .contains("kubeskippy_actuator_blocked_total{reason=\"policy_rate_limit\"} 1.0")
                .contains("kubeskippy_actuator_blocked_total{reason=\"global_rate_limit\"} 1.0");
    }

    @Test
    void thePolicysMaxActionsPerHourAndTheGlobalCap() throws Exception {
        HealingPolicy limited =
                publishPolicy(
                        TestPolicies.policy(
                                "limited",
                                "automatic",
                                "  safetyRules: {maxActionsPerHour: 1}",
                                ""));
        HealingPolicy other = publishPolicy(TestPolicies.automatic("other"));
        deployment("a", 1, "256Mi", Map.of());
        deployment("b", 1, "256Mi", Map.of());
        deployment("c", 1, "256Mi", Map.of());
        startActuator(Map.of("max-actions-per-hour", "2"));

        assertThat(sendAndAwait(action(limited, "scale-up", workload("Deployment", "a"))).phase())
                .isEqualTo(Phase.Succeeded);
        ActionOutcome policyLimit =
                sendAndAwait(action(limited, "scale-up", workload("Deployment", "b")));
        assertThat(sendAndAwait(action(other, "scale-up", workload("Deployment", "b"))).phase())
                .isEqualTo(Phase.Succeeded);
        ActionOutcome globalLimit =
                sendAndAwait(action(other, "scale-up", workload("Deployment", "c")));

        assertThat(policyLimit.reason())
                .startsWith(
                        "policy_rate_limit: policy limited acted 1 times within the last hour; its safetyRules.maxActionsPerHour is 1");
        assertThat(globalLimit.reason())
                .startsWith(
                        "global_rate_limit: 2 actions within the last hour; --max-actions-per-hour is 2");
    }

    @Test
    void theStormBreakerOpensAtTooManyTargetsRecordsAnEventAndExposesAMetric() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("a", 1, "256Mi", Map.of());
        deployment("b", 1, "256Mi", Map.of());
        deployment("c", 1, "256Mi", Map.of());
        ActuatorProcess actuator = startActuator(Map.of("storm-max-targets", "2"));

        sendAndAwait(action(policy, "scale-up", workload("Deployment", "a")));
        sendAndAwait(action(policy, "scale-up", workload("Deployment", "b")));
        ActionOutcome third = sendAndAwait(action(policy, "scale-up", workload("Deployment", "c")));
        ActionOutcome fourth = sendAndAwait(action(policy, "restart", workload("Deployment", "c")));

        assertThat(third.reason())
                .startsWith(
                        "storm_breaker: storm breaker open: 2 targets acted on within 10m (--storm-max-targets 2)");
        assertThat(fourth.reason()).startsWith("storm_breaker: ");
        assertThat(event("c", "StormBreakerOpen").getMessage())
                .contains("every action stops until the window drains");
        assertThat(
                        k8s.v1().events().inNamespace(ns).list().getItems().stream()
                                .filter(e -> "StormBreakerOpen".equals(e.getReason())))
                .hasSize(1);
        assertThat(actuator.metrics().stormTrips("cluster")).isEqualTo(1);
        assertThat(actuator.metrics().blocked("storm_breaker")).isEqualTo(2);
        assertThat(scrape(actuator))
                .contains("kubeskippy_actuator_storm_breaker_open 1.0")
                .contains("kubeskippy_actuator_blocked_total{reason=\"storm_breaker\"} 2.0");
    }

    @Test
    void theStormBreakerStopsPastAShareOfOneWorkloadsPods() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 4, "256Mi", Map.of());
        List<Pod> pods = pods("web");
        ActuatorProcess actuator = startActuator(Map.of());

        assertThat(sendAndAwait(action(policy, "restart", ref(pods.get(0)))).phase())
                .isEqualTo(Phase.Succeeded);
        assertThat(sendAndAwait(action(policy, "restart", ref(pods.get(1)))).phase())
                .isEqualTo(Phase.Succeeded);
        ActionOutcome third = sendAndAwait(action(policy, "restart", ref(pods.get(2))));

        assertThat(third.reason())
                .startsWith(
                        "storm_breaker: storm breaker open for Deployment "
                                + ns
                                + "/web: 2 of its 4 pods were acted on within 10m, and at most 50% (2) may be");
        assertThat(actuator.metrics().stormTrips("workload")).isEqualTo(1);
        assertThat(event(pods.get(2).getMetadata().getName(), "StormBreakerOpen")).isNotNull();
    }

    @Test
    void staleRecordsAndUnknownPoliciesAreNotActedOn() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        startActuator(Map.of("max-action-age", "1ms"));

        ActionOutcome stale =
                sendAndAwait(action(policy, "restart", ResourceRef.pod(ns, "x", null)));

        assertThat(stale.reason())
                .startsWith("stale: the record is")
                .contains("older than --max-action-age 1ms");
    }

    @Test
    void anActionOfAPolicyNotOnTheTopicIsBlocked() throws Exception {
        publishPolicy(TestPolicies.automatic("heal"));
        HealingPolicy other = TestPolicies.read(TestPolicies.automatic("not-published"));
        startActuator(Map.of());

        ActionOutcome outcome =
                sendAndAwait(action(other, "restart", ResourceRef.pod(ns, "x", null)));

        assertThat(outcome.reason())
                .startsWith("unknown_policy: policy not-published is not on the policy topic");
    }

    private List<TestingCluster.Request> mutationsOfPods() {
        return cluster.requestsBy(TestingCluster.ACTUATOR).stream()
                .filter(TestingCluster.Request::mutating)
                .filter(r -> r.path().contains("/namespaces/" + ns + "/pods"))
                .toList();
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

    private Event event(String involved, String reason) {
        return k8s.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> involved.equals(e.getInvolvedObject().getName()))
                .filter(e -> reason.equals(e.getReason()))
                .findFirst()
                .orElse(null);
    }

    private static String scrape(ActuatorProcess actuator) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(
                                                "http://127.0.0.1:"
                                                        + actuator.metricsPort()
                                                        + "/metrics"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
