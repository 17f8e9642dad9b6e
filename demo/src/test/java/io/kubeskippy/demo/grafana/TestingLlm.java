package io.kubeskippy.demo.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP server speaking Ollama's {@code /api/chat} for the Grafana ITCase, so the LLM panels
 * have calls, latencies, failures, fallbacks and confidences to show. It answers from the request
 * alone: the finding's target echoed, the policy's own actions in the order given. The first target
 * it is asked about gets HTTP 503 every time, so its enrichments fail after their retries (an LLM
 * failure and a fallback, reason http_5xx); for the others, every third reply has confidence 0.35,
 * below every policy's {@code minConfidence} (the job keeps the rule-based choice), the rest 0.85.
 */
final class TestingLlm implements AutoCloseable {

    private static final Pattern SCALE_BOUNDS = Pattern.compile("within (\\d+)\\.\\.(\\d+)\\)");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger replies = new AtomicInteger();
    private final AtomicReference<String> failing = new AtomicReference<>();

    private TestingLlm() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/api/chat", this::handle);
    }

    static TestingLlm start() throws IOException {
        TestingLlm llm = new TestingLlm();
        llm.server.start();
        return llm;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = Dashboards.JSON.readTree(exchange.getRequestBody().readAllBytes());
            requests.incrementAndGet();
            String prompt = "";
            for (JsonNode m : body.path("messages")) {
                if (m.path("role").asText().equals("user")) {
                    prompt = m.path("content").asText();
                }
            }
            JsonNode target = finding(prompt).path("target");
            String key = target.path("namespace").asText() + "/" + target.path("name").asText();
            failing.compareAndSet(null, key);
            if (key.equals(failing.get())) {
                send(exchange, 503, "{\"error\":\"overloaded\"}");
                return;
            }
            ObjectNode envelope = Dashboards.JSON.createObjectNode();
            envelope.put("model", body.path("model").asText("testing"));
            envelope.put("created_at", "2026-11-22T10:00:00Z");
            ObjectNode message = envelope.putObject("message");
            message.put("role", "assistant");
            double confidence = replies.incrementAndGet() % 3 == 0 ? 0.35 : 0.85;
            message.put("content", reply(prompt, body.path("format"), confidence).toString());
            envelope.put("done", true);
            send(exchange, 200, envelope.toString());
        } catch (RuntimeException e) {
            send(exchange, 500, "{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
        }
    }

    private static ObjectNode reply(String prompt, JsonNode schema, double confidence)
            throws IOException {
        JsonNode finding = finding(prompt);
        String namespace = finding.path("target").path("namespace").asText();
        String name = finding.path("target").path("name").asText();
        ObjectNode o = Dashboards.JSON.createObjectNode();
        o.put("summary", "Target " + name + " matched " + finding.path("pattern").asText() + ".");
        o.put("rootCause", "The evidence numbers of the finding point at the workload itself.");
        o.put("reasoning", "The policy's first action addresses the pattern that fired.");
        o.put("confidence", confidence);
        var ranked = o.putArray("rankedActions");
        for (JsonNode action :
                schema.path("properties").path("rankedActions").path("items").path("enum")) {
            ranked.add(action.asText());
        }
        ObjectNode target = o.putObject("target");
        target.put("namespace", namespace);
        target.put("name", name);
        if (schema.path("properties").has("parameters")) {
            Matcher bounds = SCALE_BOUNDS.matcher(prompt);
            boolean found = bounds.find();
            int min = found ? Integer.parseInt(bounds.group(1)) : 1;
            int max = found ? Integer.parseInt(bounds.group(2)) : 2;
            o.putObject("parameters").put("replicas", Math.min(max, Math.max(min, 2)));
        }
        return o;
    }

    /** The finding: the JSON line after the prompt's "## Finding" heading. */
    private static JsonNode finding(String prompt) throws IOException {
        String[] lines = prompt.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("## Finding")) {
                return Dashboards.JSON.readTree(lines[i + 1]);
            }
        }
        throw new IllegalStateException("no finding in the prompt");
    }

    private static void send(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
