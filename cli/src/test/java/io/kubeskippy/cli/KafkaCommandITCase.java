package io.kubeskippy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code skippy kafka} as a user runs it: a separate process that prints its address, serves real
 * clients, stops cleanly on SIGTERM and keeps its data across a restart.
 */
class KafkaCommandITCase {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern READY = Pattern.compile("^Kafka ready: (\\S+)$");

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopEveryProcess() throws InterruptedException {
        for (Process process : started) {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void servesClientsStopsOnSigtermAndKeepsDataAcrossRestart() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "kafka-cmd-");

        Broker first = start(dataDir);
        assertThat(first.stdout())
                .anyMatch(l -> l.matches("topic skippy\\.pods\\s+compacted \\(created\\)"))
                .anyMatch(l -> l.matches("topic skippy\\.policies\\s+compacted \\(created\\)"))
                .anyMatch(l -> l.matches("topic skippy\\.metrics\\s+delete \\(created\\)"));
        produce(first.bootstrap(), "skippy.policies", "memory-leak", "{\"version\":1}");
        assertThat(consume(first.bootstrap(), "skippy.policies"))
                .extracting(ConsumerRecord::value)
                .containsExactly("{\"version\":1}");

        first.process().destroy(); // SIGTERM
        assertThat(first.process().waitFor(60, TimeUnit.SECONDS))
                .as("broker exits within 60 s of SIGTERM")
                .isTrue();
        assertThat(first.stderr())
                .anyMatch(l -> l.contains("Kafka broker on") && l.contains("stopped"));

        Broker second = start(dataDir);
        assertThat(second.stdout())
                .as("topics exist already after the restart")
                .noneMatch(l -> l.contains("(created)"));
        assertThat(consume(second.bootstrap(), "skippy.policies"))
                .extracting(ConsumerRecord::key, ConsumerRecord::value)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("memory-leak", "{\"version\":1}"));
        second.process().destroy();
        assertThat(second.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    /** A started {@code skippy kafka} process and the files its output goes to. */
    private record Broker(Process process, String bootstrap, Path out, Path err) {
        List<String> stdout() throws IOException {
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        }

        List<String> stderr() throws IOException {
            return Files.readAllLines(err, StandardCharsets.UTF_8);
        }
    }

    private Broker start(Path dataDir) throws IOException {
        String classpath =
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"));
        Path out = Files.createTempFile(Path.of("target"), "kafka-cmd-", ".out");
        Path err = Files.createTempFile(Path.of("target"), "kafka-cmd-", ".err");
        Process process =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Djava.io.tmpdir=" + Path.of("target").toAbsolutePath(),
                                // the CLI's own logging (stderr), not the tests'
                                "-Dlog4j2.configurationFile=log4j2.xml",
                                "-cp",
                                classpath,
                                Skippy.class.getName(),
                                "kafka",
                                "--port",
                                "0",
                                "--data-dir",
                                dataDir.toString())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        started.add(process);
        Broker starting = new Broker(process, null, out, err);
        await().atMost(WAIT)
                .failFast("skippy kafka exited early", () -> !process.isAlive())
                .until(() -> starting.stdout().stream().anyMatch(l -> l.startsWith("Ctrl-C")));
        String bootstrap =
                starting.stdout().stream()
                        .map(READY::matcher)
                        .filter(Matcher::matches)
                        .map(m -> m.group(1))
                        .findFirst()
                        .orElseThrow();
        return new Broker(process, bootstrap, out, err);
    }

    private static void produce(String bootstrap, String topic, String key, String value)
            throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<ConsumerRecord<String, String>> consume(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, WAIT).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions, WAIT);
            await().atMost(WAIT)
                    .until(
                            () -> {
                                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                                return partitions.stream()
                                        .allMatch(tp -> consumer.position(tp) >= end.get(tp));
                            });
        }
        return records;
    }
}
