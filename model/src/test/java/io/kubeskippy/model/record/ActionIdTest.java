package io.kubeskippy.model.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Deterministic, valid, distinct HealingAction names. */
class ActionIdTest {

    /** RFC 1123 DNS label, as Kubernetes checks label values and most object names. */
    private static final Pattern DNS_LABEL =
            Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");

    private static final String FINDING =
            "memory-leak-detection/memory-growth/Pod/shop/cart-7f9c5d8b6-x2x4k/1795340100000";

    @Test
    void sameFindingAndActionGiveTheSameName() {
        String first =
                ActionId.of(FINDING, "memory-leak-detection", "cart-7f9c5d8b6-x2x4k", "restart");
        String again =
                ActionId.of(FINDING, "memory-leak-detection", "cart-7f9c5d8b6-x2x4k", "restart");

        assertThat(again).isEqualTo(first);
        assertThat(first).matches("memory-leak-detection-cart-7f9c5d8b6-x2x4k-[0-9a-f]{12}");
    }

    @Test
    void differentFindingsGiveDifferentNames() {
        String earlier = ActionId.of(FINDING, "memory-leak-detection", "cart", "restart");
        String later =
                ActionId.of(
                        FINDING.replace("1795340100000", "1795343700000"),
                        "memory-leak-detection",
                        "cart",
                        "restart");

        assertThat(later).isNotEqualTo(earlier);
    }

    @Test
    void differentActionsOfOneFindingGiveDifferentNames() {
        assertThat(ActionId.of(FINDING, "memory-leak-detection", "cart", "restart"))
                .isNotEqualTo(
                        ActionId.of(
                                FINDING, "memory-leak-detection", "cart", "raise-memory-limit"));
    }

    @Test
    void longNamesStayDistinctAfterTruncation() {
        String policy = "statefulset-memory-growth-with-very-long-descriptive-policy-name";
        String target = "orders-postgres-primary-0-in-a-namespace-with-a-long-name";
        Set<String> names = new HashSet<>();

        for (int i = 0; i < 200; i++) {
            String name = ActionId.of("finding-" + i, policy, target + "-" + i, "restart");
            assertThat(name).hasSizeLessThanOrEqualTo(ActionId.MAX_LENGTH).matches(DNS_LABEL);
            names.add(name);
        }

        assertThat(names).hasSize(200);
    }

    @Test
    void isAValidDnsLabelWhateverTheInput() {
        List<String[]> inputs =
                List.of(
                        new String[] {"Memory_Leak.Detection", "Cart.7F9C"},
                        new String[] {"--policy--", "--target--"},
                        new String[] {"ünïcödé-pølicy", "pod/with/slashes"},
                        new String[] {"", ""},
                        new String[] {null, null},
                        new String[] {"p".repeat(80), "t".repeat(80)},
                        new String[] {"a".repeat(49) + "-", "b"});

        for (String[] input : inputs) {
            String name = ActionId.of(FINDING, input[0], input[1], "restart");
            assertThat(name)
                    .as("policy %s, target %s", input[0], input[1])
                    .hasSizeLessThanOrEqualTo(63)
                    .matches(DNS_LABEL);
            assertThat(ActionId.requireValid(name)).isEqualTo(name);
        }
    }

    @Test
    void namesAnActionOfNoReadablePartByItsHash() {
        assertThat(ActionId.of(FINDING, "___", "...", "restart")).matches("ha-[0-9a-f]{12}");
    }

    @Test
    void refusesABlankFindingId() {
        assertThatThrownBy(() -> ActionId.of(" ", "p", "t", "restart"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("findingId is required");
    }

    @Test
    void requireValidRefusesNamesKubernetesWouldRefuse() {
        assertThatThrownBy(() -> ActionId.requireValid("Restart_Cart"))
                .hasMessageContaining("metadata.name 'Restart_Cart' must be lower-case letters");
        assertThatThrownBy(() -> ActionId.requireValid("-cart"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ActionId.requireValid("")).hasMessage("metadata.name is required");
    }
}
