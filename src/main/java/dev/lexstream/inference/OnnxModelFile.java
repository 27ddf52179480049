// The parts of an ONNX model file that BertFusion reads and writes, in protobuf's wire format.
package dev.lexstream.inference;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nodes (name, operator, inputs, outputs) and initializers of an ONNX graph, read from and written
 * to the ONNX protobuf encoding with protobuf-java's wire-level streams. Field numbers are those of
 * {@code onnx.proto}; only what a graph rewrite of a transformer encoder needs is read (no
 * subgraphs, no external data), and the writer emits one graph with int64 inputs and float
 * outputs. Generated ONNX classes would need protoc in the build for a few dozen fields.
 */
final class OnnxModelFile {

    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int INT32 = 6;
    static final int INT64 = 7;

    /** A graph node; {@code attributes} hold {@link Long} (INT) or {@link Float} (FLOAT) values. */
    record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                Map<String, Object> attributes) {}

    /** An initializer: row-major little-endian bytes, whatever encoding the file used. */
    record Tensor(String name, int dataType, long[] dims, ByteString raw) {

        long elements() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        float[] floats() {
            require(FLOAT);
            float[] out = new float[(int) elements()];
            raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }

        /** int8 or uint8 values, widened. */
        int[] bytes() {
            if (dataType != INT8 && dataType != UINT8) {
                throw new IllegalStateException("initializer " + name + " is of ONNX type " + dataType + ", not 8-bit");
            }
            byte[] b = raw.toByteArray();
            int[] out = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                out[i] = dataType == INT8 ? b[i] : b[i] & 0xff;
            }
            return out;
        }

        static Tensor ofFloats(String name, long[] dims, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Tensor(name, FLOAT, dims, ByteString.copyFrom(b.array()));
        }

        private void require(int type) {
            if (dataType != type) {
                throw new IllegalStateException("initializer " + name + " is of ONNX type " + dataType + ", not " + type);
            }
        }
    }

    private final List<Node> nodes;
    private final Map<String, Tensor> initializers;

    OnnxModelFile(List<Node> nodes, Map<String, Tensor> initializers) {
        this.nodes = List.copyOf(nodes);
        this.initializers = initializers;
    }

    List<Node> nodes() {
        return nodes;
    }

    Map<String, Tensor> initializers() {
        return initializers;
    }

    // ---------------------------------------------------------------- reading

    static OnnxModelFile read(Path file) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(Files.readAllBytes(file));
        in.setSizeLimit(Integer.MAX_VALUE);
        in.enableAliasing(true); // sub-messages and tensors are views of the file's bytes, not copies
        List<Node> nodes = new ArrayList<>();
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        boolean graph = false;
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (WireFormat.getTagFieldNumber(tag) == 7) { // ModelProto.graph
                readGraph(sub(in), nodes, initializers);
                graph = true;
            } else {
                in.skipField(tag);
            }
        }
        if (!graph) {
            throw new IOException(file + " is not an ONNX model (no graph)");
        }
        return new OnnxModelFile(nodes, initializers);
    }

    private static CodedInputStream sub(CodedInputStream in) throws IOException {
        CodedInputStream s = in.readBytes().newCodedInput();
        s.setSizeLimit(Integer.MAX_VALUE);
        s.enableAliasing(true);
        return s;
    }

    private static void readGraph(CodedInputStream in, List<Node> nodes, Map<String, Tensor> initializers)
            throws IOException {
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> nodes.add(readNode(sub(in))); // GraphProto.node
                case 5 -> { // GraphProto.initializer
                    Tensor t = readTensor(sub(in));
                    initializers.put(t.name(), t);
                }
                default -> in.skipField(tag);
            }
        }
    }

    private static Node readNode(CodedInputStream in) throws IOException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String op = "";
        String domain = "";
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(in.readStringRequireUtf8());
                case 2 -> outputs.add(in.readStringRequireUtf8());
                case 3 -> name = in.readStringRequireUtf8();
                case 4 -> op = in.readStringRequireUtf8();
                case 7 -> domain = in.readStringRequireUtf8();
                default -> in.skipField(tag);
            }
        }
        return new Node(name, op, domain, inputs, outputs, Map.of());
    }

    private static Tensor readTensor(CodedInputStream in) throws IOException {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        ByteString raw = null;
        ByteBuffer typed = null; // float_data / int32_data / int64_data, as raw bytes
        List<Number> values = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            switch (field) {
                case 1 -> readRepeated(in, packed, () -> dims.add(in.readInt64()));
                case 2 -> type = in.readInt32();
                case 4 -> readRepeated(in, packed, () -> values.add(in.readFloat()));
                case 5 -> readRepeated(in, packed, () -> values.add(in.readInt32()));
                case 7 -> readRepeated(in, packed, () -> values.add(in.readInt64()));
                case 8 -> name = in.readStringRequireUtf8();
                case 9 -> raw = in.readBytes();
                case 14 -> {
                    if (in.readEnum() == 1) {
                        throw new IOException("initializer " + name + " keeps its data in an external file");
                    }
                }
                default -> in.skipField(tag);
            }
        }
        if (raw == null) {
            raw = typedToRaw(name, type, values);
        }
        return new Tensor(name, type, dims.stream().mapToLong(Long::longValue).toArray(), raw);
    }

    private interface Reader {
        void read() throws IOException;
    }

    private static void readRepeated(CodedInputStream in, boolean packed, Reader one) throws IOException {
        if (!packed) {
            one.read();
            return;
        }
        int limit = in.pushLimit(in.readRawVarint32());
        while (!in.isAtEnd()) {
            one.read();
        }
        in.popLimit(limit);
    }

    /** ONNX keeps small tensors in typed fields; 8-bit values travel as int32_data. */
    private static ByteString typedToRaw(String name, int type, List<Number> values) throws IOException {
        int width = switch (type) {
            case FLOAT, INT32 -> 4;
            case INT64 -> 8;
            case INT8, UINT8 -> 1;
            default -> throw new IOException("initializer " + name + ": ONNX type " + type + " is not supported here");
        };
        ByteBuffer b = ByteBuffer.allocate(values.size() * width).order(ByteOrder.LITTLE_ENDIAN);
        for (Number v : values) {
            switch (type) {
                case FLOAT -> b.putFloat(v.floatValue());
                case INT32 -> b.putInt(v.intValue());
                case INT64 -> b.putLong(v.longValue());
                default -> b.put((byte) v.intValue());
            }
        }
        return ByteString.copyFrom(b.array());
    }

    // ---------------------------------------------------------------- writing

    /** The graph's inputs are int64 [batch, seq]; its outputs float32 [batch, seq, hidden]. */
    record Signature(List<String> inputs, List<String> outputs, long hidden) {}

    /**
     * Writes a model of the given opsets ({@code domain -> version}), IR version 8, with the nodes
     * and initializers of this file.
     */
    void write(OutputStream target, String graphName, Signature signature, Map<String, Long> opsets)
            throws IOException {
        CodedOutputStream out = CodedOutputStream.newInstance(target, 1 << 16);
        out.writeInt64(1, 8); // ir_version
        out.writeString(2, "lexstream"); // producer_name
        out.writeBytes(7, message(g -> writeGraph(g, graphName, signature)));
        for (Map.Entry<String, Long> opset : opsets.entrySet()) {
            out.writeBytes(8, message(o -> {
                o.writeString(1, opset.getKey());
                o.writeInt64(2, opset.getValue());
            }));
        }
        out.flush();
    }

    private interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    private static ByteString message(Body body) throws IOException {
        ByteString.Output bytes = ByteString.newOutput();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        body.write(out);
        out.flush();
        return bytes.toByteString();
    }

    private void writeGraph(CodedOutputStream g, String graphName, Signature signature) throws IOException {
        for (Node node : nodes) {
            g.writeBytes(1, message(n -> writeNode(n, node)));
        }
        g.writeString(2, graphName);
        for (Tensor t : initializers.values()) {
            g.writeBytes(5, message(o -> {
                for (long d : t.dims()) {
                    o.writeInt64(1, d);
                }
                o.writeInt32(2, t.dataType());
                o.writeString(8, t.name());
                o.writeBytes(9, t.raw());
            }));
        }
        for (String input : signature.inputs()) {
            g.writeBytes(11, valueInfo(input, INT64, "batch", "seq"));
        }
        for (String output : signature.outputs()) {
            g.writeBytes(12, valueInfo(output, FLOAT, "batch", "seq", signature.hidden()));
        }
    }

    private static void writeNode(CodedOutputStream n, Node node) throws IOException {
        for (String input : node.inputs()) {
            n.writeString(1, input);
        }
        for (String output : node.outputs()) {
            n.writeString(2, output);
        }
        n.writeString(3, node.name());
        n.writeString(4, node.opType());
        for (Map.Entry<String, Object> a : node.attributes().entrySet()) {
            n.writeBytes(5, message(o -> {
                o.writeString(1, a.getKey());
                if (a.getValue() instanceof Float f) {
                    o.writeFloat(2, f);
                    o.writeEnum(20, 1); // AttributeType.FLOAT
                } else {
                    o.writeInt64(3, (Long) a.getValue());
                    o.writeEnum(20, 2); // AttributeType.INT
                }
            }));
        }
        if (!node.domain().isEmpty()) {
            n.writeString(7, node.domain());
        }
    }

    /** ValueInfoProto of a tensor whose dimensions are symbolic names ({@code String}) or sizes ({@code Long}). */
    private static ByteString valueInfo(String name, int elementType, Object... dims) throws IOException {
        ByteString shape = message(s -> {
            for (Object d : dims) {
                s.writeBytes(1, message(dim -> {
                    if (d instanceof String param) {
                        dim.writeString(2, param);
                    } else {
                        dim.writeInt64(1, (Long) d);
                    }
                }));
            }
        });
        ByteString tensorType = message(t -> {
            t.writeInt32(1, elementType);
            t.writeBytes(2, shape);
        });
        return message(v -> {
            v.writeString(1, name);
            v.writeBytes(2, message(type -> type.writeBytes(1, tensorType)));
        });
    }
}
