package io.kubeskippy.demo;

/** A part of the demo could not start; the message names it and why. */
public final class DemoStartException extends Exception {

    private static final long serialVersionUID = 1L;

    public DemoStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
