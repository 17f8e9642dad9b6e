package io.kubeskippy.actuator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.ActionOutcome.Phase;
import io.kubeskippy.model.record.Change;
import io.kubeskippy.model.record.HealingAction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dry runs record the exact change and make no mutating call, as the mock server's request log
 * shows: the global {@code --dry-run} none at all, {@code spec.dryRun} and a dryrun policy none but
 * their own HealingAction and Event.
 */
class DryRunITCase extends ActuatorTestBase {

    @Test
    void theGlobalDryRunMakesNoMutatingCallAndRecordsTheExactChanges() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "512Mi", Map.of());
        Pod victim = pods("web").get(0);
        controller.pause();
        int from = cluster.requestCount();
        startActuator(Map.of("dry-run", "true", "cooldown", "0s", "storm-workload-share", "100%"));

        ActionOutcome restart = sendAndAwait(action(policy, "restart", ref(victim)));
        ActionOutcome scale =
                sendAndAwait(action(policy, "scale-up", workload("Deployment", "web")));
        ActionOutcome patch = sendAndAwait(action(policy, "more-memory", ref(pods("web").get(1))));
        ActionOutcome approval =
                sendAndAwait(action(policy, "approved-restart", workload("Deployment", "web")));

        assertThat(restart.phase()).isEqualTo(Phase.DryRun);
        assertThat(restart.reason())
                .startsWith("dry run (--dry-run): would delete Pod " + ns + "/");
        assertThat(restart.changes())
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.changeType()).isEqualTo(Change.ChangeType.DELETE);
                            assertThat(c.oldValue()).isEqualTo(victim.getMetadata().getUid());
                            assertThat(c.timestamp()).isNull();
                        });
        assertThat(scale.phase()).isEqualTo(Phase.DryRun);
        assertThat(scale.changes().get(0))
                .extracting(Change::field, Change::oldValue, Change::newValue)
                .containsExactly("spec.replicas", "2", "4");
        assertThat(patch.changes().get(0))
                .extracting(Change::oldValue, Change::newValue)
                .containsExactly("512Mi", "768Mi");
        assertThat(approval.phase()).isEqualTo(Phase.DryRun);
        assertThat(approval.reason()).contains("would wait for approval");

        List<TestingCluster.Request> calls = cluster.requestsBy(TestingCluster.ACTUATOR, from);
        assertThat(calls).isNotEmpty().allMatch(r -> r.method().equals("GET"));
        assertThat(pods("web"))
                .extracting(p -> p.getMetadata().getUid())
                .contains(victim.getMetadata().getUid());
        assertThat(resource(restart.action())).isNull();
        assertThat(k8s.v1().events().inNamespace(ns).list().getItems()).isEmpty();
        controller.resume();
    }

    @Test
    void theGlobalDryRunSimulatesTheLimitsItWouldMeet() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        Pod pod = pods("web").get(0);
        startActuator(Map.of("dry-run", "true"));

        ActionOutcome first = sendAndAwait(action(policy, "restart", ref(pod)));
        ActionOutcome second = sendAndAwait(action(policy, "delete", ref(pod)));

        assertThat(first.phase()).isEqualTo(Phase.DryRun);
        assertThat(second.phase()).isEqualTo(Phase.Blocked);
        assertThat(second.reason()).startsWith("cooldown: ");
    }

    @Test
    void aDryRunActionChangesNothingButItsOwnHealingActionAndEvent() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        Pod victim = pods("web").get(0);
        controller.pause();
        int from = cluster.requestCount();
        startActuator(Map.of());
        HealingAction action = dryRun(action(policy, "restart", ref(victim)));

        ActionOutcome outcome = sendAndAwait(action);

        assertThat(outcome.phase()).isEqualTo(Phase.DryRun);
        assertThat(outcome.reason()).startsWith("dry run (spec.dryRun): would delete Pod");
        assertThat(cluster.requestsBy(TestingCluster.ACTUATOR, from))
                .filteredOn(TestingCluster.Request::mutating)
                .isNotEmpty()
                .allMatch(
                        r -> r.path().contains("/healingactions") || r.path().contains("/events"));
        HealingAction cr = resource(action.name());
        assertThat(cr.status().phase()).isEqualTo(HealingAction.Phase.Succeeded);
        assertThat(cr.status().result().changes()).hasSize(1);
        assertThat(cr.status().conditions()).anyMatch(c -> c.type().equals("DryRun"));
        assertThat(pods("web"))
                .extracting(p -> p.getMetadata().getUid())
                .contains(victim.getMetadata().getUid());
        controller.resume();
    }

    @Test
    void aDryrunPolicyOnlyRecordsItsChanges() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.policy("preview", "dryrun", "", ""));
        deployment("web", 1, "256Mi", Map.of());
        int from = cluster.requestCount();
        startActuator(Map.of());

        ActionOutcome outcome =
                sendAndAwait(action(policy, "scale-up", workload("Deployment", "web")));

        assertThat(outcome.phase()).isEqualTo(Phase.DryRun);
        assertThat(outcome.reason()).contains("the policy's dryrun mode");
        assertThat(cluster.requestsBy(TestingCluster.ACTUATOR, from))
                .filteredOn(TestingCluster.Request::mutating)
                .allMatch(
                        r -> r.path().contains("/healingactions") || r.path().contains("/events"));
        assertThat(
                        k8s.apps()
                                .deployments()
                                .inNamespace(ns)
                                .withName("web")
                                .get()
                                .getSpec()
                                .getReplicas())
                .isEqualTo(1);
    }

    private static HealingAction dryRun(HealingAction a) {
        HealingAction.Spec s = a.spec();
        return new HealingAction(
                a.metadata(),
                new HealingAction.Spec(
                        s.policyRef(),
                        s.targetResource(),
                        s.action(),
                        s.approvalRequired(),
                        true,
                        s.timeout(),
                        s.retryPolicy(),
                        s.detection(),
                        s.enrichment()));
    }
}
