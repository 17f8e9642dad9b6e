package io.kubeskippy.job.policytest;

import java.util.List;

/**
 * A policy test file that cannot be run: every problem, each as {@code file:line: path: message}.
 */
public final class PolicyTestException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    public PolicyTestException(List<String> errors) {
        super(String.join("\n", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
