package io.kubeskippy.actuator.safety;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Every action the actuator knows of, by name: the rate limits' and storm breaker's memory, and the
 * first duplicate check. Rebuilt from the HealingAction resources when the actuator starts, so a
 * restart forgets nothing; thread-safe.
 *
 * <p>Deciding and reserving is one step ({@link #decide}): an action the gate lets through is
 * counted before the lock is released, so two lanes can never both take the last slot. Counting
 * queries are O(log n) (time-sorted indexes), so the gate stays cheap with many actions.
 */
public final class ActionLedger implements ActionHistory {

    /** How an action counts. */
    public enum State {
        /** Executed or being executed: counts against every limit. */
        ACTED,
        /** The global dry-run would have executed it: counts like ACTED, in this process only. */
        SIMULATED,
        /** Waiting for approval. */
        AWAITING_APPROVAL,
        /** Blocked, cancelled, a dry run, not started yet: counts against nothing. */
        DONE
    }

    /**
     * One action.
     *
     * @param workloadId the id of the workload that owns the target, or null
     * @param settled false for an action found interrupted at start (Pending without an approval
     *     request, Approved or InProgress): such an action is resumed, not reported as a duplicate
     */
    public record Entry(
            String name,
            String policy,
            String targetId,
            String workloadId,
            Instant at,
            State state,
            boolean settled) {

        public boolean counts() {
            return state == State.ACTED || state == State.SIMULATED;
        }

        public Entry with(State newState, boolean isSettled) {
            return new Entry(name, policy, targetId, workloadId, at, newState, isSettled);
        }
    }

    private static final Comparator<Entry> BY_TIME = Comparator.comparing(Entry::at);

    private final Map<String, Entry> byName = new HashMap<>();
    private final Duration retention;

    // Indexes over the entries that count, rebuilt when one stops counting.
    private final List<Entry> counted = new ArrayList<>();
    private final Map<String, List<Entry>> countedByPolicy = new HashMap<>();
    private final Map<String, List<Entry>> countedByTarget = new HashMap<>();
    private final Map<String, Instant> lastByTarget = new HashMap<>();
    private final List<Instant> targetLastTimes = new ArrayList<>();
    private final Map<String, Map<String, Instant>> byWorkload = new HashMap<>();

    /**
     * @param retention how long a settled entry is kept; longer than every window, and long enough
     *     that a replayed record is still recognised (the HealingAction resource catches the rest)
     */
    public ActionLedger(Duration retention) {
        this.retention = retention;
    }

    /** Replaces what is known with {@code entries}, e.g. those read from the cluster at start. */
    public synchronized void rebuild(List<Entry> entries) {
        byName.clear();
        for (Entry e : entries) {
            byName.put(e.name(), e);
        }
        reindex();
    }

    public synchronized Optional<Entry> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Records (or replaces) what is known about an action. */
    public synchronized void put(Entry entry) {
        Entry old = byName.put(entry.name(), entry);
        if (old != null && old.counts()) {
            unindex(old);
        }
        if (entry.counts()) {
            index(entry);
        }
    }

    /** Forgets an action, e.g. one reserved and then refused by its executor. */
    public synchronized void remove(String name) {
        Entry old = byName.remove(name);
        if (old != null && old.counts()) {
            unindex(old);
        }
    }

    /**
     * Runs {@code decision} over this history and records what {@code reserve} returns for its
     * result before anyone else can decide: the gate and the reservation are one atomic step.
     *
     * @param reserve the entry to record for the result, or null to record nothing
     */
    public synchronized <T> T decide(
            Function<ActionHistory, T> decision, Function<T, Entry> reserve) {
        T result = decision.apply(this);
        Entry entry = reserve.apply(result);
        if (entry != null) {
            put(entry);
        }
        return result;
    }

    /** Drops settled entries older than the retention; returns how many. */
    public synchronized int prune(Instant now) {
        Instant cutoff = now.minus(retention);
        int before = byName.size();
        byName.values().removeIf(e -> e.settled() && e.at().isBefore(cutoff));
        int removed = before - byName.size();
        if (removed > 0) {
            reindex();
        }
        return removed;
    }

    public synchronized int size() {
        return byName.size();
    }

    /** Actions waiting for approval now. */
    public synchronized int awaitingApproval() {
        int n = 0;
        for (Entry e : byName.values()) {
            if (e.state() == State.AWAITING_APPROVAL) {
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized Optional<Instant> lastActedOn(String targetId) {
        return Optional.ofNullable(lastByTarget.get(targetId));
    }

    @Override
    public synchronized int actedSince(Instant since, String policy) {
        List<Entry> list =
                policy == null ? counted : countedByPolicy.getOrDefault(policy, List.of());
        return list.size() - firstAtOrAfter(list, since);
    }

    @Override
    public synchronized int targetsActedSince(Instant since) {
        int i = Collections.binarySearch(targetLastTimes, since);
        int first = i >= 0 ? firstEqual(targetLastTimes, i) : -i - 1;
        return targetLastTimes.size() - first;
    }

    @Override
    public synchronized Set<String> workloadTargetsActedSince(String workloadId, Instant since) {
        Set<String> targets = new LinkedHashSet<>();
        Map<String, Instant> last = byWorkload.getOrDefault(workloadId, Map.of());
        last.forEach(
                (target, at) -> {
                    if (!at.isBefore(since)) {
                        targets.add(target);
                    }
                });
        return targets;
    }

    private void index(Entry e) {
        insertSorted(counted, e);
        insertSorted(countedByPolicy.computeIfAbsent(e.policy(), p -> new ArrayList<>()), e);
        countedByTarget.computeIfAbsent(e.targetId(), t -> new ArrayList<>()).add(e);
        retarget(e.targetId());
    }

    private void unindex(Entry e) {
        removeSorted(counted, e);
        List<Entry> byPolicy = countedByPolicy.get(e.policy());
        if (byPolicy != null) {
            removeSorted(byPolicy, e);
        }
        List<Entry> byTarget = countedByTarget.get(e.targetId());
        if (byTarget != null) {
            byTarget.remove(e);
            if (byTarget.isEmpty()) {
                countedByTarget.remove(e.targetId());
            }
        }
        retarget(e.targetId());
    }

    /** Recomputes the last time {@code target} was acted on, overall and per workload. */
    private void retarget(String target) {
        Instant previous = lastByTarget.remove(target);
        if (previous != null) {
            targetLastTimes.remove(
                    firstEqual(
                            targetLastTimes, Collections.binarySearch(targetLastTimes, previous)));
        }
        for (Map<String, Instant> targets : byWorkload.values()) {
            targets.remove(target);
        }
        Instant last = null;
        for (Entry e : countedByTarget.getOrDefault(target, List.of())) {
            if (last == null || e.at().isAfter(last)) {
                last = e.at();
            }
            if (e.workloadId() != null) {
                byWorkload
                        .computeIfAbsent(e.workloadId(), w -> new HashMap<>())
                        .merge(target, e.at(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        if (last != null) {
            lastByTarget.put(target, last);
            int i = Collections.binarySearch(targetLastTimes, last);
            targetLastTimes.add(i >= 0 ? i : -i - 1, last);
        }
    }

    private void reindex() {
        counted.clear();
        countedByPolicy.clear();
        countedByTarget.clear();
        lastByTarget.clear();
        targetLastTimes.clear();
        byWorkload.clear();
        List<Entry> all = new ArrayList<>();
        for (Entry e : byName.values()) {
            if (e.counts()) {
                all.add(e);
            }
        }
        all.sort(BY_TIME);
        for (Entry e : all) {
            index(e);
        }
    }

    private static void removeSorted(List<Entry> list, Entry e) {
        int i = firstAtOrAfter(list, e.at());
        while (i < list.size() && !list.get(i).at().isAfter(e.at())) {
            if (list.get(i).equals(e)) {
                list.remove(i);
                return;
            }
            i++;
        }
        list.remove(e);
    }

    private static void insertSorted(List<Entry> list, Entry e) {
        int i = list.size();
        // Entries arrive in time order almost always: search from the end.
        while (i > 0 && list.get(i - 1).at().isAfter(e.at())) {
            i--;
        }
        list.add(i, e);
    }

    private static int firstAtOrAfter(List<Entry> list, Instant since) {
        int lo = 0;
        int hi = list.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (list.get(mid).at().isBefore(since)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int firstEqual(List<Instant> list, int index) {
        int i = index;
        while (i > 0 && list.get(i - 1).equals(list.get(index))) {
            i--;
        }
        return i;
    }
}
