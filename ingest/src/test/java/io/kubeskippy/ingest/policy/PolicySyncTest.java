package io.kubeskippy.ingest.policy;

import static io.kubeskippy.ingest.policy.PolicyFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubeskippy.ingest.TestingRecordPublisher;
import io.kubeskippy.ingest.TestingRecordPublisher.Sent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PolicySync's reload state with a fake publisher: failures, a vanished directory, conflicts. */
class PolicySyncTest {

    private static final String TOPIC = "skippy.policies";

    private final TestingRecordPublisher publisher = new TestingRecordPublisher();
    private PolicySync sync;

    @AfterEach
    void stop() {
        if (sync != null) {
            sync.close();
        }
    }

    private static Path freshDirectory() throws Exception {
        Files.createDirectories(Path.of("target"));
        return Files.createTempDirectory(Path.of("target"), "policy-sync-").toAbsolutePath();
    }

    private PolicySync start(Path dir) throws Exception {
        // A long rescan interval: the test drives reloads with reloadNow().
        sync =
                new PolicySync(
                        publisher,
                        TOPIC,
                        PolicySyncOptions.directory(dir).withRescanInterval(Duration.ofMinutes(5)),
                        null);
        sync.start().get(10, TimeUnit.SECONDS);
        return sync;
    }

    @Test
    void aFailedPublishIsRetriedAndReloadSuccessSaysSoMeanwhile() throws Exception {
        Path dir = freshDirectory();
        Files.writeString(dir.resolve("a.yaml"), policy("memory-leak", "15m"));
        publisher.failing(true);

        start(dir);
        assertThat(sync.reloadSuccess()).isZero();
        assertThat(sync.errorCount()).isEqualTo(1);
        assertThat(sync.activePolicies()).isEmpty();
        assertThat(sync.lastSuccess()).isEmpty();

        publisher.failing(false);
        sync.reloadNow();
        assertThat(publisher.sent()).extracting(Sent::key).containsExactly("memory-leak");
        assertThat(sync.reloadSuccess()).isEqualTo(1);
        assertThat(sync.lastSuccess()).isPresent();
    }

    @Test
    void aVanishedDirectoryKeepsTheLastGoodPolicies() throws Exception {
        Path dir = freshDirectory();
        Files.writeString(dir.resolve("a.yaml"), policy("memory-leak", "15m"));
        start(dir);
        assertThat(sync.reloadSuccess()).isEqualTo(1);

        Path aside = dir.resolveSibling(dir.getFileName() + "-aside");
        Files.move(dir, aside);
        sync.reloadNow();
        assertThat(sync.reloadSuccess()).isZero();
        assertThat(publisher.sent()).hasSize(1).noneMatch(Sent::isTombstone);
        assertThat(sync.activePolicies()).containsOnlyKeys("memory-leak");

        Files.move(aside, dir);
        sync.reloadNow();
        assertThat(sync.reloadSuccess()).isEqualTo(1);
        assertThat(publisher.sent()).hasSize(1);
    }

    @Test
    void twoFilesDefiningOnePolicyFailTheReloadAndNeitherReplacesTheLastGood() throws Exception {
        Path dir = freshDirectory();
        Files.writeString(dir.resolve("a.yaml"), policy("memory-leak", "15m"));
        start(dir);
        String good = sync.activePolicies().get("memory-leak");

        Files.writeString(dir.resolve("b.yaml"), policy("memory-leak", "45m"));
        sync.reloadNow();
        assertThat(sync.reloadSuccess()).isZero();
        assertThat(sync.activePolicies()).containsEntry("memory-leak", good);
        assertThat(publisher.sent()).hasSize(1);

        Files.delete(dir.resolve("a.yaml"));
        sync.reloadNow();
        assertThat(sync.reloadSuccess()).isEqualTo(1);
        assertThat(sync.activePolicies().get("memory-leak")).isNotEqualTo(good);
        assertThat(publisher.sent()).hasSize(2).noneMatch(Sent::isTombstone);
    }
}
