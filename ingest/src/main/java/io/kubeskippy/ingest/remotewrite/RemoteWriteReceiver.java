package io.kubeskippy.ingest.remotewrite;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kubeskippy.ingest.IngestCounters;
import io.kubeskippy.ingest.IngestCounters.Rejection;
import io.kubeskippy.ingest.SampleSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus remote write 1.0 receiver: {@code POST /api/v1/write} with a snappy-compressed
 * protobuf WriteRequest, so that {@code remote_write: [{url: http://HOST:PORT/api/v1/write}]} is
 * all a Prometheus needs.
 *
 * <p>A request is answered 204 only after Kafka has acknowledged every sample of it, so a 2xx means
 * durable. Answers otherwise, each with a one-line plain-text reason: 400 for a body that is not a
 * snappy WriteRequest, 413 for a body (or its declared uncompressed size) over the limits, 405 for
 * another method, 415 for another encoding or remote write 2.0, 404 for another path, 503 when
 * Kafka did not acknowledge in time (Prometheus retries 5xx, not 4xx). Bad input never stops it.
 */
public final class RemoteWriteReceiver implements AutoCloseable {

    public static final String PATH = "/api/v1/write";

    private static final Logger LOG = LoggerFactory.getLogger(RemoteWriteReceiver.class);
    private static final int MAX_REASON_CHARS = 300;

    private final RemoteWriteOptions options;
    private final RemoteWriteDecoder decoder;
    private final SampleSink sink;
    private final IngestCounters counters;
    private final HttpServer server;
    private final ExecutorService executor;
    private final int port;
    private final AtomicBoolean kafkaFailing = new AtomicBoolean();
    private final Object inFlightLock = new Object();
    private int inFlight;
    private volatile boolean closing;

    private RemoteWriteReceiver(
            RemoteWriteOptions options,
            SampleSink sink,
            IngestCounters counters,
            HttpServer server,
            ExecutorService executor) {
        this.options = options;
        this.decoder =
                new RemoteWriteDecoder(options.maxCompressedBytes(), options.maxDecodedBytes());
        this.sink = sink;
        this.counters = counters;
        this.server = server;
        this.executor = executor;
        this.port = server.getAddress().getPort();
    }

    /** Binds the port and starts serving. */
    public static RemoteWriteReceiver start(
            RemoteWriteOptions options, SampleSink sink, IngestCounters counters)
            throws IOException {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(counters, "counters");
        HttpServer server =
                HttpServer.create(new InetSocketAddress(options.host(), options.port()), 64);
        ExecutorService executor =
                Executors.newFixedThreadPool(options.threads(), threads("remote-write-"));
        RemoteWriteReceiver receiver =
                new RemoteWriteReceiver(options, sink, counters, server, executor);
        server.createContext("/", receiver::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info(
                "remote_write receiver listening on http://{}:{}{}",
                options.host(),
                receiver.port(),
                PATH);
        return receiver;
    }

    /** The bound port (the chosen one when the options said 0). */
    public int port() {
        return port;
    }

    /** Whether it serves: started and not closed. */
    public boolean isRunning() {
        return !closing;
    }

    /** The URL to put in Prometheus' remote_write, with the host as bound. */
    public URI url() {
        String host = options.host().equals("0.0.0.0") ? "127.0.0.1" : options.host();
        return URI.create("http://" + host + ":" + port() + PATH);
    }

    /**
     * Stops: new requests get 503 (Prometheus retries them elsewhere or later), requests in flight
     * finish (for at most the ack timeout), then the port is released. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        long deadline = System.nanoTime() + options.ackTimeout().toNanos() + 1_000_000_000L;
        synchronized (inFlightLock) {
            while (inFlight > 0 && System.nanoTime() < deadline) {
                try {
                    inFlightLock.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        // Every exchange has been answered; a delay here would only wait for idle connections.
        server.stop(0);
        executor.shutdownNow();
        LOG.info("remote_write receiver on port {} stopped", port());
    }

    private void handle(HttpExchange exchange) {
        synchronized (inFlightLock) {
            inFlight++;
        }
        try (exchange) {
            counters.remoteWriteRequest();
            try {
                if (closing) {
                    reject(exchange, Rejection.KAFKA_UNAVAILABLE, "receiver is shutting down");
                    return;
                }
                if (!PATH.equals(exchange.getRequestURI().getPath())) {
                    reject(
                            exchange,
                            Rejection.NOT_FOUND,
                            "not found; remote_write is POST " + PATH);
                    return;
                }
                if (!"POST".equals(exchange.getRequestMethod())) {
                    exchange.getResponseHeaders().set("Allow", "POST");
                    reject(
                            exchange,
                            Rejection.METHOD_NOT_ALLOWED,
                            exchange.getRequestMethod() + " not allowed; remote_write is POST");
                    return;
                }
                receive(exchange);
            } catch (RuntimeException | Error e) {
                LOG.error("remote_write request failed unexpectedly", e);
                reject(exchange, Rejection.INTERNAL_ERROR, "internal error: " + e);
            }
        } catch (IOException e) {
            // The client went away; nothing to answer.
            LOG.debug("remote_write exchange failed: {}", e.toString());
        } finally {
            synchronized (inFlightLock) {
                inFlight--;
                inFlightLock.notifyAll();
            }
        }
    }

    private void receive(HttpExchange exchange) throws IOException {
        String unsupported = unsupportedMediaType(exchange);
        if (unsupported != null) {
            reject(exchange, Rejection.UNSUPPORTED_MEDIA_TYPE, unsupported);
            return;
        }
        long declaredLength = contentLength(exchange);
        if (declaredLength > options.maxCompressedBytes()) {
            reject(
                    exchange,
                    Rejection.TOO_LARGE,
                    "body is "
                            + declaredLength
                            + " bytes, over the "
                            + options.maxCompressedBytes()
                            + "-byte limit");
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(options.maxCompressedBytes() + 1);
        }
        counters.remoteWriteBytes(body.length);
        if (body.length > options.maxCompressedBytes()) {
            reject(
                    exchange,
                    Rejection.TOO_LARGE,
                    "body is over the " + options.maxCompressedBytes() + "-byte limit");
            return;
        }
        RemoteWriteBatch batch;
        try {
            batch = decoder.decode(body);
        } catch (RemoteWriteException e) {
            LOG.debug("remote_write request rejected: {}", e.getMessage());
            reject(exchange, e.rejection(), e.getMessage());
            return;
        }
        counters.remoteWriteDecoded(batch.decodedBytes());
        batch.dropped().forEach(counters::remoteWriteDropped);

        String failure = writeAndAwait(batch);
        if (failure != null) {
            if (kafkaFailing.compareAndSet(false, true)) {
                LOG.warn(
                        "Kafka did not take remote_write samples ({}); answering 503 until it"
                                + " does",
                        failure);
            }
            reject(exchange, Rejection.KAFKA_UNAVAILABLE, failure);
            return;
        }
        if (kafkaFailing.compareAndSet(true, false)) {
            LOG.info("Kafka acknowledges remote_write samples again");
        }
        counters.remoteWriteAccepted(batch.samples().size());
        exchange.sendResponseHeaders(204, -1);
    }

    /** Writes the samples and waits for Kafka; returns why that failed, or null. */
    private String writeAndAwait(RemoteWriteBatch batch) {
        try {
            sink.send(batch.samples()).get(options.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            return "Kafka did not acknowledge "
                    + batch.samples().size()
                    + " samples within "
                    + options.ackTimeout().toMillis()
                    + " ms";
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return "Kafka unavailable: " + RemoteWriteDecoder.message(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "shutting down";
        }
    }

    /** Why the request's encoding or type is not remote write 1.0, or null when it is. */
    private static String unsupportedMediaType(HttpExchange exchange) {
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding != null && !encoding.trim().equalsIgnoreCase("snappy")) {
            return "Content-Encoding " + encoding + " not supported; remote write 1.0 is snappy";
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type != null) {
            String lower = type.toLowerCase(Locale.ROOT);
            int proto = lower.indexOf("proto=");
            if (proto >= 0 && !lower.startsWith("prometheus.writerequest", proto + 6)) {
                return "Content-Type "
                        + type
                        + " not supported; only remote write 1.0"
                        + " (prometheus.WriteRequest) is";
            }
        }
        return null;
    }

    private static long contentLength(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Content-Length");
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void reject(HttpExchange exchange, Rejection rejection, String reason)
            throws IOException {
        counters.remoteWriteRejection(rejection);
        String line = reason.replaceAll("\\s+", " ").trim();
        if (line.length() > MAX_REASON_CHARS) {
            line = line.substring(0, MAX_REASON_CHARS) + "...";
        }
        byte[] text = (line + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if (rejection == Rejection.TOO_LARGE) {
            // The rest of a large body is not read; do not leave it on a kept-alive connection.
            exchange.getResponseHeaders().set("Connection", "close");
        }
        exchange.sendResponseHeaders(rejection.status(), text.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(text);
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
