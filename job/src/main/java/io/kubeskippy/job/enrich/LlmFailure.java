package io.kubeskippy.job.enrich;

import java.util.Locale;

/**
 * Why an LLM call gave no usable reply: the transport, the server or the API shape. A reply that
 * arrives but breaks our schema or the policy's bounds is not a failure of the server: that is a
 * {@link ReplyValidator} rejection.
 */
final class LlmFailure extends Exception {

    private static final long serialVersionUID = 1L;

    /** Failure classes: the metric label, and whether a retry may help. */
    enum Kind {
        /** One call took longer than {@code --llm-timeout}. */
        TIMEOUT(true),
        /** The server is rate limiting. */
        HTTP_429(true),
        /** The server failed. */
        HTTP_5XX(true),
        /** The request was refused (bad model name, bad key, schema not supported, ...). */
        HTTP_4XX(false),
        /** Could not connect, connection reset, ... */
        IO(false),
        /** A 2xx reply that is not the API's JSON. */
        BAD_RESPONSE(false),
        /** The model refused to answer (OpenAI's {@code refusal}). */
        REFUSED(false),
        /** The whole enrichment ran out of time ({@code --enrichment-timeout}). */
        DEADLINE(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        boolean retryable() {
            return retryable;
        }

        /** The metric label: {@code timeout}, {@code http_5xx}, ... */
        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;

    LlmFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
