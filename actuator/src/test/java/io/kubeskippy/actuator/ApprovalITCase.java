package io.kubeskippy.actuator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubeskippy.actuator.approval.Approvals;
import io.kubeskippy.actuator.audit.HealingActionStore;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.ActionOutcome.Phase;
import io.kubeskippy.model.record.HealingAction;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Actions that need approval: waiting, approved two ways, rejected, expired. */
class ApprovalITCase extends ActuatorTestBase {

    @Test
    void waitsForApprovalThenActsOnTheKubectlAnnotation() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        Pod victim = pods("web").get(0);
        ActuatorProcess actuator = startActuator(Map.of());
        HealingAction action = action(policy, "approved-restart", ref(victim));

        ActionOutcome waiting = sendAndAwait(action);

        assertThat(waiting.phase()).isEqualTo(Phase.AwaitingApproval);
        assertThat(waiting.reason()).contains("waits for approval (the action's requiresApproval)");
        HealingAction cr = resource(action.name());
        assertThat(cr.status().phase()).isEqualTo(HealingAction.Phase.Pending);
        assertThat(cr.status().approval().required()).isTrue();
        assertThat(cr.status().approval().reason())
                .contains("kubectl annotate healingaction -n " + ns);
        assertThat(actuator.metrics().registry().scrape().toString()).isNotEmpty();
        assertThat(actuator.ledger().awaitingApproval()).isEqualTo(1);
        assertThat(pods("web"))
                .anyMatch(p -> p.getMetadata().getUid().equals(victim.getMetadata().getUid()));

        // kubectl annotate healingaction NAME kubeskippy.io/approved=true
        new HealingActionStore(k8s).annotate(ns, action.name(), Map.of(Approvals.APPROVED, "true"));

        ActionOutcome done = awaitOutcome(action.name(), 2);
        assertThat(done.phase()).as(done.reason()).isEqualTo(Phase.Succeeded);
        HealingAction after = resource(action.name());
        assertThat(after.status().approval().approved()).isTrue();
        assertThat(after.status().phase()).isEqualTo(HealingAction.Phase.Succeeded);
        assertThat(pods("web"))
                .noneMatch(p -> p.getMetadata().getUid().equals(victim.getMetadata().getUid()));
        await().atMost(WAIT).until(() -> actuator.ledger().awaitingApproval() == 0);
    }

    @Test
    void actsOnSkippyActionsApproveAndRecordsWhoApproved() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        startActuator(Map.of());
        HealingAction action = action(policy, "approved-restart", ref(pods("web").get(0)));
        assertThat(sendAndAwait(action).phase()).isEqualTo(Phase.AwaitingApproval);

        Approvals.decide(
                new HealingActionStore(k8s),
                null,
                action.name(),
                true,
                "alice",
                "known leak",
                Instant.now());

        ActionOutcome done = awaitOutcome(action.name(), 2);
        assertThat(done.phase()).as(done.reason()).isEqualTo(Phase.Succeeded);
        HealingAction.Approval approval = resource(action.name()).status().approval();
        assertThat(approval.approvedBy()).isEqualTo("alice");
        assertThat(approval.reason()).isEqualTo("known leak");
        assertThat(approval.approvedAt()).isNotNull();
        // approving twice is refused: it does not wait any more
        assertThatThrownBy(
                        () ->
                                Approvals.decide(
                                        new HealingActionStore(k8s),
                                        ns,
                                        action.name(),
                                        true,
                                        "bob",
                                        null,
                                        Instant.now()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not wait for approval: it is Succeeded");
    }

    @Test
    void aRejectedActionIsBlockedAndNeverExecuted() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        Pod victim = pods("web").get(0);
        startActuator(Map.of());
        HealingAction action = action(policy, "approved-restart", ref(victim));
        assertThat(sendAndAwait(action).phase()).isEqualTo(Phase.AwaitingApproval);

        Approvals.decide(
                new HealingActionStore(k8s),
                ns,
                action.name(),
                false,
                "bob",
                "not during the sale",
                Instant.now());

        ActionOutcome rejected = awaitOutcome(action.name(), 2);
        assertThat(rejected.phase()).isEqualTo(Phase.Blocked);
        assertThat(rejected.reason())
                .isEqualTo("approval_rejected: rejected by bob: not during the sale");
        HealingAction cr = resource(action.name());
        assertThat(cr.status().phase()).isEqualTo(HealingAction.Phase.Cancelled);
        assertThat(cr.status().approval().approved()).isFalse();
        assertThat(pods("web"))
                .anyMatch(p -> p.getMetadata().getUid().equals(victim.getMetadata().getUid()));
        assertThat(
                        k8s.v1().events().inNamespace(ns).list().getItems().stream()
                                .filter(e -> "ActionRejected".equals(e.getReason())))
                .hasSize(1);
    }

    @Test
    void anApprovalNotGivenInTimeExpires() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        Pod victim = pods("web").get(0);
        startActuator(Map.of("approval-ttl", "2s"));
        HealingAction action = action(policy, "approved-restart", ref(victim));
        assertThat(sendAndAwait(action).phase()).isEqualTo(Phase.AwaitingApproval);

        ActionOutcome expired = awaitOutcome(action.name(), 2);

        assertThat(expired.phase()).isEqualTo(Phase.Blocked);
        assertThat(expired.reason())
                .startsWith("approval_expired: no approval within --approval-ttl 2s");
        assertThat(resource(action.name()).status().phase())
                .isEqualTo(HealingAction.Phase.Cancelled);
        assertThat(pods("web"))
                .anyMatch(p -> p.getMetadata().getUid().equals(victim.getMetadata().getUid()));
        // a late approval changes nothing
        assertThatThrownBy(
                        () ->
                                Approvals.decide(
                                        new HealingActionStore(k8s),
                                        ns,
                                        action.name(),
                                        true,
                                        "alice",
                                        null,
                                        Instant.now()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("it is Cancelled");
    }

    @Test
    void aWaitingActionSurvivesARestartOfTheActuator() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        ActuatorProcess first = startActuator(Map.of());
        HealingAction action = action(policy, "approved-restart", ref(pods("web").get(0)));
        assertThat(sendAndAwait(action).phase()).isEqualTo(Phase.AwaitingApproval);
        first.close();

        ActuatorProcess second = startActuator(Map.of());
        assertThat(second.ledger().awaitingApproval()).isEqualTo(1);
        new HealingActionStore(k8s).annotate(ns, action.name(), Map.of(Approvals.APPROVED, "true"));

        assertThat(awaitOutcome(action.name(), 2).phase()).isEqualTo(Phase.Succeeded);
    }
}
