package io.kubeskippy.job.enrich;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.kubeskippy.model.policy.ActionType;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicyAction;
import io.kubeskippy.model.policy.ScaleAction;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.serde.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a model's reply against the strict reply schema and the policy's bounds: {@code summary},
 * {@code rootCause}, {@code reasoning}, {@code confidence} within 0..1, {@code rankedActions} named
 * from the policy, {@code target} the finding's own, {@code parameters.replicas} within the scale
 * action's bounds, and nothing else. A reply that breaks any of it is dropped whole (a model that
 * tries to leave the policy's bounds is not trusted with the rest), with every reason. Pure.
 */
final class ReplyValidator {

    /** Bigger message contents are not read. */
    static final int MAX_CONTENT_CHARS = 16 * 1024;

    private static final Set<String> FIELDS =
            Set.of(
                    "summary",
                    "rootCause",
                    "reasoning",
                    "confidence",
                    "rankedActions",
                    "target",
                    "parameters");

    private ReplyValidator() {}

    /** A reply that passed: what the enrichment may carry. */
    record Reply(
            String summary,
            String rootCause,
            String reasoning,
            double confidence,
            List<String> rankedActions,
            Integer replicas) {}

    /** The outcome: a reply, or why it was dropped. */
    record Verdict(Reply reply, String rejection) {
        boolean accepted() {
            return reply != null;
        }
    }

