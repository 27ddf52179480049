package dev.lexstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code pipelines[].safety}: typed settings, defaults, and errors that name the key path. */
class SafetyConfigTest {
    private static final String HEAD = """
            models:
              minilm: { source: builtin:all-minilm-l6-v2-q }
            pipelines:
              - name: news
                input: news.raw
                safety:
            """;

    private static SafetySettings safety(String body) {
        return ConfigLoader.parse(HEAD + body.indent(6), "test.yaml", Map.of()).pipelines().get(0).safety();
    }

    private static ConfigException error(String body) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(HEAD + body.indent(6), "test.yaml", Map.of()));
        assertThat(e).as("expected a ConfigException").isNotNull();
        assertThat(e.getMessage()).startsWith(e.path() + ": ").contains("; ").doesNotContain("\n");
        return e;
    }

    @Test
    void designExampleParses() {
        SafetySettings s = safety("""
                model: minilm
                input:  { pii: redact, promptInjection: quarantine, toxicity: flag }
                output: { toxicity: quarantine, unfaithful: flag }
                """);
        assertThat(s.action("pii.email")).isEqualTo(SafetyAction.REDACT);
        assertThat(s.action("pii.credit_card")).isEqualTo(SafetyAction.REDACT);
        assertThat(s.action("prompt_injection")).isEqualTo(SafetyAction.QUARANTINE);
        assertThat(s.action("toxicity")).isEqualTo(SafetyAction.FLAG);
        assertThat(s.action("output.toxicity")).isEqualTo(SafetyAction.QUARANTINE);
        assertThat(s.action("output.language")).isEqualTo(SafetyAction.ALLOW);
        assertThat(s.checks("output.language")).isFalse();
        assertThat(s.onDetectorError()).isEqualTo(SafetyAction.QUARANTINE);
        assertThat(s.thresholds()).isEqualTo(SafetySettings.Thresholds.defaults());
        assertThat(s.redaction().mode()).isEqualTo(SafetySettings.Redaction.Mode.TYPE);
    }

    @Test
    void everyKey() {
        SafetySettings s = safety("""
                model: minilm
                input:
                  pii: { email: redact, phone: flag, creditCard: drop, iban: redact, ssn: quarantine, ip: allow, person: redact }
                output: { toxicity: drop, unfaithful: flag, language: quarantine, empty: flag, length: flag }
                thresholds: { pii: 0.6, promptInjection: 0.7, toxicity: 0.8, outputToxicity: 0.9, summaryFaithfulness: 0.3,
                              translationFaithfulness: 0.1, language: 0.95, maxLengthRatio: 2 }
                redaction: { mode: hash, salt: "a-secret-of-16+chars" }
                onDetectorError: allow
                training: { promptInjection: my/injection.csv, toxicity: my/toxicity.jsonl }
                """);
        assertThat(s.action("pii.phone")).isEqualTo(SafetyAction.FLAG);
        assertThat(s.action("pii.credit_card")).isEqualTo(SafetyAction.DROP);
        assertThat(s.checks("pii.ip")).isFalse();
        assertThat(s.action("output.language")).isEqualTo(SafetyAction.QUARANTINE);
        assertThat(s.thresholds().maxLengthRatio()).isEqualTo(2.0);
        assertThat(s.thresholds().translationFaithfulness()).isEqualTo(0.1);
        assertThat(s.redaction().mode()).isEqualTo(SafetySettings.Redaction.Mode.HASH);
        assertThat(s.redaction().toString()).doesNotContain("a-secret");
        assertThat(s.onDetectorError()).isEqualTo(SafetyAction.ALLOW);
        assertThat(s.training().toxicity()).isEqualTo("my/toxicity.jsonl");
    }

    @Test
    void exampleConfigFileIsValid() {
        SafetySettings s = ConfigLoader.load(java.nio.file.Path.of("config/safety.yaml"), Map.of()).pipelines().get(0)
                .safety();
        assertThat(s.action("pii.credit_card")).isEqualTo(SafetyAction.DROP);
        assertThat(s.needsModel()).isTrue();
    }

    @Test
    void absentSectionMeansNoPolicyAndPiiOnlyNeedsNoModel() {
        assertThat(ConfigLoader.parse("pipelines: [{name: p, input: in}]", "t.yaml", Map.of()).pipelines().get(0).safety())
                .isNull();
        assertThat(safety("input: { pii: redact }").needsModel()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "input: { pii: erase }|pipelines[0].safety.input.pii|'erase' is not allowed; allowed: allow, flag, redact, quarantine, drop",
        "input: { pii: { mail: redact } }|pipelines[0].safety.input.pii.mail|unknown PII type 'mail'; allowed keys: email, phone, creditCard, iban, ssn, ip, person",
        "input: { pii: [redact] }|pipelines[0].safety.input.pii|got a list; expected: an action",
        "input: { pii: { email: 3 } }|pipelines[0].safety.input.pii.email|got a scalar ('3'); expected: an action",
        "input: { promptInjection: quarantine }|pipelines[0].safety.model|missing; required when",
        "{ model: nope, input: { toxicity: flag } }|pipelines[0].safety.model|unknown model 'nope'; defined models: minilm",
        "{ model: minilm, input: { toxicity: redact } }|pipelines[0].safety.input.toxicity|'redact' is not allowed: this finding has no span",
        "output: { empty: redact }|pipelines[0].safety.output.empty|'redact' is not allowed for generated text",
        "output: { bias: flag }|pipelines[0].safety.output.bias|unknown key 'bias'; allowed keys: toxicity, unfaithful, language, empty, length",
        "thresholds: { pii: 1.5 }|pipelines[0].safety.thresholds.pii|1.5 is out of range; allowed: a number from 0 to 1",
        "thresholds: { maxLengthRatio: 0 }|pipelines[0].safety.thresholds.maxLengthRatio|0.0 is out of range; allowed: a number > 0",
        "thresholds: { toxicity: high }|pipelines[0].safety.thresholds.toxicity|'high' is not a number",
        "redaction: { mode: blur }|pipelines[0].safety.redaction.mode|'blur' is not allowed; allowed: type, mask, hash",
        "redaction: { mode: hash }|pipelines[0].safety.redaction.salt|missing; required with mode hash",
        "redaction: { mode: mask, mask: '' }|pipelines[0].safety.redaction.mask|'' is not valid; allowed: 1 to 8 characters",
        "onDetectorError: redact|pipelines[0].safety.onDetectorError|'redact' is not allowed",
        "onDetectorError: ignore|pipelines[0].safety.onDetectorError|'ignore' is not allowed; allowed: allow, flag, redact, quarantine, drop",
        "training: { toxicity: ' ' }|pipelines[0].safety.training.toxicity|is empty; required: the path of a text,label CSV",
        "colour: red|pipelines[0].safety.colour|unknown key 'colour'; allowed keys: model, input, output, thresholds, redaction, onDetectorError, training",
    })
    void errorsNameTheKey(String body, String path, String message) {
        ConfigException e = error(body);
        assertThat(e.path()).isEqualTo(path);
        assertThat(e.getMessage()).startsWith(path + ": " + message);
    }
}
