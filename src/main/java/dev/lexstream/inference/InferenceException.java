// Unchecked failure of a model call, so stream processors can handle inference errors in one place.
package dev.lexstream.inference;

public final class InferenceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
