package io.kubeskippy.demo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulationSettingsTest {

    static final SimulationSettings DEFAULTS = SimulationSettings.defaults(Path.of("target"));

    @Test
    void defaultLeaksReachTheirLimitInFourToSevenMinutes() {
        double limit = DEFAULTS.leakMemoryLimitBytes();
        double start = DEFAULTS.leakStartBytes();
        double leak = (limit - start) / DEFAULTS.leakBytesPerSecond();
        double degradation = (limit - start) / DEFAULTS.degradationBytesPerSecond();
        assertThat(leak).isEqualTo(DEFAULTS.secondsToOom()).isBetween(240.0, 420.0);
        assertThat(degradation).isBetween(240.0, 420.0).isGreaterThan(leak);
        assertThat(DEFAULTS.scrapeInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void timeToOomSetsBothLeakRates() {
        SimulationSettings fast = DEFAULTS.withTimeToOom(Duration.ofSeconds(10));
        assertThat(fast.secondsToOom()).isCloseTo(10.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(fast.degradationBytesPerSecond()).isLessThan(fast.leakBytesPerSecond());
        assertThat(fast.namespace()).isEqualTo(DEFAULTS.namespace());
    }

    @Test
    void rejectsSettingsThatCannotRun() {
        assertThatThrownBy(() -> DEFAULTS.withScrapeInterval(Duration.ZERO))
                .hasMessageContaining("scrapeInterval");
        assertThatThrownBy(() -> DEFAULTS.withLeakStartBytes(DEFAULTS.leakMemoryLimitBytes()))
                .hasMessageContaining("leakStartBytes");
        assertThatThrownBy(() -> DEFAULTS.withMetricsPort(70000))
                .hasMessageContaining("metricsPort");
    }
}
