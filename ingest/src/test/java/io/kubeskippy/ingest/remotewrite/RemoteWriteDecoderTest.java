package io.kubeskippy.ingest.remotewrite;

import static io.kubeskippy.ingest.remotewrite.WriteRequests.T0;
import static io.kubeskippy.ingest.remotewrite.WriteRequests.body;
import static io.kubeskippy.ingest.remotewrite.WriteRequests.request;
import static io.kubeskippy.ingest.remotewrite.WriteRequests.series;
import static io.kubeskippy.ingest.remotewrite.WriteRequests.snappy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import io.kubeskippy.ingest.IngestCounters.Drop;
import io.kubeskippy.ingest.IngestCounters.Rejection;
import io.kubeskippy.ingest.remotewrite.proto.MetricMetadata;
import io.kubeskippy.ingest.remotewrite.proto.TimeSeries;
import io.kubeskippy.ingest.remotewrite.proto.WriteRequest;
import io.kubeskippy.model.record.MetricSample;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RemoteWriteDecoderTest {

    private static final double STALE = Double.longBitsToDouble(RemoteWriteDecoder.STALE_NAN_BITS);

    private final RemoteWriteDecoder decoder = new RemoteWriteDecoder(64 * 1024, 512 * 1024);

    @Test
    void decodesEverySampleOfEverySeriesWithNameAndLabels() throws Exception {
        WriteRequest request =
                request(
                        series(
                                "container_memory_working_set_bytes",
                                Map.of("namespace", "shop", "pod", "cart-7f9c", "container", "app"),
                                T0,
                                1.2345e8,
                                T0 + 15_000,
                                1.25e8),
                        series("up", Map.of("job", "prometheus"), T0, 1));

        RemoteWriteBatch batch = decoder.decode(body(request));

        assertThat(batch.samples())
                .containsExactly(
                        new MetricSample(
                                "container_memory_working_set_bytes",
                                Map.of("namespace", "shop", "pod", "cart-7f9c", "container", "app"),
                                T0,
                                1.2345e8),
                        new MetricSample(
                                "container_memory_working_set_bytes",
                                Map.of("namespace", "shop", "pod", "cart-7f9c", "container", "app"),
                                T0 + 15_000,
                                1.25e8),
                        new MetricSample("up", Map.of("job", "prometheus"), T0, 1));
        assertThat(batch.samples().get(0).key()).isEqualTo("shop/cart-7f9c");
        assertThat(batch.samples().get(2).key()).isEqualTo("up");
        assertThat(batch.samples())
                .allSatisfy(s -> assertThat(s.labels()).doesNotContainKey("__name__"));
        assertThat(batch.series()).isEqualTo(2);
        assertThat(batch.decodedBytes()).isEqualTo(request.getSerializedSize());
        assertThat(batch.dropped()).isEmpty();
    }

    @Test
    void dropsNanStalenessMarkersAndInfinitiesAndCountsEachReason() throws Exception {
        WriteRequest request =
                request(
                        series(
                                "process_cpu_seconds_total",
                                Map.of("job", "node"),
                                T0,
                                Double.NaN,
                                T0 + 1,
                                STALE,
                                T0 + 2,
                                Double.POSITIVE_INFINITY,
                                T0 + 3,
                                Double.NEGATIVE_INFINITY,
                                T0 + 4,
                                7.5));

        RemoteWriteBatch batch = decoder.decode(body(request));

        assertThat(batch.samples())
                .containsExactly(
                        new MetricSample(
                                "process_cpu_seconds_total", Map.of("job", "node"), T0 + 4, 7.5));
        assertThat(batch.dropped())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(Drop.NAN, 1L, Drop.STALE_MARKER, 1L, Drop.INFINITE, 2L));
    }

    @Test
    void dropsSeriesWithoutANameAndNativeHistogramsAndBadTimestamps() throws Exception {
        TimeSeries nameless =
                series("x", Map.of("job", "a"), T0, 1, T0 + 1, 2).toBuilder()
                        .removeLabels(0) // __name__ sorts first
                        .build();
        TimeSeries histogram =
                TimeSeries.newBuilder()
                        .addAllLabels(series("rpc_seconds", Map.of(), T0, 0).getLabelsList())
                        .addHistograms(ByteString.copyFromUtf8("\u0008\u0001"))
                        .build();
        TimeSeries beforeEpoch = series("up", Map.of(), 0, 1);

        RemoteWriteBatch batch = decoder.decode(body(request(nameless, histogram, beforeEpoch)));

        assertThat(batch.samples()).isEmpty();
        assertThat(batch.dropped())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(Drop.NO_NAME, 2L, Drop.HISTOGRAM, 1L, Drop.INVALID, 1L));
    }

    @Test
    void treatsEmptyLabelValuesAsAbsent() throws Exception {
        RemoteWriteBatch batch =
                decoder.decode(body(request(series("up", Map.of("job", "a", "pod", ""), T0, 1))));

        assertThat(batch.samples())
                .singleElement()
                .satisfies(s -> assertThat(s.labels()).isEqualTo(Map.of("job", "a")));
    }

    @Test
    void acceptsAMetadataOnlyRequestAsEmpty() throws Exception {
        WriteRequest metadataOnly =
                WriteRequest.newBuilder()
                        .addMetadata(
                                MetricMetadata.newBuilder()
                                        .setType(MetricMetadata.MetricType.COUNTER)
                                        .setMetricFamilyName("http_requests_total")
                                        .setHelp("Requests."))
                        .build();

        RemoteWriteBatch batch = decoder.decode(body(metadataOnly));

        assertThat(batch.samples()).isEmpty();
        assertThat(batch.series()).isZero();
    }

    @Test
    void rejectsAnEmptyBody() {
        assertRejected(new byte[0], Rejection.MALFORMED, "empty body");
    }

    @Test
    void rejectsBytesThatAreNotSnappy() {
        assertRejected(
                "this is not snappy at all".getBytes(StandardCharsets.UTF_8),
                Rejection.MALFORMED,
                "snappy");
    }

    @Test
    void rejectsTruncatedSnappy() {
        byte[] full =
                body(
                        request(
                                series(
                                        "up",
                                        Map.of("job", "prometheus", "instance", "a:9090"),
                                        T0,
                                        1)));
        byte[] truncated = Arrays.copyOf(full, full.length - 5);

        assertRejected(truncated, Rejection.MALFORMED, "snappy");
    }

    @Test
    void rejectsValidSnappyThatIsNotAWriteRequest() {
        // 0xFF... is a varint tag that never ends: no protobuf message starts like this.
        byte[] notProtobuf =
                snappy(
                        new byte[] {
                            (byte) 0xFF,
                            (byte) 0xFF,
                            (byte) 0xFF,
                            (byte) 0xFF,
                            (byte) 0xFF,
                            (byte) 0xFF,
                            (byte) 0xFF,
                            (byte) 0xFF,
                            (byte) 0xFF,
                            (byte) 0xFF,
                            (byte) 0xFF
                        });

        assertRejected(notProtobuf, Rejection.MALFORMED, "not a protobuf WriteRequest");
    }

    @Test
    void rejectsATruncatedProtobuf() {
        // Field 1 (timeseries) says 5 bytes follow; 1 does.
        byte[] truncated = snappy(new byte[] {0x0A, 0x05, 0x0A});

        assertRejected(truncated, Rejection.MALFORMED, "not a protobuf WriteRequest");
    }

    @Test
    void rejectsABodyOverTheCompressedLimit() {
        RemoteWriteDecoder small = new RemoteWriteDecoder(16, 1024);

        assertRejected(
                small,
                body(request(series("up", Map.of("job", "prometheus"), T0, 1))),
                Rejection.TOO_LARGE,
                "over the 16-byte limit");
    }

    @Test
    void rejectsASmallBodyThatDeclaresAHugeUncompressedSize() {
        // 1 MiB of zeros compresses to a few KiB: under the body limit, over the decoded one.
        byte[] bomb = snappy(new byte[1024 * 1024]);
        assertThat(bomb.length).isLessThan(64 * 1024);

        assertRejected(bomb, Rejection.TOO_LARGE, "uncompressed body");
    }

    @Test
    void rejectsAForgedSnappyHeaderWithoutAllocatingIt() {
        // A varint length of ~2 GiB followed by nothing.
        byte[] forged = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};

        assertRejected(forged, Rejection.TOO_LARGE, "uncompressed body");
    }

    @Test
    void neverThrowsAnythingButARejectionOnRandomBytes() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 2_000; i++) {
            byte[] body = new byte[random.nextInt(200)];
            random.nextBytes(body);
            try {
                decoder.decode(body);
            } catch (RemoteWriteException e) {
                assertThat(e.status()).isIn(400, 413);
            }
        }
    }

    private void assertRejected(byte[] body, Rejection rejection, String reasonPart) {
        assertRejected(decoder, body, rejection, reasonPart);
    }

    private static void assertRejected(
            RemoteWriteDecoder decoder, byte[] body, Rejection rejection, String reasonPart) {
        RemoteWriteException e =
                catchThrowableOfType(RemoteWriteException.class, () -> decoder.decode(body));
        assertThat(e).as("decoding must be rejected").isNotNull();
        assertThat(e.rejection()).isEqualTo(rejection);
        assertThat(e.getMessage()).contains(reasonPart).doesNotContain("\n");
        assertThatThrownBy(() -> decoder.decode(body)).isInstanceOf(RemoteWriteException.class);
    }
}
