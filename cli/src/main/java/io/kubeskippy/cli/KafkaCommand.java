package io.kubeskippy.cli;

import io.kubeskippy.embedded.EmbeddedKafka;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code skippy kafka}: a single-node KRaft broker with the KubeSkippy topics, until stopped. */
@Command(
        name = "kafka",
        mixinStandardHelpOptions = true,
        description = {
            "Run a single-node Kafka broker (KRaft) in this process with the KubeSkippy topics,"
                    + " until Ctrl-C or SIGTERM.",
            "Prints the bootstrap address. Data survives a restart when the same --data-dir is"
                    + " given; without one, a temporary directory is used and deleted on exit."
        })
final class KafkaCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--port",
            defaultValue = "9092",
            description = "Client port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "Address to bind and advertise (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Where the broker keeps its logs; reused across restarts.")
    Path dataDir;

    @Option(
            names = "--partitions",
            defaultValue = "2",
            description = "Partitions of each topic created (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--broker-config",
            paramLabel = "KEY=VALUE",
            description = "Any broker setting, e.g. --broker-config log.retention.hours=24.")
    Map<String, String> brokerConfig = Map.of();

    @CommandLine.Mixin TopicOptions topicOptions;

    @Override
    public Integer call() throws Exception {
        if (partitions < 1) {
            throw new UserError("--partitions must be >= 1, got " + partitions, 2);
        }
        if (port < 0 || port > 65535) {
            throw new UserError("--port must be 0..65535, got " + port, 2);
        }
        Topics topics = topicOptions.topics();
        boolean temporary = dataDir == null;
        Path dir = temporary ? Files.createTempDirectory("skippy-kafka-") : dataDir;
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError("--data-dir " + dir + " is a file, not a directory");
        }

        EmbeddedKafka.Builder builder = EmbeddedKafka.builder(dir).host(host).port(port);
        brokerConfig.forEach(builder::brokerProperty);
        EmbeddedKafka kafka;
        try {
            kafka = builder.start();
        } catch (RuntimeException e) {
            throw new UserError(
                    "cannot start Kafka on " + host + ":" + port + ": " + rootMessage(e));
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            kafka.close();
                            if (temporary) {
                                deleteRecursively(dir);
                            }
                            stopped.countDown();
                        },
                        "skippy-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        Set<String> created = kafka.createTopics(topics, partitions);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Kafka ready: " + kafka.bootstrapServers());
        out.println("data dir: " + dir.toAbsolutePath() + (temporary ? " (temporary)" : ""));
        for (Topic topic : Topic.values()) {
            String name = topics.name(topic);
            out.printf(
                    "topic %-20s %s%s%n",
                    name,
                    topic.compacted() ? "compacted" : "delete",
                    created.contains(name) ? " (created)" : "");
        }
        out.println("Ctrl-C or SIGTERM stops the broker.");
        out.flush();
        stopped.await();
        return 0;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
