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
        let onnx = try ONNXModel(path: onnxPath)
        let shape = [1] + info.inputShape, n = shape.reduce(1, *)
        let a = Tensor(shape: shape, scalars: (0..<n).map { Float(sin(0.37 * Double($0) + 0.5)) })
        let c = Tensor(shape: shape, scalars: (0..<n).map { Float(cos(0.11 * Double($0) + 0.3)) })

        func grad(_ m: Module) -> (Tensor, Tensor) {
            var y: Tensor!
            let (_, g) = valueWithGradient(wrt: [a]) { y = m(a); return crossEntropy(logits: y, labels: [1]) }
            return (y, g[0])
        }
        let (yo, go) = grad(onnx), (yn, gn) = grad(native)
        let scale = yn.scalars.map(abs).max()!
        let dLogits = zip(yo.scalars, yn.scalars).map { abs($0 - $1) }.max()! / scale
        var num = 0.0, den = 0.0
        for (p, q) in zip(go.scalars, gn.scalars) { num += Double(p - q) * Double(p - q); den += Double(q) * Double(q) }
        print(String(format: "parity: logits max diff / max |logit| %.2e, input gradient relative L2 %.2e", dLogits, (num / den).squareRoot()))

        // Native and ONNX alternate within each repetition, so that load from other processes hits both alike.
        let models: [(String, Module)] = [("native", native), ("onnx", onnx)]
        let sweeps = models.map { _, m in { _ = Interpolation.run(Interpolation.Config(steps: steps, classIndex: 1, batch: 64), model: m, from: a, to: c) } }
        let bypass = models.map { _, m in Workloads.anchoredStep(m, start: a, target: 1, v: c - a) }
        func seconds(_ body: () throws -> Void) rethrows -> Double {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        }
        for k in 0..<2 { sweeps[k](); try bypass[k]() }
        var ts = [[Double]](repeating: [], count: 4)
        for _ in 0..<reps {
            for k in 0..<2 {
                ts[2 * k].append(seconds { sweeps[k]() })
                ts[2 * k + 1].append(try seconds { try bypass[k]() })
            }
        }
        let median = ts.map { $0.sorted()[$0.count / 2] }
        for (k, (label, _)) in models.enumerated() {
            print(String(format: "%@: sweep of %d points %.3f s, bypass step %.1f ms (medians of %d)", label, steps, median[2 * k],
                         median[2 * k + 1] * 1000, reps))
        }
        print(String(format: "onnx / native: sweep %.3f, bypass step %.3f", median[2] / median[0], median[3] / median[1]))
        guard let json else { return }
        func ms(_ t: Double) -> JSONValue { .number((t * 1e6).rounded() / 1000) }
        var entries: [(String, JSONValue)] = models.enumerated().map { k, m in
            (m.0, .object([("sweepMs", ms(median[2 * k])), ("bypassMs", ms(median[2 * k + 1]))]))
        }
        entries.append(("_meta", .object([("steps", .number(Double(steps))), ("reps", .number(Double(reps))),
                                         ("threads", .number(Double(Threads.count))), ("cpu", .string(KernelSettings.cpuModel)),
                                         ("oneDNNISA", .string(KernelSettings.oneDNNISA))])))
        try atomicWrite(Data(JSONValue.object(entries).render(pretty: true).utf8), to: URL(fileURLWithPath: json))
    }
}
