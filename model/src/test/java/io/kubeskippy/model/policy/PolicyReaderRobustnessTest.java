package io.kubeskippy.model.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile or broken input gives one clear file-level error, never an exception or a hang; and the
 * content hash depends on meaning, not layout. Each hostile case runs under {@code
 * assertTimeoutPreemptively} as a guard against a hang, not as a speed requirement.
 */
class PolicyReaderRobustnessTest {

    /** Guards against a hang; generous, since CI machines are slow. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(10);

    private static final Path DIR = Path.of("target", "policy-robustness");

    @BeforeAll
    static void createDirectory() throws IOException {
        Files.createDirectories(DIR);
    }

    // ------------------------------------------------------------------ hostile files

    @Test
    void emptyFile() throws IOException {
        assertOneFileError(
                write("empty.yaml", new byte[0]),
                "file is empty; expected a HealingPolicy document");
    }

    @Test
    void whitespaceOnlyFile() throws IOException {
        assertOneFileError(
                write("blank.yaml", " \n\t\n   \r\n\n"),
                "file is empty; expected a HealingPolicy document");
    }

    @Test
    void commentsOnlyFile() throws IOException {
        assertOneFileError(
                write("comments.yaml", "# a policy\n# will go here\n---\n# later\n"),
                "file is empty; expected a HealingPolicy document");
    }

    @Test
    void billionLaughsIsRefused() throws IOException {
        StringBuilder bomb =
                new StringBuilder(
                        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            String prev = "*" + (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [");
            bomb.append(String.join(",", java.util.Collections.nCopies(9, prev)));
            bomb.append("]\n");
        }
        assertOneFileError(
                write("billion-laughs.yaml", bomb.toString()),
                "not valid YAML: Number of aliases for non-scalar nodes exceeds the specified max=50");
    }

    @Test
    void aBombUnderTheAliasLimitIsRefusedByItsExpandedSize() throws IOException {
        // 6 levels of 8 aliases: 48 aliases, 8^6 = 262144 nodes once expanded
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'g'; c++) {
            bomb.append(c).append(": &").append(c).append(" [");
            bomb.append(String.join(", ", java.util.Collections.nCopies(8, "*" + (char) (c - 1))));
            bomb.append("]\n");
        }
        PolicyFile read = readGuarded(write("small-bomb.yaml", bomb.toString()));
        Diagnostic error = onlyFileError(read);
        assertThat(error.message())
                .isEqualTo(
                        "document expands to more than 200000 nodes (aliases?); refusing to read it");
    }

    @Test
    void deepNestingIsRefused() throws IOException {
        String deep = "[".repeat(10_000) + "]".repeat(10_000) + "\n";
        PolicyFile read = readGuarded(write("deep.yaml", deep));
        assertThat(onlyFileError(read).message())
                .isEqualTo("not valid YAML: Nesting Depth exceeded max 64");
    }

    @Test
    void deepBlockNestingIsRefused() throws IOException {
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            deep.append("  ".repeat(i)).append("k").append(i).append(":\n");
        }
        PolicyFile read = readGuarded(write("deep-block.yaml", deep.toString()));
        assertThat(onlyFileError(read).message())
                .isEqualTo("not valid YAML: Nesting Depth exceeded max 64");
    }

    @Test
    void randomBinaryGarbage() throws IOException {
        byte[] garbage = new byte[64 * 1024];
        new Random(42).nextBytes(garbage);
        for (int i = 0; i < garbage.length; i += 97) {
            garbage[i] = 0;
        }
        PolicyFile read = readGuarded(write("garbage.bin", garbage));
        assertThat(onlyFileError(read).message())
                .isEqualTo("not a text file: it is not valid UTF-8");
    }

    @Test
    void textWithNulBytes() throws IOException {
        byte[] text =
                "apiVersion: kubeskippy.io/v1alpha1\nkind: Heal\0ingPolicy\n"
                        .getBytes(StandardCharsets.UTF_8);
        PolicyFile read = readGuarded(write("nul.yaml", text));
        assertThat(onlyFileError(read).message())
                .isEqualTo("not a text file: it contains binary data (a NUL byte at 45)");
    }

    @Test
    void invalidUtf8() throws IOException {
        byte[] head =
                "apiVersion: kubeskippy.io/v1alpha1\nkind: HealingPolicy\nmetadata:\n  name: caf"
                        .getBytes(StandardCharsets.UTF_8);
        byte[] bytes = Arrays.copyOf(head, head.length + 3);
        bytes[head.length] = (byte) 0xC3; // a lead byte ...
        bytes[head.length + 1] = (byte) 0x28; // ... followed by no continuation byte
        bytes[head.length + 2] = '\n';
        PolicyFile read = readGuarded(write("latin.yaml", bytes));
        assertThat(onlyFileError(read).message())
                .isEqualTo("not a text file: it is not valid UTF-8");
    }

    @Test
    void fiftyMegabyteFileIsRefusedWithoutReadingIt() throws IOException {
        Path huge = DIR.resolve("huge.yaml");
        byte[] line =
                "# padding padding padding padding padding padding padding padding pad\n"
                        .getBytes(StandardCharsets.UTF_8);
        long size = 50L * 1024 * 1024;
        try (OutputStream out = Files.newOutputStream(huge)) {
            for (long written = 0; written < size; written += line.length) {
                out.write(line, 0, (int) Math.min(line.length, size - written));
            }
        }
        try {
            assertThat(Files.size(huge)).isEqualTo(size);
            assertOneFileError(huge, "file is 52428800 bytes; policy files are limited to 4 MiB");
        } finally {
            Files.delete(huge);
        }
    }

    @Test
    void missingFile() {
        Path missing = DIR.resolve("does-not-exist.yaml");
        PolicyFile read = readGuarded(missing);
        assertThat(onlyFileError(read).message()).startsWith("cannot read: ");
    }

    @Test
    void mergeKeysAreAnErrorNotASilentExpansion() throws IOException {
        String yaml =
                """
                apiVersion: kubeskippy.io/v1alpha1
                kind: HealingPolicy
                metadata: {name: merge}
                spec:
                  selector:
                    resources: [{kind: Pod}]
                  triggers:
                    - &base {name: a, type: metric, metricTrigger: {query: memory_usage_percent, threshold: 90, operator: ">"}}
                    - <<: *base
                      name: b
                  actions: [{name: restart, type: restart}]
                """;
        PolicyFile read = readGuarded(write("merge.yaml", yaml));
        Diagnostic error = onlyFileError(read);
        assertThat(error.line()).isEqualTo(9);
        assertThat(error.message())
                .isEqualTo(
                        "spec.triggers[1]: merge keys (<<) are not supported; write the keys out");
    }

    @Test
    void aScalarDocumentIsOneDocumentError() throws IOException {
        PolicyFile read = readGuarded(write("scalar.yaml", "just some words\n"));
        assertThat(read.fileDiagnostics()).isEmpty();
        assertThat(read.diagnostics())
                .extracting(Diagnostic::format)
                .containsExactly(
                        DIR.resolve("scalar.yaml")
                                + ":1: a document must be a mapping (apiVersion, kind, metadata, spec)");
        assertThat(read.policies()).isEmpty();
    }

    // ------------------------------------------------------------------ YAML, JSON and the hash

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void yamlAndTheSameDocumentAsJsonGiveTheSamePolicy() throws Exception {
        for (Fixture f : Fixture.good()) {
            PolicyFile read = f.read();
            List<PolicyDocument> policies =
                    read.documents().stream().filter(d -> d.policy() != null).toList();
            assertThat(policies).as(f.name()).isNotEmpty();
            for (PolicyDocument doc : policies) {
                HealingPolicy fromYaml = doc.policy();

                // what ingest publishes to skippy.policies: the document as JSON
                String json = JSON.writeValueAsString(doc.document());
                PolicyDocument fromJson =
                        PolicyReader.readJson("skippy.policies", JSON.readTree(json));
                assertThat(fromJson.diagnostics()).as(f.name()).noneMatch(Diagnostic::isError);
                assertThat(fromJson.policy()).as(f.name()).isEqualTo(fromYaml);
                assertThat(fromJson.policy().contentHash()).isEqualTo(fromYaml.contentHash());

                // and the same text through another YAML parser (Jackson's)
                JsonNode jackson =
                        YAML
                                .readValues(YAML.createParser(f.text()), JsonNode.class)
                                .readAll()
                                .stream()
                                .filter(
                                        n ->
                                                fromYaml.name()
                                                        .equals(
                                                                n.path("metadata")
                                                                        .path("name")
                                                                        .asText()))
                                .findFirst()
                                .orElseThrow();
                assertThat(PolicyReader.readJson("jackson", jackson).policy())
                        .as(f.name())
                        .isEqualTo(fromYaml);
            }
        }
    }

    /** seed-memory-threshold.yaml, keys reordered, other indentation, flow style, no comments. */
    static final String REORDERED =
            """
            kind: HealingPolicy
            spec:
                mode: dryrun
                safetyRules: {protectedResources: [{excludeNames: ["critical-*"], kind: Deployment, apiVersion: apps/v1}], maxActionsPerHour: 5}
                actions:
                    -   type: restart
                        name: restart-pod
                        restartAction: {gracePeriodSeconds: 30, maxConcurrent: 1, strategy: rolling}
                        priority: 10
                        description: Restart the pod to free leaked memory
                    -   scaleAction:
                            maxReplicas: 10
                            minReplicas: 2
                            replicas: 1
                            direction: up
                        priority: 5
                        type: scale
                        name: scale-up
                triggers:
                    -   metricTrigger: {duration: 5m, operator: ">", threshold: 90, query: memory_usage_percent}
                        type: metric
                        name: high-memory
                selector:
                    resources: [{kind: Pod, apiVersion: v1}]
                    labelSelector: {matchLabels: {app: web}}
                    namespaces: [default, production]
            metadata: {namespace: default, name: memory-pressure-healing}
            apiVersion: kubeskippy.io/v1alpha1
            """;

