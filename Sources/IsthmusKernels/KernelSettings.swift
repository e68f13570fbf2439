import CDNNL
import Foundation

/// Which code paths the kernels take on this CPU, and switches that force the portable ones.
public enum KernelSettings {
    /// The Swift kernels (pooling, Adam, finiteness checks) run their plain-Swift fallbacks instead of the AVX2
    /// intrinsics, as on a CPU other than x86-64: `ISTHMUS_KERNELS=portable`, or set here (tests compare the two).
    nonisolated(unsafe) public static var portable: Bool =
        ProcessInfo.processInfo.environment["ISTHMUS_KERNELS"]?.lowercased() == "portable"

    /// The instruction set oneDNN dispatches on: the CPU's best, capped by `ONEDNN_MAX_CPU_ISA` (e.g. `AVX2` makes an
    /// AVX-512 machine take the AVX2 kernels and the nChw8c layouts).
    public static var oneDNNISA: String {
        _ = DNNL.context                              // the cap is read when the library initialises
        return isaName(dnnl_get_effective_cpu_isa())
    }

    /// Whether oneDNN has AVX-512 kernels here (it then keeps activations in nChw16c; with AVX2 only, nChw8c).
    public static var hasAVX512: Bool { oneDNNISA.hasPrefix("avx512") }

    /// One line for logs and benchmarks: the oneDNN ISA, the cap if any, and whether the Swift kernels are portable.
    public static var summary: String {
        let cap = ProcessInfo.processInfo.environment["ONEDNN_MAX_CPU_ISA"]
            ?? ProcessInfo.processInfo.environment["DNNL_MAX_CPU_ISA"]
        return "oneDNN ISA \(oneDNNISA)" + (cap.map { " (capped by ONEDNN_MAX_CPU_ISA=\($0))" } ?? "")
            + ", Swift kernels \(portable ? "portable" : "AVX2")"
            + ", Winograd \(ConvolutionSettings.winogradAvailable ? "available" : "unavailable")"
    }

    /// The CPU's model name (from /proc/cpuinfo on Linux), or "unknown CPU".
    public static var cpuModel: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return "unknown CPU" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    static func isaName(_ isa: dnnl_cpu_isa_t) -> String {
        switch isa {
        case dnnl_cpu_isa_sse41: return "sse41"
        case dnnl_cpu_isa_avx: return "avx"
        case dnnl_cpu_isa_avx2: return "avx2"
        case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni"
        case dnnl_cpu_isa_avx512_mic: return "avx512_mic"
        case dnnl_cpu_isa_avx512_mic_4ops: return "avx512_mic_4ops"
        case dnnl_cpu_isa_avx512_core: return "avx512_core"
        case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni"
        case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16"
        case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx"
        case dnnl_cpu_isa_all: return "all"
        default: return "isa 0x" + String(isa.rawValue, radix: 16)
        }
    }
}
