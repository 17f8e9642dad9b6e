package io.kubeskippy.job.enrich;

import static io.kubeskippy.job.enrich.EnrichmentFixtures.CRASH_LOOP_AI;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.T0;
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
        String a = ReplyCache.key(growth("a", 125_000, 0.83, "2026-11-22T10:30:00Z"), POLICY);
        String b = ReplyCache.key(growth("b", 160_000, 0.86, "2026-11-22T10:41:00Z"), POLICY);
        String c = ReplyCache.key(growth("c", 160_000, 0.95, "2026-11-22T10:41:00Z"), POLICY);
        String d = ReplyCache.key(growth("d", 260_000, 0.86, "2026-11-22T10:41:00Z"), POLICY);

        assertThat(a).isEqualTo(b).contains(POLICY.version()).contains("Deployment/shop/leaky");
        assertThat(c).isNotEqualTo(a);
        assertThat(d).isNotEqualTo(a);
    }

    @Test
    void bucketsKeepOneSignificantDigit() {
        assertThat(ReplyCache.bucket(0.86)).isEqualTo("0.8");
        assertThat(ReplyCache.bucket(123_456)).isEqualTo("1E+5");
        assertThat(ReplyCache.bucket(-0.004)).isEqualTo("-0.004");
        assertThat(ReplyCache.bucket(3)).isEqualTo("3");
    }

    @Test
    void entriesExpireAfterTheTtlAndAZeroTtlCachesNothing() {
        AtomicLong now = new AtomicLong();
        ReplyCache cache = new ReplyCache(Duration.ofMinutes(10), now::get);
        ReplyCache.Entry e =
                new ReplyCache.Entry(
                        new ReplyValidator.Reply("s", "r", null, 0.9, List.of("delete-pod"), null),
                        "m");
        cache.put("k", e);
        now.addAndGet(Duration.ofMinutes(9).toNanos());
        assertThat(cache.get("k")).isEqualTo(e);
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(cache.get("k")).isNull();

        ReplyCache off = new ReplyCache(Duration.ZERO, now::get);
        off.put("k", e);
        assertThat(off.get("k")).isNull();
    }
}
