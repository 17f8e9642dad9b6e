package io.kubeskippy.demo.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * Encodes samples as a Prometheus remote write 1.0 body: a protobuf {@code prometheus.WriteRequest}
 * (one TimeSeries per sample, labels sorted by name with {@code __name__} among them), compressed
 * with snappy's block format. Written by hand from the protobuf wire format (a few fields of three
 * messages) so the demo needs no generated code. Pure.
 */
final class RemoteWriteEncoder {

    /** The headers remote write 1.0 requires. */
    static final Map<String, String> HEADERS =
            Map.of(
                    "Content-Encoding", "snappy",
                    "Content-Type", "application/x-protobuf",
                    "X-Prometheus-Remote-Write-Version", "0.1.0",
                    "User-Agent", "kubeskippy-demo-kubelet/0.1");

    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED64 = 1;
    private static final int VARINT = 0;

    private RemoteWriteEncoder() {}

    /** The snappy-compressed WriteRequest of {@code samples}. */
    static byte[] encode(List<Sample> samples) {
        try {
            return Snappy.compress(writeRequest(samples));
        } catch (IOException e) {
            throw new UncheckedIOException("snappy failed", e);
        }
    }

    /** The uncompressed WriteRequest of {@code samples}. */
    static byte[] writeRequest(List<Sample> samples) {
        ByteArrayOutputStream request = new ByteArrayOutputStream(samples.size() * 160);
        ByteArrayOutputStream series = new ByteArrayOutputStream(256);
        ByteArrayOutputStream part = new ByteArrayOutputStream(64);
        for (Sample s : samples) {
            series.reset();
            // labels sorted by name: "__name__" sorts before lower-case names
            label(series, part, "__name__", s.name());
            for (Map.Entry<String, String> l : s.labels().entrySet()) {
                if (l.getKey().compareTo("__name__") < 0) {
                    throw new IllegalArgumentException("label name sorts before __name__: " + l);
                }
                label(series, part, l.getKey(), l.getValue());
            }
            part.reset();
            tag(part, 1, FIXED64);
            fixed64(part, Double.doubleToRawLongBits(s.value()));
            tag(part, 2, VARINT);
            varint(part, s.timestampMs());
            bytesField(series, 2, part.toByteArray());
            bytesField(request, 1, series.toByteArray());
        }
        return request.toByteArray();
    }

    private static void label(
            ByteArrayOutputStream series, ByteArrayOutputStream part, String name, String value) {
        part.reset();
        bytesField(part, 1, name.getBytes(StandardCharsets.UTF_8));
        bytesField(part, 2, value.getBytes(StandardCharsets.UTF_8));
        bytesField(series, 1, part.toByteArray());
    }

    private static void bytesField(ByteArrayOutputStream out, int field, byte[] bytes) {
        tag(out, field, LENGTH_DELIMITED);
        varint(out, bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    private static void tag(ByteArrayOutputStream out, int field, int wireType) {
        varint(out, ((long) field << 3) | wireType);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static void fixed64(ByteArrayOutputStream out, long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)) & 0xFF);
        }
    }
}
