package io.kubeskippy.embedded;

import io.kubeskippy.model.Topics;
import io.kubeskippy.model.kafka.TopicSetup;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.properties.PropertiesUtils;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in this JVM.
 *
 * <p>It runs Kafka's own {@link KafkaRaftServer}, formats the data directory on first start and
 * reuses it afterwards, so data survives a restart on the same directory. Used by the ITCases,
 * {@code skippy kafka} and the demo.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final Path dataDir;
    private final String host;
    private final int port;
    private final KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafka(Path dataDir, String host, int port, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.host = host;
        this.port = port;
        this.server = server;
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return host + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** An admin client for this broker; the caller closes it. */
    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    /** Creates the KubeSkippy topics that are missing; returns the ones it created. */
    public Set<String> createTopics(Topics topics, int partitions)
            throws InterruptedException, TimeoutException {
        try (Admin admin = admin()) {
            return new TopicSetup(topics, partitions, (short) 1)
                    .ensure(admin, Duration.ofSeconds(30));
        }
    }

    /** Stops the broker cleanly (flushing its logs). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Kafka broker on {} stopped", bootstrapServers());
    }

    /** Options of an embedded broker. */
    public static final class Builder {
        private final Path dataDir;
        private String host = "127.0.0.1";
        private int port;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder(Path dataDir) {
            this.dataDir = dataDir.toAbsolutePath();
        }

        /** The host the broker binds and advertises; 127.0.0.1 by default. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The client port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Any broker setting, e.g. {@code log.cleaner.backoff.ms}. */
        public Builder brokerProperty(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /** Formats the data directory if it is new, starts the broker and waits until it serves. */
        public EmbeddedKafka start() {
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create Kafka data dir " + dataDir, e);
            }
            int clientPort = port == 0 ? freePort() : port;
            int controllerPort = freePort();
            Path logDir = dataDir.resolve("log");
            Map<String, String> props = new LinkedHashMap<>();
            props.put("process.roles", "broker,controller");
            props.put("node.id", Integer.toString(NODE_ID));
            props.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
            props.put(
                    "listeners",
                    BROKER_LISTENER
                            + "://"
                            + host
                            + ":"
                            + clientPort
                            + ","
                            + CONTROLLER_LISTENER
                            + "://"
                            + host
                            + ":"
                            + controllerPort);
            props.put("advertised.listeners", BROKER_LISTENER + "://" + host + ":" + clientPort);
            props.put(
                    "listener.security.protocol.map",
                    BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            props.put("controller.listener.names", CONTROLLER_LISTENER);
            props.put("inter.broker.listener.name", BROKER_LISTENER);
            props.put("log.dirs", logDir.toString());
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "4");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "4");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("num.network.threads", "2");
            props.put("num.io.threads", "4");
            // Small cleaner buffer: this broker shares 2 cores and a JVM with the rest.
            props.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
            props.put("auto.create.topics.enable", "false");
            props.putAll(overrides);
            KafkaConfig config = new KafkaConfig(props, false);

            formatIfNew(logDir, props);
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            EmbeddedKafka kafka = new EmbeddedKafka(dataDir, host, clientPort, server);
            try {
                kafka.awaitReady(Duration.ofSeconds(60));
            } catch (RuntimeException e) {
                kafka.close();
                throw e;
            }
            LOG.info("Kafka broker serving on {} (data in {})", kafka.bootstrapServers(), dataDir);
            return kafka;
        }

        private void formatIfNew(Path logDir, Map<String, String> props) {
            Path meta = logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME);
            if (Files.exists(meta)) {
                try {
                    Properties existing = PropertiesUtils.readPropertiesFile(meta.toString());
                    LOG.info(
                            "Reusing Kafka data dir {} (cluster {})",
                            logDir,
                            existing.getProperty("cluster.id"));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + meta, e);
                }
                return;
            }
            try {
                new Formatter()
                        .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                        .setNodeId(NODE_ID)
                        .setClusterId(Uuid.randomUuid().toString())
                        .setDirectories(List.of(logDir.toString()))
                        .setMetadataLogDirectory(Optional.of(logDir.toString()))
                        .setReleaseVersion(MetadataVersion.latestProduction())
                        .setControllerListenerName(props.get("controller.listener.names"))
                        .run();
            } catch (Exception e) {
                throw new IllegalStateException(
                        "cannot format Kafka data dir " + logDir + ": " + e.getMessage(), e);
            }
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    int brokers =
                            admin.describeCluster()
                                    .nodes()
                                    .get(5, java.util.concurrent.TimeUnit.SECONDS)
                                    .size();
                    if (brokers > 0) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka", e);
                } catch (Exception e) {
                    last = new IllegalStateException(e.getMessage(), e);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka", e);
                }
            }
        }
        throw new IllegalStateException(
                "Kafka on " + bootstrapServers() + " did not become ready within " + timeout, last);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }
}