    static Verdict validate(String content, Finding finding, HealingPolicy policy) {
        if (content == null || content.isBlank()) {
            return reject("the reply is empty");
        }
        if (content.length() > MAX_CONTENT_CHARS) {
            return reject("the reply is longer than " + MAX_CONTENT_CHARS + " characters");
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(stripFence(content));
        } catch (JsonProcessingException e) {
            return reject(
                    "the reply is not JSON ("
                            + Prompt.clip(e.getOriginalMessage(), 120)
                            + "): "
                            + Prompt.clip(content.strip(), 80));
        }
        if (root == null || !root.isObject()) {
            return reject("the reply is not a JSON object");
        }
        List<String> errors = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                errors.add("unknown field '" + Prompt.clip(name, 40) + "'");
            }
        }
        String summary = text(root, "summary", PromptBuilder.MAX_SUMMARY, true, errors);
        String rootCause = text(root, "rootCause", PromptBuilder.MAX_SUMMARY, true, errors);
        String reasoning = text(root, "reasoning", PromptBuilder.MAX_REASONING, false, errors);
        Double confidence = confidence(root.get("confidence"), errors);
        List<String> ranked = ranked(root.get("rankedActions"), policy, errors);
        target(root.get("target"), finding, errors);
        Integer replicas = replicas(root.get("parameters"), ranked, policy, errors);
        if (!errors.isEmpty()) {
            return reject(String.join("; ", errors));
        }
        return new Verdict(
                new Reply(summary, rootCause, reasoning, confidence, ranked, replicas), null);
    }

    private static Verdict reject(String reason) {
        return new Verdict(null, reason);
    }

    /** Some servers wrap JSON in a Markdown fence even when asked for JSON only. */
    private static String stripFence(String content) {
        String s = content.strip();
        if (s.startsWith("```")) {
            int firstNewline = s.indexOf('\n');
            int lastFence = s.lastIndexOf("```");
            if (firstNewline > 0 && lastFence > firstNewline) {
                return s.substring(firstNewline + 1, lastFence);
            }
        }
        return s;
    }

    private static String text(
            JsonNode root, String field, int max, boolean required, List<String> errors) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                errors.add(field + " is missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            errors.add(
                    field
                            + " must be a string, got "
                            + v.getNodeType().name().toLowerCase(Locale.ROOT));
            return null;
        }
        String s = v.asText().strip();
        if (required && s.isEmpty()) {
            errors.add(field + " is empty");
        }
        if (s.length() > max) {
            errors.add(field + " is longer than " + max + " characters");
        }
        return withoutControlCharacters(s);
    }

    /**
     * {@code s} without control characters (but newline and tab) and format characters (bidi
     * overrides, zero-width and tag characters); {@code s} itself when it has none. A loop, not a
     * regex: every string of every reply goes through here, on the HTTP client's threads.
     */
    static String withoutControlCharacters(String s) {
        StringBuilder kept = null; // until the first dropped character
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            if (dropped(c)) {
                if (kept == null) {
                    kept = new StringBuilder(s.length()).append(s, 0, i);
                }
            } else if (kept != null) {
                kept.appendCodePoint(c);
            }
            i += Character.charCount(c);
        }
        return kept == null ? s : kept.toString();
    }

    private static boolean dropped(int codePoint) {
        int type = Character.getType(codePoint);
        return type == Character.FORMAT
                || (type == Character.CONTROL && codePoint != '\n' && codePoint != '\t');
    }

    private static Double confidence(JsonNode v, List<String> errors) {
        if (v == null || v.isNull()) {
            errors.add("confidence is missing");
            return null;
        }
        if (!v.isNumber()) {
            errors.add(
                    "confidence must be a number within 0..1, got "
                            + Prompt.clip(v.toString(), 40));
            return null;
        }
        double c = v.asDouble();
        if (!Double.isFinite(c) || c < 0 || c > 1) {
            errors.add("confidence " + v.asText() + " is outside 0..1");
            return null;
        }
        return c;
    }

    private static List<String> ranked(JsonNode v, HealingPolicy policy, List<String> errors) {
        if (v == null || v.isNull()) {
            errors.add("rankedActions is missing");
            return List.of();
        }
        if (!v.isArray()) {
            errors.add("rankedActions must be an array of action names");
            return List.of();
        }
        if (v.isEmpty()) {
            errors.add("rankedActions is empty");
        }
        Set<String> allowed = new LinkedHashSet<>();
        policy.spec().actions().forEach(a -> allowed.add(a.name()));
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        int i = 0;
        for (JsonNode item : v) {
            String where = "rankedActions[" + i++ + "]";
            if (!item.isTextual()) {
                errors.add(where + " must be an action name");
                continue;
            }
            String name = item.asText();
            if (!allowed.contains(name)) {
                errors.add(
                        where
                                + " '"
                                + Prompt.clip(name, 60)
                                + "' is not an action of policy "
                                + policy.name()
                                + " (allowed: "
                                + String.join(", ", allowed)
                                + ")");
            } else if (!seen.add(name)) {
                errors.add(where + " '" + name + "' is listed twice");
            } else {
                out.add(name);
            }
        }
        return out;
    }

    private static void target(JsonNode v, Finding finding, List<String> errors) {
        if (v == null || v.isNull()) {
            errors.add("target is missing");
            return;
        }
        if (!v.isObject()) {
            errors.add("target must be an object with namespace and name");
            return;
        }
        for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("namespace") && !name.equals("name")) {
                errors.add("unknown field 'target." + Prompt.clip(name, 40) + "'");
            }
        }
        String wantNamespace = Objects.requireNonNullElse(finding.target().namespace(), "");
        String namespace = v.path("namespace").asText("");
        String name = v.path("name").asText("");
        if (!v.path("namespace").isTextual() || !namespace.equals(wantNamespace)) {
            errors.add(
                    "target namespace '"
                            + Prompt.clip(namespace, 60)
                            + "' is not the finding's namespace '"
                            + wantNamespace
                            + "'");
        }
        if (!v.path("name").isTextual() || !name.equals(finding.target().name())) {
            errors.add(
                    "target '"
                            + Prompt.clip(name, 60)
                            + "' is not the finding's target '"
                            + finding.target().name()
                            + "'");
        }
    }

    private static Integer replicas(
            JsonNode v, List<String> ranked, HealingPolicy policy, List<String> errors) {
        PolicyAction scale = scaleAction(ranked, policy);
        if (v == null || v.isNull()) {
            if (scale != null) {
                errors.add("parameters is missing");
            }
            return null;
        }
        if (scale == null) {
            errors.add(
                    "parameters: policy "
                            + policy.name()
                            + " has no scale action, so no parameters are accepted");
            return null;
        }
        if (!v.isObject()) {
            errors.add("parameters must be an object");
            return null;
        }
        for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("replicas")) {
                errors.add("unknown field 'parameters." + Prompt.clip(name, 40) + "'");
            }
        }
        JsonNode r = v.get("replicas");
        if (r == null || !r.isIntegralNumber() || !r.canConvertToInt()) {
            errors.add("parameters.replicas must be a whole number");
            return null;
        }
        int replicas = r.asInt();
        ScaleAction bounds = scale.scaleAction();
        if (replicas > bounds.maxReplicas()) {
            errors.add(
                    "parameters.replicas "
                            + replicas
                            + " is over maxReplicas "
                            + bounds.maxReplicas()
                            + " of action "
                            + scale.name());
        } else if (replicas < bounds.minReplicas()) {
            errors.add(
                    "parameters.replicas "
                            + replicas
                            + " is under minReplicas "
                            + bounds.minReplicas()
                            + " of action "
                            + scale.name());
        }
        return replicas;
    }

    /** The scale action the replicas are for: the best-ranked one, else the policy's first. */
    private static PolicyAction scaleAction(List<String> ranked, HealingPolicy policy) {
        for (String name : ranked) {
            for (PolicyAction a : policy.spec().actions()) {
                if (a.name().equals(name) && a.type() == ActionType.SCALE) {
                    return a.scaleAction() == null ? null : a;
                }
            }
        }
        return policy.spec().actions().stream()
                .filter(a -> a.type() == ActionType.SCALE && a.scaleAction() != null)
                .findFirst()
                .orElse(null);
    }
}
