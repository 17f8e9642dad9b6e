package io.kubeskippy.actuator.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.kubeskippy.actuator.TestPolicies;
import io.kubeskippy.actuator.audit.EventReason;
import io.kubeskippy.actuator.safety.BlockReason;
import io.kubeskippy.actuator.safety.TargetKind;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicyAction;
import io.kubeskippy.model.policy.RestartAction;
import io.kubeskippy.model.record.Change;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Planning is pure: from an action and what was observed, the desired change or why not. */
class PlanningTest {

    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    static final HealingPolicy POLICY = TestPolicies.read(TestPolicies.automatic("heal"));

    @Test
    void aPodRestartDeletesThePodForItsControllerToReplace() {
        LiveObject pod = pod("web-1", "512Mi");
        Plan plan =
                planned(
                        new RestartExecutor()
                                .plan(
                                        action("restart", pod.ref()),
                                        Observation.of(pod, web(2, "512Mi")),
                                        T0));

        assertThat(plan.changes()).containsExactly(Changes.podDelete(pod.ref()));
        assertThat(plan.summary())
                .isEqualTo(
                        "delete Pod shop/web-1 (grace 5s) for Deployment shop/web to replace it");
        assertThat(plan.event()).isEqualTo(EventReason.PodRestarted);
    }

    @Test
    void aBarePodIsNotRestartedBecauseNothingWouldBringItBack() {
        LiveObject pod = pod("stray", "512Mi");

        PlanResult result =
                new RestartExecutor()
                        .plan(action("restart", pod.ref()), Observation.of(pod, null), T0);

        assertThat(result)
                .isEqualTo(
                        PlanResult.refuse(
                                BlockReason.CANNOT_PLAN,
                                "Pod shop/stray has no controller that would recreate it: restarting it would delete it for good (a delete action does that on purpose)"));
    }

    @Test
    void aWorkloadRestartSetsTheRestartedAtAnnotationToNow() {
        LiveObject web = web(2, "512Mi");

        Plan plan =
                planned(
                        new RestartExecutor()
                                .plan(action("restart", web.ref()), Observation.of(web, web), T0));

        assertThat(plan.changes())
                .containsExactly(Changes.restartedAt(web.ref(), null, "2026-11-22T10:00:00Z"));
        assertThat(plan.event()).isEqualTo(EventReason.WorkloadRestarted);
    }

    @Test
    void recreateDeletesEveryRunningPodOfTheWorkload() {
        LiveObject web = web(2, "512Mi");
        Observation obs =
                Observation.of(web, web)
                        .withWorkloadPods(List.of(pod("web-b", "1Gi"), pod("web-a", "1Gi")));

        Plan plan = planned(new RestartExecutor().plan(action("recreate", web.ref()), obs, T0));

        assertThat(plan.changes())
                .extracting(c -> c.resourceRef().name())
                .containsExactly("web-a", "web-b");
        assertThat(plan.summary()).contains("1 at a time");
    }

    @Test
    void scaleClampsToTheActionsBoundsAndRefusesWhenNothingChanges() {
        assertThat(
                        planned(
                                        new ScaleExecutor()
                                                .plan(
                                                        action("scale-up", web(1, null).ref()),
                                                        Observation.of(web(1, null), web(1, null)),
                                                        T0))
                                .changes())
                .containsExactly(Changes.replicas(web(1, null).ref(), 1, 3));
        assertThat(
                        planned(
                                        new ScaleExecutor()
                                                .plan(
                                                        action("scale-up", web(3, null).ref()),
                                                        Observation.of(web(3, null), web(3, null)),
                                                        T0))
                                .summary())
                .isEqualTo(
                        "scale Deployment shop/web from 3 to 4 replicas (up by 2, clamped to [1, 4])");
        assertThat(
                        new ScaleExecutor()
                                .plan(
                                        action("scale-down", web(1, null).ref()),
                                        Observation.of(web(1, null), web(1, null)),
                                        T0))
                .isEqualTo(
                        PlanResult.refuse(
                                BlockReason.AT_BOUND,
                                "Deployment shop/web already has 1 replicas (scale down by 1, clamped to [1, 4])"));
    }

    @Test
    void aPodsScaleScalesItsWorkload() {
        LiveObject pod = pod("web-1", null);

        Plan plan =
                planned(
                        new ScaleExecutor()
                                .plan(
                                        action("scale-to-3", pod.ref()),
                                        Observation.of(pod, web(1, null)),
                                        T0));

        assertThat(plan.changes().get(0).resourceRef().kind()).isEqualTo("Deployment");
    }

