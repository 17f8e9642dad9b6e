package io.kubeskippy.model.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeskippy.model.serde.RecordCodec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FindingTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    private static Finding finding(Map<String, Object> evidence) {
        return new Finding(
                "f-1",
                "memory-leak",
                "memory-growth",
                ResourceRef.pod("shop", "cart-7f9c", "uid-1"),
                "growth",
                T0,
                T0.plusSeconds(600),
                evidence,
                null);
    }

    @Test
    void equalsItselfAfterAJsonRoundTripWhateverTheNumberTypes() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("points", 40L);
        evidence.put("cycles", 3);
        evidence.put("slope", 1048576.5);
        evidence.put("r2", 0.97f);
        evidence.put("projectedLimitAt", "2026-11-22T10:20:00Z");
        evidence.put("plateau", false);
        Finding original = finding(evidence);
        RecordCodec<Finding> codec = RecordCodec.findings();

        Finding decoded = codec.decodeOrThrow(codec.encode(original));

        assertThat(decoded).isEqualTo(original);
        assertThat(decoded.evidence().get("cycles")).isEqualTo(3L);
        assertThat(decoded.evidence().get("r2")).isInstanceOf(Double.class);
    }

    @Test
    void rejectsNonFiniteEvidence() {
        assertThatThrownBy(() -> finding(Map.of("slope", Float.NaN)))
                .hasMessage("evidence.slope must be finite, got NaN");
    }
}
