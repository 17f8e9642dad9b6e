package io.kubeskippy.job.feature;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes state to bytes and reads it back, as Flink's state backends will. */
final class Snapshots {

    private Snapshots() {}

    interface Writer {
        void writeTo(DataOutputStream out) throws IOException;
    }

    interface Reader<T> {
        T readFrom(DataInputStream in) throws IOException;
    }

    static byte[] bytes(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads {@code bytes}, requiring that the reader consumed all of them. */
    static <T> T read(byte[] bytes, Reader<T> reader) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            T value = reader.readFrom(in);
            if (in.available() != 0) {
                throw new IOException(in.available() + " bytes left unread");
            }
            return value;
        }
    }
}
