package io.kubeskippy.ingest.remotewrite;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kubeskippy.ingest.IngestCounters.Drop;
import io.kubeskippy.ingest.IngestCounters.Rejection;
import io.kubeskippy.ingest.remotewrite.proto.Label;
import io.kubeskippy.ingest.remotewrite.proto.Sample;
import io.kubeskippy.ingest.remotewrite.proto.TimeSeries;
import io.kubeskippy.ingest.remotewrite.proto.WriteRequest;
import io.kubeskippy.model.record.MetricSample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * Decodes a Prometheus remote write 1.0 body (a snappy block-compressed {@code WriteRequest}) into
 * MetricSamples: one per float sample, named by the series' {@code __name__} label and labelled by
 * the others. NaN values, staleness markers, infinities, native histograms and series without a
 * name are dropped and counted in the batch. Thread-safe.
 *
 * <p>Both the body and the uncompressed size that snappy declares in its header are checked against
 * limits before anything is decompressed, so a small body cannot make the receiver allocate a large
 * buffer.
 */
public final class RemoteWriteDecoder {

    /** The bit pattern Prometheus writes as the last sample of a series that went away. */
    public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

    static final String NAME_LABEL = "__name__";

    private final int maxCompressedBytes;
    private final int maxDecodedBytes;

    public RemoteWriteDecoder(int maxCompressedBytes, int maxDecodedBytes) {
        if (maxCompressedBytes < 1 || maxDecodedBytes < 1) {
            throw new IllegalArgumentException(
                    "size limits must be >= 1, got "
                            + maxCompressedBytes
                            + " and "
                            + maxDecodedBytes);
        }
        this.maxCompressedBytes = maxCompressedBytes;
        this.maxDecodedBytes = maxDecodedBytes;
    }

    /**
     * Decodes one body.
     *
     * @throws RemoteWriteException {@link Rejection#MALFORMED} for anything that is not a snappy
     *     WriteRequest, {@link Rejection#TOO_LARGE} for a body or declared size over the limits
     */
    public RemoteWriteBatch decode(byte[] body) throws RemoteWriteException {
        if (body.length == 0) {
            throw malformed("empty body, expected a snappy-compressed protobuf WriteRequest");
        }
        if (body.length > maxCompressedBytes) {
            throw tooLarge(body.length, maxCompressedBytes, "body");
        }
        int declared;
        try {
            declared = Snappy.uncompressedLength(body);
        } catch (IOException | RuntimeException e) {
            throw malformed("body is not snappy block format: " + message(e));
        }
        if (declared < 0) {
            throw malformed("body is not snappy block format: negative uncompressed length");
        }
        if (declared > maxDecodedBytes) {
            throw tooLarge(declared, maxDecodedBytes, "uncompressed body (snappy header)");
        }
        byte[] raw;
        try {
            if (!Snappy.isValidCompressedBuffer(body)) {
                throw malformed("body is not valid snappy block format (truncated or corrupt)");
            }
            raw = Snappy.uncompress(body);
        } catch (IOException | RuntimeException e) {
            throw malformed("body is not valid snappy block format: " + message(e));
        }
        WriteRequest request;
        try {
            request = WriteRequest.parseFrom(raw);
        } catch (InvalidProtocolBufferException e) {
            throw malformed("body is not a protobuf WriteRequest: " + message(e));
        }
        return toBatch(request, raw.length);
    }

    /** The samples of an already parsed request. */
    static RemoteWriteBatch toBatch(WriteRequest request, int decodedBytes) {
        List<MetricSample> samples = new ArrayList<>();
        Map<Drop, Long> dropped = new EnumMap<>(Drop.class);
        for (TimeSeries series : request.getTimeseriesList()) {
            if (series.getHistogramsCount() > 0) {
                dropped.merge(Drop.HISTOGRAM, (long) series.getHistogramsCount(), Long::sum);
            }
            if (series.getSamplesCount() == 0) {
                continue;
            }
            String name = null;
            Map<String, String> labels = new HashMap<>();
            for (Label label : series.getLabelsList()) {
                if (NAME_LABEL.equals(label.getName())) {
                    name = label.getValue();
                } else if (!label.getName().isEmpty() && !label.getValue().isEmpty()) {
                    // Prometheus treats an empty label value as an absent label.
                    labels.put(label.getName(), label.getValue());
                }
            }
            if (name == null || name.isBlank()) {
                dropped.merge(Drop.NO_NAME, (long) series.getSamplesCount(), Long::sum);
                continue;
            }
            for (Sample sample : series.getSamplesList()) {
                double value = sample.getValue();
                Drop drop = dropReason(value, sample.getTimestamp());
                if (drop != null) {
                    dropped.merge(drop, 1L, Long::sum);
                    continue;
                }
                try {
                    samples.add(new MetricSample(name, labels, sample.getTimestamp(), value));
                } catch (IllegalArgumentException e) {
                    dropped.merge(Drop.INVALID, 1L, Long::sum);
                }
            }
        }
        return new RemoteWriteBatch(samples, dropped, decodedBytes, request.getTimeseriesCount());
    }

    /** Why a sample is not kept, or null when it is kept. */
    static Drop dropReason(double value, long timestampMs) {
        if (Double.doubleToRawLongBits(value) == STALE_NAN_BITS) {
            return Drop.STALE_MARKER;
        }
        if (Double.isNaN(value)) {
            return Drop.NAN;
        }
        if (Double.isInfinite(value)) {
            return Drop.INFINITE;
        }
        if (timestampMs <= 0) {
            return Drop.INVALID;
        }
        return null;
    }

    private static RemoteWriteException malformed(String reason) {
        return new RemoteWriteException(Rejection.MALFORMED, reason);
    }

    private static RemoteWriteException tooLarge(long size, long limit, String what) {
        return new RemoteWriteException(
                Rejection.TOO_LARGE,
                what + " is " + size + " bytes, over the " + limit + "-byte limit");
    }

    /** An exception's message on one line. */
    static String message(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }
}
