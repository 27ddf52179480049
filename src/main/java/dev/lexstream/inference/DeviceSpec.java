// Which device inference runs on, as configured: auto, cpu, gpu or gpu:N.
package dev.lexstream.inference;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.util.Locale;
import java.util.Objects;

/** A parsed device setting; {@link #resolve()} turns it into a DJL {@link Device}. */
public final class DeviceSpec {

    static final String ENGINE = "OnnxRuntime";
    private static final String ALLOWED = "allowed: auto, cpu, gpu, gpu:N (N = GPU index, 0-9999)";

    static {
        DjlOffline.ensure();
    }

    private enum Kind { AUTO, CPU, GPU }

    private final Kind kind;
    private final int gpuIndex; // only for GPU

    private DeviceSpec(Kind kind, int gpuIndex) {
        this.kind = kind;
        this.gpuIndex = gpuIndex;
    }

    public static DeviceSpec auto() {
        return new DeviceSpec(Kind.AUTO, 0);
    }

    public static DeviceSpec cpu() {
        return new DeviceSpec(Kind.CPU, 0);
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static DeviceSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("device is empty; " + ALLOWED);
        }
        String s = spec.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "auto":
                return auto();
            case "cpu":
                return cpu();
            case "gpu":
                return new DeviceSpec(Kind.GPU, 0);
            default:
                break;
        }
        if (s.startsWith("gpu:")) {
            String index = s.substring(4);
            if (!index.isEmpty() && index.chars().allMatch(Character::isDigit) && index.length() <= 4) {
                return new DeviceSpec(Kind.GPU, Integer.parseInt(index));
            }
        }
        throw new IllegalArgumentException("unknown device '" + spec + "'; " + ALLOWED);
    }

    public boolean isAuto() {
        return kind == Kind.AUTO;
    }

    /**
     * Resolves against the GPUs ONNX Runtime can actually use: DJL counts CUDA devices, but the CPU
     * build of ONNX Runtime has no CUDA provider, and picking a GPU there would only fail later
     * when the session is created.
     *
     * @throws IllegalStateException when a GPU is requested that is not usable
     */
    public Device resolve() {
        return resolve(WeightsFormat.ONNX);
    }

    /**
     * Resolves for the engine that runs {@code format}: ONNX Runtime needs its CUDA provider (the
     * onnxruntime_gpu jar), PyTorch a CUDA build of libtorch (see docs/models.md, "GPU").
     *
     * @throws IllegalStateException when a GPU is requested that is not usable
     */
    public Device resolve(WeightsFormat format) {
        if (format == WeightsFormat.TORCHSCRIPT) {
            return resolvePyTorch();
        }
        if (kind == Kind.CPU) {
            return Device.cpu(); // no need to wake the GPU probing (and its warnings) for cpu
        }
        DjlOffline.ensure();
        int djlGpus = Engine.getEngine(ENGINE).getGpuCount();
        boolean cuda = djlGpus > 0 && ortHasCuda();
        if (kind == Kind.GPU && gpuIndex < djlGpus && !cuda) {
            throw new IllegalStateException(
                    "device " + this + " requested, but this ONNX Runtime build has no CUDA provider "
                            + "(the com.microsoft.onnxruntime:onnxruntime_gpu jar is needed)");
        }
        return resolve(cuda ? djlGpus : 0);
    }

    private Device resolvePyTorch() {
        if (kind == Kind.CPU) {
            return Device.cpu();
        }
        DjlOffline.ensure();
        int gpus = Engine.getEngine(WeightsFormat.TORCHSCRIPT.engine()).getGpuCount();
        if (kind == Kind.GPU && gpuIndex >= gpus) {
            throw new IllegalStateException("device " + this + " requested, but PyTorch sees " + gpus + " GPU(s)"
                    + (gpus == 0 ? " (the CPU libtorch from pytorch-native-cpu is in use; a CUDA libtorch is "
                    + "selected with PYTORCH_LIBRARY_PATH, PYTORCH_FLAVOR and PYTORCH_VERSION, see docs/models.md)" : "")
                    + "; use device 'cpu' or 'auto'");
        }
        return resolve(gpus);
    }

    /** Resolution given the number of usable GPUs; separate so it can be tested without a GPU. */
    Device resolve(int usableGpus) {
        switch (kind) {
            case CPU:
                return Device.cpu();
            case AUTO:
                return usableGpus > 0 ? Device.gpu(0) : Device.cpu();
            default:
                if (gpuIndex >= usableGpus) {
                    throw new IllegalStateException(
                            "device " + this + " requested, but " + usableGpus
                                    + " usable GPU(s) found; use device 'cpu' or 'auto'");
                }
                return Device.gpu(gpuIndex);
        }
    }

    private static boolean ortHasCuda() {
        try {
            return ai.onnxruntime.OrtEnvironment.getAvailableProviders()
                    .contains(ai.onnxruntime.OrtProvider.CUDA);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceSpec other && kind == other.kind && gpuIndex == other.gpuIndex;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, gpuIndex);
    }

    @Override
    public String toString() {
        return kind == Kind.GPU ? "gpu:" + gpuIndex : kind.name().toLowerCase(Locale.ROOT);
    }
}
