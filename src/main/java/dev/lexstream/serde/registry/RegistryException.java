package dev.lexstream.serde.registry;

/**
 * A schema registry call that failed: an error answer ({@link #status()} and the registry's
 * {@link #errorCode()}), or no answer at all after the retries ({@link #status()} is -1).
 */
public class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Confluent error codes (also used by Apicurio's ccompat API, Karapace and Redpanda). */
  public static final int SUBJECT_NOT_FOUND = 40401;
  public static final int VERSION_NOT_FOUND = 40402;
  public static final int SCHEMA_NOT_FOUND = 40403;
  public static final int INVALID_SCHEMA = 42201;
  public static final int INVALID_VERSION = 42202;

  private final int status;
  private final int errorCode;

  public RegistryException(String message, int status, int errorCode, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
  }

  /** HTTP status of the answer; -1 when the registry could not be reached or did not answer in time. */
  public int status() {
    return status;
  }

  /** The registry's {@code error_code}, or -1 when the answer had none. */
  public int errorCode() {
    return errorCode;
  }

  /** A 404: unknown subject, version or schema. */
  public boolean isNotFound() {
    return status == 404;
  }

  /**
   * The registry answered about the schema itself: the id is unknown (404 with {@link #SCHEMA_NOT_FOUND}), or
   * its schema cannot be used (an answer Lexstream cannot read as Avro). A 404 without that code is about the
   * request, e.g. a registry URL without its path prefix, and would fail every record alike.
   */
  public boolean isAboutTheSchema() {
    return status == 200 || (status == 404 && errorCode == SCHEMA_NOT_FOUND);
  }

  /** The registry could not be reached, timed out or kept answering 5xx: worth trying again later. */
  public boolean isUnavailable() {
    return status == -1 || status >= 500 || status == 408 || status == 429;
  }
}
