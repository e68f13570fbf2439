import Foundation
import IsthmusCore
import IsthmusKernels
import IsthmusNN
import IsthmusReport

extension Workloads {
    /// An ONNX export against the built-in model with the same weights on one fixed input (sin/cos patterns):
    /// parity of logits (max |diff| / max |logit|) and of the input gradient of CE(class 1) (relative L2), and the
    /// median time of a `steps`-point sweep (batch 64) and of one bypass step. The two models alternate within
    /// each repetition, so that load from other processes hits both alike.
    public struct ONNXComparison {
        public var logitsError: Double
        public var gradientError: Double
        /// Seconds per sweep and per bypass step, native then ONNX.
        public var sweep: (native: Double, onnx: Double)
        public var bypassStep: (native: Double, onnx: Double)
        public var steps: Int, reps: Int

        /// {native: {sweepMs, bypassMs}, onnx: {...}, _meta: {steps, reps, threads, cpu, oneDNNISA}}.
        public var json: JSONValue {
            func ms(_ t: Double) -> JSONValue { .number((t * 1e6).rounded() / 1000) }
            return .object([("native", .object([("sweepMs", ms(sweep.native)), ("bypassMs", ms(bypassStep.native))])),
                            ("onnx", .object([("sweepMs", ms(sweep.onnx)), ("bypassMs", ms(bypassStep.onnx))])),
                            ("_meta", .object([("steps", .number(Double(steps))), ("reps", .number(Double(reps))),
                                               ("threads", .number(Double(Threads.count))), ("cpu", .string(KernelSettings.cpuModel)),
                                               ("oneDNNISA", .string(KernelSettings.oneDNNISA))]))])
        }
    }

    public static func compare(native: Module, onnx: Module, inputShape: [Int], steps: Int, reps: Int) throws -> ONNXComparison {
        let shape = [1] + inputShape, n = shape.reduce(1, *)
        let a = Tensor(shape: shape, scalars: (0..<n).map { Float(sin(0.37 * Double($0) + 0.5)) })
        let c = Tensor(shape: shape, scalars: (0..<n).map { Float(cos(0.11 * Double($0) + 0.3)) })
        func grad(_ m: Module) -> (Tensor, Tensor) {
            var y: Tensor!
            let (_, g) = valueWithGradient(wrt: [a]) { y = m(a); return crossEntropy(logits: y, labels: [1]) }
            return (y, g[0])
        }
        let (yo, go) = grad(onnx), (yn, gn) = grad(native)
        let dLogits = Double(zip(yo.scalars, yn.scalars).map { abs($0 - $1) }.max()! / yn.scalars.map(abs).max()!)
        let gradient = Euclidean.distance(go, gn) / Euclidean.norm(gn)
        let models = [native, onnx]
        let sweeps = models.map { m in { _ = Interpolation.run(Interpolation.Config(steps: steps, classIndex: 1, batch: 64), model: m, from: a, to: c) } }
        let bypass = models.map { anchoredStep($0, start: a, target: 1, v: c - a) }
        for k in 0..<2 { sweeps[k](); try bypass[k]() }
        var ts = [[Double]](repeating: [], count: 4)
        for _ in 0..<reps {
            for k in 0..<2 {
                ts[2 * k].append(seconds(sweeps[k]))
                ts[2 * k + 1].append(try seconds(bypass[k]))
            }
        }
        let median = ts.map { Quantiles.median($0) }
        return ONNXComparison(logitsError: dLogits, gradientError: gradient, sweep: (median[0], median[2]),
                              bypassStep: (median[1], median[3]), steps: steps, reps: reps)
    }

    /// What one barrier pair costs on an image folder, by part.
    public struct FolderCosts {
        /// Images per second of the streaming loader (decode + preprocess) and of the batched evaluation pass (batch 64).
        public var loadRate: Double, evaluationRate: Double
        /// Median seconds of a `steps`-point segment (batch 64) and of one Adam step of the attack/bypass objective.
        public var segment: Double, step: Double
    }

    /// `folder` opens the folder afresh (each part starts with a cold cache); `images` are read for the rates.
    public static func folderCosts(_ folder: () throws -> ImageFolder, model: Module, images: Int, reps: Int, steps: Int) throws -> FolderCosts {
        let loader = try folder(), count = min(images, loader.count)
        var start = Date()
        for i in 0..<count { _ = loader.image(i) }
        let loadRate = Double(count) / Date().timeIntervalSince(start)
        let evaluator = try folder()
        start = Date()
        _ = evaluator.evaluate(model, indices: Array(0..<count), batch: 64)
        let evalRate = Double(count) / Date().timeIntervalSince(start)
        let a = try loader.readable(0).image, c = try loader.readable(count - 1).image
        let segment = try time({ _ = Interpolation.run(Interpolation.Config(steps: steps, classIndex: 0, batch: 64), model: model, from: a, to: c) },
                               reps: reps) / 1000
        let stepper = Bypass.Stepper(ClassLoss(model: model, classIndex: 0), from: a, to: c, start: (a + c) * 0.5, Bypass.Config())
        let step = try time({ _ = try stepper.step() }, reps: reps) / 1000
        return FolderCosts(loadRate: loadRate, evaluationRate: evalRate, segment: segment, step: step)
    }

    /// Seconds of one call.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    }
}

extension Workloads {
    /// {workload: {ms, unit}, _meta: {isthmus, threads, gitCommit, cpu, oneDNNISA}}, the peer benchmarks' JSON shape.
    public static func json(_ results: [(workload: Workloads.Workload, ms: Double)], version: String, gitCommit: String) -> JSONValue {
        var entries: [(String, JSONValue)] = results.map { w, ms in
            (w.name, .object([("ms", .number((ms * 1000).rounded() / 1000)), ("unit", .string(w.unit))]))
        }
        entries.append(("_meta", .object([("isthmus", .string(version)), ("threads", .number(Double(Threads.count))),
                                         ("gitCommit", .string(gitCommit)), ("cpu", .string(KernelSettings.cpuModel)),
                                         ("oneDNNISA", .string(KernelSettings.oneDNNISA))])))
        return .object(entries)
    }
}
