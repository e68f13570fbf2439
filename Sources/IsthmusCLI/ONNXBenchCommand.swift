import Foundation
import IsthmusCore
import IsthmusKernels
import IsthmusReport
import IsthmusLandscape
import IsthmusNN

/// `isthmus _onnx-vs-native`: an ONNX export against the built-in model with the same weights, on one input:
/// parity of logits and input gradients, and the time of a 250-point sweep and of one bypass step
/// (median of repetitions after a warm-up).
struct ONNXBenchCommand: Command {
    static let name = "_onnx-vs-native", summary = "an ONNX export against the built-in model with its weights (speed, parity)"
    static let usage = "usage: isthmus _onnx-vs-native --onnx FILE.onnx --model NAME --weights FILE [--steps N] [--reps R] [--threads T] [--json FILE]"
    static let options = OptionTable([
        .text("--onnx", "FILE.onnx", "the export"),
        .text("--model", "NAME", "the built-in model (resnet18 | efficientnet-lite0 | ...)"),
        .text("--weights", "FILE", "its weights (the export's)"),
        .int("--steps", "N", 250, 2...100_000, "sweep points"),
        .int("--reps", "R", 3, 1...100, "timed repetitions"),
        .int("--threads", "T", nil, 1...256, "compute threads (default: ISTHMUS_THREADS or all cores)"),
        .text("--json", "FILE", "write {native: {sweepMs, bypassMs}, onnx: {...}, _meta: {...}} (scripts/bench-vs-torch.sh --onnx)"),
    ])

    static func run(_ args: inout Arguments) throws {
        let onnxPath = try args.required("--onnx")
        let name = try args.required("--model")
        let weights = try args.required("--weights")
        let steps = try args.int("--steps")
        let reps = try args.int("--reps")
        let threads = try args.optionalInt("--threads")
        let json = try args.string("--json")
        try args.finish()
        if let threads { Threads.set(threads) }
        let (native, info) = try ModelZoo.make(ModelOptions(name: name), seed: 0)
        try native.loadWeights(weights)
        let r = try Workloads.compare(native: native, onnx: try ONNXModel(path: onnxPath), inputShape: info.inputShape, steps: steps, reps: reps)
        print(String(format: "parity: logits max diff / max |logit| %.2e, input gradient relative L2 %.2e", r.logitsError, r.gradientError))
        for (label, sweep, step) in [("native", r.sweep.native, r.bypassStep.native), ("onnx", r.sweep.onnx, r.bypassStep.onnx)] {
            print(String(format: "%@: sweep of %d points %.3f s, bypass step %.1f ms (medians of %d)", label, steps, sweep, step * 1000, reps))
        }
        print(String(format: "onnx / native: sweep %.3f, bypass step %.3f", r.sweep.onnx / r.sweep.native, r.bypassStep.onnx / r.bypassStep.native))
        if let json { try atomicWrite(Data(r.json.render(pretty: true).utf8), to: URL(fileURLWithPath: json)) }
    }
}