    @Test
    void anHpaIsRaisedWithinItsMaxOrTheScaleIsRefused() {
        LiveObject web = web(2, null);
        Observation obs = Observation.of(web, web).withHpa(hpa(2, 10));

        Plan up = planned(new ScaleExecutor().plan(action("scale-up", web.ref()), obs, T0));
        PlanResult down = new ScaleExecutor().plan(action("scale-down", web.ref()), obs, T0);
        PlanResult capped =
                new ScaleExecutor()
                        .plan(
                                action("scale-up", web.ref()),
                                Observation.of(web, web).withHpa(hpa(2, 2)),
                                T0);

        assertThat(up.changes())
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.resourceRef().kind()).isEqualTo("HorizontalPodAutoscaler");
                            assertThat(c)
                                    .extracting(Change::field, Change::oldValue, Change::newValue)
                                    .containsExactly("spec.minReplicas", "2", "4");
                        });
        assertThat(down)
                .isInstanceOfSatisfying(
                        PlanResult.Refused.class,
                        r -> assertThat(r.reason()).isEqualTo(BlockReason.HPA_CONFLICT));
        assertThat(capped)
                .isInstanceOfSatisfying(
                        PlanResult.Refused.class,
                        r -> assertThat(r.message()).contains("its maxReplicas is 2"));
    }

    @Test
    void resourcesGoInPlaceWhenTheServerResizesElseThroughTheTemplate() {
        LiveObject pod = pod("web-1", "512Mi");
        LiveObject web = web(2, "512Mi");

        Plan inPlace =
                planned(
                        new ResourcePatchExecutor()
                                .plan(
                                        action("more-memory", pod.ref()),
                                        Observation.of(pod, web).withResize(true, Map.of()),
                                        T0));
        Plan template =
                planned(
                        new ResourcePatchExecutor()
                                .plan(
                                        action("more-memory", pod.ref()),
                                        Observation.of(pod, web).withResize(false, Map.of()),
                                        T0));

        assertThat(inPlace.changes())
                .containsExactly(
                        Changes.containerResource(
                                pod.ref(), false, "app", "limits", "memory", "512Mi", "768Mi"));
        assertThat(template.changes())
                .containsExactly(
                        Changes.containerResource(
                                web.ref(), true, "app", "limits", "memory", "512Mi", "768Mi"));
    }

    @Test
    void resourcesAreClampedToTheMaxAndNeverSetBelowUsage() {
        LiveObject pod = pod("web-1", "900Mi");
        Observation obs = Observation.of(pod, web(1, "900Mi")).withResize(true, Map.of());

        assertThat(
                        planned(
                                        new ResourcePatchExecutor()
                                                .plan(action("more-memory", pod.ref()), obs, T0))
                                .changes()
                                .get(0)
                                .newValue())
                .isEqualTo("1Gi");
        assertThat(
                        new ResourcePatchExecutor()
                                .plan(
                                        action("more-memory", pod("p", "1Gi").ref()),
                                        Observation.of(pod("p", "1Gi"), null)
                                                .withResize(true, Map.of()),
                                        T0))
                .isInstanceOfSatisfying(
                        PlanResult.Refused.class,
                        r -> assertThat(r.reason()).isEqualTo(BlockReason.AT_BOUND));
        assertThat(
                        new ResourcePatchExecutor()
                                .plan(
                                        action("more-memory", pod.ref()),
                                        obs.withResize(true, Map.of("app", 1200L << 20)),
                                        T0))
                .isInstanceOfSatisfying(
                        PlanResult.Refused.class,
                        r -> {
                            assertThat(r.reason()).isEqualTo(BlockReason.BELOW_USAGE);
                            assertThat(r.message())
                                    .isEqualTo(
                                            "container app uses 1200Mi now; a memory limit of 1Gi would be below it");
                        });
        assertThat(
                        new ResourcePatchExecutor()
                                .plan(
                                        action("more-memory", pod("q", null).ref()),
                                        Observation.of(pod("q", null), null)
                                                .withResize(true, Map.of()),
                                        T0))
                .isInstanceOfSatisfying(
                        PlanResult.Refused.class,
                        r ->
                                assertThat(r.message())
                                        .isEqualTo("container app has no memory limit"));
    }

    @Test
    void aBarePodWithoutInPlaceResizeCannotBePatched() {
        LiveObject pod = pod("stray", "512Mi");

        assertThat(
                        new ResourcePatchExecutor()
                                .plan(
                                        action("more-memory", pod.ref()),
                                        Observation.of(pod, null),
                                        T0))
                .isInstanceOfSatisfying(
                        PlanResult.Refused.class,
                        r -> assertThat(r.message()).contains("no pods/resize subresource"));
    }

    @Test
    void deleteHonoursTheGracePeriod() {
        LiveObject pod = pod("web-1", null);

        Plan plan =
                planned(
                        new DeleteExecutor()
                                .plan(action("delete", pod.ref()), Observation.of(pod, null), T0));

        assertThat(plan.summary()).isEqualTo("delete Pod shop/web-1 (grace 2s)");
        assertThat(
                        ChangeApplier.deleteOptions(action("delete", pod.ref()).spec().action())
                                .gracePeriodSeconds())
                .isEqualTo(2);
        assertThat(ChangeApplier.deleteOptions(PolicyAction.restart("r")).gracePeriodSeconds())
                .isEqualTo(RestartAction.DEFAULTS.gracePeriodSeconds());
    }

    @Test
    void planningIsPure() {
        LiveObject web = web(2, "512Mi");
        HealingAction action = action("restart", web.ref());

        assertThat(new RestartExecutor().plan(action, Observation.of(web, web), T0))
                .isEqualTo(new RestartExecutor().plan(action, Observation.of(web, web), T0));
    }

    @Test
    void everyChangeFormIsReadBackFromItsRecord() {
        ResourceRef pod = ResourceRef.pod("shop", "p", "u");
        ResourceRef web = new ResourceRef("apps/v1", "Deployment", "shop", "web", null);
        ResourceRef hpa =
                new ResourceRef("autoscaling/v2", "HorizontalPodAutoscaler", "shop", "web", null);

        assertThat(Changes.form(Changes.podDelete(pod))).isEqualTo(Changes.Form.POD_DELETE);
        assertThat(Changes.form(Changes.restartedAt(web, null, "t")))
                .isEqualTo(Changes.Form.RESTARTED_AT);
        assertThat(Changes.form(Changes.replicas(web, 1, 2))).isEqualTo(Changes.Form.REPLICAS);
        assertThat(Changes.form(Changes.hpaMinReplicas(hpa, 1, 2)))
                .isEqualTo(Changes.Form.HPA_MIN_REPLICAS);
        Change resource =
                Changes.containerResource(web, true, "app", "limits", "cpu", "500m", "750m");
        assertThat(Changes.form(resource)).isEqualTo(Changes.Form.CONTAINER_RESOURCE);
        assertThat(Changes.containerField(resource))
                .isEqualTo(new Changes.ContainerField(true, "app", "limits", "cpu"));
        assertThat(Changes.containerField(resource).pointer(0))
                .isEqualTo("/spec/template/spec/containers/0/resources/limits/cpu");
        assertThat(Changes.describe(resource))
                .isEqualTo(
                        "Deployment shop/web spec.template.spec.containers[app].resources.limits.cpu 500m -> 750m");
    }

    // ---------------------------------------------------------------- fixtures

    static Plan planned(PlanResult result) {
        assertThat(result).isInstanceOf(PlanResult.Planned.class);
        return ((PlanResult.Planned) result).plan();
    }

    static HealingAction action(String name, ResourceRef target) {
        PolicyAction pa =
                POLICY.spec().actions().stream()
                        .filter(a -> a.name().equals(name))
                        .findFirst()
                        .orElseThrow();
        return new HealingAction(
                HealingAction.Metadata.named("heal-x-0123456789ab", null),
                new HealingAction.Spec(
                        new HealingAction.PolicyRef("heal", null, null),
                        target,
                        pa,
                        false,
                        false,
                        null,
                        null,
                        null,
                        null));
    }

    static LiveObject pod(String name, String memory) {
        Pod pod =
                new PodBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace("shop")
                        .withUid("uid-" + name)
                        .endMetadata()
                        .withNewSpec()
                        .withContainers(container(memory))
                        .endSpec()
                        .build();
        return new LiveObject(TargetKind.POD, pod);
    }

    static LiveObject web(int replicas, String memory) {
        Deployment d =
                new DeploymentBuilder()
                        .withNewMetadata()
                        .withName("web")
                        .withNamespace("shop")
                        .withUid("uid-web")
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(replicas)
                        .withNewSelector()
                        .addToMatchLabels("app", "web")
                        .endSelector()
                        .withTemplate(
                                new PodTemplateSpecBuilder()
                                        .withNewSpec()
                                        .withContainers(container(memory))
                                        .endSpec()
                                        .build())
                        .endSpec()
                        .build();
        return new LiveObject(TargetKind.DEPLOYMENT, d);
    }

    static io.fabric8.kubernetes.api.model.Container container(String memory) {
        ContainerBuilder c = new ContainerBuilder().withName("app").withImage("app:1");
        if (memory != null) {
            c.withNewResources().addToLimits("memory", new Quantity(memory)).endResources();
        }
        return c.build();
    }

    static HorizontalPodAutoscaler hpa(int min, int max) {
        return new HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("shop")
                .endMetadata()
                .withNewSpec()
                .withMinReplicas(min)
                .withMaxReplicas(max)
                .withNewScaleTargetRef()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName("web")
                .endScaleTargetRef()
                .endSpec()
                .build();
    }
}
