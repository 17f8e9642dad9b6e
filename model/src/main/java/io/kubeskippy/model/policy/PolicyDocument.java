package io.kubeskippy.model.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One YAML document of a policy file, after reading: the policy (null if the document has errors or
 * is not a HealingPolicy), the document as JSON (what is published to {@code skippy.policies}), and
 * every diagnostic about it.
 *
 * @param index 0-based position of the document in its file
 * @param name metadata.name when it could be read, else null
 */
public record PolicyDocument(
        int index,
        String name,
        HealingPolicy policy,
        JsonNode document,
        List<Diagnostic> diagnostics) {

    public PolicyDocument {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    /** Whether this document is a HealingPolicy at all (other kinds are skipped with a notice). */
    public boolean isPolicy() {
        return policy != null || hasErrors();
    }
}
