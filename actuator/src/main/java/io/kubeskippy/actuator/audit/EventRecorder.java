package io.kubeskippy.actuator.audit;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events on targets, with a reason from {@link EventReason} and the
 * HealingAction as the related object, as {@code kubectl describe} shows them. Idempotent: an
 * Event's name derives from the action and the reason, so a retried step records it once. A failure
 * is logged and counted, never thrown: the audit topic and the HealingAction status still hold the
 * outcome.
 */
public final class EventRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

    public static final String COMPONENT = "kubeskippy-actuator";

    /** The API server refuses longer Event messages. */
    static final int MAX_MESSAGE_LENGTH = 1024;

    private final KubernetesClient client;
    private final Clock clock;
    private final AtomicLong failures = new AtomicLong();

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** Records {@code reason} on {@code target}, about {@code action}. */
    public void record(
            ResourceRef target, EventReason reason, String message, HealingAction action) {
        String namespace = target.namespace();
        if (namespace == null) {
            return;
        }
        String now =
                DateTimeFormatter.ISO_INSTANT.format(
                        clock.instant().truncatedTo(ChronoUnit.SECONDS));
        ObjectReference related =
                new ObjectReferenceBuilder()
                        .withApiVersion(HealingAction.API_VERSION)
                        .withKind(HealingAction.KIND)
                        .withNamespace(
                                action.metadata().namespace() == null
                                        ? namespace
                                        : action.metadata().namespace())
                        .withName(action.name())
                        .withUid(action.metadata().uid())
                        .build();
        Event event =
                new EventBuilder()
                        .withNewMetadata()
                        .withNamespace(namespace)
                        .withName(eventName(target.name(), action.name(), reason))
                        .endMetadata()
                        .withInvolvedObject(
                                new ObjectReferenceBuilder()
                                        .withApiVersion(target.apiVersion())
                                        .withKind(target.kind())
                                        .withNamespace(namespace)
                                        .withName(target.name())
                                        .withUid(target.uid())
                                        .build())
                        .withRelated(related)
                        .withReason(reason.name())
                        .withType(reason.type())
                        .withMessage(cut(message))
                        .withNewSource()
                        .withComponent(COMPONENT)
                        .endSource()
                        .withReportingComponent(COMPONENT)
                        .withAction(action.spec().action().type().wireName())
                        .withFirstTimestamp(now)
                        .withLastTimestamp(now)
                        .withCount(1)
                        .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return; // recorded already by an earlier try of this step
            }
            failures.incrementAndGet();
            LOG.warn(
                    "Cannot record a {} Event on {} {}: {}",
                    reason,
                    target.kind(),
                    target.key(),
                    e.getMessage());
        }
    }

    public long failures() {
        return failures.get();
    }

    static String cut(String message) {
        if (message == null) {
            return "";
        }
        return message.length() <= MAX_MESSAGE_LENGTH
                ? message
                : message.substring(0, MAX_MESSAGE_LENGTH - 3) + "...";
    }

    /** {@code target.<16 hex>}, stable for one action and reason. */
    static String eventName(String target, String action, EventReason reason) {
        String hash;
        try {
            hash =
                    HexFormat.of()
                            .formatHex(
                                    MessageDigest.getInstance("SHA-256")
                                            .digest(
                                                    (action + "/" + reason)
                                                            .getBytes(StandardCharsets.UTF_8)))
                            .substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        String prefix = target.length() > 253 - 17 ? target.substring(0, 253 - 17) : target;
        return prefix + "." + hash;
    }
}
