package io.kubeskippy.demo.cluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** Serves the latest scrape on {@code GET /metrics} in Prometheus' text format. */
final class MetricsServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    MetricsServer(String address, int port, String threadName, Supplier<String> exposition) {
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot listen on " + address + ":" + port + " for /metrics", e);
        }
        executor =
                Executors.newFixedThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, threadName);
                            t.setDaemon(true);
                            return t;
                        });
        server.setExecutor(executor);
        server.createContext(
                "/metrics",
                exchange -> {
                    try (exchange) {
                        if (!"GET".equals(exchange.getRequestMethod())
                                && !"HEAD".equals(exchange.getRequestMethod())) {
                            respond(exchange, 405, "text/plain", "GET only\n");
                            return;
                        }
                        respond(exchange, 200, Exposition.CONTENT_TYPE, exposition.get());
                    }
                });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String type, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
