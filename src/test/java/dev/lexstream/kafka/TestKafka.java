// One embedded broker shared by every test class in the test JVM, so that only tests about the broker itself pay for a start.
package dev.lexstream.kafka;

import java.util.Map;

public final class TestKafka {

    private static EmbeddedKafka broker;
    private static EmbeddedKafka autoCreating;

    private TestKafka() {
    }

    /** Bootstrap of the shared broker, started on first use and closed when the test JVM exits. */
    public static synchronized String bootstrap() {
        if (broker == null) {
            broker = started(Map.of());
        }
        return broker.bootstrap();
    }

    /**
     * Bootstrap of a second shared broker that, like Kafka's default broker and many clusters, creates a
     * topic when a client's metadata request asks for one it does not have ({@code auto.create.topics.enable});
     * started on first use, only by the tests that check a client never creates a topic by looking it up.
     */
    public static synchronized String autoCreatingBootstrap() {
        if (autoCreating == null) {
            autoCreating = started(Map.of("auto.create.topics.enable", "true"));
        }
        return autoCreating.bootstrap();
    }

    private static EmbeddedKafka started(Map<String, String> overrides) {
        EmbeddedKafka started = EmbeddedKafka.start(null, 0, overrides);
        Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-kafka-shutdown"));
        return started;
    }
}
