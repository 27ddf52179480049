// A model's outputs do not fit what its model.properties says about them (output=, pooling=).
package dev.lexstream.inference;

/**
 * Thrown by the translators when the model's output is not the one {@code model.properties} asks
 * for, or not of the shape it implies. The names and ranks of a model's outputs do not change
 * between calls, so the load-time probe meets it first and reports this message as it is, instead
 * of retrying shorter inputs as it does for a model that fails to run.
 */
final class OutputMismatchException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    OutputMismatchException(String message) {
        super(message);
    }
}
