package dev.lexstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lexstream.bench.BenchTexts;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZeroShotClassifierTest {

    /** Invented for this test; not taken from any dataset. */
    static final Map<String, List<String>> HEADLINES = Map.of(
            "World", List.of(
                    "Ceasefire talks resume as rival factions meet in Geneva",
                    "Prime minister survives no-confidence vote after heated debate",
                    "Thousands flee flooding in southern province as rivers burst their banks",
                    "UN Security Council calls emergency session over border clashes",
                    "Opposition leader arrested ahead of disputed presidential election",
                    "Foreign ministers sign security pact at regional summit",
                    "Earthquake kills dozens in mountain villages, rescuers search the rubble",
                    "Protesters march on the capital demanding that the government resign",
                    "Embassy evacuated as rebels advance on the northern city",
                    "President pledges aid for refugees at the start of a state visit to Kenya"),
            "Sports", List.of(
                    "Late penalty sends the champions into the cup final",
                    "Veteran striker signs a two-year contract extension with the club",
                    "Rookie quarterback throws three touchdowns in season opener",
                    "Tennis star withdraws from Wimbledon with a wrist injury",
                    "Olympic sprinter sets a new world record in the 200 metres",
                    "Coach fired after a run of seven straight defeats",
                    "Golfer sinks final putt to win the Open by one stroke",
                    "Yankees rally in the ninth inning to beat the Red Sox",
                    "Cyclist takes the yellow jersey on a brutal mountain stage",
                    "Basketball team clinches a playoff spot with an overtime win"),
            "Business", List.of(
                    "Shares of the retailer plunge after a weak holiday sales forecast",
                    "Central bank raises interest rates by a quarter point",
                    "Automaker to cut 5,000 jobs as it restructures European operations",
                    "Oil prices climb to a three-month high on supply worries",
                    "Airline agrees to buy a rival in a $2 billion merger deal",
                    "Quarterly earnings beat analysts' expectations, lifting the stock",
                    "Unemployment rate falls as employers add more workers than expected",
                    "Bank fined for misleading investors over mortgage products",
                    "Dollar weakens against the euro after the trade deficit widens",
                    "Supermarket chain reports rising profits despite higher costs"),
            "Sci/Tech", List.of(
                    "Astronomers spot a planet orbiting in its star's habitable zone",
                    "New smartphone chip promises longer battery life",
                    "Software update fixes a security flaw that let hackers steal passwords",
                    "NASA probe sends back the first close-up images of the asteroid",
                    "Researchers develop a vaccine that protects mice against malaria",
                    "Search engine launches a new tool for finding videos online",
                    "Robot learns to fold laundry using machine learning",
                    "Open-source browser wins users from Internet Explorer",
                    "Physicists build a quantum computer with 100 qubits",
                    "Email virus spreads quickly, infecting thousands of PCs"));

    TextEmbedder int8;

    @BeforeAll
    void load() {
        int8 = DjlTextEmbedder.load(
                ModelSource.parse("builtin:all-minilm-l6-v2-q"),
                DeviceSpec.cpu(),
                Path.of(System.getProperty("lexstream.work", "target/lexstream-work")));
    }

    @AfterAll
    void close() {
        if (int8 != null) {
            int8.close();
        }
    }

    @Test
    void classifiesHeadlinesZeroShot() {
        ZeroShotClassifier classifier = ZeroShotClassifier.create(int8, BenchTexts.NEWS_LABELS);
        List<String> texts = new ArrayList<>();
        List<String> gold = new ArrayList<>();
        HEADLINES.forEach((label, list) -> list.forEach(t -> {
            texts.add(t);
            gold.add(label);
        }));
        assertThat(texts).hasSizeGreaterThanOrEqualTo(40);

        float[][] embeddings = int8.embed(texts);
        int correct = 0;
        List<String> misses = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            ZeroShotClassifier.Prediction p = classifier.classify(embeddings[i]);
            assertThat(p.scores().keySet()).containsExactly("World", "Sports", "Business", "Sci/Tech");
            assertThat(p.scores().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
            assertThat(p.score()).isEqualTo(p.scores().get(p.label()));
            if (p.label().equals(gold.get(i))) {
                correct++;
            } else {
                misses.add(gold.get(i) + " -> " + p.label() + ": " + texts.get(i));
            }
        }
        double accuracy = correct / (double) texts.size();
        assertThat(accuracy).as("accuracy; misses: %s", misses).isGreaterThanOrEqualTo(0.8);
    }

    @Test
    void examplesShiftThePrototype() {
        // A deliberately vague description fails on its own; a few examples fix it.
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("cooking", "things");
        labels.put("weather", "Weather forecasts: rain, snow, storms, temperatures and wind");
        String text = "Simmer the onions in butter until golden, then add the stock";
        float[] v = int8.embed(List.of(text))[0];

        ZeroShotClassifier zeroShot = ZeroShotClassifier.create(int8, labels);
        ZeroShotClassifier fewShot = ZeroShotClassifier.create(int8, labels, Map.of("cooking", List.of(
                "Whisk the eggs with sugar and fold in the flour",
                "Roast the chicken for an hour and rest it before carving")));

        double before = zeroShot.classify(v).scores().get("cooking");
        double after = fewShot.classify(v).scores().get("cooking");
        assertThat(after).isGreaterThan(before);
        assertThat(fewShot.classify(v).label()).isEqualTo("cooking");
    }

    @Test
    void softmaxUsesTemperatureOverCosines() {
        // Fake 2-d embedder: label prototypes on the axes, so cosines are the text's coordinates.
        TextEmbedder fake = new FakeEmbedder(Map.of("a", new float[] {1, 0}, "b", new float[] {0, 1}));
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("B", "b");
        labels.put("A", "a");
        ZeroShotClassifier c = ZeroShotClassifier.create(fake, labels);
        assertThat(c.labels()).containsExactly("B", "A");

        float[] text = {0.8f, 0.6f}; // cos to A = 0.8, to B = 0.6
        ZeroShotClassifier.Prediction p = c.classify(text);
        double expectedA = 1 / (1 + Math.exp((0.6 - 0.8) / ZeroShotClassifier.DEFAULT_TEMPERATURE));
        assertThat(p.label()).isEqualTo("A");
        assertThat(p.score()).isCloseTo(expectedA, within(1e-6));
        assertThat(p.scores()).containsOnlyKeys("B", "A");
        assertThat(List.copyOf(p.scores().keySet())).containsExactly("B", "A");

        ZeroShotClassifier soft = ZeroShotClassifier.create(fake, labels, Map.of(), 1.0);
        assertThat(soft.classify(text).score()).isCloseTo(1 / (1 + Math.exp(0.6 - 0.8)), within(1e-6));
        // the example "b" pulls A's prototype to the diagonal: cos(text, A) becomes (0.8 + 0.6) / sqrt 2
        ZeroShotClassifier shifted = ZeroShotClassifier.create(fake, labels, Map.of("A", List.of("b")), 1.0);
        double cosA = (0.8 + 0.6) / Math.sqrt(2);
        assertThat(shifted.classify(text).scores().get("A")).isCloseTo(1 / (1 + Math.exp(0.6 - cosA)), within(1e-6));
        // description and example centroid are equal halves, however many examples there are
        ZeroShotClassifier twice = ZeroShotClassifier.create(fake, labels, Map.of("A", List.of("b", "b", "b")), 1.0);
        assertThat(twice.classify(text).scores().get("A")).isCloseTo(1 / (1 + Math.exp(0.6 - cosA)), within(1e-6));
        // without a description, the examples alone: A's prototype is b's axis
        Map<String, String> noDescription = new LinkedHashMap<>(labels);
        noDescription.put("A", "");
        ZeroShotClassifier examplesOnly = ZeroShotClassifier.create(fake, noDescription, Map.of("A", List.of("b")), 1.0);
        assertThat(examplesOnly.classify(text).scores().get("A")).isCloseTo(0.5, within(1e-6));
    }

    @Test
    void rejectsBadConfiguration() {
        TextEmbedder fake = new FakeEmbedder(Map.of("a", new float[] {1, 0}, "b", new float[] {0, 1}));
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("A", "a");
        labels.put("B", "b");
        assertThatThrownBy(() -> ZeroShotClassifier.create(fake, labels, Map.of("C", List.of("a"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'C'");
        assertThatThrownBy(() -> ZeroShotClassifier.create(fake, Map.of("A", "a")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ZeroShotClassifier.create(fake, labels, Map.of(), 0))
                .isInstanceOf(IllegalArgumentException.class);
        ZeroShotClassifier c = ZeroShotClassifier.create(fake, labels);
        assertThatThrownBy(() -> c.classify(new float[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimension 3");
    }

    /** Looks texts up in a table; for testing the classifier's arithmetic without a model. */
    record FakeEmbedder(Map<String, float[]> vectors) implements TextEmbedder {
        @Override
        public String modelId() {
            return "fake";
        }

        @Override
        public String modelVersion() {
            return "0";
        }

        @Override
        public int dimension() {
            return 2;
        }

        @Override
        public int maxTokens() {
            return 16;
        }

        @Override
        public float[][] embed(List<String> texts) {
            return texts.stream().map(t -> vectors.get(t).clone()).toArray(float[][]::new);
        }

        @Override
        public int countTokens(String text) {
            return 1;
        }

        @Override
        public void close() {}
    }
}
