package io.kubeskippy.ingest.prometheus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake Prometheus query API: every query yields one {@code up} series with value 1 at the asked
 * time, a query starting with {@code bad} gets Prometheus' 400 answer, and the whole server can be
 * made to answer 503.
 */
final class TestingPrometheus implements AutoCloseable {

    /** One request as received: the form's query and time, and when it arrived. */
    record Request(String query, String time, long receivedAtMs) {}

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private volatile boolean unavailable;

    TestingPrometheus() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/api/v1/query", this::handle);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void unavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = new HashMap<>();
            String body =
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    form.put(
                            pair.substring(0, eq),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            synchronized (this) {
                requests.add(
                        new Request(
                                form.get("query"), form.get("time"), System.currentTimeMillis()));
            }
            if (unavailable) {
                answer(
                        exchange,
                        503,
                        "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"TSDB not ready\"}");
            } else if (form.getOrDefault("query", "").startsWith("bad")) {
                answer(
                        exchange,
                        400,
                        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:4: parse error\"}");
            } else {
                answer(
                        exchange,
                        200,
                        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                                + "{\"metric\":{\"__name__\":\"up\",\"job\":\"fake\"},\"value\":["
                                + form.get("time")
                                + ",\"1\"]}]}}");
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
