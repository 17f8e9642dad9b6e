package io.kubeskippy.actuator;

/** The actuator could not start; the message says which part and what to do, in one line. */
public final class ActuatorStartException extends Exception {

    private static final long serialVersionUID = 1L;

    public ActuatorStartException(String message) {
        super(message);
    }

    public ActuatorStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
