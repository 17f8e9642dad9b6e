package io.kubeskippy.job.enrich;

import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.ResourceRef;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Accepted replies by (policy version, workload, trigger and pattern, evidence bucket), for a TTL:
 * a flapping target, or the pod that replaced a crash-looping one, does not cost a call each time,
 * while a finding with different evidence does. Bounded (least recently used entries go first).
 * Thread-safe.
 */
final class ReplyCache {

    static final int MAX_ENTRIES = 1000;

    /** A cached reply, with the model that gave it and the finding it was given for. */
    record Entry(ReplyValidator.Reply reply, String model, String findingId) {}

    private record Timed(Entry entry, long storedAtNanos) {}

    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private long newestPutNanos;
    private final Map<String, Timed> entries =
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Timed> eldest) {
                    return size() > MAX_ENTRIES;
                }
            };

    ReplyCache(Duration ttl, LongSupplier nanoTime) {
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    boolean enabled() {
        return ttlNanos > 0;
    }

    /** Whether no reply that is still valid is stored (when all have expired, drops them). */
    synchronized boolean isEmpty() {
        if (!entries.isEmpty() && nanoTime.getAsLong() - newestPutNanos >= ttlNanos) {
            entries.clear();
        }
        return entries.isEmpty();
    }

    synchronized Entry get(String key) {
        Timed t = entries.get(key);
        if (t == null) {
            return null;
        }
        if (nanoTime.getAsLong() - t.storedAtNanos >= ttlNanos) {
            entries.remove(key);
            return null;
        }
        return t.entry;
    }

    synchronized void put(String key, Entry entry) {
        if (enabled()) {
            newestPutNanos = nanoTime.getAsLong();
            entries.put(key, new Timed(entry, newestPutNanos));
        }
    }

    /**
     * The cache key of a finding. Evidence numbers are bucketed to one significant digit (r² 0.83
     * and 0.86 share a bucket, 0.83 and 0.95 do not; a slope of 120 KiB/s and 160 KiB/s share one);
     * strings (instants such as {@code projectedLimitAt}) are left out, as they differ every time,
     * and so is the series.
     *
     * @param context what the job knows of the target, for a pod's owner workload; may be null
     */
    static String key(Finding finding, HealingPolicy policy, TargetContext context) {
        StringBuilder key = new StringBuilder();
        key.append(policy.name())
                .append('@')
                .append(policy.version())
                .append('|')
                .append(workload(finding, context))
                .append('|')
                .append(finding.trigger())
                .append('|')
                .append(finding.pattern())
                .append('|');
        new TreeMap<>(finding.evidence())
                .forEach(
                        (name, value) -> {
                            if (value instanceof Number n) {
                                key.append(name).append('=').append(bucket(n.doubleValue()));
                                key.append(',');
                            } else if (value instanceof Boolean b) {
                                key.append(name).append('=').append(b).append(',');
                            }
                        });
        return key.toString();
    }

    /**
     * The workload a finding is about, as {@code Kind/namespace/name}: the target itself, but for a
     * pod the workload that owns it when the job knows it ({@code Deployment/shop/cart} for pod
     * {@code cart-7f9c-x2x4k}), so the pod that replaces a crash-looping one shares its replies. A
     * pod without an owner is its own workload.
     */
    static String workload(Finding finding, TargetContext context) {
        ResourceRef target = finding.target();
        if ("Pod".equals(target.kind()) && context != null) {
            for (TargetContext.Pod pod : context.pods()) {
                String owner = pod.owner();
                if (target.name().equals(pod.name()) && owner != null) {
                    int slash = owner.indexOf('/');
                    if (slash > 0 && slash < owner.length() - 1) {
                        return owner.substring(0, slash)
                                + '/'
                                + target.namespace()
                                + owner.substring(slash);
                    }
                }
            }
        }
        return target.id();
    }

    /** One significant digit, rounded down in magnitude: 0.86 -> 8E-1, 123456 -> 1E+5. */
    static String bucket(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return "0";
        }
        return new BigDecimal(v)
                .round(new MathContext(1, RoundingMode.DOWN))
                .stripTrailingZeros()
                .toString();
    }
}
