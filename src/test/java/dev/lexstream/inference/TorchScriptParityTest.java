package dev.lexstream.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The real all-MiniLM-L6-v2 on both engines: DJL PyTorch on the TorchScript conversion
 * (tools/minilm_to_torchscript.py) against DJL ONNX Runtime on the builtin fp32 ONNX, on 60 texts
 * of 3 to ~120 tokens, in one batch. Skipped, with the reason, when the converted model is absent
 * (a fresh clone): it is looked for at -Dlexstream.minilm.torchscript=DIR, else at
 * target/models/all-minilm-l6-v2-torchscript.
 */
class TorchScriptParityTest {

    static final String PROPERTY = "lexstream.minilm.torchscript";
    static final Path DEFAULT_DIR = Path.of("target", "models", "all-minilm-l6-v2-torchscript");

    static Path torchScriptDir() {
        String dir = System.getProperty(PROPERTY);
        return dir == null || dir.isBlank() ? DEFAULT_DIR : Path.of(dir);
    }

    static final String[] SENTENCES = {
        "The cat sits on the mat",
        "A cat is sitting on a rug",
        "Stock markets fell sharply today",
        "The home side came from behind to win 3-1 in extra time.",
        "Central banks raised interest rates again, citing persistent inflation.",
        "NASA's new telescope captured images of a distant galaxy.",
        "My order arrived two weeks late and the box was damaged.",
        "How do I reset my password?",
        "Thank you so much, the support team was fantastic!",
        "The app crashes every time I open the settings page.",
        "Please refund the payment, I was charged twice.",
        "Oil prices climbed after the pipeline outage.",
        "The striker scored twice in the final.",
        "Researchers published a study on protein folding.",
        "Elections in the region were postponed amid protests.",
        "Hi",
        "Shares of the chipmaker jumped 12% after earnings beat forecasts.",
        "The government announced new sanctions on Tuesday.",
        "A startup raised $40 million to build battery recycling plants.",
        "The coach was fired after a string of defeats.",
        "Ein Satz auf Deutsch, um die Tokenisierung zu prüfen.",
        "Émilie a visité Montréal l'été dernier.",
        "1234 5678 !!! ??? ...",
        "Software update 2.3.1 fixes the login bug on Android.",
        "Scientists warn that glaciers are melting faster than expected.",
        "The museum reopened with an exhibition of modern sculpture.",
        "Weather: heavy rain expected across the north this weekend.",
        "The merger creates the largest airline in Europe.",
        "Fans celebrated in the streets after the championship win.",
        "Quantum computers may one day break today's encryption.",
    };

    static List<String> texts() {
        List<String> texts = new ArrayList<>(List.of(SENTENCES));
        for (int i = 0; i < SENTENCES.length; i++) { // longer, multi-sentence texts
            texts.add(SENTENCES[i] + " " + SENTENCES[(i + 7) % SENTENCES.length] + " "
                    + SENTENCES[(i + 13) % SENTENCES.length] + " " + SENTENCES[(i + 21) % SENTENCES.length]);
        }
        return texts;
    }

    @Test
    void pyTorchAndOnnxRuntimeAgreeOnMiniLm() {
        Path dir = torchScriptDir();
        Assumptions.assumeTrue(Files.isDirectory(dir),
                "TorchScript MiniLM not found at " + dir.toAbsolutePath() + ": run /usr/bin/python3 "
                        + "tools/minilm_to_torchscript.py (needs Debian's python3-torch and python3-onnx) or set -D"
                        + PROPERTY + "=DIR");
        List<String> texts = texts();
        var options = new DjlTextEmbedder.Options(2, 1);
        try (DjlTextEmbedder pt = (DjlTextEmbedder) DjlTextEmbedder.load(
                        ModelSource.parse(dir.toString()), DeviceSpec.cpu(), DjlTextEmbedderTest.workDir(), options);
             TextEmbedder ort = DjlTextEmbedder.load(
                     ModelSource.parse("builtin:all-minilm-l6-v2"), DeviceSpec.cpu(), DjlTextEmbedderTest.workDir(), options)) {
            assertThat(pt.engine()).isEqualTo("PyTorch");
            float[][] a = pt.embed(texts);
            float[][] b = ort.embed(texts);
            double minCos = 1;
            float maxDiff = 0;
            for (int i = 0; i < texts.size(); i++) {
                double cos = Vectors.cosine(a[i], b[i]);
                minCos = Math.min(minCos, cos);
                maxDiff = Math.max(maxDiff, Fixtures.maxAbsDiff(a[i], b[i]));
                assertThat(cos).as("text %d: %s", i, texts.get(i)).isGreaterThanOrEqualTo(0.9999);
            }
            System.out.printf("TorchScriptParityTest: %d texts, min cosine %.9f, max |diff| %.2e%n",
                    texts.size(), minCos, maxDiff);
            assertThat(texts).hasSizeGreaterThanOrEqualTo(50);
            assertThat(Vectors.dot(a[0], a[1])).isBetween(0.75, 0.79); // cat / cat on a rug = 0.7695
        }
    }
}
