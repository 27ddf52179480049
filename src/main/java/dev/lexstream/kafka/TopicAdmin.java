// Creates the topics a pipeline needs before Kafka Streams starts, since brokers here do not auto-create topics;
// and checks, for the command line, that a topic exists without creating it.
package dev.lexstream.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
    private static final long POLL_MS = 100;

    /**
     * A topic the application needs.
     *
     * @param replicationFactor a positive count, or 0 / -1 to take the broker's {@code default.replication.factor}
     */
    public record TopicSpec(String name, int partitions, short replicationFactor) {
        public TopicSpec {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("topic name must not be blank");
            }
            if (partitions < 1) {
                throw new IllegalArgumentException("topic " + name + ": partitions must be at least 1, got " + partitions);
            }
            if (replicationFactor < -1) {
                throw new IllegalArgumentException("topic " + name + ": replicationFactor must be positive, or -1 for the broker default, got "
                        + replicationFactor);
            }
        }

        /** A topic with the broker's default replication factor. */
        public static TopicSpec of(String name, int partitions) {
            return new TopicSpec(name, partitions, (short) -1);
        }

        NewTopic toNewTopic() {
            Optional<Short> rf = replicationFactor > 0 ? Optional.of(replicationFactor) : Optional.empty();
            return new NewTopic(name, Optional.of(partitions), rf);
        }
    }

    /** Nothing answered at the bootstrap address: the broker is down, unreachable, or the address is wrong. */
    public static final class NoBrokerException extends TimeoutException {
        private static final long serialVersionUID = 1L;

        NoBrokerException(String bootstrap, Duration timeout, Throwable cause) {
            super("no broker at " + bootstrap + " answered within " + format(timeout), cause);
        }

        private static String format(Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
        }
    }

    /** A topic a client needs does not exist; {@link #similar()} names existing topics with names close to it. */
    public static final class MissingTopicException extends KafkaException {
        private static final long serialVersionUID = 1L;

        private final String topic;
        private final List<String> similar;

        MissingTopicException(String bootstrap, String topic, List<String> similar) {
            super("topic " + topic + " does not exist on " + bootstrap
                    + (similar.isEmpty() ? "" : "; close names: " + String.join(", ", similar)));
            this.topic = topic;
            this.similar = List.copyOf(similar);
        }

        public String topic() {
            return topic;
        }

        /** Existing topics a few edits away from {@link #topic()}, closest first; at most three. */
        public List<String> similar() {
            return similar;
        }
    }

    /**
     * A pipeline's input, the topics it writes to (enriched output, quarantine, dead letters), and the
     * changelog Kafka Streams keeps for its state store (which Kafka Streams creates itself on first start).
     */
    public record PipelineTopics(String pipeline, String input, List<String> outputs, String changelog) {
        public PipelineTopics {
            Objects.requireNonNull(pipeline, "pipeline");
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(changelog, "changelog");
            outputs = List.copyOf(outputs);
        }
    }

    private TopicAdmin() {
    }

    /**
     * Creates the missing topics and returns once the cluster reports every requested topic with a leader
     * for each partition. Only topics missing when described are created: a cluster with ACLs may let the
     * application DESCRIBE but not CREATE its pre-created topics. Existing topics are left alone: one with fewer partitions than asked for is only
     * logged, because adding partitions would move keys between partitions behind the application's back.
     *
     * @param clientProperties extra admin client settings (security etc.); {@code bootstrap.servers} is set from
     *                         {@code bootstrap}
     * @throws NoBrokerException if no broker answers within {@code timeout}
     * @throws TimeoutException  if this does not finish within {@code timeout}
     * @throws KafkaException    if the cluster refuses a topic
     */
    public static void ensureTopics(String bootstrap, Map<String, Object> clientProperties, List<TopicSpec> topics,
                                    Duration timeout) {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(timeout, "timeout");
        if (topics.isEmpty()) {
            return;
        }
        Map<String, TopicSpec> wanted = new LinkedHashMap<>();
        for (TopicSpec spec : topics) {
            TopicSpec previous = wanted.putIfAbsent(spec.name(), spec);
            if (previous != null && !previous.equals(spec)) {
                throw new IllegalArgumentException("topic " + spec.name() + " is requested twice with different settings: "
                        + previous + " and " + spec);
            }
        }
        try (Admin admin = admin(bootstrap, clientProperties)) {
            ensureTopics(admin, bootstrap, wanted, timeout);
        }
    }

    /** {@link #ensureTopics(String, Map, List, Duration)} on a given admin client (tests pass their own). */
    static void ensureTopics(Admin admin, String bootstrap, Map<String, TopicSpec> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Map<String, TopicDescription> existing = firstDescribe(admin, bootstrap, wanted.keySet(), timeout, deadline);
            ensure(admin, wanted, existing, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating topics " + wanted.keySet(), e);
        }
    }

    /**
     * Creates the missing topics of the pipelines, each output with its input's partition count: output
     * records go to the partition number of their input record (topology.SourcePartitioner), so an output
     * with fewer partitions than its input would mix input partitions. A missing input is created with
     * {@code partitions}.
     * <p>
     * An existing changelog with fewer partitions than its input (the input gained partitions since Kafka
     * Streams created it) is grown to the input's count. Kafka Streams would otherwise fail every start with
     * "Existing internal topic ... has invalid partitions". Growing is safe: task p restores from changelog
     * partition p, so the existing partitions keep serving their tasks with their data, and the tasks of the
     * new input partitions start with the empty new partitions, as they would on a fresh changelog.
     *
     * @throws IllegalStateException if an existing output has fewer partitions than its input; the message
     *                               names the pipeline, the topics, both counts and the command that fixes it
     * @see #ensureTopics
     */
    public static void ensurePipelineTopics(String bootstrap, Map<String, Object> clientProperties,
                                            List<PipelineTopics> pipelines, int partitions, short replicationFactor,
                                            Duration timeout) {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(timeout, "timeout");
        Set<String> names = new LinkedHashSet<>();
        pipelines.forEach(p -> {
            names.add(p.input());
            names.addAll(p.outputs());
            names.add(p.changelog());
        });
        if (names.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin(bootstrap, clientProperties)) {
            Map<String, TopicDescription> existing = firstDescribe(admin, bootstrap, names, timeout, deadline);
            // partitions each topic needs; an output shared by several pipelines needs the most of their inputs
            Map<String, Integer> needed = new LinkedHashMap<>();
            List<String> tooFew = new ArrayList<>();
            Map<String, NewPartitions> grow = new LinkedHashMap<>();
            for (PipelineTopics p : pipelines) {
                int inputPartitions = partitionCount(existing, p.input()).orElse(partitions);
                needed.merge(p.input(), inputPartitions, Math::max);
                for (String output : p.outputs()) {
                    needed.merge(output, inputPartitions, Math::max);
                    partitionCount(existing, output).filter(n -> n < inputPartitions).ifPresent(n -> tooFew.add(
                            "pipeline " + p.pipeline() + ": output topic " + output + " has " + n
                                    + " partitions, fewer than the " + inputPartitions + " of its input " + p.input()
                                    + ", so records of different input partitions would share an output partition; add"
                                    + " partitions with kafka-topics --bootstrap-server " + bootstrap + " --alter --topic "
                                    + output + " --partitions " + inputPartitions));
                }
                partitionCount(existing, p.changelog()).filter(n -> n < inputPartitions)
                        .ifPresent(n -> grow.put(p.changelog(), NewPartitions.increaseTo(inputPartitions)));
            }
            if (!tooFew.isEmpty()) {
                throw new IllegalStateException(String.join("; ", tooFew));
            }
            grow(admin, grow, existing, deadline);
            Map<String, TopicSpec> wanted = new LinkedHashMap<>();
            needed.forEach((name, n) -> wanted.put(name, new TopicSpec(name, n, replicationFactor)));
            ensure(admin, wanted, existing, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating topics " + names, e);
        }
    }

    /**
     * Fails unless {@code topic} exists, and never creates it. A producer cannot be asked that: its metadata
     * requests let the broker create a topic they do not find, and a broker with {@code auto.create.topics.enable}
     * (Kafka's default) does, so a mistyped name would become a new topic. Describing a topic creates nothing.
     *
     * @throws MissingTopicException naming the existing topics whose names are close to it
     * @throws NoBrokerException     if no broker answers within {@code timeout}
     * @throws TimeoutException      if this does not finish within {@code timeout}
     */
    public static void requireTopic(String bootstrap, Map<String, Object> clientProperties, String topic,
                                    Duration timeout) {
        Objects.requireNonNull(topic, "topic");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin(bootstrap, clientProperties)) {
            if (firstDescribe(admin, bootstrap, Set.of(topic), timeout, deadline).containsKey(topic)) {
                return;
            }
            Set<String> names = admin.listTopics(new ListTopicsOptions().timeoutMs(remainingMs(deadline))).names()
                    .get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            throw new MissingTopicException(bootstrap, topic, CloseNames.closest(topic, names, 3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while describing topic " + topic, e);
        } catch (ExecutionException e) {
            throw failure("cannot list topics", e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("timed out listing topics");
        }
    }

    private static void grow(Admin admin, Map<String, NewPartitions> grow, Map<String, TopicDescription> existing,
                             long deadline) throws InterruptedException {
        if (grow.isEmpty()) {
            return;
        }
        try {
            admin.createPartitions(grow, new CreatePartitionsOptions().timeoutMs(remainingMs(deadline))).all()
                    .get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure("cannot add partitions to " + grow.keySet(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("timed out adding partitions to " + grow.keySet());
        }
        grow.forEach((topic, to) -> LOG.info("Grew changelog {} from {} to {} partitions to match its input",
                topic, existing.get(topic).partitions().size(), to.totalCount()));
    }

    private static Admin admin(String bootstrap, Map<String, Object> clientProperties) {
        Map<String, Object> props = new HashMap<>();
        if (clientProperties != null) {
            props.putAll(clientProperties);
        }
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(props);
    }

    private static void ensure(Admin admin, Map<String, TopicSpec> wanted, Map<String, TopicDescription> existing,
                               long deadline) throws InterruptedException {
        List<TopicSpec> missing = wanted.values().stream().filter(spec -> !existing.containsKey(spec.name())).toList();
        List<String> created = create(admin, missing, deadline);
        Map<String, TopicDescription> visible = awaitVisible(admin, wanted, deadline);
        awaitLeaderLogs(admin, created, visible, deadline);
    }

    private static Optional<Integer> partitionCount(Map<String, TopicDescription> described, String topic) {
        return Optional.ofNullable(described.get(topic)).map(d -> d.partitions().size());
    }

    /**
     * The first request to the cluster: a timeout here means no broker answered at all, which says more
     * than which topic the client was busy with.
     */
    private static Map<String, TopicDescription> firstDescribe(Admin admin, String bootstrap, Set<String> names,
                                                               Duration timeout, long deadline)
            throws InterruptedException {
        try {
            return describe(admin, names, deadline);
        } catch (TimeoutException e) {
            throw new NoBrokerException(bootstrap, timeout, e);
        }
    }

    private static List<String> create(Admin admin, List<TopicSpec> missing, long deadline)
            throws InterruptedException {
        if (missing.isEmpty()) {
            return List.of();
        }
        List<NewTopic> newTopics = missing.stream().map(TopicSpec::toNewTopic).toList();
        CreateTopicsResult result = admin.createTopics(newTopics, new CreateTopicsOptions().timeoutMs(remainingMs(deadline)));
        List<String> created = new ArrayList<>();
        for (TopicSpec spec : missing) {
            String name = spec.name();
            try {
                result.values().get(name).get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                created.add(name);
            } catch (ExecutionException e) {
                // another instance starting at the same time may have created it since we described it
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw failure("cannot create topic " + name, e.getCause());
                }
            } catch (java.util.concurrent.TimeoutException e) {
                throw new TimeoutException("timed out creating topic " + name);
            }
        }
        if (!created.isEmpty()) {
            LOG.info("Created topics {}", created);
        }
        return created;
    }

    /**
     * Creation is acknowledged once the controller commits it, but brokers learn of it a little later; until
     * then producers and Kafka Streams (which checks its source topics at start) would see unknown topics.
     */
    private static Map<String, TopicDescription> awaitVisible(Admin admin, Map<String, TopicSpec> wanted, long deadline)
            throws InterruptedException {
        Set<String> pending = new LinkedHashSet<>(wanted.keySet());
        Map<String, TopicDescription> visible = new HashMap<>();
        while (true) {
            Map<String, TopicDescription> described = describe(admin, pending, deadline);
            for (TopicDescription d : described.values()) {
                if (d.partitions().stream().allMatch(TopicAdmin::hasLeader)) {
                    pending.remove(d.name());
                    visible.put(d.name(), d);
                    TopicSpec spec = wanted.get(d.name());
                    if (d.partitions().size() < spec.partitions()) {
                        LOG.warn("Topic {} exists with {} partitions, fewer than the {} wanted; left as is "
                                        + "(parallelism is capped at {})",
                                d.name(), d.partitions().size(), spec.partitions(), d.partitions().size());
                    }
                }
            }
            if (pending.isEmpty()) {
                return visible;
            }
            if (remainingMs(deadline) <= POLL_MS) {
                throw new TimeoutException("topics " + pending + " not visible on the cluster in time");
            }
            Thread.sleep(POLL_MS);
        }
    }

    /**
     * A new partition's leader is in the metadata a moment before its broker has opened the log; a
     * produce in between gets NOT_LEADER_OR_FOLLOWER, and an idempotent producer with several requests in
     * flight can then trip over its own sequence numbers (seen here as OutOfOrderSequenceException). So for
     * the topics just created, wait until each leader lists the partition among its logs. Best effort: a
     * cluster that does not let this client describe log directories is not waited for.
     */
    private static void awaitLeaderLogs(Admin admin, List<String> created, Map<String, TopicDescription> visible,
                                        long deadline) throws InterruptedException {
        Map<Integer, Set<org.apache.kafka.common.TopicPartition>> pending = new HashMap<>();
        for (String name : created) {
            TopicDescription d = visible.get(name);
            if (d == null) {
                continue;
            }
            for (TopicPartitionInfo p : d.partitions()) {
                pending.computeIfAbsent(p.leader().id(), id -> new java.util.HashSet<>())
                        .add(new org.apache.kafka.common.TopicPartition(name, p.partition()));
            }
        }
        while (!pending.isEmpty()) {
            try {
                var dirs = admin.describeLogDirs(pending.keySet()).allDescriptions()
                        .get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                dirs.forEach((broker, byDir) -> byDir.values().forEach(dir -> {
                    Set<org.apache.kafka.common.TopicPartition> waiting = pending.get(broker);
                    if (waiting != null) {
                        waiting.removeAll(dir.replicaInfos().keySet());
                    }
                }));
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.debug("Not waiting for partition logs: {}", e.toString());
                return;
            }
            pending.values().removeIf(Set::isEmpty);
            if (pending.isEmpty()) {
                return;
            }
            if (remainingMs(deadline) <= POLL_MS) {
                throw new TimeoutException("partition logs of " + created + " not open on their leaders in time");
            }
            Thread.sleep(POLL_MS);
        }
    }

    private static Map<String, TopicDescription> describe(Admin admin, Set<String> names, long deadline)
            throws InterruptedException {
        Map<String, TopicDescription> described = new HashMap<>();
        var futures = admin.describeTopics(names, new DescribeTopicsOptions().timeoutMs(remainingMs(deadline)))
                .topicNameValues();
        for (var entry : futures.entrySet()) {
            try {
                described.put(entry.getKey(), entry.getValue().get(remainingMs(deadline), TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                // Missing, or (just created) not yet in the metadata of the broker that answered.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw failure("cannot describe topic " + entry.getKey(), e.getCause());
                }
            } catch (java.util.concurrent.TimeoutException e) {
                throw new TimeoutException("timed out describing topic " + entry.getKey());
            }
        }
        return described;
    }

    private static boolean hasLeader(TopicPartitionInfo partition) {
        return partition.leader() != null && !partition.leader().isEmpty();
    }

    private static KafkaException failure(String message, Throwable cause) {
        if (cause instanceof TimeoutException timeout) {
            return timeout;
        }
        return new KafkaException(message + ": " + cause.getMessage(), cause);
    }

    private static int remainingMs(long deadline) {
        long ms = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
    }
}
