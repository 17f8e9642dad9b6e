package io.kubeskippy.job.enrich;

import static io.kubeskippy.job.enrich.EnrichmentFixtures.CRASH_LOOP_AI;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.T0;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.crashLoop;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.record.ResourceRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReplyCacheTest {

    private static final HealingPolicy POLICY = policy(CRASH_LOOP_AI);

    private static Finding growth(String id, double slope, double r2, String projected) {
        return new Finding(
                id,
                "crash-loop",
                "back-off",
                new ResourceRef("apps/v1", "Deployment", "shop", "leaky", null),
                "growth",
                T0,
                T0.plusSeconds(600),
                Map.of("slope", slope, "r2", r2, "projectedLimitAt", projected),
                null);
    }

    @Test
    void findingsWithEvidenceInTheSameBucketShareAKey() {
        String a = ReplyCache.key(growth("a", 125_000, 0.83, "2026-11-22T10:30:00Z"), POLICY, null);
        String b = ReplyCache.key(growth("b", 160_000, 0.86, "2026-11-22T10:41:00Z"), POLICY, null);
        String c = ReplyCache.key(growth("c", 160_000, 0.95, "2026-11-22T10:41:00Z"), POLICY, null);
        String d = ReplyCache.key(growth("d", 260_000, 0.86, "2026-11-22T10:41:00Z"), POLICY, null);

        assertThat(a).isEqualTo(b).contains(POLICY.version()).contains("Deployment/shop/leaky");
        assertThat(c).isNotEqualTo(a);
        assertThat(d).isNotEqualTo(a);
    }

    /** What the job knows of a pod target: its name and owner workload. */
    static TargetContext owned(String pod, String owner) {
        return new TargetContext(
                List.of(
                        new TargetContext.Pod(
                                pod, owner, "Running", null, null, 3, null, null, null, null)),
                List.of());
    }

    @Test
    void podsOfOneWorkloadShareAKeyAndAPodWithoutAKnownOwnerIsItsOwn() {
        String first =
                ReplyCache.key(
                        crashLoop("shop", "cart-7f9c-aaaaa"),
                        POLICY,
                        owned("cart-7f9c-aaaaa", "Deployment/cart"));
        String replacement =
                ReplyCache.key(
                        crashLoop("shop", "cart-7f9c-bbbbb"),
                        POLICY,
                        owned("cart-7f9c-bbbbb", "Deployment/cart"));
        String otherWorkload =
                ReplyCache.key(
                        crashLoop("shop", "web-1"), POLICY, owned("web-1", "StatefulSet/web"));

        assertThat(first).isEqualTo(replacement).contains("|Deployment/shop/cart|");
        assertThat(otherWorkload).contains("|StatefulSet/shop/web|");
        assertThat(ReplyCache.key(crashLoop("shop", "cart-7f9c-aaaaa"), POLICY, null))
                .contains("|Pod/shop/cart-7f9c-aaaaa|");
        assertThat(
                        ReplyCache.workload(
                                crashLoop("shop", "cart-7f9c-aaaaa"),
                                owned("another-pod", "Deployment/other")))
                .as("only the target pod's own owner counts")
                .isEqualTo("Pod/shop/cart-7f9c-aaaaa");
    }

    @Test
    void bucketsKeepOneSignificantDigit() {
        assertThat(ReplyCache.bucket(0.86)).isEqualTo("0.8");
        assertThat(ReplyCache.bucket(123_456)).isEqualTo("1E+5");
        assertThat(ReplyCache.bucket(-0.004)).isEqualTo("-0.004");
        assertThat(ReplyCache.bucket(3)).isEqualTo("3");
    }

    private static final ReplyCache.Entry ENTRY =
            new ReplyCache.Entry(
                    new ReplyValidator.Reply("s", "r", null, 0.9, List.of("delete-pod"), null),
                    "m",
                    "f-1");

    @Test
    void entriesExpireAfterTheTtlAndAZeroTtlCachesNothing() {
        AtomicLong now = new AtomicLong();
        ReplyCache cache = new ReplyCache(Duration.ofMinutes(10), now::get);
        ReplyCache.Entry e = ENTRY;
        cache.put("k", e);
        now.addAndGet(Duration.ofMinutes(9).toNanos());
        assertThat(cache.get("k")).isEqualTo(e);
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(cache.get("k")).isNull();

        ReplyCache off = new ReplyCache(Duration.ZERO, now::get);
        off.put("k", e);
        assertThat(off.get("k")).isNull();
        assertThat(off.isEmpty()).isTrue();
    }

    @Test
    void theCacheIsEmptyOnceItsNewestReplyHasExpired() {
        AtomicLong now = new AtomicLong();
        ReplyCache cache = new ReplyCache(Duration.ofMinutes(10), now::get);
        ReplyCache.Entry e = ENTRY;
        assertThat(cache.isEmpty()).isTrue();
        cache.put("older", e);
        now.addAndGet(Duration.ofMinutes(5).toNanos());
        cache.put("newer", e);
        now.addAndGet(Duration.ofMinutes(6).toNanos());

        assertThat(cache.isEmpty()).as("the newer reply is 6 minutes old").isFalse();
        now.addAndGet(Duration.ofMinutes(4).toNanos());
        assertThat(cache.isEmpty()).as("both are older than the TTL").isTrue();
        assertThat(cache.get("newer")).isNull();
    }
}
