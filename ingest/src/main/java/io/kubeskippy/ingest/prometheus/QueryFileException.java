package io.kubeskippy.ingest.prometheus;

import java.util.List;

/** A queries file that cannot be used, with every problem found in it, one per line. */
public final class QueryFileException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    public QueryFileException(List<String> errors) {
        super(String.join("\n", errors));
        this.errors = List.copyOf(errors);
    }

    /** Each problem as {@code source: path: what is wrong}. */
    public List<String> errors() {
        return errors;
    }
}
