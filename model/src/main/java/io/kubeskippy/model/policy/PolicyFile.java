package io.kubeskippy.model.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * A policy file, read whole: its documents and any file-level diagnostic (unreadable, empty, not
 * YAML). A file with an error anywhere is rejected whole; the last good version stays active.
 */
public record PolicyFile(
        String source, List<PolicyDocument> documents, List<Diagnostic> fileDiagnostics) {

    public PolicyFile {
        documents = List.copyOf(documents);
        fileDiagnostics = List.copyOf(fileDiagnostics);
    }

    /** Every diagnostic: file-level first, then per document in order. */
    public List<Diagnostic> diagnostics() {
        List<Diagnostic> all = new ArrayList<>(fileDiagnostics);
        documents.forEach(d -> all.addAll(d.diagnostics()));
        return all;
    }

    public boolean hasErrors() {
        return diagnostics().stream().anyMatch(Diagnostic::isError);
    }

    /** The valid policies of this file (empty if the file has any error). */
    public List<HealingPolicy> policies() {
        if (hasErrors()) {
            return List.of();
        }
        return documents.stream().map(PolicyDocument::policy).filter(p -> p != null).toList();
    }
}
