package io.kubeskippy.ingest.remotewrite;

import java.time.Duration;

/**
 * Options of the remote_write receiver, validated once.
 *
 * @param host the address to bind; {@code 0.0.0.0} (every interface) by default
 * @param port the port ({@code --remote-write-port}); 0 picks a free one
 * @param maxCompressedBytes the largest body accepted as sent; larger ones get 413
 * @param maxDecodedBytes the largest body after snappy decompression (as its header declares);
 *     larger ones get 413
 * @param ackTimeout how long a request waits for Kafka to acknowledge its samples before it is
 *     answered 503 (which Prometheus retries)
 * @param threads requests handled at once; with the limits, this bounds the receiver's memory
 */
public record RemoteWriteOptions(
        String host,
        int port,
        int maxCompressedBytes,
        int maxDecodedBytes,
        Duration ackTimeout,
        int threads) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 9201;
    public static final int DEFAULT_MAX_COMPRESSED_BYTES = 8 * 1024 * 1024;
    public static final int DEFAULT_MAX_DECODED_BYTES = 32 * 1024 * 1024;
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(15);
    public static final int DEFAULT_THREADS = 4;

    public RemoteWriteOptions {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (maxCompressedBytes < 1) {
            throw new IllegalArgumentException(
                    "max compressed bytes must be >= 1, got " + maxCompressedBytes);
        }
        if (maxDecodedBytes < maxCompressedBytes) {
            throw new IllegalArgumentException(
                    "max decoded bytes ("
                            + maxDecodedBytes
                            + ") must be >= max compressed bytes ("
                            + maxCompressedBytes
                            + ")");
        }
        if (ackTimeout == null || ackTimeout.isNegative() || ackTimeout.isZero()) {
            throw new IllegalArgumentException("ack timeout must be > 0, got " + ackTimeout);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
    }

    public static RemoteWriteOptions defaults() {
        return new RemoteWriteOptions(
                DEFAULT_HOST,
                DEFAULT_PORT,
                DEFAULT_MAX_COMPRESSED_BYTES,
                DEFAULT_MAX_DECODED_BYTES,
                DEFAULT_ACK_TIMEOUT,
                DEFAULT_THREADS);
    }

    public RemoteWriteOptions withAddress(String host, int port) {
        return new RemoteWriteOptions(
                host, port, maxCompressedBytes, maxDecodedBytes, ackTimeout, threads);
    }

    public RemoteWriteOptions withLimits(int maxCompressedBytes, int maxDecodedBytes) {
        return new RemoteWriteOptions(
                host, port, maxCompressedBytes, maxDecodedBytes, ackTimeout, threads);
    }

    public RemoteWriteOptions withAckTimeout(Duration ackTimeout) {
        return new RemoteWriteOptions(
                host, port, maxCompressedBytes, maxDecodedBytes, ackTimeout, threads);
    }

    public RemoteWriteOptions withThreads(int threads) {
        return new RemoteWriteOptions(
                host, port, maxCompressedBytes, maxDecodedBytes, ackTimeout, threads);
    }
}
