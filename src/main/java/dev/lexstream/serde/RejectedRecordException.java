package dev.lexstream.serde;

/**
 * A record that cannot go on through the pipeline, with the stage that refused it and a reason fit
 * for the dead-letter topic. The reason never quotes the text itself (raw text must not reach logs).
 */
public final class RejectedRecordException extends Exception {
  private final String stage;

  public RejectedRecordException(String stage, String reason) {
    super(reason);
    this.stage = stage;
  }

  public RejectedRecordException(String stage, String reason, Throwable cause) {
    super(reason, cause);
    this.stage = stage;
  }

  /** Pipeline stage that refused the record: {@code decode}, {@code validate}, {@code inference}... */
  public String stage() {
    return stage;
  }
}
