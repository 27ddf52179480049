// Keeps DJL from reaching the network: every entry point calls this before any DJL class loads.
package dev.lexstream.inference;

final class DjlOffline {

    static final String PROPERTY = "ai.djl.offline";

    private DjlOffline() {}

    /**
     * DJL reads the flag lazily in many places (model zoo, tokenizer "call home", native
     * downloads), so it must be set before the first DJL class initializes; an explicit
     * {@code -Dai.djl.offline=false} from the operator is left alone on purpose.
     */
    static void ensure() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "true");
        }
    }
}
