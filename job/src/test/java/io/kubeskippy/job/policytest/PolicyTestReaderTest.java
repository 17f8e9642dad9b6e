package io.kubeskippy.job.policytest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kubeskippy.job.policytest.PolicyTestFile.ExpectedAction;
import io.kubeskippy.job.policytest.PolicyTestFile.Pod;
import io.kubeskippy.job.policytest.PolicyTestFile.TestCase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Strict reading of policy test files: defaults, and every error with its path and line. */
class PolicyTestReaderTest {

    /** Policy paths in the texts below are relative to the shipped tests' directory. */
    private static final Path DIR = Path.of("../policies/tests");

    private static PolicyTestFile read(String text) throws PolicyTestException {
        return PolicyTestReader.read("t.yaml", DIR, text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> errors(String text) {
        return catchThrowableOfType(PolicyTestException.class, () -> read(text)).errors();
    }

    @Test
    void readsACaseAndAppliesDefaults() throws Exception {
        PolicyTestFile file =
                read(
                        """
                        policies: [../crash-loop.yaml]
                        tests:
                          - name: loop
                            pods:
                              - {name: cart-1, namespace: shop, deployment: cart}
                              - name: lone
                                started: -1h
                                containers:
                                  - {name: app, limits: {memory: 512Mi, cpu: 500m}, restarts: 2}
                                conditions: {Ready: false}
                            inputSeries:
                              - series: 'up{namespace="shop",pod="cart-1"}'
                                values: ['1+1x2', '_ stale']
                            events:
                              - {pod: cart-1, reason: BackOff, at: 90s}
                            podChanges:
                              - {pod: lone, at: 2m, restart: OOMKilled}
                            actions:
                              - {policy: crash-loop, target: Pod/shop/cart-1, action: delete-pod, after: 1m, before: 5m, dryRun: false}
                        """);

        assertThat(file.policies()).containsExactly(DIR.resolve("../crash-loop.yaml").normalize());
        TestCase c = file.tests().get(0);
        assertThat(c.name()).isEqualTo("loop");
        assertThat(c.line()).isEqualTo(3);
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(15));
        Pod cart = c.pods().get(0);
        assertThat(cart.key()).isEqualTo("shop/cart-1");
        assertThat(cart.deployment()).isEqualTo("cart");
        assertThat(cart.started()).isZero();
        assertThat(cart.phase()).isEqualTo("Running");
        assertThat(cart.containers())
                .containsExactly(
                        new PolicyTestFile.Container("app", Map.of(), Map.of(), 0, null, null));
        assertThat(cart.conditions()).isEqualTo(Map.of("Ready", "True"));
        Pod lone = c.pods().get(1);
        assertThat(lone.namespace()).isEqualTo("default");
        assertThat(lone.deployment()).isNull();
        assertThat(lone.started()).isEqualTo(Duration.ofHours(-1));
        assertThat(lone.containers().get(0).limits())
                .isEqualTo(Map.of("memory", "512Mi", "cpu", "500m"));
        assertThat(lone.containers().get(0).restarts()).isEqualTo(2);
        assertThat(lone.conditions()).isEqualTo(Map.of("Ready", "False"));
        assertThat(SeriesNotation.format(c.inputSeries().get(0).values()))
                .isEqualTo("1 2 3 _ stale");
        assertThat(c.events())
                .containsExactly(
                        new PolicyTestFile.Event(
                                "shop", "cart-1", "BackOff", "Warning", Duration.ofSeconds(90)));
        assertThat(c.podChanges().get(0).namespace()).isEqualTo("default");
        assertThat(c.podChanges().get(0).restart()).isEqualTo("OOMKilled");
        assertThat(c.actions())
                .containsExactly(
                        new ExpectedAction(
                                19,
                                "crash-loop",
                                "Pod/shop/cart-1",
                                "delete-pod",
                                null,
                                Duration.ofMinutes(1),
                                Duration.ofMinutes(5),
                                false,
                                null));
    }

    @Test
    void reportsEveryErrorOfAFileWithItsPathAndLine() {
        assertThat(
                        errors(
                                """
                                policies: [../crash-loop.yaml]
                                tests:
                                  - name: typos
                                    interval: 15 seconds
                                    pods:
                                      - name: cart-1
                                        namespace: shop
                                        limit: {memory: 512Mi}
                                        containers: [{name: app, limits: {memory: lots}}]
                                    inputSeries:
                                      - series: 'up{pod="cart-1"'
                                        values: '1+1x3 oops'
                                    events:
                                      - {pod: cart-2, reason: BackOff, at: 1m}
                                      - {pod: cart-1, reason: BackOff, type: Error, at: soon}
                                    podChanges:
                                      - {pod: cart-1, at: 2m}
                                    actions:
                                      - {policy: crashloop, target: Pod/shop/cart-1, action: delete-pod}
                                      - {policy: crash-loop, target: cart-1, action: delete}
                                      - {policy: crash-loop, target: Pod/shop/cart-1, action: delete-pod, after: 5m, before: 5m}
                                      - {policy: crash-loop, target: Pod/shop/cart-1, action: delete-pod, at: 3m, before: 5m}
                                  - name: typos
                                    dryRun: true
                                """))
                .containsExactly(
                        "t.yaml:4: tests[0].interval: must be a duration such as 90s, 5m or 1h30m"
                                + " (units ns, us, ms, s, m, h), got '15 seconds'",
                        "t.yaml:8: tests[0].pods[0].limit: unknown key; expected one of: name,"
                                + " namespace, deployment, labels, started, phase, containers,"
                                + " conditions",
                        "t.yaml:9: tests[0].pods[0].containers[0].limits.memory: must be a"
                                + " quantity such as 512Mi, 1.5Gi or 250m, got 'lots'",
                        "t.yaml:11: tests[0].inputSeries[0].series: expected '}' at character 16"
                                + " of 'up{pod=\"cart-1\"'",
                        "t.yaml:12: tests[0].inputSeries[0].values: cannot read 'oops': expected"
                                + " a number (1, -2.5, 1e6), a+bxn (1+1x3 = 1 2 3 4), a-bxn, axn,"
                                + " _ (no sample), _xn or stale",
                        "t.yaml:14: tests[0].events[0].pod: no pod cart-2 in this case's pods;"
                                + " declare it there",
                        "t.yaml:15: tests[0].events[1].type: must be Normal or Warning, got"
                                + " 'Error'",
                        "t.yaml:15: tests[0].events[1].at: must be an offset from the start such"
                                + " as 90s, 5m or -1m: must be a duration such as 90s, 5m or 1h30m"
                                + " (units ns, us, ms, s, m, h), got 'soon'",
                        "t.yaml:17: tests[0].podChanges[0]: says nothing changes; give restart"
                                + " (e.g. restart: OOMKilled), waiting, limits or deleted: true",
                        "t.yaml:19: tests[0].actions[0].policy: no policy 'crashloop' in the"
                                + " policy files; they define: crash-loop",
                        "t.yaml:20: tests[0].actions[1].target: must be Kind/namespace/name (e.g."
                                + " Pod/shop/cart-1 or Deployment/shop/cart), got 'cart-1'",
                        "t.yaml:20: tests[0].actions[1].action: policy 'crash-loop' has no action"
                                + " 'delete'; its actions: delete-pod",
                        "t.yaml:21: tests[0].actions[2].before: must be later than after (5m), got"
                                + " 5m",
                        "t.yaml:22: tests[0].actions[3].at: give either at (exactly then) or"
                                + " after/before (a range), not both",
                        "t.yaml:24: tests[1].dryRun: unknown key; expected one of: name,"
                                + " interval, pods, inputSeries, events, podChanges, actions",
                        "t.yaml:23: tests[1].actions: is required: the actions expected ([] for"
                                + " none), e.g. [{policy: crash-loop, target: Pod/shop/cart-1,"
                                + " action: delete-pod}]");
    }

    @Test
    void reportsProblemsOfTheFileItself() {
        assertThat(errors(""))
                .containsExactly("t.yaml: file is empty; expected policies and tests");
        assertThat(errors("policies: [../crash-loop.yaml\ntests: []\n"))
                .singleElement()
                .asString()
                .startsWith("t.yaml:2: not valid YAML: ");
        assertThat(errors("tests: []\nextra: 1\n"))
                .containsExactly(
                        "t.yaml:2: extra: unknown key; expected one of: policies, tests",
                        "t.yaml:1: policies: is required: the policy files this file tests,"
                                + " relative to it, e.g. [../memory-leak.yaml]",
                        "t.yaml:1: tests: must list at least one test case");
        assertThat(errors("policies: [../nope.yaml]\ntests: [{name: a, actions: []}]\n"))
                .singleElement()
                .asString()
                .startsWith("t.yaml:1: policies[0]: no such file: ../nope.yaml (resolved to ")
                .endsWith("); policy paths are relative to the test file");
        assertThat(
                        errors(
                                "policies: [../crash-loop.yaml]\n"
                                        + "tests:\n"
                                        + "  - {name: a, actions: []}\n"
                                        + "  - {name: a, actions: []}\n"))
                .containsExactly(
                        "t.yaml:4: tests[1].name: 'a' is the name of another case (line 3); names"
                                + " must be unique");
        assertThat(errors("policies: []\npolicies: []\ntests: []\n"))
                .contains("t.yaml:2: policies: duplicate key; keep one of them");
        assertThat(errors("policies: [../crash-loop.yaml]\ntests: []\n---\ntests: []\n"))
                .singleElement()
                .asString()
                .contains("a test file holds one document");
    }

    @Test
    void rejectsPolicyFilesWithErrors() {
        assertThat(
                        errors(
                                "policies: [../testdata/bad/41-several-errors.yaml]\n"
                                        + "tests: [{name: a, actions: []}]\n"))
                .singleElement()
                .asString()
                .startsWith(
                        "t.yaml:1: policies[0]: ../testdata/bad/41-several-errors.yaml has errors"
                                + " (skippy policy check shows them):\n  ")
                .contains(
                        "spec.mode: must be one of monitor, dryrun, automatic, manual, got 'auto'");
    }

    @Test
    void readsTheShippedTests() throws Exception {
        for (String name :
                List.of(
                        "memory-leak",
                        "cpu-oscillation",
                        "crash-loop",
                        "repeated-oomkilled",
                        "classic-threshold")) {
            PolicyTestFile file = PolicyTestReader.read(DIR.resolve(name + ".yaml"));
            assertThat(file.tests()).as(name).hasSizeGreaterThanOrEqualTo(2);
            assertThat(file.tests()).as(name + " acts").anyMatch(t -> !t.actions().isEmpty());
            assertThat(file.tests())
                    .as(name + " does not act")
                    .anyMatch(t -> t.actions().isEmpty());
        }
    }
}
