package io.kubeskippy.actuator;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Starting fails in one line that names the part and the fix. */
class ActuatorStartITCase extends ActuatorTestBase {

    @Test
    void aMissingTopicIsNamedWithTheFix() {
        assertThatThrownBy(() -> startActuator(Map.of("topic-audit", "no.such.audit")))
                .isInstanceOf(ActuatorStartException.class)
                .hasMessage(
                        "Kafka at "
                                + kafka.bootstrapServers()
                                + " has no topic no.such.audit; create the KubeSkippy topics"
                                + " (skippy kafka creates them all)");
    }

    @Test
    void aTakenMetricsPortIsNamedWithTheFix() throws Exception {
        ActuatorProcess first = startActuator(Map.of());
        String port = Integer.toString(first.metricsPort());

        assertThatThrownBy(() -> startActuator(Map.of("metrics-port", port, "group-id", "other")))
                .isInstanceOf(ActuatorStartException.class)
                .hasMessageStartingWith("cannot serve /metrics on 127.0.0.1:" + port)
                .hasMessageEndingWith("; choose another --metrics-port");
    }
}
