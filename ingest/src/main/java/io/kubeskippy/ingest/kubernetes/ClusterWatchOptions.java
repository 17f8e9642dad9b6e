package io.kubeskippy.ingest.kubernetes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What {@link ClusterWatch} watches and how.
 *
 * @param namespaces the namespaces to watch; empty means all namespaces
 * @param podLabelSelector a Kubernetes label selector for pods ({@code app=shop,tier!=db}), or null
 *     for every pod; events are not filtered by it
 * @param resync how often the informers replay their cache; a replay publishes nothing unless a
 *     record failed to publish before, so it is the retry of failed sends. Zero turns it off
 * @param maxTrackedObjects how many objects' last published versions are remembered for
 *     de-duplication; beyond it the oldest are forgotten (and may be published once more)
 * @param listPageSize objects per page of an informer's list call
 */
public record ClusterWatchOptions(
        List<String> namespaces,
        String podLabelSelector,
        Duration resync,
        int maxTrackedObjects,
        long listPageSize) {

    public static final Duration DEFAULT_RESYNC = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_TRACKED_OBJECTS = 500_000;
    public static final long DEFAULT_LIST_PAGE_SIZE = 500;

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public ClusterWatchOptions {
        List<String> cleaned = new ArrayList<>();
        for (String namespace : namespaces == null ? List.<String>of() : namespaces) {
            String ns = namespace == null ? "" : namespace.trim();
            if (!DNS_LABEL.matcher(ns).matches()) {
                throw new IllegalArgumentException(
                        "namespace '" + namespace + "' is not a lower-case DNS label");
            }
            if (!cleaned.contains(ns)) {
                cleaned.add(ns);
            }
        }
        namespaces = List.copyOf(cleaned);
        podLabelSelector =
                podLabelSelector == null || podLabelSelector.isBlank()
                        ? null
                        : podLabelSelector.trim();
        resync = resync == null ? DEFAULT_RESYNC : resync;
        if (resync.isNegative()) {
            throw new IllegalArgumentException("resync must be >= 0, got " + resync);
        }
        if (!resync.isZero() && resync.toMillis() < 1000) {
            // fabric8 rejects resync periods under one second.
            throw new IllegalArgumentException("resync must be 0 or >= 1s, got " + resync);
        }
        if (maxTrackedObjects < 1) {
            throw new IllegalArgumentException(
                    "maxTrackedObjects must be >= 1, got " + maxTrackedObjects);
        }
        if (listPageSize < 1) {
            throw new IllegalArgumentException("listPageSize must be >= 1, got " + listPageSize);
        }
    }

    /** Every namespace, every pod, default resync and bounds. */
    public static ClusterWatchOptions defaults() {
        return new ClusterWatchOptions(
                List.of(),
                null,
                DEFAULT_RESYNC,
                DEFAULT_MAX_TRACKED_OBJECTS,
                DEFAULT_LIST_PAGE_SIZE);
    }

    public ClusterWatchOptions withNamespaces(List<String> namespaces) {
        return new ClusterWatchOptions(
                namespaces, podLabelSelector, resync, maxTrackedObjects, listPageSize);
    }

    public ClusterWatchOptions withPodLabelSelector(String selector) {
        return new ClusterWatchOptions(
                namespaces, selector, resync, maxTrackedObjects, listPageSize);
    }

    public ClusterWatchOptions withResync(Duration resync) {
        return new ClusterWatchOptions(
                namespaces, podLabelSelector, resync, maxTrackedObjects, listPageSize);
    }

    public ClusterWatchOptions withMaxTrackedObjects(int max) {
        return new ClusterWatchOptions(namespaces, podLabelSelector, resync, max, listPageSize);
    }

    public boolean allNamespaces() {
        return namespaces.isEmpty();
    }
}
