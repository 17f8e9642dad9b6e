package io.kubeskippy.ingest.policy;

import static io.kubeskippy.ingest.policy.PolicyFixtures.invalid;
import static io.kubeskippy.ingest.policy.PolicyFixtures.policy;
import static io.kubeskippy.ingest.policy.PolicyFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.ingest.policy.PolicyCatalog.Accepted;
import io.kubeskippy.ingest.policy.PolicyCatalog.Change;
import io.kubeskippy.ingest.policy.PolicyCatalog.Plan;
import io.kubeskippy.ingest.policy.PolicyCatalog.Publish;
import io.kubeskippy.ingest.policy.PolicyCatalog.Remove;
import io.kubeskippy.model.policy.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reload rules, without files or Kafka. */
class PolicyCatalogTest {

    private final PolicyCatalog catalog = new PolicyCatalog();

    private Accepted put(String source, String text) {
        return catalog.accept(source, Integer.toHexString(text.hashCode()), read(source, text));
    }

    /** Plans with every source known, and applies the plan as if every publish succeeded. */
    private Plan reload() {
        Plan plan = catalog.plan(true);
        plan.changes().forEach(catalog::applied);
        return plan;
    }

    private static List<String> describe(List<Change> changes) {
        return changes.stream()
                .map(
                        c ->
                                c instanceof Publish p
                                        ? "publish " + p.name() + " from " + p.source()
                                        : "remove " + c.name())
                .toList();
    }

    @Test
    void publishesAValidPolicyOnceAndTheSameContentAgainIsANoOp() {
        assertThat(put("a.yaml", policy("memory-leak", "15m")).valid()).isTrue();
        Plan first = reload();
        assertThat(describe(first.changes())).containsExactly("publish memory-leak from a.yaml");
        assertThat(first.ok()).isTrue();

        // Same policy, other layout and a comment: same content hash.
        put("a.yaml", "# restart leaking workloads\n" + policy("memory-leak", "15m"));
        assertThat(reload().changes()).isEmpty();

        put("a.yaml", policy("memory-leak", "30m"));
        assertThat(describe(reload().changes())).containsExactly("publish memory-leak from a.yaml");
    }

    @Test
    void keepsLastGoodPolicyWhenFileIsInvalid() {
        put("a.yaml", policy("memory-leak", "15m"));
        reload();
        String published = catalog.published().get("memory-leak").hash();

        Accepted bad = put("a.yaml", invalid("memory-leak"));
        Plan plan = reload();

        assertThat(bad.valid()).isFalse();
        assertThat(bad.errors())
                .extracting(Diagnostic::format)
                .anyMatch(m -> m.contains("spec.colour"))
                .anyMatch(m -> m.contains("spec.triggers[0].trendTrigger.window"));
        assertThat(plan.changes()).isEmpty();
        assertThat(plan.ok()).isFalse();
        assertThat(plan.failingSources()).containsExactly("a.yaml");
        assertThat(catalog.published().get("memory-leak").hash()).isEqualTo(published);

        put("a.yaml", policy("memory-leak", "20m"));
        Plan fixed = reload();
        assertThat(fixed.ok()).isTrue();
        assertThat(describe(fixed.changes())).containsExactly("publish memory-leak from a.yaml");
    }

    @Test
    void anInvalidFileWithoutAGoodVersionPublishesNothingFromIt() {
        put("a.yaml", policy("one", "15m") + "---\n" + invalid("two"));

        Plan plan = reload();

        assertThat(plan.changes()).isEmpty();
        assertThat(plan.ok()).isFalse();
    }

    @Test
    void aPolicyThatDisappearsGetsATombstone() {
        put("a.yaml", policy("one", "15m") + "---\n" + policy("two", "15m"));
        put("b.yaml", policy("three", "15m"));
        reload();

        put("a.yaml", policy("one", "15m"));
        assertThat(reload().changes()).containsExactly(new Remove("two", "a.yaml"));

        catalog.remove("b.yaml");
        assertThat(reload().changes()).containsExactly(new Remove("three", "b.yaml"));
        assertThat(catalog.published()).containsOnlyKeys("one");
    }

    @Test
    void twoFilesDefiningOnePolicyIsAnErrorNamingBothAndNeitherReplacesTheLastGood() {
        put("a.yaml", policy("memory-leak", "15m"));
        reload();
        String good = catalog.published().get("memory-leak").hash();

        put("b.yaml", policy("memory-leak", "45m") + "---\n" + policy("other", "15m"));
        Plan plan = reload();

        assertThat(plan.conflicts()).containsEntry("memory-leak", List.of("a.yaml", "b.yaml"));
        assertThat(plan.ok()).isFalse();
        // b.yaml's other policy is fine; the contested name keeps what was published.
        assertThat(describe(plan.changes())).containsExactly("publish other from b.yaml");
        assertThat(catalog.published().get("memory-leak").hash()).isEqualTo(good);

        // Without anything published before, a contested name is not published at all.
        catalog.remove("a.yaml");
        reload();
        put("c.yaml", policy("other", "30m"));
        Plan contested = reload();
        assertThat(contested.conflicts()).containsOnlyKeys("other");
        assertThat(contested.changes()).isEmpty();

        catalog.remove("c.yaml");
        Plan resolved = reload();
        assertThat(resolved.ok()).isTrue();
        assertThat(resolved.changes()).isEmpty(); // b.yaml's version is the one out already
    }

    @Test
    void onePolicyTwiceInOneFileRejectsTheFile() {
        Accepted accepted = put("a.yaml", policy("dup", "15m") + "---\n" + policy("dup", "30m"));

        assertThat(accepted.valid()).isFalse();
        assertThat(accepted.errors())
                .extracting(Diagnostic::format)
                .containsExactly(
                        "a.yaml: metadata.name: policy 'dup' is defined twice in this file"
                                + " (documents 1 and 2); give each policy its own name");
        assertThat(reload().changes()).isEmpty();
    }

    @Test
    void aSeededPolicyIsNotRepublishedAndAStaleOneGoesOnlyOnceEverySourceIsGood() {
        put("probe.yaml", policy("kept", "15m"));
        String keptHash = catalog.lastGoodNames("probe.yaml").isEmpty() ? null : hashOf("kept");
        catalog.remove("probe.yaml");
        catalog.seed("kept", keptHash, keptHash.substring(0, 12));
        catalog.seed("stale", "0000", "0000");

        put("a.yaml", policy("kept", "15m"));
        put("b.yaml", invalid("maybe-stale"));
        // Not every source is known yet, or one is rejected: the stale one may be defined there.
        assertThat(catalog.plan(false).changes()).isEmpty();
        assertThat(reload().changes()).isEmpty();

        put("b.yaml", policy("new", "15m"));
        assertThat(describe(reload().changes()))
                .containsExactlyInAnyOrder("publish new from b.yaml", "remove stale");
    }

    private String hashOf(String name) {
        Plan plan = catalog.plan(true);
        return plan.changes().stream()
                .filter(c -> c instanceof Publish p && p.name().equals(name))
                .map(c -> ((Publish) c).entry().hash())
                .findFirst()
                .orElseThrow();
    }
}
