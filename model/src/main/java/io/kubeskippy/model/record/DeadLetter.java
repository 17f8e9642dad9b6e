package io.kubeskippy.model.record;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * A record that could not be read, with where it came from and why. The raw value is kept (base64,
 * capped at {@link #MAX_VALUE_BYTES}) so it can be inspected and replayed.
 *
 * @param partition -1 when the record did not come from a Kafka partition (a file, an HTTP body)
 * @param offset the Kafka offset, or the line number for a file, or -1
 */
@JsonPropertyOrder({
    "sourceTopic",
    "partition",
    "offset",
    "key",
    "reason",
    "failedAt",
    "valueBytes",
    "truncated",
    "valueBase64"
})
public record DeadLetter(
        @JsonProperty(required = true) String sourceTopic,
        int partition,
        long offset,
        String key,
        @JsonProperty(required = true) String reason,
        @JsonProperty(required = true) Instant failedAt,
        int valueBytes,
        boolean truncated,
        String valueBase64) {

    /** Raw bytes kept per dead letter; a 10 MB record keeps only its first 64 KiB. */
    public static final int MAX_VALUE_BYTES = 64 * 1024;

    /** Reasons are kept readable: an exception message cannot flood the topic. */
    public static final int MAX_REASON_CHARS = 2000;

    public DeadLetter {
        ResourceRef.requireText(sourceTopic, "sourceTopic");
        ResourceRef.requireText(reason, "reason");
        if (failedAt == null) {
            throw new IllegalArgumentException("failedAt is required");
        }
        if (reason.length() > MAX_REASON_CHARS) {
            reason = reason.substring(0, MAX_REASON_CHARS) + "...";
        }
    }

    /** A dead letter for {@code value}, keeping at most {@link #MAX_VALUE_BYTES} of it. */
    public static DeadLetter of(
            String sourceTopic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            String reason,
            Instant failedAt) {
        String keyText = key == null ? null : new String(key, StandardCharsets.UTF_8);
        if (value == null) {
            return new DeadLetter(
                    sourceTopic, partition, offset, keyText, reason, failedAt, 0, false, null);
        }
        boolean truncated = value.length > MAX_VALUE_BYTES;
        byte[] kept = truncated ? Arrays.copyOf(value, MAX_VALUE_BYTES) : value;
        return new DeadLetter(
                sourceTopic,
                partition,
                offset,
                keyText,
                reason,
                failedAt,
                value.length,
                truncated,
                Base64.getEncoder().encodeToString(kept));
    }

    /** The kept raw bytes (all of them unless {@link #truncated()}). */
    @JsonIgnore
    public byte[] value() {
        return valueBase64 == null ? new byte[0] : Base64.getDecoder().decode(valueBase64);
    }
}
