package io.kubeskippy.job.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kubeskippy.model.serde.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP LLM server for tests, speaking Ollama's {@code /api/chat} and the OpenAI-compatible
 * {@code /v1/chat/completions}. Scriptable: each request takes the next queued {@link Behaviour}
 * (then the default one): a reply (fixed, or built from the request, e.g. echoing its target),
 * slowly or not, an HTTP error, or a body that is not the API's JSON. Records every request.
 */
public final class TestingLlmServer implements AutoCloseable {

    /** What the server does with one request. */
    @FunctionalInterface
    public interface Behaviour {
        void serve(Recorded request, HttpExchange exchange) throws IOException;
    }

    /** One request as received. */
    public record Recorded(String path, Map<String, List<String>> headers, JsonNode body) {

        /** The user message: the prompt with the finding and the delimited cluster data. */
        public String userPrompt() {
            for (JsonNode m : body.path("messages")) {
                if ("user".equals(m.path("role").asText())) {
                    return m.path("content").asText();
                }
            }
            return "";
        }

        public String systemPrompt() {
            return body.path("messages").path(0).path("content").asText();
        }

        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        /** The reply schema the request asks for, in either API's field. */
        public JsonNode schema() {
            return path.equals("/api/chat")
                    ? body.path("format")
                    : body.path("response_format").path("json_schema").path("schema");
        }

