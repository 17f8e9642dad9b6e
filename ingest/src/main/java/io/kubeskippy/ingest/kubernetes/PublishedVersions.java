package io.kubeskippy.ingest.kubernetes;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The version (uid and resourceVersion) last published per object, so that informer resyncs and
 * relists after a reconnect or a 410 Gone publish nothing for objects that did not change.
 *
 * <p>Bounded: an object is forgotten when it is deleted, when its publish failed (so a later resync
 * sends it again), or, beyond {@code max} objects, the least recently published first. Thread-safe.
 */
final class PublishedVersions {

    /** One published version of an object. */
    record Version(String uid, String resourceVersion) {}

    private final int max;
    private final LinkedHashMap<String, Version> versions = new LinkedHashMap<>();
    private long evicted;

    PublishedVersions(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, got " + max);
        }
        this.max = max;
    }

    synchronized Version get(String id) {
        return versions.get(id);
    }

    /** Records {@code version} as the one last published for {@code id}. */
    synchronized void put(String id, Version version) {
        // Remove first so the entry moves to the end: eviction takes the least recently published.
        versions.remove(id);
        versions.put(id, version);
        if (versions.size() > max) {
            Iterator<Map.Entry<String, Version>> oldest = versions.entrySet().iterator();
            oldest.next();
            oldest.remove();
            evicted++;
        }
    }

    synchronized Version remove(String id) {
        return versions.remove(id);
    }

    /** Forgets {@code id} if {@code version} is still the one recorded for it. */
    synchronized boolean forget(String id, Version version) {
        return versions.remove(id, version);
    }

    synchronized int size() {
        return versions.size();
    }

    synchronized long evicted() {
        return evicted;
    }
}
