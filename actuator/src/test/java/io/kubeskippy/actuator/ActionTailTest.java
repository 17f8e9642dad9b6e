package io.kubeskippy.actuator;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.actuator.execute.Changes;
import io.kubeskippy.model.policy.PolicyAction;
import io.kubeskippy.model.record.ActionOutcome;
import io.kubeskippy.model.record.HealingAction;
import io.kubeskippy.model.record.ResourceRef;
import io.kubeskippy.model.serde.Decoded;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActionTailTest {

    static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    static final ResourceRef POD = ResourceRef.pod("shop", "cart-7f9c", "u-1");

    @Test
    void rendersAnActionWithWhatMatters() {
        HealingAction a =
                new HealingAction(
                        HealingAction.Metadata.named("leak-cart-7f9c-0123456789ab", "shop"),
                        new HealingAction.Spec(
                                new HealingAction.PolicyRef("leak", null, null),
                                POD,
                                PolicyAction.restart("restart"),
                                true,
                                false,
                                null,
                                null,
                                new HealingAction.Detection("f", "t", "growth", null, T0, null),
                                HealingAction.Enrichment.none("disabled")));

        assertThat(ActionTail.action(new Decoded.Value<>(null, a)))
                .isEqualTo(
                        "action    leak-cart-7f9c-0123456789ab  restart Pod shop/cart-7f9c  (policy leak, growth, approval required)");
    }

    @Test
    void rendersAnOutcomeWithItsChangesOldToNew() {
        ActionOutcome o =
                new ActionOutcome(
                        "leak-cart-7f9c-0123456789ab",
                        POD,
                        ActionOutcome.Phase.Succeeded,
                        "delete Pod shop/cart-7f9c (grace 30s)",
                        T0,
                        T0,
                        List.of(
                                Changes.podDelete(POD),
                                Changes.replicas(
                                        new ResourceRef(
                                                "apps/v1", "Deployment", "shop", "cart", null),
                                        2,
                                        3)));

        assertThat(ActionTail.outcome(T0, new Decoded.Value<>(null, o)))
                .containsExactly(
                        "2026-11-22T10:00:00Z Succeeded leak-cart-7f9c-0123456789ab  Pod shop/cart-7f9c: delete Pod shop/cart-7f9c (grace 30s)",
                        "            delete Pod shop/cart-7f9c",
                        "            Deployment shop/cart spec.replicas 2 -> 3");
    }
}
