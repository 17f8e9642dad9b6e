package io.kubeskippy.ingest;

import java.util.List;

/**
 * What {@code /healthz} says: healthy when every enabled part runs (and has synced), with one line
 * per part.
 *
 * @param problems why it is not healthy, one line each; empty when it is
 * @param parts one line per enabled part, e.g. {@code kubernetes: pods and events watched}
 */
public record IngestHealth(List<String> problems, List<String> parts) {

    public IngestHealth {
        problems = List.copyOf(problems);
        parts = List.copyOf(parts);
    }

    public boolean healthy() {
        return problems.isEmpty();
    }

    /** The body of /healthz: {@code ok} or {@code unhealthy: ...}, then the parts. */
    public String text() {
        StringBuilder text =
                new StringBuilder(healthy() ? "ok" : "unhealthy: " + String.join("; ", problems));
        text.append('\n');
        parts.forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }
}
