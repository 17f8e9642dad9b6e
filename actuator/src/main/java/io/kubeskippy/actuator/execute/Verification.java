package io.kubeskippy.actuator.execute;

/** Whether an applied plan took effect: the pod replaced, the replicas reached, ... */
public record Verification(boolean ok, String message) {

    public static Verification ok(String message) {
        return new Verification(true, message);
    }

    public static Verification failed(String message) {
        return new Verification(false, message);
    }
}
