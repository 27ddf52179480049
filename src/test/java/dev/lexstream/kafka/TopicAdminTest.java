// Checks that topic creation is safe to repeat on every application start.
package dev.lexstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;


import dev.lexstream.kafka.TopicAdmin.PipelineTopics;
import dev.lexstream.kafka.TopicAdmin.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class TopicAdminTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void ensureTopicsIsIdempotentAndCreatesTheRequestedPartitionCount() throws Exception {
        String bootstrap = TestKafka.bootstrap();
        String a = "a-" + UUID.randomUUID();
        String b = "b-" + UUID.randomUUID();
        List<TopicSpec> specs = List.of(TopicSpec.of(a, 6), new TopicSpec(b, 1, (short) 1));

        TopicAdmin.ensureTopics(bootstrap, Map.of(), specs, TIMEOUT);
        TopicAdmin.ensureTopics(bootstrap, Map.of(), specs, TIMEOUT);

        Map<String, TopicDescription> described = describe(bootstrap, List.of(a, b));
        assertThat(described.get(a).partitions()).hasSize(6);
        assertThat(described.get(b).partitions()).hasSize(1);
        assertThat(described.get(a).partitions().get(0).replicas()).hasSize(1);
    }

    @Test
    void existingTopicWithFewerPartitionsIsLeftAsIs() throws Exception {
        String bootstrap = TestKafka.bootstrap();
        String topic = "small-" + UUID.randomUUID();
        TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(TopicSpec.of(topic, 2)), TIMEOUT);

        TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(TopicSpec.of(topic, 8)), TIMEOUT);

        assertThat(describe(bootstrap, List.of(topic)).get(topic).partitions()).hasSize(2);
    }

    @Test
    void existingTopicsAreNotAskedForAgain() {
        String bootstrap = TestKafka.bootstrap();
        TopicSpec spec = TopicSpec.of("pre-" + UUID.randomUUID(), 2);
        TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(spec), TIMEOUT);
        List<String> asked = new ArrayList<>();
        try (Admin admin = new ForwardingAdmin(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)) {
            @Override
            public CreateTopicsResult createTopics(Collection<NewTopic> topics, CreateTopicsOptions options) {
                topics.forEach(t -> asked.add(t.name()));
                return super.createTopics(topics, options);
            }
        }) {
            TopicAdmin.ensureTopics(admin, bootstrap, Map.of(spec.name(), spec), TIMEOUT);
        }
        // on a cluster with ACLs a CreateTopics for a pre-created topic fails with TOPIC_AUTHORIZATION_FAILED
        assertThat(asked).isEmpty();
    }

    @Test
    void outputsGetTheirExistingInputsPartitionCountAndAMissingInputTheConfiguredOne() throws Exception {
        String bootstrap = TestKafka.bootstrap();
        String id = UUID.randomUUID().toString();
        TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(TopicSpec.of("in8-" + id, 8)), TIMEOUT);
        List<PipelineTopics> pipelines = List.of(
                new PipelineTopics("wide", "in8-" + id, List.of("out8-" + id, "dlq8-" + id), "cl-" + id),
                new PipelineTopics("fresh", "new-" + id, List.of("out-new-" + id), "cl-new-" + id));

        TopicAdmin.ensurePipelineTopics(bootstrap, Map.of(), pipelines, 4, (short) -1, TIMEOUT);

        Map<String, TopicDescription> described = describe(bootstrap,
                List.of("out8-" + id, "dlq8-" + id, "new-" + id, "out-new-" + id));
        assertThat(described.get("out8-" + id).partitions()).hasSize(8);
        assertThat(described.get("dlq8-" + id).partitions()).hasSize(8);
        assertThat(described.get("new-" + id).partitions()).hasSize(4);
        assertThat(described.get("out-new-" + id).partitions()).hasSize(4);
    }

    @Test
    void anExistingOutputWithFewerPartitionsThanItsInputRefusesToStartSayingHowToFixIt() {
        String bootstrap = TestKafka.bootstrap();
        String input = "in8-" + UUID.randomUUID();
        String output = "out2-" + UUID.randomUUID();
        TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(TopicSpec.of(input, 8), TopicSpec.of(output, 2)), TIMEOUT);

        assertThatThrownBy(() -> TopicAdmin.ensurePipelineTopics(bootstrap, Map.of(),
                List.of(new PipelineTopics("p", input, List.of(output), "cl-" + input)), 4, (short) -1, TIMEOUT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pipeline p: output topic " + output + " has 2 partitions, fewer than the 8 of its input "
                        + input)
                .hasMessageContaining("--alter --topic " + output + " --partitions 8");
    }

    @Test
    void aChangelogWithFewerPartitionsThanItsGrownInputIsGrownKeepingItsData() throws Exception {
        String bootstrap = TestKafka.bootstrap();
        String id = UUID.randomUUID().toString();
        String changelog = "app-p-batch-buffer-changelog-" + id;
        TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(TopicSpec.of("in-" + id, 4), TopicSpec.of(changelog, 2)),
                TIMEOUT);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(changelog, 1, new byte[] {1}, new byte[] {1})).get();
        }

        TopicAdmin.ensurePipelineTopics(bootstrap, Map.of(),
                List.of(new PipelineTopics("p", "in-" + id, List.of("out-" + id), changelog)), 4, (short) -1, TIMEOUT);

        assertThat(describe(bootstrap, List.of(changelog)).get(changelog).partitions()).hasSize(4);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            var partition1 = new TopicPartition(changelog, 1);
            assertThat(admin.listOffsets(Map.of(partition1, OffsetSpec.latest())).partitionResult(partition1).get().offset())
                    .isEqualTo(1);
        }
    }

    @Test
    void aTopicTheClusterCannotHoldFailsWithItsName() {
        String bootstrap = TestKafka.bootstrap();
        String topic = "rf3-" + UUID.randomUUID();
        assertThatThrownBy(() -> TopicAdmin.ensureTopics(bootstrap, Map.of(),
                List.of(new TopicSpec(topic, 1, (short) 3)), TIMEOUT))
                .hasMessageContaining(topic);
    }

    @Test
    void noBrokerAtTheBootstrapFailsNamingIt() throws Exception {
        String bootstrap = "localhost:" + closedPort();

        assertThatThrownBy(() -> TopicAdmin.ensureTopics(bootstrap, Map.of(), List.of(TopicSpec.of("t", 1)),
                Duration.ofSeconds(3)))
                .isInstanceOf(TopicAdmin.NoBrokerException.class)
                .hasMessage("no broker at " + bootstrap + " answered within 3 s");
    }

    @Test
    void rejectsInvalidSpecs() {
        assertThatThrownBy(() -> TopicSpec.of(" ", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TopicSpec.of("t", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Map<String, TopicDescription> describe(String bootstrap, List<String> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.describeTopics(topics).allTopicNames().get();
        }
    }
}
