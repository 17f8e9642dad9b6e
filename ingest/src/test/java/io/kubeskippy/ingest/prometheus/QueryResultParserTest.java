package io.kubeskippy.ingest.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubeskippy.ingest.IngestCounters.Drop;
import io.kubeskippy.model.record.MetricSample;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryResultParserTest {

    private static final long T0_MS = 1_763_800_000_781L;

    @Test
    void namesVectorSamplesByTheQueryAndKeepsTheOtherLabels() {
        String json =
                """
                {"status":"success","data":{"resultType":"vector","result":[
                  {"metric":{"__name__":"container_memory_working_set_bytes","namespace":"shop",
                             "pod":"cart-7f9c","container":"app"},
                   "value":[1763800000.781,"123450000"]},
                  {"metric":{"namespace":"shop","pod":"cart-8a1b"},"value":[1763800000.781,"1.5e+08"]}
                ]}}
                """;

        QueryResultParser.Result result = parse(json, "mem");

        assertThat(result.samples())
                .containsExactly(
                        new MetricSample(
                                "mem",
                                Map.of("namespace", "shop", "pod", "cart-7f9c", "container", "app"),
                                T0_MS,
                                1.2345e8),
                        new MetricSample(
                                "mem",
                                Map.of("namespace", "shop", "pod", "cart-8a1b"),
                                T0_MS,
                                1.5e8));
        assertThat(result.samples().get(0).key()).isEqualTo("shop/cart-7f9c");
        assertThat(result.dropped()).isEmpty();
    }

    @Test
    void namesSamplesBySeriesNameWhenTheQueryHasNone() {
        String json =
                """
                {"status":"success","data":{"resultType":"vector","result":[
                  {"metric":{"__name__":"up","job":"prometheus"},"value":[1763800000.781,"1"]},
                  {"metric":{"job":"summed"},"value":[1763800000.781,"3"]}
                ]}}
                """;

        QueryResultParser.Result result = parse(json, null);

        assertThat(result.samples())
                .containsExactly(new MetricSample("up", Map.of("job", "prometheus"), T0_MS, 1));
        assertThat(result.dropped(Drop.NO_NAME)).isEqualTo(1);
    }

    @Test
    void readsAScalarAsOneSampleWithoutLabels() {
        String json =
                """
                {"status":"success","data":{"resultType":"scalar","result":[1763800000.781,"42"]}}
                """;

        assertThat(parse(json, "answer").samples())
                .containsExactly(new MetricSample("answer", Map.of(), T0_MS, 42));
    }

    @Test
    void readsEveryPointOfAMatrix() {
        String json =
                """
                {"status":"success","data":{"resultType":"matrix","result":[
                  {"metric":{"__name__":"up"},"values":[[1763800000,"1"],[1763800015,"0"]]}
                ]}}
                """;

        assertThat(parse(json, null).samples())
                .extracting(MetricSample::timestampMs, MetricSample::value)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1_763_800_000_000L, 1.0),
                        org.assertj.core.groups.Tuple.tuple(1_763_800_015_000L, 0.0));
    }

    @Test
    void dropsNanAndInfinitiesAndCountsThem() {
        String json =
                """
                {"status":"success","data":{"resultType":"vector","result":[
                  {"metric":{"pod":"a"},"value":[1763800000.781,"NaN"]},
                  {"metric":{"pod":"b"},"value":[1763800000.781,"+Inf"]},
                  {"metric":{"pod":"c"},"value":[1763800000.781,"-Inf"]},
                  {"metric":{"pod":"d"},"value":[1763800000.781,"-0.25"]}
                ]}}
                """;

        QueryResultParser.Result result = parse(json, "ratio");

        assertThat(result.samples())
                .containsExactly(new MetricSample("ratio", Map.of("pod", "d"), T0_MS, -0.25));
        assertThat(result.dropped())
                .containsExactlyInAnyOrderEntriesOf(Map.of(Drop.NAN, 1L, Drop.INFINITE, 2L));
    }

    @Test
    void anEmptyVectorIsNoSamples() {
        String json = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";

        assertThat(parse(json, "x").samples()).isEmpty();
    }

    @Test
    void reportsPrometheusErrorsAndUnreadableAnswersOnOneLine() {
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"status\":\"error\",\"errorType\":\"bad_data\","
                                                + "\"error\":\"1:5: parse error: unexpected"
                                                + " character\"}",
                                        "x"))
                .hasMessage(
                        "Prometheus answered status 'error' (bad_data): 1:5: parse error:"
                                + " unexpected character");
        assertThatThrownBy(() -> parse("<html>503</html>", "x"))
                .hasMessageStartingWith("answer is not JSON");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"status\":\"success\",\"data\":{\"resultType\":\"string\","
                                                + "\"result\":[1,\"a\"]}}",
                                        "x"))
                .hasMessageContaining("result type 'string'");
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
                                                + "\"result\":[{\"metric\":{},\"value\":[1,\"1d\"]}]}}",
                                        "x"))
                .hasMessageContaining("'1d' is no number");
    }

    private static QueryResultParser.Result parse(String json, String name) {
        return QueryResultParser.parse(json.getBytes(StandardCharsets.UTF_8), name);
    }
}
