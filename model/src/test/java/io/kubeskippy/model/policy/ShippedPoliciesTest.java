package io.kubeskippy.model.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The policies we ship load cleanly and never reach into the protected namespaces. */
class ShippedPoliciesTest {

    private static final Path POLICIES = Path.of("../policies");

    private static List<Path> shipped() throws IOException {
        try (Stream<Path> files = Files.list(POLICIES)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void everyShippedPolicyLoadsWithoutErrorsOrWarnings() throws IOException {
        List<Path> files = shipped();
        assertThat(files).hasSizeGreaterThanOrEqualTo(5);
        for (Path file : files) {
            PolicyFile read = PolicyReader.readFile(file);
            assertThat(read.diagnostics()).as(file.toString()).isEmpty();
            assertThat(read.policies()).as(file.toString()).hasSize(1);
        }
    }

    @Test
    void noShippedPolicySelectsAProtectedNamespace() throws IOException {
        for (Path file : shipped()) {
            for (HealingPolicy policy : PolicyReader.readFile(file).policies()) {
                Selector selector = policy.spec().selector();
                assertThat(selector.allowProtectedNamespaces()).as(policy.name()).isFalse();
                for (String ns : Selector.PROTECTED_NAMESPACES) {
                    assertThat(selector.selectsNamespace(ns))
                            .as(policy.name() + " selects " + ns)
                            .isFalse();
                }
                assertThat(selector.selectsNamespace("shop")).as(policy.name()).isTrue();
            }
        }
    }

    @Test
    void theShippedPoliciesCoverTheHealingsWePromise() throws IOException {
        List<String> names =
                shipped().stream()
                        .flatMap(f -> PolicyReader.readFile(f).policies().stream())
                        .map(HealingPolicy::name)
                        .toList();
        assertThat(names)
                .contains(
                        "memory-leak",
                        "cpu-oscillation",
                        "crash-loop",
                        "repeated-oomkilled",
                        "classic-memory-threshold");
    }
}
