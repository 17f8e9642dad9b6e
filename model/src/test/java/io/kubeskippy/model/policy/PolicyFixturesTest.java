package io.kubeskippy.model.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.kubeskippy.model.policy.Diagnostic.Severity;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code policies/testdata}: every good file loads (with exactly the warnings and notices its
 * {@code # expect:} lines name), every bad file fails with exactly its {@code # expect:} errors, in
 * order. See {@link Fixture} for the header format and how file names are compared.
 */
class PolicyFixturesTest {

    @TestFactory
    Stream<DynamicTest> goodFixturesLoadWithExactlyTheirWarnings() {
        return Fixture.good().stream()
                .map(
                        f ->
                                dynamicTest(
                                        f.name(),
                                        () -> {
                                            PolicyFile read = f.read();
                                            assertThat(f.formatted(read, true))
                                                    .as("errors of %s", f)
                                                    .isEmpty();
                                            assertThat(f.formatted(read, false))
                                                    .as("warnings and notices of %s", f)
                                                    .containsExactlyElementsOf(f.expects());
                                            assertThat(read.policies())
                                                    .as("policies of %s", f)
                                                    .isNotEmpty();
                                        }));
    }

    @TestFactory
    Stream<DynamicTest> badFixturesFailWithExactlyTheirExpectedErrors() {
        return Fixture.bad().stream()
                .map(
                        f ->
                                dynamicTest(
                                        f.name(),
                                        () -> {
                                            PolicyFile read = f.read();
                                            assertThat(f.expects())
                                                    .as("%s has no '# expect:' line", f)
                                                    .isNotEmpty();
                                            assertThat(f.formatted(read, true))
                                                    .as("errors of %s", f)
                                                    .containsExactlyElementsOf(f.expects());
                                            assertThat(read.hasErrors()).isTrue();
                                            assertThat(read.policies()).isEmpty();
                                        }));
    }

    @Test
    void thereIsABadFixtureForEachRule() {
        List<Fixture> bad = Fixture.bad();
        assertThat(bad).hasSizeGreaterThanOrEqualTo(25);
        Set<String> numbers = new HashSet<>();
        for (Fixture f : bad) {
            String file = f.name().substring(f.name().lastIndexOf('/') + 1);
            assertThat(file)
                    .as("bad fixtures are named NN-short-name.yaml")
                    .matches("\\d{2}-[a-z0-9-]+\\.yaml");
            assertThat(numbers.add(file.substring(0, 2)))
                    .as("number of %s is used twice", f)
                    .isTrue();
            assertThat(f.crd())
                    .as("%s has no '# crd:' line", f)
                    .isNotEqualTo(Fixture.Crd.UNSPECIFIED);
            assertThat(f.expects())
                    .as("expectations of %s name the file", f)
                    .allSatisfy(e -> assertThat(e).startsWith(f.name() + ":"));
        }
    }

    @Test
    void severalErrorsOfOneFileAreReportedAtOnce() {
        Fixture several =
                Fixture.bad().stream()
                        .filter(f -> f.name().endsWith("-several-errors.yaml"))
                        .findFirst()
                        .orElseThrow();
        assertThat(several.expects()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(several.formatted(several.read(), true))
                .containsExactlyElementsOf(several.expects());
    }

    @Test
    void multiDocumentFileSkipsTheConfigMapAndLoadsBothPolicies() {
        Fixture multi = good("multi-document.yaml");
        PolicyFile read = multi.read();

        assertThat(read.documents()).hasSize(3); // the empty document between two '---' is dropped
        PolicyDocument configMap = read.documents().get(0);
        assertThat(configMap.isPolicy()).isFalse();
        assertThat(configMap.diagnostics())
                .singleElement()
                .satisfies(d -> assertThat(d.severity()).isEqualTo(Severity.NOTICE));
        assertThat(read.policies())
                .extracting(HealingPolicy::name)
                .containsExactly("pvc-nearly-full", "not-ready-pods");
        assertThat(read.documents().get(1).index()).isEqualTo(2);
    }

    @Test
    void warningFilesStillLoadAndTheirTriggersAreInert() {
        for (String file : List.of("warn-unknown-query.yaml", "warn-system-health-score.yaml")) {
            PolicyFile read = good(file).read();
            assertThat(read.hasErrors()).isFalse();
            assertThat(read.diagnostics())
                    .singleElement()
                    .satisfies(d -> assertThat(d.severity()).isEqualTo(Severity.WARNING));
            Trigger.MetricTrigger metric =
                    read.policies().get(0).spec().triggers().get(0).metricTrigger();
            assertThat(metric.classified().kind()).isEqualTo(MetricQuery.Kind.INERT);
        }
        PolicyFile literal = good("warn-event-reason-pattern.yaml").read();
        assertThat(literal.policies().get(0).spec().triggers().get(0).eventTrigger().reason())
                .isEqualTo(".*");
    }

    private static Fixture good(String file) {
        return Fixture.good().stream()
                .filter(f -> f.name().endsWith("/" + file))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no good fixture " + file));
    }
}
