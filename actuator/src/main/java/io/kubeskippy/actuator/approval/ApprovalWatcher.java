package io.kubeskippy.actuator.approval;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubeskippy.actuator.audit.ActionStatuses;
import io.kubeskippy.actuator.audit.HealingActionStore;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.serde.Decoded;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Watches HealingActions for a human's decision on the ones that wait for approval, and finds the
 * ones whose approval expired. It only reports: the actuator re-reads the resource and acts on its
 * own lane.
 */
public final class ApprovalWatcher implements AutoCloseable {

    /** A waiting action, by namespace and name, with its target's id (its lane). */
    public record Waiting(String namespace, String name, String targetId) {}

    private final HealingActionStore store;
    private final Set<String> namespaces;
    private final Consumer<Waiting> onDecision;
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers =
            new ArrayList<>();

    /**
     * @param namespaces watched namespaces; all when empty
     * @param onDecision called (on the informer's thread) when a waiting action is approved or
     *     rejected
     */
    public ApprovalWatcher(
            HealingActionStore store, Set<String> namespaces, Consumer<Waiting> onDecision) {
        this.store = store;
        this.namespaces = Set.copyOf(namespaces);
        this.onDecision = onDecision;
    }

    /** Starts watching; {@link #hasSynced()} tells when the first list is in. */
    public void start() {
        ResourceEventHandler<GenericKubernetesResource> handler =
                new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(GenericKubernetesResource obj) {
                        check(obj);
                    }

                    @Override
                    public void onUpdate(
                            GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                        check(newObj);
                    }

                    @Override
                    public void onDelete(
                            GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {}
                };
        long resync = Duration.ofMinutes(1).toMillis();
        if (namespaces.isEmpty()) {
            informers.add(store.resources().inAnyNamespace().inform(handler, resync));
        } else {
            for (String ns : namespaces) {
                informers.add(store.resources().inNamespace(ns).inform(handler, resync));
            }
        }
    }

    public boolean hasSynced() {
        return !informers.isEmpty() && informers.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    /** The waiting actions whose approval was requested before {@code now - ttl}. */
    public List<Waiting> expired(Instant now, Duration ttl) {
        List<Waiting> expired = new ArrayList<>();
        for (HealingAction a : waiting()) {
            Instant requested = ActionStatuses.approvalRequestedAt(a);
            if (requested != null && requested.plus(ttl).isBefore(now) && !Approvals.decided(a)) {
                expired.add(key(a));
            }
        }
        return expired;
    }

    /** The actions that wait for approval now, from the informers' caches. */
    public List<HealingAction> waiting() {
        List<HealingAction> waiting = new ArrayList<>();
        for (SharedIndexInformer<GenericKubernetesResource> informer : informers) {
            for (GenericKubernetesResource r : informer.getStore().list()) {
                Decoded<HealingAction> decoded = store.decode(r);
                if (decoded instanceof Decoded.Value<HealingAction> v
                        && ActionStatuses.isAwaitingApproval(v.value())) {
                    waiting.add(v.value());
                }
            }
        }
        return waiting;
    }

    private void check(GenericKubernetesResource resource) {
        Decoded<HealingAction> decoded = store.decode(resource);
        if (decoded instanceof Decoded.Value<HealingAction> v
                && ActionStatuses.isAwaitingApproval(v.value())
                && Approvals.decided(v.value())) {
            onDecision.accept(key(v.value()));
        }
    }

    private static Waiting key(HealingAction a) {
        return new Waiting(a.metadata().namespace(), a.name(), a.spec().targetResource().id());
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
