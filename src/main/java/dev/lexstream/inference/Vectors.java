// Small vector helpers shared by the embedder and the classifiers.
package dev.lexstream.inference;

final class Vectors {

    private Vectors() {}

    /**
     * Checks that every value is finite: one comparison per value, next to a forward pass.
     *
     * @throws InferenceException naming the first NaN or infinite value and its text: a broken
     *     model's output, which a classifier would give the first label with NaN scores
     */
    static float[][] requireFinite(float[][] vectors, String model) {
        int[] at = firstNonFinite(vectors);
        if (at != null) {
            throw new InferenceException("model " + model + " returned an embedding with " + vectors[at[0]][at[1]]
                    + " at dimension " + at[1] + " for text " + at[0] + " of " + vectors.length, null);
        }
        return vectors;
    }

    /** Where the first NaN or infinite value is, as {row, index}; null when every value is finite. */
    static int[] firstNonFinite(float[][] rows) {
        for (int i = 0; i < rows.length; i++) {
            float[] v = rows[i];
            for (int d = 0; d < v.length; d++) {
                if (!Float.isFinite(v[d])) {
                    return new int[] {i, d};
                }
            }
        }
        return null;
    }

    /** Normalizes in place; a zero vector stays zero rather than becoming NaN. */
    static float[] normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        double norm = Math.sqrt(sum);
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / norm);
            }
        }
        return v;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static double cosine(float[] a, float[] b) {
        double na = Math.sqrt(dot(a, a));
        double nb = Math.sqrt(dot(b, b));
        return na == 0 || nb == 0 ? 0 : dot(a, b) / (na * nb);
    }
}
