package io.kubeskippy.ingest;

/** A part of the ingest process could not start; the message says which, why and what to do. */
public final class IngestStartException extends Exception {

    private static final long serialVersionUID = 1L;

    public IngestStartException(String message) {
        super(message);
    }

    public IngestStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
