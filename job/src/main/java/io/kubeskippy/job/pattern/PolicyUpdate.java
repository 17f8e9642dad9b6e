package io.kubeskippy.job.pattern;

import java.util.Objects;

/**
 * A policy as it reaches the job on the broadcast side: its name, version and document (the JSON
 * published to {@code skippy.policies}), or a removal. A Flink POJO.
 */
public class PolicyUpdate implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    public String name;

    /** Null for a removal. */
    public String version;

    /** The policy document as JSON; null for a removal. */
    public String document;

    /** When the update was read, for reload-latency measurement (epoch ms). */
    public long receivedAtMs;

    public PolicyUpdate() {}

    public static PolicyUpdate of(String name, String version, String document, long receivedAtMs) {
        PolicyUpdate u = new PolicyUpdate();
        u.name = name;
        u.version = version;
        u.document = document;
        u.receivedAtMs = receivedAtMs;
        return u;
    }

    public static PolicyUpdate removal(String name, long receivedAtMs) {
        return of(name, null, null, receivedAtMs);
    }

    public boolean isRemoval() {
        return version == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyUpdate u
                && Objects.equals(name, u.name)
                && Objects.equals(version, u.version)
                && Objects.equals(document, u.document);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version);
    }

    @Override
    public String toString() {
        return isRemoval() ? "remove " + name : name + "@" + version;
    }
}
