package io.kubeskippy.ingest.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubeskippy.model.policy.Diagnostic;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.policy.PolicyDocument;
import io.kubeskippy.model.policy.PolicyFile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The policies every source (a file, a HealingPolicy resource) defines, and what is published: the
 * reload logic of {@link PolicySync}, free of I/O.
 *
 * <p>Like Alertmanager's reload: a source with any error keeps its last good policies; a policy
 * whose content hash is already published is not published again; a policy no source defines any
 * more is removed (a tombstone); a name defined by two sources is an error naming both, and neither
 * replaces the version last published. Not thread-safe: {@link PolicySync} calls it from one
 * thread.
 */
final class PolicyCatalog {

    /** One valid policy, as published: its document is the record's value. */
    record Entry(
            String name, String hash, String version, JsonNode document, HealingPolicy policy) {}

    /** A policy as last published. {@code source} is null for one found on the topic at start. */
    record Published(String hash, String version, String source) {}

    /** A change to the topic. */
    sealed interface Change permits Publish, Remove {
        String name();
    }

    /** Publish {@code entry} (from {@code source}) under its name. */
    record Publish(Entry entry, String source) implements Change {
        @Override
        public String name() {
            return entry.name();
        }
    }

    /** Publish a tombstone: no source defines {@code name} any more. */
    record Remove(String name, String previousSource) implements Change {}

    /**
     * What to publish now.
     *
     * @param conflicts policy name to the sources that all define it (sorted)
     * @param failingSources the sources whose current content is rejected
     */
    record Plan(
            List<Change> changes, Map<String, List<String>> conflicts, Set<String> failingSources) {

        /** No rejected source and no conflict: the whole configuration is good. */
        boolean ok() {
            return conflicts.isEmpty() && failingSources.isEmpty();
        }
    }

    /** What {@link #accept} made of a source's content. */
    record Accepted(boolean valid, List<Diagnostic> errors, List<String> policyNames) {}

    private static final class Source {
        String contentKey;
        Map<String, Entry> lastGood; // null: never valid
        boolean failing;
    }

    private final Map<String, Source> sources = new TreeMap<>();
    private final Map<String, Published> published = new TreeMap<>();

    /** Whether {@code source}'s content is the one accepted last (so nothing needs re-reading). */
    boolean isUnchanged(String source, String contentKey) {
        Source s = sources.get(source);
        return s != null && Objects.equals(s.contentKey, contentKey);
    }

    /**
     * Takes the current content of {@code source}. A file with any error keeps its last good
     * policies (none if it never was valid).
     *
     * @param contentKey identifies the content (a hash of the bytes), for {@link #isUnchanged}
     */
    Accepted accept(String source, String contentKey, PolicyFile file) {
        List<Diagnostic> errors = new ArrayList<>();
        file.diagnostics().stream().filter(Diagnostic::isError).forEach(errors::add);
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, Integer> firstDocument = new TreeMap<>();
        for (PolicyDocument document : file.documents()) {
            HealingPolicy policy = document.policy();
            if (policy == null) {
                continue;
            }
            Integer first = firstDocument.putIfAbsent(policy.name(), document.index());
            if (first != null) {
                errors.add(
                        new Diagnostic(
                                Diagnostic.Severity.ERROR,
                                source,
                                0,
                                "metadata.name",
                                "policy '"
                                        + policy.name()
                                        + "' is defined twice in this file (documents "
                                        + (first + 1)
                                        + " and "
                                        + (document.index() + 1)
                                        + "); give each policy its own name"));
                continue;
            }
            entries.put(
                    policy.name(),
                    new Entry(
                            policy.name(),
                            policy.contentHash(),
                            policy.version(),
                            document.document(),
                            policy));
        }
        Source s = sources.computeIfAbsent(source, k -> new Source());
        s.contentKey = contentKey;
        s.failing = !errors.isEmpty();
        if (!s.failing) {
            s.lastGood = Collections.unmodifiableMap(entries);
        }
        return new Accepted(!s.failing, List.copyOf(errors), List.copyOf(entries.keySet()));
    }

    /** Forgets {@code source} (file deleted, resource deleted): its policies go, unless kept. */
    boolean remove(String source) {
        return sources.remove(source) != null;
    }

    Set<String> sources() {
        return Collections.unmodifiableSet(sources.keySet());
    }

    /** The names {@code source} last defined validly; empty if none. */
    Set<String> lastGoodNames(String source) {
        Source s = sources.get(source);
        return s == null || s.lastGood == null ? Set.of() : s.lastGood.keySet();
    }

    /** Records a policy found on the topic before any source was read. */
    void seed(String name, String hash, String version) {
        published.put(name, new Published(hash, version, null));
    }

    /**
     * The changes that bring the topic to the sources' policies.
     *
     * @param allSourcesKnown whether every source has been read at least once; until then, and
     *     while any source is rejected, policies found on the topic at start that no source defines
     *     are kept, since a source that could not be read may be the one defining them
     */
    Plan plan(boolean allSourcesKnown) {
        Map<String, Entry> desired = new TreeMap<>();
        Map<String, String> desiredSource = new TreeMap<>();
        Map<String, TreeSet<String>> conflicts = new TreeMap<>();
        Set<String> failing = new TreeSet<>();
        for (Map.Entry<String, Source> e : sources.entrySet()) {
            Source s = e.getValue();
            if (s.failing) {
                failing.add(e.getKey());
            }
            if (s.lastGood == null) {
                continue;
            }
            for (Entry entry : s.lastGood.values()) {
                String other = desiredSource.putIfAbsent(entry.name(), e.getKey());
                if (other != null) {
                    conflicts
                            .computeIfAbsent(entry.name(), k -> new TreeSet<>())
                            .addAll(List.of(other, e.getKey()));
                } else {
                    desired.put(entry.name(), entry);
                }
            }
        }
        List<Change> changes = new ArrayList<>();
        for (Map.Entry<String, Entry> e : desired.entrySet()) {
            if (conflicts.containsKey(e.getKey())) {
                continue; // neither replaces the version last published
            }
            Published current = published.get(e.getKey());
            if (current == null || !current.hash().equals(e.getValue().hash())) {
                changes.add(new Publish(e.getValue(), desiredSource.get(e.getKey())));
            }
        }
        boolean keepUnknown = !allSourcesKnown || !failing.isEmpty();
        for (Map.Entry<String, Published> e : published.entrySet()) {
            String name = e.getKey();
            if (desired.containsKey(name) || conflicts.containsKey(name)) {
                continue;
            }
            if (e.getValue().source() == null && keepUnknown) {
                continue;
            }
            changes.add(new Remove(name, e.getValue().source()));
        }
        Map<String, List<String>> conflictLists = new TreeMap<>();
        conflicts.forEach((name, set) -> conflictLists.put(name, List.copyOf(set)));
        return new Plan(List.copyOf(changes), conflictLists, failing);
    }

    /** Records that {@code change} is on the topic. */
    void applied(Change change) {
        if (change instanceof Publish p) {
            published.put(
                    p.name(), new Published(p.entry().hash(), p.entry().version(), p.source()));
        } else {
            published.remove(change.name());
        }
    }

    /** What is on the topic, by policy name. */
    Map<String, Published> published() {
        return Collections.unmodifiableMap(published);
    }
}
