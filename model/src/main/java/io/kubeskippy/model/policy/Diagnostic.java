package io.kubeskippy.model.policy;

/**
 * One finding of the policy checker, printed as {@code file:line: path: message}. Errors reject the
 * document; warnings and notices do not.
 *
 * @param line 1-based, or 0 when unknown (a document read from Kafka has no lines)
 * @param path the key's path, e.g. {@code spec.triggers[1].trendTrigger.window}; empty for the
 *     whole file
 */
public record Diagnostic(Severity severity, String source, int line, String path, String message) {

    /** How bad a diagnostic is. */
    public enum Severity {
        ERROR,
        WARNING,
        NOTICE
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /**
     * {@code file:line: path: message}, with {@code warning: } or {@code notice: } before a
     * non-error message.
     */
    public String format() {
        StringBuilder out = new StringBuilder(source);
        if (line > 0) {
            out.append(':').append(line);
        }
        out.append(": ");
        if (!path.isEmpty()) {
            out.append(path).append(": ");
        }
        if (severity != Severity.ERROR) {
            out.append(severity.name().toLowerCase(java.util.Locale.ROOT)).append(": ");
        }
        return out.append(message).toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
