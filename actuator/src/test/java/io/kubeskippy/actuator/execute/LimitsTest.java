package io.kubeskippy.actuator.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.model.policy.PatchAction.ResourceBound;
import org.junit.jupiter.api.Test;

class LimitsTest {

    @Test
    void raisesMemoryByTheFactorToAWholeMebibyte() {
        ResourceBound bound = new ResourceBound(null, "4Gi", 1.5);

        assertThat(Limits.raise("memory", "512Mi", bound)).isEqualTo("768Mi");
        assertThat(Limits.raise("memory", "1Gi", bound)).isEqualTo("1536Mi");
        assertThat(Limits.raise("memory", "2Gi", bound)).isEqualTo("3Gi");
        assertThat(Limits.raise("memory", "1000000", bound)).isEqualTo("2Mi");
    }

    @Test
    void clampsToTheBounds() {
        assertThat(Limits.raise("memory", "900Mi", new ResourceBound(null, "1Gi", 1.5)))
                .isEqualTo("1Gi");
        assertThat(Limits.raise("memory", "64Mi", new ResourceBound("256Mi", "1Gi", 1.5)))
                .isEqualTo("256Mi");
        assertThat(Limits.raise("memory", "2Gi", new ResourceBound(null, "1Gi", 1.5)))
                .isEqualTo("1Gi");
    }

    @Test
    void raisesCpuToAWholeMillicore() {
        ResourceBound bound = new ResourceBound(null, "4", 1.5);

        assertThat(Limits.raise("cpu", "500m", bound)).isEqualTo("750m");
        assertThat(Limits.raise("cpu", "1", bound)).isEqualTo("1500m");
        assertThat(Limits.raise("cpu", "2", bound)).isEqualTo("3");
        assertThat(Limits.raise("cpu", "3", bound)).isEqualTo("4");
    }

    @Test
    void comparesQuantitiesByValue() {
        assertThat(Limits.below("512Mi", "768Mi")).isTrue();
        assertThat(Limits.below("1Gi", "1024Mi")).isFalse();
        assertThat(ChangeApplier.sameQuantity("1Gi", "1024Mi")).isTrue();
        assertThat(Limits.formatBytes(1200L << 20)).isEqualTo("1200Mi");
    }
}
