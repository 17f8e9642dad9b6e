package io.kubeskippy.model.record;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One detection: a policy's trigger matched on a target. Suppressed findings (cooldown, duplicate,
 * monitor mode, ...) are published too, with the reason in {@link #suppressed()}.
 *
 * @param evidence the numbers that made it fire (slope, r2, projectedLimitAt, amplitude, cycles,
 *     count, ...): each value a number, a string or a boolean
 * @param series the trend's window, downsampled (trend findings only; {@code null} otherwise)
 */
@JsonPropertyOrder({
    "id",
    "policy",
    "trigger",
    "target",
    "pattern",
    "firstEvidenceAt",
    "detectedAt",
    "evidence",
    "series",
    "suppressed"
})
public record Finding(
        @JsonProperty(required = true) String id,
        @JsonProperty(required = true) String policy,
        @JsonProperty(required = true) String trigger,
        @JsonProperty(required = true) ResourceRef target,
        @JsonProperty(required = true) String pattern,
        Instant firstEvidenceAt,
        @JsonProperty(required = true) Instant detectedAt,
        Map<String, Object> evidence,
        SeriesSummary series,
        String suppressed) {

    public Finding {
        ResourceRef.requireText(id, "id");
        ResourceRef.requireText(policy, "policy");
        ResourceRef.requireText(trigger, "trigger");
        ResourceRef.requireText(pattern, "pattern");
        if (target == null) {
            throw new IllegalArgumentException("target is required");
        }
        if (detectedAt == null) {
            throw new IllegalArgumentException("detectedAt is required");
        }
        if (firstEvidenceAt != null && firstEvidenceAt.isAfter(detectedAt)) {
            throw new IllegalArgumentException(
                    "firstEvidenceAt " + firstEvidenceAt + " is after detectedAt " + detectedAt);
        }
        evidence = Evidence.copyOf(evidence);
        if (suppressed != null && suppressed.isBlank()) {
            suppressed = null;
        }
    }

    /** A finding without a series (every pattern but a trend's). */
    public Finding(
            String id,
            String policy,
            String trigger,
            ResourceRef target,
            String pattern,
            Instant firstEvidenceAt,
            Instant detectedAt,
            Map<String, Object> evidence,
            String suppressed) {
        this(
                id,
                policy,
                trigger,
                target,
                pattern,
                firstEvidenceAt,
                detectedAt,
                evidence,
                null,
                suppressed);
    }

    /** This finding, marked as suppressed for the given reason. */
    public Finding suppress(String reason) {
        return new Finding(
                id,
                policy,
                trigger,
                target,
                pattern,
                firstEvidenceAt,
                detectedAt,
                evidence,
                series,
                reason);
    }

    /**
     * Checks evidence maps: scalar values only, insertion order kept. Whole numbers become {@code
     * Long} and other numbers {@code Double}, so a record equals itself after a JSON round trip
     * (Jackson reads small numbers back as {@code Integer}).
     */
    static final class Evidence {
        private Evidence() {}

        static Map<String, Object> copyOf(Map<String, Object> evidence) {
            if (evidence == null) {
                return Map.of();
            }
            for (Map.Entry<String, Object> entry : evidence.entrySet()) {
                Object v = entry.getValue();
                if (!(v instanceof Number || v instanceof String || v instanceof Boolean)) {
                    throw new IllegalArgumentException(
                            "evidence."
                                    + entry.getKey()
                                    + " must be a number, string or boolean, got "
                                    + shape(v));
                }
                if (v instanceof Number n && !Double.isFinite(n.doubleValue())) {
                    throw new IllegalArgumentException(
                            "evidence." + entry.getKey() + " must be finite, got " + n);
                }
            }
            Map<String, Object> copy = new LinkedHashMap<>();
            evidence.forEach((k, v) -> copy.put(k, normalise(v)));
            return Collections.unmodifiableMap(copy);
        }

        private static Object normalise(Object v) {
            if (v instanceof Integer
                    || v instanceof Long
                    || v instanceof Short
                    || v instanceof Byte) {
                return ((Number) v).longValue();
            }
            if (v instanceof java.math.BigInteger big && big.bitLength() < 64) {
                return big.longValue();
            }
            if (v instanceof Number n && !(v instanceof Long)) {
                return n.doubleValue();
            }
            return v;
        }

        /** The JSON shape of a rejected value, in the words of the document it came from. */
        private static String shape(Object v) {
            if (v == null) {
                return "null";
            }
            if (v instanceof Map) {
                return "an object";
            }
            if (v instanceof java.util.Collection || v.getClass().isArray()) {
                return "an array";
            }
            return v.getClass().getSimpleName();
        }
    }
}
