package io.kubeskippy.actuator.safety;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.actuator.safety.ActionLedger.Entry;
import io.kubeskippy.actuator.safety.ActionLedger.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ActionLedgerTest {

    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    static Entry entry(
            String name, String policy, String target, String workload, Instant at, State state) {
        return new Entry(name, policy, target, workload, at, state, true);
    }

    @Test
    void countsOnlyActionsThatActedWithinTheWindow() {
        ActionLedger ledger = new ActionLedger(Duration.ofDays(1));
        ledger.rebuild(
                List.of(
                        entry(
                                "a",
                                "p",
                                "Pod/ns/a",
                                "Deployment/ns/web",
                                T0.minusSeconds(30),
                                State.ACTED),
                        entry(
                                "b",
                                "p",
                                "Pod/ns/b",
                                "Deployment/ns/web",
                                T0.minusSeconds(3700),
                                State.ACTED),
                        entry("c", "q", "Pod/ns/c", null, T0.minusSeconds(10), State.SIMULATED),
                        entry("d", "p", "Pod/ns/d", null, T0.minusSeconds(10), State.DONE),
                        entry(
                                "e",
                                "p",
                                "Pod/ns/e",
                                null,
                                T0.minusSeconds(10),
                                State.AWAITING_APPROVAL)));

        assertThat(ledger.actedSince(T0.minusSeconds(3600), null)).isEqualTo(2);
        assertThat(ledger.actedSince(T0.minusSeconds(3600), "p")).isEqualTo(1);
        assertThat(ledger.actedSince(T0.minusSeconds(7200), "p")).isEqualTo(2);
        assertThat(ledger.targetsActedSince(T0.minusSeconds(60))).isEqualTo(2);
        assertThat(ledger.lastActedOn("Pod/ns/a")).contains(T0.minusSeconds(30));
        assertThat(ledger.lastActedOn("Pod/ns/d")).isEmpty();
        assertThat(ledger.workloadTargetsActedSince("Deployment/ns/web", T0.minusSeconds(60)))
                .containsExactly("Pod/ns/a");
        assertThat(ledger.awaitingApproval()).isEqualTo(1);
    }

    @Test
    void aTargetActedOnTwiceCountsOnceAsATargetAndTwiceAsActions() {
        ActionLedger ledger = new ActionLedger(Duration.ofDays(1));
        ledger.put(entry("a", "p", "Pod/ns/a", null, T0.minusSeconds(20), State.ACTED));
        ledger.put(entry("b", "p", "Pod/ns/a", null, T0.minusSeconds(10), State.ACTED));

        assertThat(ledger.targetsActedSince(T0.minusSeconds(60))).isEqualTo(1);
        assertThat(ledger.actedSince(T0.minusSeconds(60), null)).isEqualTo(2);
        assertThat(ledger.lastActedOn("Pod/ns/a")).contains(T0.minusSeconds(10));
    }

    @Test
    void anEntryThatStopsCountingIsForgottenByTheLimits() {
        ActionLedger ledger = new ActionLedger(Duration.ofDays(1));
        ledger.put(entry("a", "p", "Pod/ns/a", "Deployment/ns/web", T0, State.ACTED));
        ledger.put(entry("a", "p", "Pod/ns/a", "Deployment/ns/web", T0, State.DONE));

        assertThat(ledger.actedSince(T0.minusSeconds(1), null)).isZero();
        assertThat(ledger.lastActedOn("Pod/ns/a")).isEmpty();
        assertThat(ledger.workloadTargetsActedSince("Deployment/ns/web", T0.minusSeconds(1)))
                .isEmpty();
        assertThat(ledger.get("a")).isPresent();
        ledger.remove("a");
        assertThat(ledger.get("a")).isEmpty();
    }

    @Test
    void prunesSettledEntriesPastTheRetention() {
        ActionLedger ledger = new ActionLedger(Duration.ofHours(2));
        ledger.put(entry("old", "p", "Pod/ns/a", null, T0.minus(Duration.ofHours(3)), State.ACTED));
        ledger.put(
                new Entry(
                        "open",
                        "p",
                        "Pod/ns/b",
                        null,
                        T0.minus(Duration.ofHours(3)),
                        State.ACTED,
                        false));
        ledger.put(entry("new", "p", "Pod/ns/c", null, T0, State.ACTED));

        assertThat(ledger.prune(T0)).isEqualTo(1);
        assertThat(ledger.get("old")).isEmpty();
        assertThat(ledger.get("open")).isPresent();
        assertThat(ledger.actedSince(T0.minus(Duration.ofHours(4)), null)).isEqualTo(2);
    }

    @Test
    void decidingAndReservingIsOneStepSoNoTwoLanesTakeTheLastSlot() throws Exception {
        ActionLedger ledger = new ActionLedger(Duration.ofDays(1));
        int lanes = 8;
        ExecutorService pool = Executors.newFixedThreadPool(lanes);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger allowed = new AtomicInteger();
        for (int i = 0; i < 200; i++) {
            int n = i;
            pool.execute(
                    () -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        boolean ok =
                                ledger.decide(
                                        h -> h.actedSince(T0.minusSeconds(3600), null) < 10,
                                        yes ->
                                                yes
                                                        ? entry(
                                                                "a" + n,
                                                                "p",
                                                                "Pod/ns/" + n,
                                                                null,
                                                                T0,
                                                                State.ACTED)
                                                        : null);
                        if (ok) {
                            allowed.incrementAndGet();
                        }
                    });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        assertThat(allowed).hasValue(10);
        assertThat(ledger.actedSince(T0.minusSeconds(3600), null)).isEqualTo(10);
    }
}
