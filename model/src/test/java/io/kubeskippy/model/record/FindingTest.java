package io.kubeskippy.model.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeskippy.model.serde.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FindingTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    private static Finding finding(Map<String, Object> evidence) {
        return finding(evidence, null);
    }

    private static Finding finding(Map<String, Object> evidence, SeriesSummary series) {
        return new Finding(
                "f-1",
                "memory-leak",
                "memory-growth",
                ResourceRef.pod("shop", "cart-7f9c", "uid-1"),
                "growth",
                T0,
                T0.plusSeconds(600),
                evidence,
                series,
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
    void aSeriesSurvivesAJsonRoundTripWithItsEmptyBuckets() {
        SeriesSummary series =
                new SeriesSummary(
                        T0,
                        150_000,
                        Arrays.asList(1.0, null, 3.5),
                        Arrays.asList(0.5, null, 3.0),
                        Arrays.asList(1.5, null, 4.0));
        Finding original = finding(Map.of("slope", 2.0), series);
        RecordCodec<Finding> codec = RecordCodec.findings();

        Finding decoded = codec.decodeOrThrow(codec.encode(original));

        assertThat(decoded).isEqualTo(original);
        assertThat(decoded.suppress("cooldown").series()).isEqualTo(series);
        assertThat(new String(codec.encode(original), StandardCharsets.UTF_8))
                .contains(
                        "\"series\":{\"from\":\"2026-11-22T10:00:00Z\",\"stepMs\":150000,"
                                + "\"mean\":[1.0,null,3.5]");
    }

    @Test
    void rejectsASeriesWhoseBucketsDisagreeOrAreNotFinite() {
        List<Double> three = List.of(1.0, 2.0, 3.0);
        assertThatThrownBy(() -> new SeriesSummary(T0, 1000, three, three, List.of(1.0)))
                .hasMessage("series.mean, min and max must have as many buckets, got 3, 3 and 1");
        assertThatThrownBy(
                        () -> new SeriesSummary(T0, 1000, List.of(1.0, Double.NaN), three, three))
                .hasMessage("series.mean[1] must be finite or null, got NaN");
        assertThatThrownBy(() -> new SeriesSummary(T0, 0, three, three, three))
                .hasMessage("series.stepMs must be > 0, got 0");
        assertThatThrownBy(() -> new SeriesSummary(T0, 1000, List.of(), three, three))
                .hasMessage("series.mean must have a bucket at least");
    }

    @Test
    void rejectsNonFiniteEvidence() {
        assertThatThrownBy(() -> finding(Map.of("slope", Float.NaN)))
                .hasMessage("evidence.slope must be finite, got NaN");
    }
}