    @Test
    void reorderingKeysAndChangingLayoutKeepsTheContentHash() {
        HealingPolicy original = only(seedMemoryThreshold());
        HealingPolicy reordered =
                only(
                        PolicyReader.readText(
                                "reordered.yaml", REORDERED.getBytes(StandardCharsets.UTF_8)));
        assertThat(reordered.contentHash()).isEqualTo(original.contentHash());
        assertThat(reordered.version()).isEqualTo(original.version()).hasSize(12);
        assertThat(reordered).isEqualTo(original);
    }

    @Test
    void changingAValueChangesTheContentHash() {
        HealingPolicy original =
                only(PolicyReader.readText("a.yaml", REORDERED.getBytes(StandardCharsets.UTF_8)));
        for (String[] change :
                List.of(
                        new String[] {"threshold: 90", "threshold: 91"},
                        new String[] {"mode: dryrun", "mode: automatic"},
                        new String[] {"name: scale-up", "name: scale-out"},
                        new String[] {
                            "namespaces: [default, production]", "namespaces: [production, default]"
                        },
                        new String[] {"{app: web}", "{app: web, tier: front}"})) {
            assertThat(REORDERED).contains(change[0]);
            HealingPolicy changed =
                    only(
                            PolicyReader.readText(
                                    "b.yaml",
                                    REORDERED
                                            .replace(change[0], change[1])
                                            .getBytes(StandardCharsets.UTF_8)));
            assertThat(changed.contentHash()).as(change[1]).isNotEqualTo(original.contentHash());
        }
    }

