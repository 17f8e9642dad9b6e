package io.kubeskippy.ingest.policy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where {@link PolicySync} reads policies from and how often it looks.
 *
 * @param directory the policies directory (a ConfigMap mount works), or null for none
 * @param customResources whether to read HealingPolicy custom resources too
 * @param namespaces the namespaces whose HealingPolicy resources are read; empty means all
 * @param rescanInterval how often the directory is read even without a file-system event, and
 *     failed publishes are retried
 * @param quietPeriod after a file-system event, how long the directory must stay quiet before it is
 *     read, so a file written in several steps is read once, whole
 * @param publishTimeout how long a publish may take before it counts as failed (and is retried)
 */
public record PolicySyncOptions(
        Path directory,
        boolean customResources,
        List<String> namespaces,
        Duration rescanInterval,
        Duration quietPeriod,
        Duration publishTimeout) {

    public static final Duration DEFAULT_RESCAN_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_QUIET_PERIOD = Duration.ofMillis(100);
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public PolicySyncOptions {
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
        for (String namespace : namespaces) {
            if (!DNS_LABEL.matcher(namespace).matches()) {
                throw new IllegalArgumentException(
                        "namespace '" + namespace + "' is not a lower-case DNS label");
            }
        }
        rescanInterval = positive("rescanInterval", rescanInterval, DEFAULT_RESCAN_INTERVAL);
        quietPeriod = positive("quietPeriod", quietPeriod, DEFAULT_QUIET_PERIOD);
        publishTimeout = positive("publishTimeout", publishTimeout, DEFAULT_PUBLISH_TIMEOUT);
        if (directory == null && !customResources) {
            throw new IllegalArgumentException(
                    "policy sync needs a policies directory, HealingPolicy resources, or both");
        }
    }

    /** Only a directory, with the default intervals. */
    public static PolicySyncOptions directory(Path directory) {
        return new PolicySyncOptions(directory, false, List.of(), null, null, null);
    }

    /** Only HealingPolicy resources in {@code namespaces} (empty: all), default intervals. */
    public static PolicySyncOptions customResources(List<String> namespaces) {
        return new PolicySyncOptions(null, true, namespaces, null, null, null);
    }

    public PolicySyncOptions withCustomResources(List<String> namespaces) {
        return new PolicySyncOptions(
                directory, true, namespaces, rescanInterval, quietPeriod, publishTimeout);
    }

    public PolicySyncOptions withRescanInterval(Duration interval) {
        return new PolicySyncOptions(
                directory, customResources, namespaces, interval, quietPeriod, publishTimeout);
    }

    private static Duration positive(String name, Duration value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
        return value;
    }
}
