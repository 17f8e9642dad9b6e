package io.kubeskippy.demo.cluster;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * What kube-controller-manager does for Deployments, in one round: each Deployment's pod template
 * (hashed into {@code pod-template-hash}, as the Deployment controller does) has a ReplicaSet owned
 * by the Deployment, with the Deployment's replicas; older ReplicaSets are scaled to zero (a
 * rollout, all at once); each ReplicaSet creates or deletes pods (owned by it, scheduled on the
 * node) to match its replicas; statuses report what the kubelet made ready. Each deletion it makes
 * is recorded in {@link Deletions} with its cause. Not thread-safe: one simulation thread runs it.
 */
final class WorkloadController {

    static final String TEMPLATE_HASH = "pod-template-hash";
    private static final EventRecorder.Source DEPLOYMENT_CONTROLLER =
            new EventRecorder.Source("deployment-controller", null);
    private static final EventRecorder.Source REPLICASET_CONTROLLER =
            new EventRecorder.Source("replicaset-controller", null);
    private static final String SAFE = "bcdfghjklmnpqrstvwxz2456789";

    private final KubernetesClient client;
    private final String namespace;
    private final String node;
    private final EventRecorder events;
    private final Deletions deletions;
    private final Random random;
    private final Map<String, Integer> desired = new HashMap<>();

    WorkloadController(
            KubernetesClient client,
            String namespace,
            String node,
            EventRecorder events,
            Deletions deletions,
            Random random) {
        this.client = client;
        this.namespace = namespace;
        this.node = node;
        this.events = events;
        this.deletions = deletions;
        this.random = random;
    }

    /** The spec.replicas of each Deployment at the last round, by name. */
    Map<String, Integer> desiredReplicas() {
        return Map.copyOf(desired);
    }

    /** One round over the namespace. Throws only what the API server refused. */
    void reconcile(Instant now) {
        List<Deployment> deployments =
                client.apps().deployments().inNamespace(namespace).list().getItems();
        Map<String, Boolean> current = new HashMap<>();
        for (Deployment d : deployments) {
            desired.put(d.getMetadata().getName(), replicas(d.getSpec().getReplicas()));
            rollOut(d, replicaSets(), current, now);
        }
        List<Pod> pods = livePods();
        for (ReplicaSet rs : replicaSets()) {
            Boolean isCurrent = current.get(rs.getMetadata().getName());
            pods = replicate(rs, pods, isCurrent == null || isCurrent, now);
        }
        List<ReplicaSet> rss = replicaSets();
        pods = livePods();
        for (ReplicaSet rs : rss) {
            replicaSetStatus(rs, pods);
        }
        for (Deployment d : deployments) {
            deploymentStatus(d, rss, pods, current);
        }
    }

    // ------------------------------------------------------------------ Deployments

