package io.kubeskippy.ingest.policy;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubeskippy.model.policy.Diagnostic;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reports on HealingPolicy resources with Kubernetes Events, as {@code kubectl describe} shows. */
final class PolicyEventRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyEventRecorder.class);

    /** The reasons of the Events ingest records; a closed set. */
    enum Reason {
        /** The resource has errors; it is not published and the last good version stays. */
        PolicyRejected
    }

    static final String COMPONENT = "kubeskippy-ingest";

    /** The API server rejects longer Event messages. */
    static final int MAX_MESSAGE_LENGTH = 1024;

    private final KubernetesClient client;
    private final Clock clock;

    PolicyEventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /**
     * Records a Warning Event {@code PolicyRejected} on {@code resource} naming its first errors.
     * Idempotent per resource version: the Event's name derives from uid and resourceVersion.
     * Failures are logged, never thrown.
     */
    void rejected(GenericKubernetesResource resource, List<Diagnostic> errors) {
        String namespace = resource.getMetadata().getNamespace();
        String name = resource.getMetadata().getName();
        String uid = resource.getMetadata().getUid();
        String resourceVersion = resource.getMetadata().getResourceVersion();
        String now =
                DateTimeFormatter.ISO_INSTANT.format(
                        clock.instant().truncatedTo(ChronoUnit.SECONDS));
        Event event =
                new EventBuilder()
                        .withNewMetadata()
                        .withNamespace(namespace)
                        .withName(eventName(name, uid, resourceVersion))
                        .endMetadata()
                        .withInvolvedObject(
                                new ObjectReferenceBuilder()
                                        .withApiVersion(resource.getApiVersion())
                                        .withKind(resource.getKind())
                                        .withNamespace(namespace)
                                        .withName(name)
                                        .withUid(uid)
                                        .withResourceVersion(resourceVersion)
                                        .build())
                        .withReason(Reason.PolicyRejected.name())
                        .withType("Warning")
                        .withMessage(message(errors))
                        .withNewSource()
                        .withComponent(COMPONENT)
                        .endSource()
                        .withReportingComponent(COMPONENT)
                        .withFirstTimestamp(now)
                        .withLastTimestamp(now)
                        .withCount(1)
                        .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return; // recorded already for this version
            }
            LOG.warn(
                    "Cannot record a {} Event on {} {}/{}: {}",
                    Reason.PolicyRejected,
                    resource.getKind(),
                    namespace,
                    name,
                    e.getMessage());
        }
    }

    /** {@code N error(s): path: message; path: message ...}, cut to the API server's limit. */
    static String message(List<Diagnostic> errors) {
        StringBuilder out = new StringBuilder();
        out.append(errors.size())
                .append(errors.size() == 1 ? " error" : " errors")
                .append("; the last good version stays active: ");
        for (int i = 0; i < errors.size(); i++) {
            Diagnostic d = errors.get(i);
            if (i > 0) {
                out.append("; ");
            }
            if (!d.path().isEmpty()) {
                out.append(d.path()).append(": ");
            }
            out.append(d.message());
        }
        if (out.length() > MAX_MESSAGE_LENGTH) {
            out.setLength(MAX_MESSAGE_LENGTH - 3);
            out.append("...");
        }
        return out.toString();
    }

    /** {@code name.<hash>}, like the Events of kubectl, and stable for one resource version. */
    static String eventName(String name, String uid, String resourceVersion) {
        String hash =
                PolicyDirectory.sha256(
                                (uid + "/" + resourceVersion + "/" + Reason.PolicyRejected)
                                        .getBytes(StandardCharsets.UTF_8))
                        .substring(0, 16)
                        .toLowerCase(Locale.ROOT);
        String prefix = name.length() > 253 - 17 ? name.substring(0, 253 - 17) : name;
        return prefix + "." + hash;
    }
}
