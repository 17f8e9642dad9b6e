package io.kubeskippy.model.record;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.kubeskippy.model.policy.PolicyAction;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HealingAction custom resource ({@code kubeskippy.io/v1alpha1}), exactly as the actuator
 * creates it: the record of {@code skippy.actions}. Compatible with the original KubeSkippy CRD,
 * plus {@code spec.detection} (the finding) and {@code spec.enrichment} (what the LLM said, or why
 * it said nothing).
 *
 * <p>{@code metadata.name} is the deterministic action id ({@link ActionId}): the same finding
 * always gives the same name, so replays and retries are idempotent.
 */
@JsonPropertyOrder({"apiVersion", "kind", "metadata", "spec", "status"})
public record HealingAction(
        @JsonProperty(required = true) String apiVersion,
        @JsonProperty(required = true) String kind,
        @JsonProperty(required = true) Metadata metadata,
        @JsonProperty(required = true) Spec spec,
        Status status,
        @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

    public static final String API_VERSION = "kubeskippy.io/v1alpha1";
    public static final String KIND = "HealingAction";

    public HealingAction {
        if (!API_VERSION.equals(apiVersion)) {
            throw new IllegalArgumentException(
                    "apiVersion must be " + API_VERSION + ", got " + apiVersion);
        }
        if (!KIND.equals(kind)) {
            throw new IllegalArgumentException("kind must be " + KIND + ", got " + kind);
        }
        if (metadata == null) {
            throw new IllegalArgumentException("metadata is required");
        }
        if (spec == null) {
            throw new IllegalArgumentException("spec is required");
        }
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    public HealingAction(Metadata metadata, Spec spec) {
        this(API_VERSION, KIND, metadata, spec, null, Map.of());
    }

    /** The action's name, which is its id. */
    @JsonIgnore
    public String name() {
        return metadata.name();
    }

    public HealingAction withStatus(Status newStatus) {
        return new HealingAction(apiVersion, kind, metadata, spec, newStatus, extra);
    }

    /** Object metadata: the subset KubeSkippy reads and writes. */
    @JsonPropertyOrder({
        "name",
        "namespace",
        "uid",
        "resourceVersion",
        "creationTimestamp",
        "labels",
        "annotations"
    })
    public record Metadata(
            @JsonProperty(required = true) String name,
            String namespace,
            String uid,
            String resourceVersion,
            Instant creationTimestamp,
            Map<String, String> labels,
            Map<String, String> annotations) {
        public Metadata {
            ActionId.requireValid(name);
            labels =
                    labels == null
                            ? Map.of()
                            : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
            annotations =
                    annotations == null
                            ? Map.of()
                            : Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
        }

        public static Metadata named(String name, String namespace) {
            return new Metadata(name, namespace, null, null, null, null, null);
        }
    }

    /** The seed's policy reference. */
    public record PolicyRef(
            @JsonProperty(required = true) String name, String namespace, String uid) {
        public PolicyRef {
            ResourceRef.requireText(name, "policyRef.name");
        }
    }

    /** The seed's retry policy: 3 attempts, 30 s backoff, doubling. */
    public record RetryPolicy(Integer maxAttempts, String backoffDelay, Double backoffMultiplier) {
        public static final RetryPolicy DEFAULTS = new RetryPolicy(null, null, null);

        public RetryPolicy {
            maxAttempts = maxAttempts == null ? 3 : maxAttempts;
            backoffDelay = backoffDelay == null ? "30s" : backoffDelay;
            backoffMultiplier = backoffMultiplier == null ? 2.0 : backoffMultiplier;
            if (!Double.isFinite(backoffMultiplier) || backoffMultiplier < 1) {
                throw new IllegalArgumentException(
                        "retryPolicy.backoffMultiplier must be a finite number >= 1, got "
                                + backoffMultiplier);
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException(
                        "retryPolicy.maxAttempts must be >= 1, got " + maxAttempts);
            }
        }
    }

    /** The desired healing. */
    @JsonPropertyOrder({
        "policyRef",
        "targetResource",
        "action",
        "approvalRequired",
        "dryRun",
        "timeout",
        "retryPolicy",
        "detection",
        "enrichment"
    })
    public record Spec(
            @JsonProperty(required = true) PolicyRef policyRef,
            @JsonProperty(required = true) ResourceRef targetResource,
            @JsonProperty(required = true) PolicyAction action,
            // Optional in the seed's CRD: absent (or null) means false, as in Kubernetes.
            @JsonSetter(nulls = Nulls.AS_EMPTY) boolean approvalRequired,
            @JsonSetter(nulls = Nulls.AS_EMPTY) boolean dryRun,
            String timeout,
            RetryPolicy retryPolicy,
            Detection detection,
            Enrichment enrichment) {
        public Spec {
            if (policyRef == null) {
                throw new IllegalArgumentException("spec.policyRef is required");
            }
            if (targetResource == null) {
                throw new IllegalArgumentException("spec.targetResource is required");
            }
            if (action == null) {
                throw new IllegalArgumentException("spec.action is required");
            }
            timeout = timeout == null ? "10m" : timeout;
            retryPolicy = retryPolicy == null ? RetryPolicy.DEFAULTS : retryPolicy;
        }
    }

    /** The finding that caused the action. */
    @JsonPropertyOrder({
        "findingId",
        "trigger",
        "pattern",
        "firstEvidenceAt",
        "detectedAt",
        "evidence"
    })
    public record Detection(
            String findingId,
            String trigger,
            @JsonProperty(required = true) String pattern,
            Instant firstEvidenceAt,
            @JsonProperty(required = true) Instant detectedAt,
            Map<String, Object> evidence) {
        public Detection {
            ResourceRef.requireText(pattern, "detection.pattern");
            if (detectedAt == null) {
                throw new IllegalArgumentException("detection.detectedAt is required");
            }
            evidence = Finding.Evidence.copyOf(evidence);
        }

        public static Detection of(Finding finding) {
            return new Detection(
                    finding.id(),
                    finding.trigger(),
                    finding.pattern(),
                    finding.firstEvidenceAt(),
                    finding.detectedAt(),
                    finding.evidence());
        }
    }

    /**
     * What the LLM said about the finding, or why nothing was asked. Every field comes from an
     * actual reply or an actual failure: with {@code source: none}, {@code confidence} is absent.
     */
    @JsonPropertyOrder({
        "source",
        "model",
        "confidence",
        "summary",
        "rootCause",
        "reasoning",
        "rankedActions",
        "latencyMs",
        "fallbackReason",
        "reusedFrom"
    })
    public record Enrichment(
            @JsonProperty(required = true) Source source,
            String model,
            Double confidence,
            String summary,
            String rootCause,
            String reasoning,
            List<String> rankedActions,
            Long latencyMs,
            String fallbackReason,
            String reusedFrom) {

        /** Who enriched: nobody, an Ollama server, or an OpenAI-compatible server. */
        public enum Source {
            @JsonProperty("none")
            NONE,
            @JsonProperty("ollama")
            OLLAMA,
            @JsonProperty("openai")
            OPENAI
        }

        public Enrichment {
            if (source == null) {
                throw new IllegalArgumentException(
                        "enrichment.source is required (none, ollama or openai)");
            }
            if (confidence != null
                    && (!Double.isFinite(confidence) || confidence < 0 || confidence > 1)) {
                throw new IllegalArgumentException(
                        "enrichment.confidence must be within 0..1, got " + confidence);
            }
            if (source == Source.NONE && confidence != null) {
                throw new IllegalArgumentException(
                        "enrichment.confidence must be absent when source is none");
            }
            rankedActions = rankedActions == null ? List.of() : List.copyOf(rankedActions);
        }

        /** An enrichment asked for this finding, not reused from another's. */
        public Enrichment(
                Source source,
                String model,
                Double confidence,
                String summary,
                String rootCause,
                String reasoning,
                List<String> rankedActions,
                Long latencyMs,
                String fallbackReason) {
            this(
                    source,
                    model,
                    confidence,
                    summary,
                    rootCause,
                    reasoning,
                    rankedActions,
                    latencyMs,
                    fallbackReason,
                    null);
        }

        /** Rule-only decision: no LLM was asked, for the given reason. */
        public static Enrichment none(String reason) {
            return new Enrichment(Source.NONE, null, null, null, null, null, null, null, reason);
        }
    }

    /** The seed's status phases. */
    public enum Phase {
        Pending,
        Approved,
        InProgress,
        Succeeded,
        Failed,
        Cancelled
    }

    /** Status, written by the actuator through the status subresource. */
    @JsonPropertyOrder({
        "phase",
        "startTime",
        "completionTime",
        "attempts",
        "lastAttemptTime",
        "result",
        "approval",
        "conditions",
        "observedGeneration"
    })
    public record Status(
            Phase phase,
            Instant startTime,
            Instant completionTime,
            Integer attempts,
            Instant lastAttemptTime,
            Result result,
            Approval approval,
            List<Condition> conditions,
            Long observedGeneration) {
        public Status {
            conditions = conditions == null ? List.of() : List.copyOf(conditions);
        }
    }

    /** The result of the last attempt. */
    public record Result(
            Boolean success,
            String message,
            String error,
            Map<String, String> metrics,
            List<Change> changes) {
        public Result {
            metrics =
                    metrics == null
                            ? Map.of()
                            : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
            changes = changes == null ? List.of() : List.copyOf(changes);
        }
    }

    /** Approval state of an action that requires one. */
    public record Approval(
            Boolean required,
            Boolean approved,
            String approvedBy,
            Instant approvedAt,
            String reason) {}

    /** A Kubernetes-style status condition. */
    public record Condition(
            @JsonProperty(required = true) String type,
            @JsonProperty(required = true) String status,
            String reason,
            String message,
            Instant lastTransitionTime) {}
}
