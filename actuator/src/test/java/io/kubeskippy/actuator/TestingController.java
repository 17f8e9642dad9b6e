package io.kubeskippy.actuator;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the mock API server lacks: controllers. Every 50 ms it does, crudely, what the ReplicaSet,
 * StatefulSet, DaemonSet, Deployment and HPA controllers and the kubelet do: replaces deleted pods
 * with ready ones, rolls a changed template out, follows an HPA's minReplicas, and reports status.
 * {@link #pause()} stops it, to show what happens when nothing heals.
 */
final class TestingController implements AutoCloseable {

    static final int DAEMON_NODES = 2;

    private final KubernetesClient client;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean paused;

    TestingController(KubernetesClient client) {
        this.client = client;
        this.thread = new Thread(this::run, "testing-controller");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Stops reconciling; returns once the round in progress, if any, is over. */
    void pause() {
        paused = true;
        synchronized (this) {
            // the round in progress holds the lock
        }
    }

    void resume() {
        paused = false;
    }

    private void run() {
        while (running) {
            try {
                synchronized (this) {
                    if (!paused) {
                        reconcile();
                    }
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (KubernetesClientException | IllegalStateException e) {
                // a race with the test or the actuator; the next round fixes it
            }
        }
    }

    private void reconcile() {
        List<HorizontalPodAutoscaler> hpas =
                client.autoscaling()
                        .v2()
                        .horizontalPodAutoscalers()
                        .inAnyNamespace()
                        .list()
                        .getItems();
        for (Deployment d : client.apps().deployments().inAnyNamespace().list().getItems()) {
            deployment(d, hpas);
        }
        for (ReplicaSet rs : client.apps().replicaSets().inAnyNamespace().list().getItems()) {
            replicaSet(rs);
        }
        for (StatefulSet s : client.apps().statefulSets().inAnyNamespace().list().getItems()) {
            statefulSet(s);
        }
        for (DaemonSet ds : client.apps().daemonSets().inAnyNamespace().list().getItems()) {
            daemonSet(ds);
        }
    }

    private void deployment(Deployment d, List<HorizontalPodAutoscaler> hpas) {
        String ns = d.getMetadata().getNamespace();
        int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        for (HorizontalPodAutoscaler hpa : hpas) {
            var ref = hpa.getSpec().getScaleTargetRef();
            if (ns.equals(hpa.getMetadata().getNamespace())
                    && "Deployment".equals(ref.getKind())
                    && d.getMetadata().getName().equals(ref.getName())
                    && hpa.getSpec().getMinReplicas() != null
                    && replicas < hpa.getSpec().getMinReplicas()) {
                replicas = hpa.getSpec().getMinReplicas();
                client.apps()
                        .deployments()
                        .inNamespace(ns)
                        .withName(d.getMetadata().getName())
                        .scale(replicas);
                return; // next round sees the new generation
            }
        }
        ReplicaSet rs = ownedReplicaSet(d);
        if (rs == null) {
            return;
        }
        boolean templateChanged =
                !Objects.equals(rs.getSpec().getTemplate(), d.getSpec().getTemplate());
        int rsReplicas = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
        if (templateChanged || rsReplicas != replicas) {
            PodTemplateSpec template = d.getSpec().getTemplate();
            rs.getSpec().setTemplate(template);
            rs.getSpec().setReplicas(replicas);
            client.apps().replicaSets().inNamespace(ns).resource(rs).update();
            if (templateChanged) {
                // a rollout: the old pods go, the ReplicaSet brings new ones
                for (Pod p : podsOf(ns, rs.getMetadata().getUid())) {
                    client.pods().inNamespace(ns).withName(p.getMetadata().getName()).delete();
                }
            }
            return;
        }
        int ready = readyPods(ns, rs.getMetadata().getUid());
        long generation =
                d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
        var status =
                new DeploymentStatusBuilder()
                        .withObservedGeneration(generation)
                        .withReplicas(ready)
                        .withUpdatedReplicas(ready)
                        .withReadyReplicas(ready)
                        .withAvailableReplicas(ready)
                        .build();
        if (!status.equals(d.getStatus())) {
            d.setStatus(status);
            client.apps().deployments().inNamespace(ns).resource(d).updateStatus();
        }
    }

    private void replicaSet(ReplicaSet rs) {
        String ns = rs.getMetadata().getNamespace();
        int replicas = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
        List<Pod> pods = podsOf(ns, rs.getMetadata().getUid());
        for (int i = pods.size(); i < replicas; i++) {
            createPod(
                    ns,
                    rs.getMetadata().getName() + "-" + suffix(),
                    rs.getSpec().getTemplate(),
                    owner(
                            "apps/v1",
                            "ReplicaSet",
                            rs.getMetadata().getName(),
                            rs.getMetadata().getUid()),
                    Map.of());
        }
        for (int i = replicas; i < pods.size(); i++) {
            client.pods().inNamespace(ns).withName(pods.get(i).getMetadata().getName()).delete();
        }
        int ready = Math.min(replicas, readyPods(ns, rs.getMetadata().getUid()));
        var status =
                new ReplicaSetStatusBuilder()
                        .withObservedGeneration(rs.getMetadata().getGeneration())
                        .withReplicas(ready)
                        .withReadyReplicas(ready)
                        .withAvailableReplicas(ready)
                        .build();
        if (!status.equals(rs.getStatus())) {
            rs.setStatus(status);
            client.apps().replicaSets().inNamespace(ns).resource(rs).updateStatus();
        }
    }

    private void statefulSet(StatefulSet s) {
        String ns = s.getMetadata().getNamespace();
        int replicas = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
        String templateHash = Integer.toHexString(Objects.hashCode(s.getSpec().getTemplate()));
        for (int i = 0; i < replicas; i++) {
            String name = s.getMetadata().getName() + "-" + i;
            Pod pod = client.pods().inNamespace(ns).withName(name).get();
            if (pod != null
                    && (pod.getMetadata().getAnnotations() == null
                            || !templateHash.equals(
                                    pod.getMetadata().getAnnotations().get("testing/template")))) {
                client.pods().inNamespace(ns).withName(name).delete();
                return;
            }
            if (pod == null) {
                createPod(
                        ns,
                        name,
                        s.getSpec().getTemplate(),
                        owner(
                                "apps/v1",
                                "StatefulSet",
                                s.getMetadata().getName(),
                                s.getMetadata().getUid()),
                        Map.of("testing/template", templateHash));
            }
        }
        int ready = readyPods(ns, s.getMetadata().getUid());
        var status =
                new StatefulSetStatusBuilder()
                        .withObservedGeneration(s.getMetadata().getGeneration())
                        .withReplicas(ready)
                        .withUpdatedReplicas(ready)
                        .withReadyReplicas(ready)
                        .withAvailableReplicas(ready)
                        .build();
        if (!status.equals(s.getStatus())) {
            s.setStatus(status);
            client.apps().statefulSets().inNamespace(ns).resource(s).updateStatus();
        }
    }

    private void daemonSet(DaemonSet ds) {
        var status =
                new DaemonSetStatusBuilder()
                        .withObservedGeneration(ds.getMetadata().getGeneration())
                        .withDesiredNumberScheduled(DAEMON_NODES)
                        .withCurrentNumberScheduled(DAEMON_NODES)
                        .withUpdatedNumberScheduled(DAEMON_NODES)
                        .withNumberAvailable(DAEMON_NODES)
                        .withNumberReady(DAEMON_NODES)
                        .withNumberMisscheduled(0)
                        .build();
        if (!status.equals(ds.getStatus())) {
            ds.setStatus(status);
            client.apps()
                    .daemonSets()
                    .inNamespace(ds.getMetadata().getNamespace())
                    .resource(ds)
                    .updateStatus();
        }
    }

    private ReplicaSet ownedReplicaSet(Deployment d) {
        for (ReplicaSet rs :
                client.apps()
                        .replicaSets()
                        .inNamespace(d.getMetadata().getNamespace())
                        .list()
                        .getItems()) {
            OwnerReference o = controllerOf(rs.getMetadata().getOwnerReferences());
            if (o != null && d.getMetadata().getUid().equals(o.getUid())) {
                return rs;
            }
        }
        return null;
    }

    private List<Pod> podsOf(String ns, String ownerUid) {
        return client.pods().inNamespace(ns).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(
                        p -> {
                            OwnerReference o = controllerOf(p.getMetadata().getOwnerReferences());
                            return o != null && ownerUid.equals(o.getUid());
                        })
                .toList();
    }

    private int readyPods(String ns, String ownerUid) {
        return podsOf(ns, ownerUid).size();
    }

    private Pod createPod(
            String ns,
            String name,
            PodTemplateSpec template,
            OwnerReference owner,
            Map<String, String> annotations) {
        Map<String, String> labels =
                template.getMetadata() == null || template.getMetadata().getLabels() == null
                        ? Map.of()
                        : template.getMetadata().getLabels();
        Pod pod =
                new PodBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(ns)
                        .withLabels(labels)
                        .withAnnotations(annotations)
                        .withOwnerReferences(owner)
                        .endMetadata()
                        .withSpec(template.getSpec())
                        .withNewStatus()
                        .withPhase("Running")
                        .addNewCondition()
                        .withType("Ready")
                        .withStatus("True")
                        .endCondition()
                        .endStatus()
                        .build();
        return client.pods().inNamespace(ns).resource(pod).create();
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

    private static OwnerReference controllerOf(List<OwnerReference> owners) {
        if (owners == null) {
            return null;
        }
        return owners.stream()
                .filter(o -> Boolean.TRUE.equals(o.getController()))
                .findFirst()
                .orElse(null);
    }

    private static String suffix() {
        String chars = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            s.append(chars.charAt(ThreadLocalRandom.current().nextInt(chars.length())));
        }
        return s.toString();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
