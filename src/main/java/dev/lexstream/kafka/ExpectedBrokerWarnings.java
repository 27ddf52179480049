// Logback filter that drops the embedded broker's WARN lines that every normal start or stop prints, so real warnings stand out.
package dev.lexstream.kafka;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Matches on logger and message rather than raising the loggers' levels: NetworkClient also serves the
 * application's own clients, and the controller's other warnings matter.
 */
public final class ExpectedBrokerWarnings extends TurboFilter {

    private record Expected(String logger, String messagePart) {
    }

    private static final List<Expected> EXPECTED = List.of(
            // Kafka 4.3 logs each controller activation at WARN, including the first one on a fresh log.
            new Expected("org.apache.kafka.controller.QuorumController", "Performing controller activation."),
            // Printed by the broker's own registration channel on every clean shutdown (closed twice internally).
            new Expected("org.apache.kafka.clients.NetworkClient",
                    "[NodeToControllerChannelManager id=1 name=registration] Attempting to close NetworkClient that has already been closed"));

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        // Called for every log statement, enabled or not: keep the common path to one comparison.
        if (level != Level.WARN || format == null) {
            return FilterReply.NEUTRAL;
        }
        for (Expected e : EXPECTED) {
            if (e.logger().equals(logger.getName()) && format.contains(e.messagePart())) {
                return FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }
}
