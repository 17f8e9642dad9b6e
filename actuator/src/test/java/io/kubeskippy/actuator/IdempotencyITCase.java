package io.kubeskippy.actuator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.ActionOutcome.Phase;
import io.kubeskippy.model.record.HealingAction;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Exactly one execution per action: a record delivered twice, and an actuator killed mid-action and
 * started again, each change the cluster once.
 */
class IdempotencyITCase extends ActuatorTestBase {

    @Test
    void theSameActionDeliveredTwiceIsExecutedOnce() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        Pod victim = pods("web").get(0);
        startActuator(Map.of());
        HealingAction action = action(policy, "restart", ref(victim));

        send(action);
        send(action);

        ActionOutcome first = awaitOutcome(action.name(), 1);
        ActionOutcome second = awaitOutcome(action.name(), 2);
        assertThat(first.phase()).as(first.reason()).isEqualTo(Phase.Succeeded);
        assertThat(second.phase()).isEqualTo(Phase.Duplicate);
        assertThat(second.reason()).contains("not executed again");
        assertThat(podDeletes(victim)).hasSize(1);
    }

    @Test
    void aRestartedActuatorRemembersWhatItDidFromTheHealingActions() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        Pod victim = pods("web").get(0);
        HealingAction action = action(policy, "restart", ref(victim));
        ActuatorProcess first = startActuator(Map.of());
        assertThat(sendAndAwait(action).phase()).isEqualTo(Phase.Succeeded);
        first.close();

        // another consumer group, so the record comes again, to an actuator that knows of the
        // action only what it read from the cluster when it started
        group = group + "-other";
        startActuator(Map.of());
        ActionOutcome again = awaitOutcome(action.name(), 2);

        assertThat(again.phase()).isEqualTo(Phase.Duplicate);
        assertThat(podDeletes(victim)).hasSize(1);
    }

    @Test
    void aHealingActionThatExistsMakesTheRecordADuplicate() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        Pod victim = pods("web").get(0);
        HealingAction action = action(policy, "restart", ref(victim));
        startActuator(Map.of());
        // created by someone else after this actuator started: only the cluster knows of it
        var store = new io.kubeskippy.actuator.audit.HealingActionStore(k8s);
        HealingAction created = store.create(action, Map.of()).resource();
        store.writeStatus(
                created,
                io.kubeskippy.actuator.audit.ActionStatuses.succeeded(
                        null, java.time.Instant.now(), "done elsewhere", List.of()));

        ActionOutcome outcome = sendAndAwait(action);

        assertThat(outcome.phase()).isEqualTo(Phase.Duplicate);
        assertThat(outcome.reason()).contains("exists (Succeeded): not executed again");
        assertThat(podDeletes(victim)).isEmpty();
    }

    @Test
    void anActuatorKilledAfterActingFinishesTheActionWithoutActingAgain() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 2, "256Mi", Map.of());
        Pod victim = pods("web").get(0);
        HealingAction action = action(policy, "restart", ref(victim));
        CountDownLatch acted = new CountDownLatch(1);
        ActuatorProcess doomed =
                startActuator(
                        Map.of(),
                        new ActuatorHooks() {
                            @Override
                            public void afterAct(String name) throws InterruptedException {
                                acted.countDown();
                                new CountDownLatch(1).await(); // until killed
                            }
                        });

        send(action);
        assertThat(acted.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(resource(action.name()).status().phase())
                .isEqualTo(HealingAction.Phase.InProgress);
        doomed.kill();
        assertThat(outcomesOf(action.name())).isEmpty();

        startActuator(Map.of());
        ActionOutcome outcome = awaitOutcome(action.name());

        assertThat(outcome.phase()).as(outcome.reason()).isEqualTo(Phase.Succeeded);
        assertThat(podDeletes(victim)).hasSize(1);
        assertThat(resource(action.name()).status().phase())
                .isEqualTo(HealingAction.Phase.Succeeded);
        assertThat(resource(action.name()).status().attempts()).isEqualTo(1);
    }

    @Test
    void anActuatorKilledBeforeActingActsOnceAfterItsRestart() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        deployment("web", 1, "256Mi", Map.of());
        HealingAction action = action(policy, "scale-up", workload("Deployment", "web"));
        CountDownLatch planned = new CountDownLatch(1);
        ActuatorProcess doomed =
                startActuator(
                        Map.of(),
                        new ActuatorHooks() {
                            @Override
                            public void beforeAct(String name) throws InterruptedException {
                                planned.countDown();
                                new CountDownLatch(1).await();
                            }
                        });

        send(action);
        assertThat(planned.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        doomed.kill();
        assertThat(replicas()).isEqualTo(1);

        startActuator(Map.of());
        ActionOutcome outcome = awaitOutcome(action.name());

        assertThat(outcome.phase()).as(outcome.reason()).isEqualTo(Phase.Succeeded);
        assertThat(replicas()).isEqualTo(3); // up by 2, once: the plan said 1 -> 3
        assertThat(scaleWrites()).hasSize(1);
    }

    @Test
    void aRecordIsCommittedOnlyOnceItsOutcomeIsRecorded() throws Exception {
        HealingPolicy policy = publishPolicy(TestPolicies.automatic("heal"));
        Pod bare = barePod("stray", Map.of("app", "stray"));
        ActuatorProcess actuator = startActuator(Map.of());
        sendAndAwait(action(policy, "delete", ref(bare)));
        actuator.close();

        // the same group again: nothing is delivered twice
        startActuator(Map.of());
        Thread.sleep(2_000);
        assertThat(outcomes()).hasSize(1);
    }

    private List<TestingCluster.Request> podDeletes(Pod pod) {
        return cluster.requestsBy(TestingCluster.ACTUATOR).stream()
                .filter(r -> r.method().equals("DELETE"))
                .filter(
                        r ->
                                r.path()
                                        .endsWith(
                                                "/namespaces/"
                                                        + ns
                                                        + "/pods/"
                                                        + pod.getMetadata().getName()))
                .toList();
    }

    private List<TestingCluster.Request> scaleWrites() {
        return cluster.requestsBy(TestingCluster.ACTUATOR).stream()
                .filter(r -> !r.method().equals("GET"))
                .filter(r -> r.path().contains("/namespaces/" + ns + "/deployments/web"))
                .toList();
    }

    private int replicas() {
        await().pollDelay(java.time.Duration.ofMillis(200)).until(() -> true);
        return k8s.apps()
                .deployments()
                .inNamespace(ns)
                .withName("web")
                .get()
                .getSpec()
                .getReplicas();
    }
}
