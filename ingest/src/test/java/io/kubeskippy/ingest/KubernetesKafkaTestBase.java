package io.kubeskippy.ingest;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeskippy.embedded.EmbeddedKafka;
import io.kubeskippy.ingest.kafka.KafkaSink;
import io.kubeskippy.ingest.kafka.KafkaSinkOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One broker, one mock API server (CRUD mode) and one producer per test class, for the tests of the
 * parts that read the cluster and write to Kafka.
 */
public abstract class KubernetesKafkaTestBase {

    protected static EmbeddedKafka kafka;
    protected static TestingCluster cluster;
    protected static KubernetesClient client;
    protected static KafkaSink publisher;

    @BeforeAll
    static void startKafkaAndCluster() throws Exception {
        Files.createDirectories(Path.of("target"));
        kafka =
                EmbeddedKafka.builder(Files.createTempDirectory(Path.of("target"), "kafka-"))
                        .start();
        cluster = new TestingCluster();
        client = cluster.client();
        publisher =
                new KafkaSink(KafkaSinkOptions.of(kafka.bootstrapServers()), new IngestCounters());
    }

    @AfterAll
    static void stopKafkaAndCluster() {
        Resources.closeAll(publisher, cluster, kafka);
    }
}
