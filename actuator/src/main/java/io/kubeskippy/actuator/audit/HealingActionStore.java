package io.kubeskippy.actuator.audit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.serde.Decoded;
import io.kubeskippy.model.serde.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HealingAction custom resources: created under the action's name (so a second delivery finds the
 * first and is a duplicate), their status written through the status subresource with the
 * resourceVersion last read (so two writers cannot both move a phase), listed to rebuild the
 * actuator's memory at start.
 */
public final class HealingActionStore {

    private static final Logger LOG = LoggerFactory.getLogger(HealingActionStore.class);

    public static final CustomResourceDefinitionContext CONTEXT =
            new CustomResourceDefinitionContext.Builder()
                    .withGroup("kubeskippy.io")
                    .withVersion("v1alpha1")
                    .withPlural("healingactions")
                    .withKind(HealingAction.KIND)
                    .withScope("Namespaced")
                    .build();

    private static final RecordCodec<HealingAction> CODEC = RecordCodec.healingActions();

    private final KubernetesClient client;

    public HealingActionStore(KubernetesClient client) {
        this.client = client;
    }

    /** What {@link #create} found. */
    public sealed interface Created {
        HealingAction resource();

        /** Created now. */
        record New(HealingAction resource) implements Created {}

        /** It existed: the record is a duplicate, or an interrupted action to take up again. */
        record Existing(HealingAction resource) implements Created {}
    }

    /** A status write lost a race: someone else moved the action first. */
    public static final class ConcurrentUpdateException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConcurrentUpdateException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The namespace an action's resource lives in: its own, else its target's. */
    public static String namespaceOf(HealingAction action) {
        return action.metadata().namespace() != null
                ? action.metadata().namespace()
                : action.spec().targetResource().namespace();
    }

    /**
     * Creates the resource of {@code action}, without a status and without the metadata the API
     * server sets, plus {@code annotations}; or finds the one that exists under its name.
     */
    public Created create(HealingAction action, Map<String, String> annotations) {
        String namespace = namespaceOf(action);
        HealingAction.Metadata m = action.metadata();
        Map<String, String> allAnnotations = new LinkedHashMap<>(m.annotations());
        allAnnotations.putAll(annotations);
        HealingAction clean =
                new HealingAction(
                        HealingAction.API_VERSION,
                        HealingAction.KIND,
                        new HealingAction.Metadata(
                                m.name(), namespace, null, null, null, m.labels(), allAnnotations),
                        action.spec(),
                        null,
                        action.extra());
        try {
            GenericKubernetesResource created =
                    resources().inNamespace(namespace).resource(toResource(clean)).create();
            return new Created.New(fromResource(created));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            HealingAction existing = get(namespace, m.name());
            if (existing == null) {
                throw e;
            }
            return new Created.Existing(existing);
        }
    }

    /** The resource, or null. */
    public HealingAction get(String namespace, String name) {
        GenericKubernetesResource r = resources().inNamespace(namespace).withName(name).get();
        return r == null ? null : fromResource(r);
    }

    /**
     * Writes {@code status} through the status subresource, if {@code current} is still the latest
     * version.
     *
     * @return the resource as written (with its new resourceVersion)
     * @throws ConcurrentUpdateException when the resource changed since {@code current} was read
     */
    public HealingAction writeStatus(HealingAction current, HealingAction.Status status) {
        HealingAction next = current.withStatus(status);
        try {
            GenericKubernetesResource written =
                    resources()
                            .inNamespace(current.metadata().namespace())
                            .resource(toResource(next))
                            .updateStatus();
            return fromResource(written);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                throw new ConcurrentUpdateException(
                        "HealingAction "
                                + current.metadata().namespace()
                                + "/"
                                + current.name()
                                + " changed since it was read",
                        e);
            }
            throw e;
        }
    }

    /** Adds (or with a null value removes) annotations; returns the resource as patched. */
    public HealingAction annotate(String namespace, String name, Map<String, String> annotations) {
        Map<String, Object> patch = Map.of("metadata", Map.of("annotations", annotations));
        GenericKubernetesResource patched =
                resources()
                        .inNamespace(namespace)
                        .withName(name)
                        .patch(
                                PatchContext.of(PatchType.JSON_MERGE),
                                client.getKubernetesSerialization().asJson(patch));
        return fromResource(patched);
    }

    /** Every readable HealingAction in {@code namespaces} (all namespaces when empty). */
    public List<HealingAction> list(Set<String> namespaces) {
        List<GenericKubernetesResource> items = new ArrayList<>();
        if (namespaces.isEmpty()) {
            items.addAll(resources().inAnyNamespace().list().getItems());
        } else {
            for (String ns : namespaces) {
                items.addAll(resources().inNamespace(ns).list().getItems());
            }
        }
        List<HealingAction> actions = new ArrayList<>();
        for (GenericKubernetesResource item : items) {
            Decoded<HealingAction> decoded = decode(item);
            if (decoded instanceof Decoded.Value<HealingAction> v) {
                actions.add(v.value());
            } else if (decoded instanceof Decoded.Invalid<HealingAction> bad) {
                LOG.warn(
                        "Skipping unreadable HealingAction {}/{}: {}",
                        item.getMetadata().getNamespace(),
                        item.getMetadata().getName(),
                        bad.deadLetter().reason());
            }
        }
        return actions;
    }

    public MixedOperation<
                    GenericKubernetesResource,
                    GenericKubernetesResourceList,
                    Resource<GenericKubernetesResource>>
            resources() {
        return client.genericKubernetesResources(CONTEXT);
    }

    public GenericKubernetesResource toResource(HealingAction action) {
        return client.getKubernetesSerialization()
                .unmarshal(CODEC.encodeToString(action), GenericKubernetesResource.class);
    }

    /**
     * @throws IllegalArgumentException when the resource is not a valid HealingAction
     */
    public HealingAction fromResource(GenericKubernetesResource resource) {
        Decoded<HealingAction> decoded = decode(resource);
        if (decoded instanceof Decoded.Value<HealingAction> v) {
            return v.value();
        }
        if (decoded instanceof Decoded.Invalid<HealingAction> bad) {
            throw new IllegalArgumentException(bad.deadLetter().reason());
        }
        throw new IllegalArgumentException("empty HealingAction");
    }

    public Decoded<HealingAction> decode(GenericKubernetesResource resource) {
        byte[] json =
                client.getKubernetesSerialization()
                        .asJson(resource)
                        .getBytes(StandardCharsets.UTF_8);
        return CODEC.decode("healingactions", -1, -1, null, json);
    }
}