    private void rollOut(
            Deployment d, List<ReplicaSet> all, Map<String, Boolean> current, Instant now) {
        String hash = templateHash(d.getSpec().getTemplate());
        int replicas = replicas(d.getSpec().getReplicas());
        List<ReplicaSet> owned = ownedBy(all, d.getMetadata().getUid());
        ReplicaSet newest = null;
        for (ReplicaSet rs : owned) {
            boolean isCurrent =
                    hash.equals(labels(rs.getMetadata().getLabels()).get(TEMPLATE_HASH));
            current.put(rs.getMetadata().getName(), isCurrent);
            if (isCurrent) {
                newest = rs;
            }
        }
        String ns = d.getMetadata().getNamespace();
        if (newest == null) {
            newest = createReplicaSet(d, hash, replicas);
            current.put(newest.getMetadata().getName(), true);
            events.record(
                    d,
                    null,
                    "Normal",
                    "ScalingReplicaSet",
                    "Scaled up replica set "
                            + newest.getMetadata().getName()
                            + " from 0 to "
                            + replicas,
                    DEPLOYMENT_CONTROLLER,
                    now);
        } else if (replicas(newest.getSpec().getReplicas()) != replicas) {
            int from = replicas(newest.getSpec().getReplicas());
            client.apps()
                    .replicaSets()
                    .inNamespace(ns)
                    .withName(newest.getMetadata().getName())
                    .edit(
                            rs -> {
                                rs.getSpec().setReplicas(replicas);
                                return rs;
                            });
            events.record(
                    d,
                    null,
                    "Normal",
                    "ScalingReplicaSet",
                    "Scaled "
                            + (replicas > from ? "up" : "down")
                            + " replica set "
                            + newest.getMetadata().getName()
                            + " from "
                            + from
                            + " to "
                            + replicas,
                    DEPLOYMENT_CONTROLLER,
                    now);
        }
        for (ReplicaSet rs : owned) {
            if (rs != newest && replicas(rs.getSpec().getReplicas()) != 0) {
                int from = replicas(rs.getSpec().getReplicas());
                client.apps()
                        .replicaSets()
                        .inNamespace(ns)
                        .withName(rs.getMetadata().getName())
                        .edit(
                                r -> {
                                    r.getSpec().setReplicas(0);
                                    return r;
                                });
                events.record(
                        d,
                        null,
                        "Normal",
                        "ScalingReplicaSet",
                        "Scaled down replica set "
                                + rs.getMetadata().getName()
                                + " from "
                                + from
                                + " to 0",
                        DEPLOYMENT_CONTROLLER,
                        now);
            }
        }
    }

    private ReplicaSet createReplicaSet(Deployment d, String hash, int replicas) {
        PodTemplateSpec template =
                client.getKubernetesSerialization().clone(d.getSpec().getTemplate());
        Map<String, String> podLabels =
                new LinkedHashMap<>(labels(template.getMetadata().getLabels()));
        podLabels.put(TEMPLATE_HASH, hash);
        template.getMetadata().setLabels(podLabels);
        Map<String, String> selector =
                new LinkedHashMap<>(
                        d.getSpec().getSelector() == null
                                        || d.getSpec().getSelector().getMatchLabels() == null
                                ? Map.of()
                                : d.getSpec().getSelector().getMatchLabels());
        selector.put(TEMPLATE_HASH, hash);
        LabelSelector rsSelector = new LabelSelectorBuilder().withMatchLabels(selector).build();
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("deployment.kubernetes.io/desired-replicas", Integer.toString(replicas));
        annotations.put("deployment.kubernetes.io/max-replicas", Integer.toString(replicas + 1));
        ReplicaSet rs =
                new ReplicaSetBuilder()
                        .withNewMetadata()
                        .withName(d.getMetadata().getName() + "-" + hash)
                        .withNamespace(d.getMetadata().getNamespace())
                        .withLabels(podLabels)
                        .withAnnotations(annotations)
                        .withOwnerReferences(
                                owner(
                                        "apps/v1",
                                        "Deployment",
                                        d.getMetadata().getName(),
                                        d.getMetadata().getUid()))
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(replicas)
                        .withSelector(rsSelector)
                        .withTemplate(template)
                        .endSpec()
                        .build();
        return client.apps()
                .replicaSets()
                .inNamespace(d.getMetadata().getNamespace())
                .resource(rs)
                .create();
    }

