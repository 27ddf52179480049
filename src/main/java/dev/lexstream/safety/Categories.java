package dev.lexstream.safety;

/** Finding categories, as they appear in {@code EnrichedText.safety.findings[].category}. */
public final class Categories {
  public static final String EMAIL = "pii.email";
  public static final String PHONE = "pii.phone";
  public static final String CREDIT_CARD = "pii.credit_card";
  public static final String IBAN = "pii.iban";
  public static final String SSN = "pii.ssn";
  public static final String IP = "pii.ip";
  public static final String PERSON = "pii.person";
  public static final String PROMPT_INJECTION = "prompt_injection";
  public static final String TOXICITY = "toxicity";
  public static final String OUTPUT_TOXICITY = "output.toxicity";
  public static final String OUTPUT_UNFAITHFUL = "output.unfaithful";
  public static final String OUTPUT_LANGUAGE = "output.language";
  public static final String OUTPUT_EMPTY = "output.empty";
  public static final String OUTPUT_LENGTH = "output.length";
  /** A detector threw: the finding names it, and its action is the policy's {@code onDetectorError}. */
  public static final String DETECTOR_ERROR = "safety.detector_error";

  private Categories() {}
}
