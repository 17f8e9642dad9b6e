package io.kubeskippy.ingest.kubernetes;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What {@link ClusterWatch} has done so far: records per topic, tombstones, errors, duplicates. */
public final class WatchCounters {

    private final Map<String, LongAdder> published = new ConcurrentHashMap<>();
    private final LongAdder tombstones = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder duplicatesSuppressed = new LongAdder();

    void countPublished(String topic) {
        published.computeIfAbsent(topic, t -> new LongAdder()).increment();
    }

    void countTombstone() {
        tombstones.increment();
    }

    void countError() {
        errors.increment();
    }

    void countDuplicateSuppressed() {
        duplicatesSuppressed.increment();
    }

    /** Records handed to the publisher for {@code topic}, tombstones included. */
    public long published(String topic) {
        LongAdder count = published.get(topic);
        return count == null ? 0 : count.sum();
    }

    /** Records per topic, tombstones included, sorted by topic. */
    public Map<String, Long> publishedByTopic() {
        Map<String, Long> result = new TreeMap<>();
        published.forEach((topic, count) -> result.put(topic, count.sum()));
        return result;
    }

    public long tombstones() {
        return tombstones.sum();
    }

    /** Failed publishes, objects that could not be converted, and informer errors. */
    public long errors() {
        return errors.sum();
    }

    /** Informer notifications for a version that was already published (resyncs, relists). */
    public long duplicatesSuppressed() {
        return duplicatesSuppressed.sum();
    }

    @Override
    public String toString() {
        return "published="
                + publishedByTopic()
                + " tombstones="
                + tombstones()
                + " errors="
                + errors()
                + " duplicatesSuppressed="
                + duplicatesSuppressed();
    }
}
