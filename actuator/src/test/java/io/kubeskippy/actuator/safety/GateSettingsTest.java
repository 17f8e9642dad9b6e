package io.kubeskippy.actuator.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class GateSettingsTest {

    @Test
    void theSystemNamespacesAreAlwaysProtected() {
        GateSettings s = GateSettings.DEFAULTS.withNamespaces(Set.of(), Set.of("payments"));

        assertThat(s.protectedNamespaces())
                .containsExactlyInAnyOrder(
                        "kube-system", "kube-public", "kube-node-lease", "payments");
    }

    @Test
    void theWorkloadBudgetKeepsAShareHealthyAndAlwaysAllowsOnePod() {
        GateSettings half = GateSettings.DEFAULTS;

        assertThat(half.workloadBudget(1)).isEqualTo(1);
        assertThat(half.workloadBudget(3)).isEqualTo(1);
        assertThat(half.workloadBudget(4)).isEqualTo(2);
        assertThat(half.withLimits(60, 10, 1.0).workloadBudget(3)).isEqualTo(3);
        assertThatThrownBy(() -> half.withLimits(60, 10, 0)).hasMessageContaining("within (0, 1]");
    }

    @Test
    void blockReasonsHaveMetricLabelsAndConditionReasons() {
        assertThat(BlockReason.STORM_BREAKER.label()).isEqualTo("storm_breaker");
        assertThat(BlockReason.STORM_BREAKER.conditionReason()).isEqualTo("StormBreaker");
        assertThat(BlockReason.PROTECTED_OBJECT.conditionReason()).isEqualTo("ProtectedObject");
    }
}
