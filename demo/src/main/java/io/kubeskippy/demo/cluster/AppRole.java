package io.kubeskippy.demo.cluster;

/** What a demo app is for, so the demo can count actions that must never happen. */
public enum AppRole {
    /** Has a fault KubeSkippy should heal (leak, oscillation, crash loop, ...). */
    FAULTY,
    /** Healthy; any action on it is a false positive. */
    CONTROL,
    /** Annotated {@code kubeskippy.io/protected=true}; it must never be touched. */
    PROTECTED
}
