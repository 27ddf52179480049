// One embedded broker shared by every test class in the test JVM, so that only tests about the broker itself pay for a start.
package dev.lexstream.kafka;

public final class TestKafka {

    private static EmbeddedKafka broker;

    private TestKafka() {
    }

    /** Bootstrap of the shared broker, started on first use and closed when the test JVM exits. */
    public static synchronized String bootstrap() {
        if (broker == null) {
            broker = EmbeddedKafka.start(null, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "test-kafka-shutdown"));
        }
        return broker.bootstrap();
    }
}
