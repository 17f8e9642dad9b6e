package io.kubeskippy.model.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Kubernetes resource quantities, as policies write memory and CPU bounds. */
class QuantityTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "512Mi,  536870912",
        "1.5Gi,  1610612736",
        "1Ki,    1024",
        "1Ti,    1099511627776",
        "1Ei,    1152921504606846976",
        "250m,   0.25",
        "100n,   0.0000001",
        "5u,     0.000005",
        "2,      2",
        "0.5,    0.5",
        ".5,     0.5",
        "0,      0",
        "+1Ki,   1024",
        "1e3,    1000",
        "1E3,    1000",
        "1.5e-3, 0.0015",
        "100k,   100000",
        "1M,     1000000",
        "2G,     2000000000",
        "1T,     1000000000000",
        "1P,     1000000000000000",
        "1E,     1000000000000000000",
        "' 2Gi ', 2147483648"
    })
    void parses(String text, BigDecimal value) {
        Quantity q = Quantity.parse(text);
        assertThat(q.value()).isEqualByComparingTo(value);
        assertThat(q.text()).isEqualTo(text.trim());
    }

    @ParameterizedTest(name = "''{0}'' is rejected")
    @ValueSource(
            strings = {
                "Mi",
                "512MB",
                "512mi",
                "5 Mi",
                "1.2.3",
                "1e",
                "1e1.5",
                "abc",
                "--1",
                "0x10",
                "1Kib",
                "1K",
                "∞",
                "1,5Gi",
                "Gi1",
                "1e99999999999"
            })
    void rejectsWhatIsNotAQuantity(String text) {
        assertThatThrownBy(() -> Quantity.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must be a quantity such as 512Mi, 1.5Gi or 250m, got '" + text + "'");
    }

    @ParameterizedTest(name = "blank ''{0}'' is rejected")
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void rejectsBlank(String text) {
        assertThatThrownBy(() -> Quantity.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must be a quantity such as 512Mi, 1.5Gi or 250m");
    }

    @ParameterizedTest(name = "''{0}'' is negative")
    @ValueSource(strings = {"-1", "-512Mi", "-250m", "-1e3"})
    void rejectsNegative(String text) {
        assertThatThrownBy(() -> Quantity.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must not be negative, got '" + text + "'");
    }

    @ParameterizedTest(name = "{0} is {1} bytes")
    @CsvSource({"512Mi, 536870912", "1.5Gi, 1610612736", "100m, 1", "1k, 1000", "0.5, 1"})
    void bytesRoundUpAsKubernetesRoundsMemory(String text, long bytes) {
        assertThat(Quantity.parse(text).bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "{0} is {1} cores")
    @CsvSource({"250m, 0.25", "2, 2.0", "1500m, 1.5", "0.1, 0.1"})
    void cores(String text, double cores) {
        assertThat(Quantity.parse(text).cores()).isEqualTo(cores);
    }

    @Test
    void comparesByValueNotByText() {
        assertThat(Quantity.parse("1Gi").compareTo(Quantity.parse("1G"))).isPositive();
        assertThat(Quantity.parse("1024Mi").compareTo(Quantity.parse("1Gi"))).isZero();
        assertThat(Quantity.parse("500m").compareTo(Quantity.parse("0.5"))).isZero();
        assertThat(Quantity.parse("250m").compareTo(Quantity.parse("1"))).isNegative();
        assertThat(Quantity.parse("1.5Gi").toString()).isEqualTo("1.5Gi");
    }
}
