package io.kubeskippy.actuator;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Serves {@code /metrics} (Prometheus' Java client exporter) and {@code /healthz}: 200 {@code ok}
 * while the actuator consumes and knows its policies, else 503 with the reason.
 */
final class StatusServer implements AutoCloseable {

    static final String HEALTH_PATH = "/healthz";

    /** Whether the process is healthy, and the lines that say so. */
    record Health(boolean healthy, String text) {}

    private final HTTPServer server;

    private StatusServer(HTTPServer server) {
        this.server = server;
    }

    static StatusServer start(
            String host, int port, PrometheusRegistry registry, Supplier<Health> health)
            throws IOException {
        HTTPServer server =
                HTTPServer.builder()
                        .hostname(host)
                        .port(port)
                        .registry(registry)
                        .defaultHandler(exchange -> answer(exchange, health))
                        .buildAndStart();
        return new StatusServer(server);
    }

    int port() {
        return server.getPort();
    }

    private static void answer(HttpExchange exchange, Supplier<Health> health) throws IOException {
        try (exchange) {
            int status;
            String body;
            if (!HEALTH_PATH.equals(exchange.getRequestURI().getPath())) {
                status = 404;
                body = "not found; try /metrics or " + HEALTH_PATH + "\n";
            } else {
                Health now = health.get();
                status = now.healthy() ? 200 : 503;
                body = now.text();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
