package io.kubeskippy.job.enrich;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The LLM API key, read where the task runs from the environment variable or file the settings
 * name. It only ever leaves this class as the {@code Authorization} header; {@link #toString()} and
 * every message redact it.
 */
final class ApiKey {

    private static final ApiKey NONE = new ApiKey("");

    /** Keys are short; a bigger file is the wrong file. */
    private static final long MAX_FILE_BYTES = 16 * 1024;

    private final String value;

    private ApiKey(String value) {
        this.value = value;
    }

    /**
     * @param env how to read an environment variable ({@code System::getenv} outside tests)
     * @throws IllegalStateException naming the variable or file (never the key) when it is missing
     *     or empty
     */
    static ApiKey read(LlmSettings settings, UnaryOperator<String> env) {
        if (!settings.keyEnv().isEmpty()) {
            String v = env.apply(settings.keyEnv());
            if (v == null || v.isBlank()) {
                throw new IllegalStateException(
                        "--llm-key-env "
                                + settings.keyEnv()
                                + ": the environment variable is not set or empty");
            }
            return new ApiKey(v.trim());
        }
        if (!settings.keyFile().isEmpty()) {
            Path file = Path.of(settings.keyFile());
            try {
                if (Files.size(file) > MAX_FILE_BYTES) {
                    throw new IllegalStateException(
                            "--llm-key-file " + file + ": larger than 16 KiB, not a key file");
                }
                String v = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (v.isEmpty()) {
                    throw new IllegalStateException(
                            "--llm-key-file " + file + ": the file is empty");
                }
                return new ApiKey(v);
            } catch (IOException e) {
                throw new IllegalStateException(
                        "--llm-key-file "
                                + file
                                + ": cannot read it ("
                                + e.getClass().getSimpleName()
                                + ")");
            }
        }
        return NONE;
    }

    boolean present() {
        return !value.isEmpty();
    }

    /** The {@code Authorization} header value. */
    String bearer() {
        return "Bearer " + value;
    }

    /** {@code text} with every occurrence of the key replaced, for messages built from replies. */
    String redact(String text) {
        return text == null || value.isEmpty() ? text : text.replace(value, "***");
    }

    @Override
    public String toString() {
        return present() ? "ApiKey(***)" : "ApiKey(none)";
    }
}
