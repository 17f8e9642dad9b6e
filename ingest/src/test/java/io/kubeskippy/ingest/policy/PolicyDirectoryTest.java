package io.kubeskippy.ingest.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class PolicyDirectoryTest {

    private static Path tempDir() throws IOException {
        Files.createDirectories(Path.of("target"));
        return Files.createTempDirectory(Path.of("target"), "policy-dir-").toAbsolutePath();
    }

    @Test
    void readsYamlYmlAndJsonFilesAndSkipsHiddenAndOtherFiles() throws Exception {
        Path dir = tempDir();
        Files.writeString(dir.resolve("a.yaml"), "a");
        Files.writeString(dir.resolve("b.YML"), "b");
        Files.writeString(dir.resolve("c.json"), "{}");
        Files.writeString(dir.resolve(".a.yaml.swp"), "x");
        Files.writeString(dir.resolve(".hidden.yaml"), "x");
        Files.writeString(dir.resolve("README.md"), "x");
        Files.writeString(dir.resolve("a.yaml~"), "x");
        Files.createDirectories(dir.resolve("sub.yaml"));

        try (PolicyDirectory directory = new PolicyDirectory(dir)) {
            SortedMap<String, PolicyDirectory.FileContent> files = directory.scan();

            assertThat(files.keySet())
                    .containsExactly(
                            dir.resolve("a.yaml").toString(),
                            dir.resolve("b.YML").toString(),
                            dir.resolve("c.json").toString());
            PolicyDirectory.FileContent a = files.get(dir.resolve("a.yaml").toString());
            assertThat(new String(a.bytes(), StandardCharsets.UTF_8)).isEqualTo("a");
            assertThat(a.sha256()).isEqualTo(PolicyDirectory.sha256("a".getBytes()));
        }
    }

    @Test
    void readsAConfigMapMountThroughItsDataSymlinkAndSeesTheSwap() throws Exception {
        Path dir = tempDir();
        Path v1 = Files.createDirectory(dir.resolve("..2026_11_22_10_00_00.1"));
        Files.writeString(v1.resolve("memory-leak.yaml"), "v1");
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(
                dir.resolve("memory-leak.yaml"), Path.of("..data", "memory-leak.yaml"));

        try (PolicyDirectory directory = new PolicyDirectory(dir)) {
            String key = dir.resolve("memory-leak.yaml").toString();
            assertThat(directory.scan()).containsOnlyKeys(key);
            assertThat(directory.scan().get(key).bytes()).asString().isEqualTo("v1");

            // What the kubelet does: a new timestamped directory, then an atomic swap of ..data.
            Path v2 = Files.createDirectory(dir.resolve("..2026_11_22_10_05_00.2"));
            Files.writeString(v2.resolve("memory-leak.yaml"), "v2");
            Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
            Files.move(
                    dir.resolve("..data_tmp"),
                    dir.resolve("..data"),
                    StandardCopyOption.ATOMIC_MOVE);

            assertThat(
                            directory.awaitChange(
                                    java.time.Duration.ofSeconds(5),
                                    java.time.Duration.ofMillis(50)))
                    .as("the swap raises an event on the directory")
                    .isTrue();
            assertThat(directory.scan().get(key).bytes()).asString().isEqualTo("v2");
        }
    }

    @Test
    void watchesTheDirectoryOfASymlinkTargetElsewhere() throws Exception {
        Path dir = tempDir();
        Path elsewhere = tempDir();
        Files.writeString(elsewhere.resolve("shared.yaml"), "v1");
        Files.createSymbolicLink(dir.resolve("shared.yaml"), elsewhere.resolve("shared.yaml"));

        try (PolicyDirectory directory = new PolicyDirectory(dir)) {
            directory.scan();
            assertThat(directory.watchedDirectories()).contains(dir, elsewhere.toRealPath());

            // An in-place edit of the target raises no event on dir itself; the watch on the
            // target's directory sees it.
            Files.writeString(elsewhere.resolve("shared.yaml"), "v2");
            assertThat(
                            directory.awaitChange(
                                    java.time.Duration.ofSeconds(5),
                                    java.time.Duration.ofMillis(50)))
                    .isTrue();
        }
    }

    @Test
    void aMissingDirectoryIsAnErrorNotAnEmptySet() throws Exception {
        Path dir = tempDir().resolve("missing");
        try (PolicyDirectory directory = new PolicyDirectory(dir)) {
            assertThatThrownBy(directory::scan).isInstanceOf(NoSuchFileException.class);
        }
    }
}
