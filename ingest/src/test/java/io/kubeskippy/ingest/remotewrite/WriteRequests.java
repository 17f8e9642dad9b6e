package io.kubeskippy.ingest.remotewrite;

import io.kubeskippy.ingest.remotewrite.proto.Label;
import io.kubeskippy.ingest.remotewrite.proto.Sample;
import io.kubeskippy.ingest.remotewrite.proto.TimeSeries;
import io.kubeskippy.ingest.remotewrite.proto.WriteRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.xerial.snappy.Snappy;

/** Builds remote_write bodies the way Prometheus does: sorted labels, protobuf, snappy. */
public final class WriteRequests {

    public static final long T0 = 1_763_800_000_000L;

    private WriteRequests() {}

    /** A series with its labels ({@code __name__} among them) and samples as (ms, value) pairs. */
    public static TimeSeries series(String name, Map<String, String> labels, double... tsValue) {
        TreeMap<String, String> all = new TreeMap<>(labels);
        all.put("__name__", name);
        TimeSeries.Builder series = TimeSeries.newBuilder();
        all.forEach((k, v) -> series.addLabels(Label.newBuilder().setName(k).setValue(v).build()));
        for (int i = 0; i + 1 < tsValue.length; i += 2) {
            series.addSamples(
                    Sample.newBuilder().setTimestamp((long) tsValue[i]).setValue(tsValue[i + 1]));
        }
        return series.build();
    }

    public static WriteRequest request(TimeSeries... series) {
        WriteRequest.Builder request = WriteRequest.newBuilder();
        for (TimeSeries s : series) {
            request.addTimeseries(s);
        }
        return request.build();
    }

    /** The snappy-compressed body of a request. */
    public static byte[] body(WriteRequest request) {
        return snappy(request.toByteArray());
    }

    public static byte[] snappy(byte[] raw) {
        try {
            return Snappy.compress(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
