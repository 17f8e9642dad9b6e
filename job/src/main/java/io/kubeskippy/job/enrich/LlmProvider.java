package io.kubeskippy.job.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.serde.Json;
import java.util.Locale;

/**
 * The two chat APIs the job speaks: Ollama's {@code /api/chat} (structured outputs through {@code
 * format}, sampling through {@code options}) and the OpenAI-compatible {@code /v1/chat/completions}
 * (OpenAI, vLLM, llama.cpp server, LM Studio; structured outputs through {@code response_format}).
 */
public enum LlmProvider {
    OLLAMA("ollama", "/api/chat", HealingAction.Enrichment.Source.OLLAMA) {
        @Override
        ObjectNode requestBody(Prompt prompt, String model, double temperature) {
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("model", model);
            messages(body, prompt);
            body.put("stream", false);
            body.set("format", prompt.schema());
            // Ollama reads sampling settings from options only; a top-level temperature is ignored
            body.putObject("options").put("temperature", temperature);
            return body;
        }

        @Override
        String content(JsonNode reply) throws LlmFailure {
            JsonNode content = reply.path("message").path("content");
            if (!content.isTextual()) {
                throw new LlmFailure(
                        LlmFailure.Kind.BAD_RESPONSE, "Ollama reply has no message.content");
            }
            return content.asText();
        }
    },

    OPENAI("openai", "/v1/chat/completions", HealingAction.Enrichment.Source.OPENAI) {
        @Override
        ObjectNode requestBody(Prompt prompt, String model, double temperature) {
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("model", model);
            messages(body, prompt);
            body.put("temperature", temperature);
            body.put("stream", false);
            ObjectNode format = body.putObject("response_format");
            format.put("type", "json_schema");
            ObjectNode schema = format.putObject("json_schema");
            schema.put("name", "kubeskippy_enrichment");
            schema.put("strict", true);
            schema.set("schema", prompt.schema());
            return body;
        }

        @Override
        String content(JsonNode reply) throws LlmFailure {
            JsonNode message = reply.path("choices").path(0).path("message");
            JsonNode refusal = message.path("refusal");
            if (refusal.isTextual() && !refusal.asText().isBlank()) {
                throw new LlmFailure(
                        LlmFailure.Kind.REFUSED,
                        "the model refused: " + Prompt.clip(refusal.asText(), 200));
            }
            JsonNode content = message.path("content");
            if (!content.isTextual()) {
                throw new LlmFailure(
                        LlmFailure.Kind.BAD_RESPONSE,
                        "OpenAI-compatible reply has no choices[0].message.content");
            }
            return content.asText();
        }
    };

    private final String wireName;
    private final String path;
    private final HealingAction.Enrichment.Source source;

    LlmProvider(String wireName, String path, HealingAction.Enrichment.Source source) {
        this.wireName = wireName;
        this.path = path;
        this.source = source;
    }

    /** The request body of one chat call. */
    abstract ObjectNode requestBody(Prompt prompt, String model, double temperature);

    /**
     * The model's message text of a successful reply.
     *
     * @throws LlmFailure when the reply does not have the API's shape, or the model refused
     */
    abstract String content(JsonNode reply) throws LlmFailure;

    /** The model that actually answered, as the reply names it; null if it does not. */
    static String model(JsonNode reply) {
        JsonNode model = reply.path("model");
        return model.isTextual() && !model.asText().isBlank() ? model.asText() : null;
    }

    public String wireName() {
        return wireName;
    }

    public HealingAction.Enrichment.Source source() {
        return source;
    }

    /**
     * The chat endpoint for a base URL: the URL itself when it already names the endpoint; {@code
     * /chat/completions} after a URL ending in {@code /v1} (how OpenAI-compatible servers are
     * usually given); else the API's path.
     */
    public String endpoint(String baseUrl) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        if (base.endsWith(path)) {
            return base;
        }
        if (this == OPENAI && base.endsWith("/v1")) {
            return base + "/chat/completions";
        }
        return base + path;
    }

    /**
     * @throws IllegalArgumentException naming the accepted values
     */
    public static LlmProvider of(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (LlmProvider p : values()) {
            if (p.wireName.equals(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException("must be ollama or openai, got '" + text + "'");
    }

    private static void messages(ObjectNode body, Prompt prompt) {
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", prompt.system());
        messages.addObject().put("role", "user").put("content", prompt.user());
    }
}
