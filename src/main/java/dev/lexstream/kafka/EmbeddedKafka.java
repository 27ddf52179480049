// A real single-node Kafka (KRaft, combined broker+controller) inside this JVM, for the demo, the broker command and tests.
package dev.lexstream.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final boolean temporary;
    private final String bootstrap;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, Path dataDir, boolean temporary, String bootstrap) {
        this.server = server;
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.bootstrap = bootstrap;
    }

    /**
     * Starts the broker and returns once it answers clients.
     *
     * @param dataDir where the log lives; {@code null} for a temporary directory deleted on {@link #close()}.
     *                An existing directory formatted by an earlier run is reused as is (same cluster id, same records).
     * @param port    client port on localhost; 0 picks a free one
     */
    public static EmbeddedKafka start(Path dataDir, int port) {
        return start(dataDir, port, Map.of());
    }

    /**
     * {@link #start(Path, int)} with broker settings of its own, e.g. a test's broker that creates topics on
     * first use as Kafka's default broker (and many clusters) do.
     */
    static EmbeddedKafka start(Path dataDir, int port, Map<String, String> overrides) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        long started = System.nanoTime();
        boolean temporary = dataDir == null;
        Path dir;
        try {
            dir = temporary ? Files.createTempDirectory("lexstream-kafka-") : Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka data directory " + dataDir, e);
        }
        KafkaRaftServer server = null;
        try {
            int[] ports = ports(port);
            String bootstrap = "localhost:" + ports[0];
            KafkaConfig config = KafkaConfig.fromProps(brokerProperties(dir, ports[0], ports[1], overrides), false);
            formatIfNeeded(config, dir.resolve("logs"));
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            awaitClients(bootstrap);
            LOG.info("Kafka broker ready at {} in {} ms (data {})", bootstrap,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), temporary ? "temporary" : dir);
            return new EmbeddedKafka(server, dir, temporary, bootstrap);
        } catch (RuntimeException | Error e) {
            if (server != null) {
                stop(server);
            }
            if (temporary) {
                deleteRecursively(dir);
            }
            throw e;
        }
    }

    /** Client bootstrap servers, e.g. {@code localhost:54321}. */
    public String bootstrap() {
        return bootstrap;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop(server);
        if (temporary) {
            deleteRecursively(dataDir);
        }
    }

    private static Properties brokerProperties(Path dir, int port, int controllerPort, Map<String, String> overrides) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        // Static voters: the voter endpoint is not written to the metadata log, so a restart on the same
        // data directory may pick another controller port (a dynamic quorum would pin the first one).
        p.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("listeners", BROKER_LISTENER + "://localhost:" + port + "," + CONTROLLER_LISTENER + "://localhost:" + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://localhost:" + port);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", dir.resolve("logs").toString());

        // One node: every internal topic must be satisfiable with a single replica, or transactions,
        // consumer groups and share groups would fail to create their state topics.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // Fewer partitions for the internal topics than the 50 default: they are created lazily on the first
        // group join / transaction, and creating 50 of each noticeably delays that first use on a small machine.
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.num.partitions", "4");

        // Nobody else joins a dev broker's groups late, so waiting for more members only slows every start.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "4");
        // After a kill -9 the restarted controller keeps the dead incarnation's registration until its session
        // expires, and only then admits the new one: with the 9 s default, such a restart took ~12 s. Five missed
        // heartbeats still separate a slow broker from a dead one.
        p.put("broker.session.timeout.ms", "5000");
        p.put("broker.heartbeat.interval.ms", "1000");
        // The application creates its topics with the partition counts it wants; a typo must fail, not create.
        p.put("auto.create.topics.enable", "false");
        // The cleaner preallocates this buffer on the heap we share with the application (default 128 MiB);
        // a dev broker's compacted changelogs are small.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        p.putAll(overrides);
        return p;
    }

    private static void formatIfNeeded(KafkaConfig config, Path logDir) {
        // A formatted directory carries its cluster id in meta.properties; reformatting would wipe the
        // metadata log and orphan the records, so an existing one is reused as is.
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            // The formatter reports on a PrintStream (System.out by default); stdout belongs to command output.
            new Formatter()
                    .setPrintStream(print)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(config.logDirs())
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new KafkaException("cannot format Kafka log directory " + logDir, e);
        }
        LOG.debug("Formatted {}: {}", logDir, out.toString(StandardCharsets.UTF_8).strip());
    }

    private static void awaitClients(String bootstrap) {
        Map<String, Object> props = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) READY_TIMEOUT.toMillis()))
                    .nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for the broker at " + bootstrap, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new KafkaException("broker at " + bootstrap + " did not accept clients within " + READY_TIMEOUT, e);
        }
    }

    /** Client port first, then controller port. */
    private static int[] ports(int port) {
        if (port != 0) {
            // Fail with a plain message rather than a bind stack trace from deep inside the broker.
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName("localhost"))) {
                probe.setReuseAddress(true);
            } catch (IOException e) {
                throw new IllegalStateException("port " + port + " is already in use", e);
            }
        }
        // Both sockets held open together so the two free ports differ.
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getByName("localhost"));
             ServerSocket b = new ServerSocket(0, 1, InetAddress.getByName("localhost"))) {
            return new int[] {port != 0 ? port : a.getLocalPort(), b.getLocalPort()};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    private static void stop(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Kafka broker did not shut down cleanly", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            LOG.warn("Could not delete temporary Kafka directory {}: {}", dir, e.toString());
        }
    }
}