    @Test
    void statusAndServerSetMetadataDoNotChangeTheContentHash() throws Exception {
        // A HealingPolicy resource as the API server returns it: a status update or a new
        // resourceVersion is not a new version of the policy.
        HealingPolicy file = only(seedMemoryThreshold());
        ObjectNode resource =
                (ObjectNode)
                        JSON.readTree(
                                JSON.writeValueAsString(
                                        seedMemoryThreshold().documents().get(0).document()));
        ObjectNode metadata = (ObjectNode) resource.get("metadata");
        metadata.put("uid", "1f6a8e3c-2d9b-4c07-b5e4-9a3d7c1f0e68");
        metadata.put("resourceVersion", "1840021");
        metadata.put("generation", 3);
        metadata.put("creationTimestamp", "2026-11-22T08:00:00Z");
        metadata.putArray("managedFields").addObject().put("manager", "kubectl");
        resource.putObject("status")
                .put("actionsTaken", 4)
                .put("lastEvaluated", "2026-11-22T10:00:00Z");

        PolicyDocument fromServer = PolicyReader.readJson("cluster", resource);
        assertThat(fromServer.diagnostics()).isEmpty();
        assertThat(fromServer.policy().contentHash()).isEqualTo(file.contentHash());
        assertThat(fromServer.policy()).isEqualTo(file);

        metadata.putObject("labels").put("team", "shop");
        assertThat(PolicyReader.readJson("cluster", resource).policy().contentHash())
                .as("labels are part of the policy")
                .isNotEqualTo(file.contentHash());
    }

    // ------------------------------------------------------------------ helpers

    private static PolicyFile seedMemoryThreshold() {
        return Fixture.good().stream()
                .filter(f -> f.name().endsWith("/seed-memory-threshold.yaml"))
                .findFirst()
                .orElseThrow()
                .read();
    }

    private static HealingPolicy only(PolicyFile read) {
        assertThat(read.diagnostics()).as(read.source()).isEmpty();
        assertThat(read.policies()).hasSize(1);
        return read.policies().get(0);
    }

    private static Path write(String name, String text) throws IOException {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private static Path write(String name, byte[] bytes) throws IOException {
        return Files.write(DIR.resolve(name), bytes);
    }

    private static PolicyFile readGuarded(Path file) {
        return assertTimeoutPreemptively(HANG_GUARD, () -> PolicyReader.readFile(file));
    }

    private static void assertOneFileError(Path file, String message) {
        PolicyFile read = readGuarded(file);
        Diagnostic error = onlyFileError(read);
        assertThat(error.message()).isEqualTo(message);
        assertThat(error.format()).isEqualTo(file + ": " + message);
    }

    /** The one diagnostic of a file that could not be read at all. */
    private static Diagnostic onlyFileError(PolicyFile read) {
        assertThat(read.documents()).isEmpty();
        assertThat(read.policies()).isEmpty();
        assertThat(read.hasErrors()).isTrue();
        assertThat(read.diagnostics()).hasSize(1).isEqualTo(read.fileDiagnostics());
        Diagnostic error = read.diagnostics().get(0);
        assertThat(error.isError()).isTrue();
        assertThat(error.path()).isEmpty();
        assertThat(error.source()).isEqualTo(read.source());
        return error;
    }
}