    private void deploymentStatus(
            Deployment d, List<ReplicaSet> rss, List<Pod> pods, Map<String, Boolean> current) {
        int total = 0;
        int updated = 0;
        int ready = 0;
        for (ReplicaSet rs : ownedBy(rss, d.getMetadata().getUid())) {
            for (Pod p : ownedPods(pods, rs.getMetadata().getUid())) {
                total++;
                boolean isReady = ready(p);
                if (isReady) {
                    ready++;
                }
                if (Boolean.TRUE.equals(current.get(rs.getMetadata().getName()))) {
                    updated++;
                }
            }
        }
        long generation =
                d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
        int replicas = replicas(d.getSpec().getReplicas());
        DeploymentStatus status =
                new DeploymentStatusBuilder()
                        .withObservedGeneration(generation)
                        .withReplicas(total)
                        .withUpdatedReplicas(updated)
                        .withReadyReplicas(ready)
                        .withAvailableReplicas(ready)
                        .withUnavailableReplicas(Math.max(0, replicas - ready))
                        .build();
        DeploymentStatus old = d.getStatus();
        if (old == null
                || !Objects.equals(old.getObservedGeneration(), status.getObservedGeneration())
                || !Objects.equals(old.getReplicas(), status.getReplicas())
                || !Objects.equals(old.getUpdatedReplicas(), status.getUpdatedReplicas())
                || !Objects.equals(old.getReadyReplicas(), status.getReadyReplicas())
                || !Objects.equals(old.getUnavailableReplicas(), status.getUnavailableReplicas())) {
            d.setStatus(status);
            client.apps()
                    .deployments()
                    .inNamespace(d.getMetadata().getNamespace())
                    .resource(d)
                    .updateStatus();
        }
    }

    // ------------------------------------------------------------------ ReplicaSets

    /** Creates or deletes pods of {@code rs}; returns the live pods after that. */
    private List<Pod> replicate(ReplicaSet rs, List<Pod> pods, boolean isCurrent, Instant now) {
        String ns = rs.getMetadata().getNamespace();
        int replicas = replicas(rs.getSpec().getReplicas());
        List<Pod> owned = new ArrayList<>(ownedPods(pods, rs.getMetadata().getUid()));
        if (owned.size() == replicas) {
            return pods;
        }
        List<Pod> after = new ArrayList<>(pods);
        for (int i = owned.size(); i < replicas; i++) {
            Pod created = createPod(rs);
            after.add(created);
            events.record(
                    rs,
                    null,
                    "Normal",
                    "SuccessfulCreate",
                    "Created pod: " + created.getMetadata().getName(),
                    REPLICASET_CONTROLLER,
                    now);
        }
        if (owned.size() > replicas) {
            // as the ReplicaSet controller: not-ready pods first, then the newest
            owned.sort(
                    Comparator.comparing((Pod p) -> ready(p))
                            .thenComparing(
                                    (Pod p) ->
                                            p.getMetadata().getCreationTimestamp() == null
                                                    ? ""
                                                    : p.getMetadata().getCreationTimestamp(),
                                    Comparator.reverseOrder()));
            for (Pod p : owned.subList(0, owned.size() - replicas)) {
                deletions.record(
                        p.getMetadata().getUid(),
                        isCurrent ? Deletions.Cause.SCALE_DOWN : Deletions.Cause.ROLLOUT);
                client.pods().inNamespace(ns).withName(p.getMetadata().getName()).delete();
                after.remove(p);
                events.record(
                        rs,
                        null,
                        "Normal",
                        "SuccessfulDelete",
                        "Deleted pod: " + p.getMetadata().getName(),
                        REPLICASET_CONTROLLER,
                        now);
            }
        }
        return after;
    }

    private Pod createPod(ReplicaSet rs) {
        PodTemplateSpec template = rs.getSpec().getTemplate();
        PodSpec spec = client.getKubernetesSerialization().clone(template.getSpec());
        spec.setNodeName(node);
        if (spec.getRestartPolicy() == null) {
            spec.setRestartPolicy("Always");
        }
        if (spec.getSchedulerName() == null) {
            spec.setSchedulerName("default-scheduler");
        }
        var meta = template.getMetadata();
        Pod pod =
                new PodBuilder()
                        .withNewMetadata()
                        .withName(rs.getMetadata().getName() + "-" + suffix())
                        .withGenerateName(rs.getMetadata().getName() + "-")
                        .withNamespace(rs.getMetadata().getNamespace())
                        .withLabels(labels(meta == null ? null : meta.getLabels()))
                        .withAnnotations(labels(meta == null ? null : meta.getAnnotations()))
                        .withOwnerReferences(
                                new OwnerReferenceBuilder(
                                                owner(
                                                        "apps/v1",
                                                        "ReplicaSet",
                                                        rs.getMetadata().getName(),
                                                        rs.getMetadata().getUid()))
                                        .withBlockOwnerDeletion(true)
                                        .build())
                        .endMetadata()
                        .withSpec(spec)
                        .build();
        return client.pods().inNamespace(rs.getMetadata().getNamespace()).resource(pod).create();
    }

