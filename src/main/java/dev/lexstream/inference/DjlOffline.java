// Keeps DJL from reaching the network and pins the engine flags that matter: every entry point calls this before any DJL class loads.
package dev.lexstream.inference;

import java.nio.file.Path;

final class DjlOffline {

    static final String PROPERTY = "ai.djl.offline";
    /** Where DJL extracts native libraries (libtorch: ~430 MB); DJL reads it as a property or an env variable. */
    static final String CACHE_DIR = "DJL_CACHE_DIR";
    static final String ENGINE_CACHE_DIR = "ENGINE_CACHE_DIR";
    static final String PT_THREADS = "ai.djl.pytorch.num_threads";
    static final String PT_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

    private DjlOffline() {}

    /**
     * DJL reads these flags lazily in many places (model zoo, tokenizer "call home", native
     * downloads, engine start), so they must be set before the first DJL class initializes; a value
     * the operator set explicitly ({@code -Dai.djl.offline=false}, say) is left alone on purpose.
     *
     * <ul>
     *   <li>{@code ai.djl.offline=true}: nothing is downloaded, no cloud-metadata probe;
     *   <li>{@code ai.djl.pytorch.graph_optimizer=false}: with the TorchScript profiling executor on,
     *       batches of varying length re-optimize the graph and ran ~10x slower here;
     *   <li>{@code ai.djl.onnx.disable_alternative=true}: ONNX Runtime would otherwise borrow the
     *       PyTorch engine (now on the classpath) for NDArray ops, loading libtorch even for ONNX-only
     *       configs; our translators need no such ops.
     * </ul>
     */
    static void ensure() {
        setIfAbsent(PROPERTY, "true");
        setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
        setIfAbsent("ai.djl.onnx.disable_alternative", "true");
    }

    /**
     * Puts DJL's cache (extracted libtorch, its JNI library) under {@code <workDir>/djl} unless
     * {@code DJL_CACHE_DIR}/{@code ENGINE_CACHE_DIR} is already set as a property or in the
     * environment. Must run before the PyTorch engine starts; later calls change nothing for it.
     */
    static void useWorkDir(Path workDir) {
        ensure();
        if (workDir == null || System.getenv(CACHE_DIR) != null || System.getenv(ENGINE_CACHE_DIR) != null) {
            return;
        }
        setIfAbsent(CACHE_DIR, workDir.toAbsolutePath().resolve("djl").toString());
    }

    /** libtorch's thread pools are per process: the first PyTorch model decides (unless set by the operator). */
    static void pytorchThreads(int intraOp) {
        setIfAbsent(PT_THREADS, String.valueOf(intraOp));
        setIfAbsent(PT_INTEROP_THREADS, "1");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