        /** The finding as the prompt shows it (the JSON line after its heading). */
        public JsonNode finding() {
            String[] lines = userPrompt().split("\n");
            for (int i = 0; i + 1 < lines.length; i++) {
                if (lines[i].startsWith("## Finding")) {
                    try {
                        return Json.mapper().readTree(lines[i + 1]);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            throw new IllegalStateException("no finding in the prompt");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Deque<Behaviour> script = new ConcurrentLinkedDeque<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private volatile Behaviour otherwise;
    private volatile boolean recording = true;

    private TestingLlmServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/api/chat", this::handle);
        server.createContext("/v1/chat/completions", this::handle);
        otherwise = status(500, "{\"error\":\"no behaviour scripted\"}");
    }

    public static TestingLlmServer start() throws IOException {
        TestingLlmServer s = new TestingLlmServer();
        s.server.start();
        return s;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:40123}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues behaviours for the next requests, in order. */
    public TestingLlmServer then(Behaviour... behaviours) {
        script.addAll(List.of(behaviours));
        return this;
    }

    /** What requests do once the queue is empty. */
    public TestingLlmServer otherwise(Behaviour behaviour) {
        this.otherwise = behaviour;
        return this;
    }

    /** Forgets the script and the recorded requests. */
    public TestingLlmServer reset() {
        script.clear();
        requests.clear();
        otherwise = status(500, "{\"error\":\"no behaviour scripted\"}");
        return this;
    }

    /** Stops recording requests (a benchmark's stand-in answers thousands and reads none). */
    public TestingLlmServer notRecording() {
        recording = false;
        requests.clear();
        return this;
    }

    public List<Recorded> requests() {
        return new ArrayList<>(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] bytes = exchange.getRequestBody().readAllBytes();
            JsonNode body = Json.mapper().readTree(bytes);
            Recorded r =
                    new Recorded(
                            exchange.getRequestURI().getPath(),
                            Map.copyOf(exchange.getRequestHeaders()),
                            body);
            if (recording) {
                requests.add(r);
            }
            Behaviour b = script.poll();
            (b == null ? otherwise : b).serve(r, exchange);
        } catch (IOException e) {
            // the client went away (it timed out or cancelled): nothing to answer
        }
    }

    // ---- behaviours ----

    /** Replies with the given message content, in the API's envelope of the request's path. */
    public static Behaviour content(String content) {
        return (r, ex) -> send(ex, 200, envelope(r, content));
    }

    /** Replies with the JSON of the given object as the message content. */
    public static Behaviour reply(Object content) {
        return content(json(content));
    }

    /** Replies with a content built from the request. */
    public static Behaviour replying(Function<Recorded, Object> content) {
        return (r, ex) -> send(ex, 200, envelope(r, json(content.apply(r))));
    }

    /**
     * A well-formed reply for whatever finding the request is about: its target echoed, the given
     * actions ranked, the given confidence.
     */
    public static Behaviour good(double confidence, String... ranked) {
        return replying(
                r -> {
                    ObjectNode reply = goodReply(r.finding(), confidence, ranked);
                    for (JsonNode field : r.schema().path("required")) {
                        if (field.asText().equals("parameters")) {
                            reply.putObject("parameters").put("replicas", 2);
                        }
                    }
                    return reply;
                });
    }

    static ObjectNode goodReply(JsonNode finding, double confidence, String... ranked) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put(
                "summary",
                "Pod " + finding.path("target").path("name").asText() + " is crash looping.");
        o.put("rootCause", "The container exits right after start, likely a bad configuration.");
        o.put("reasoning", "Three back-offs within minutes; a fresh pod may start cleanly.");
        o.put("confidence", confidence);
        var names = o.putArray("rankedActions");
        for (String n : ranked) {
            names.add(n);
        }
        ObjectNode target = o.putObject("target");
        target.put("namespace", finding.path("target").path("namespace").asText());
        target.put("name", finding.path("target").path("name").asText());
        return o;
    }

    /** Waits before doing what {@code then} does. */
    public static Behaviour slow(Duration delay, Behaviour then) {
        return (r, ex) -> {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            then.serve(r, ex);
        };
    }

    /** An HTTP status with a body. */
    public static Behaviour status(int code, String body) {
        return (r, ex) -> send(ex, code, body);
    }

    /** A 429 with a Retry-After header (seconds). */
    public static Behaviour tooManyRequests(int retryAfterSeconds) {
        return (r, ex) -> {
            ex.getResponseHeaders().add("Retry-After", Integer.toString(retryAfterSeconds));
            send(ex, 429, "{\"error\":\"rate limited\"}");
        };
    }

    /** A 200 whose body is not JSON at all. */
    public static Behaviour rawBody(String body) {
        return (r, ex) -> send(ex, 200, body);
    }

    private static String envelope(Recorded r, String content) {
        ObjectNode o = Json.mapper().createObjectNode();
        String model = r.body().path("model").asText("test-model");
        if (r.path().equals("/api/chat")) {
            o.put("model", model);
            o.put("created_at", "2026-11-22T10:00:00Z");
            ObjectNode m = o.putObject("message");
            m.put("role", "assistant");
            m.put("content", content);
            o.put("done", true);
            o.put("done_reason", "stop");
        } else {
            o.put("id", "chatcmpl-test");
            o.put("object", "chat.completion");
            o.put("model", model);
            ObjectNode choice = o.putArray("choices").addObject();
            choice.put("index", 0);
            ObjectNode m = choice.putObject("message");
            m.put("role", "assistant");
            m.put("content", content);
            m.putNull("refusal");
            choice.put("finish_reason", "stop");
        }
        return o.toString();
    }

    private static String json(Object o) {
        try {
            return o instanceof String s ? s : Json.mapper().writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange ex, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /**
     * The benchmarks' stand-in in a JVM of its own ({@link ForkedJvm}): answers every request well
     * after {@code args[0]} milliseconds, writes its URL to the file {@code args[1]}, and ends with
     * its parent.
     */
    public static void main(String[] args) throws Exception {
        ForkedJvm.exitWhenStdinCloses();
        Duration delay = Duration.ofMillis(Long.parseLong(args[0]));
        TestingLlmServer server = start();
        server.notRecording().otherwise(slow(delay, good(0.9, "rollout-restart")));
        ForkedJvm.announce(java.nio.file.Path.of(args[1]), server.url());
        Thread.currentThread().join();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
