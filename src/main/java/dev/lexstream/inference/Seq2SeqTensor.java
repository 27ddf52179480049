// A float tensor on the Java heap: what the generation loop keeps between decoder steps.
package dev.lexstream.inference;

import java.util.Arrays;

/**
 * A dense row-major float tensor whose first dimension is the batch row. Engine tensors are copied
 * here after each call, so the generation loop can reorder beams without engine-specific ops
 * (ONNX Runtime's DJL engine has none).
 */
public record Seq2SeqTensor(float[] data, long[] shape) {

    public Seq2SeqTensor {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
        }
    }

    public int rows() {
        return (int) shape[0];
    }

    int rowSize() {
        return rows() == 0 ? 0 : data.length / rows();
    }

    /** A tensor made of the given rows of this one, in that order (rows may repeat). */
    public Seq2SeqTensor gatherRows(int[] rows) {
        int size = rowSize();
        float[] out = new float[rows.length * size];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(data, rows[i] * size, out, i * size, size);
        }
        long[] s = shape.clone();
        s[0] = rows.length;
        return new Seq2SeqTensor(out, s);
    }

    /** Each row repeated {@code times} times in place: rows a, b become a, a, b, b. */
    public Seq2SeqTensor repeatRows(int times) {
        int[] rows = new int[rows() * times];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i / times;
        }
        return gatherRows(rows);
    }
}