    private void replicaSetStatus(ReplicaSet rs, List<Pod> pods) {
        List<Pod> owned = ownedPods(pods, rs.getMetadata().getUid());
        int ready = (int) owned.stream().filter(WorkloadController::ready).count();
        ReplicaSetStatus status =
                new ReplicaSetStatusBuilder()
                        .withObservedGeneration(rs.getMetadata().getGeneration())
                        .withReplicas(owned.size())
                        .withFullyLabeledReplicas(owned.size())
                        .withReadyReplicas(ready)
                        .withAvailableReplicas(ready)
                        .build();
        ReplicaSetStatus old = rs.getStatus();
        if (old == null
                || !Objects.equals(old.getObservedGeneration(), status.getObservedGeneration())
                || !Objects.equals(old.getReplicas(), status.getReplicas())
                || !Objects.equals(old.getReadyReplicas(), status.getReadyReplicas())) {
            rs.setStatus(status);
            client.apps()
                    .replicaSets()
                    .inNamespace(rs.getMetadata().getNamespace())
                    .resource(rs)
                    .updateStatus();
        }
    }

    // ------------------------------------------------------------------ helpers

    private List<ReplicaSet> replicaSets() {
        return client.apps().replicaSets().inNamespace(namespace).list().getItems();
    }

    private List<Pod> livePods() {
        return client.pods().inNamespace(namespace).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .toList();
    }

    private static List<ReplicaSet> ownedBy(List<ReplicaSet> rss, String uid) {
        return rss.stream()
                .filter(rs -> uid.equals(controllerUid(rs.getMetadata().getOwnerReferences())))
                .toList();
    }

    private static List<Pod> ownedPods(List<Pod> pods, String uid) {
        return pods.stream()
                .filter(p -> uid.equals(controllerUid(p.getMetadata().getOwnerReferences())))
                .toList();
    }

    static String controllerUid(List<OwnerReference> owners) {
        if (owners == null) {
            return null;
        }
        for (OwnerReference o : owners) {
            if (Boolean.TRUE.equals(o.getController())) {
                return o.getUid();
            }
        }
        return null;
    }

    /** The pod's Ready condition is True. */
    static boolean ready(Pod p) {
        if (p.getStatus() == null || p.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : p.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    static OwnerReference owner(String apiVersion, String kind, String name, String uid) {
        return new OwnerReferenceBuilder()
                .withApiVersion(apiVersion)
                .withKind(kind)
                .withName(name)
                .withUid(uid)
                .withController(true)
                .build();
    }

    /** A stable hash of a pod template, in the alphabet Kubernetes uses for generated names. */
    String templateHash(PodTemplateSpec template) {
        byte[] json =
                client.getKubernetesSerialization()
                        .asJson(template)
                        .getBytes(StandardCharsets.UTF_8);
        long h = 0xcbf29ce484222325L; // FNV-1a 64
        for (byte b : json) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            s.append(SAFE.charAt((int) Long.remainderUnsigned(h, SAFE.length())));
            h = Long.divideUnsigned(h, SAFE.length());
        }
        return s.toString();
    }

    private String suffix() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            s.append(SAFE.charAt(random.nextInt(SAFE.length())));
        }
        return s.toString();
    }

    private static Map<String, String> labels(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    private static int replicas(Integer r) {
        return r == null ? 1 : r;
    }
}
