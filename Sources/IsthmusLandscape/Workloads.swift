// The benchmark workloads of `isthmus bench`: the library's own sweep, bypass step, attack step, FVO step and
// training step, and whole many-pair runs, as scripts/peer_torch.py times them in PyTorch.
import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

/// The workloads of scripts/peer_torch.py (the PyTorch peer in this repository), with the same models, shapes, batch sizes, hyper-parameters and
/// per-iteration work, timed the same way (median of repetitions after the warm-ups).
public enum Workloads {
    public struct Workload {
        public let name: String, unit: String, reps: (quick: Int, full: Int)
        /// Untimed calls before the timed ones (2; 0 for the whole-run rows).
        public let warmups: Int
        /// What one timed call does (the `isthmus bench` help).
        public let about: String
        /// Builds the timed call (`quick`: the quick settings, for the rows that have them).
        public let make: (_ quick: Bool) throws -> () throws -> Void

        public init(name: String, unit: String, reps: (quick: Int, full: Int), warmups: Int = 2, about: String,
                    make: @escaping (_ quick: Bool) throws -> () throws -> Void) {
            self.name = name; self.unit = unit; self.reps = reps; self.warmups = warmups; self.about = about; self.make = make
        }

        /// Median milliseconds of the timed calls (`reps.quick` or `reps.full`) after the warm-ups.
        public func measure(quick: Bool) throws -> Double {
            try Workloads.time(try make(quick), reps: quick ? reps.quick : reps.full, warmups: warmups)
        }
    }

    static func model(_ name: String, classes: Int = 10) throws -> Module {
        try ModelZoo.make(ModelOptions(name: name, classes: classes, inputSize: name == "resnet18" ? 32 : nil), seed: 0).0
    }

    static func sweep(_ m: Module, _ a: Tensor, _ c: Tensor, steps: Int) -> () throws -> Void {
        { _ = Interpolation.run(Interpolation.Config(steps: steps, classIndex: 0, batch: 64), model: m, from: a, to: c) }
    }

    /// One iteration of the library's bypass (`Bypass.Stepper`, the paper's faithful mode): an Adam step on x of
    /// CE(f(x), t) + 0.1 mean((x - x0)^2) + 1e-8 TV(x - x0), the gradient projected off v when given (the bypass)
    /// or not (v = 0: the paper's attack objective at batch 1).
    public static func anchoredStep(_ m: Module, start: Tensor, target: Int, v: Tensor?) -> () throws -> Void {
        let p = v.map { Tensor.zeros($0.shape) } ?? start, q = v ?? start
        let stepper = Bypass.Stepper(ClassLoss(model: m, classIndex: target), from: p, to: q, start: start, Bypass.Config())
        return { try stepper.step() }
    }

    static func fvoStep(_ m: Module, shape: [Int], target: Int) -> () throws -> Void {
        var rng = SplitMix64(seed: 0)
        let x = Tensor.normal([1] + shape, std: 0.01, using: &rng)
        let opt = Adam([x], lr: 0.05, weightDecay: 1e-7)
        return {
            let (_, g) = valueWithGradient(wrt: [x]) { crossEntropy(logits: m(x), labels: [target]) }
            opt.step(g)
            _ = withoutGradients { crossEntropy(logits: m(x), labels: [target]).scalar }
        }
    }

    static func trainStep(_ m: Module, shape: [Int], batch: Int = 64) -> () throws -> Void {
        m.setTraining(true)
        let params = m.parameters.map(\.tensor)
        let opt = Adam(params, lr: 1e-3)
        var rng = SplitMix64(seed: 0)
        let xb = Tensor.normal([batch] + shape, using: &rng), yb = (0..<batch).map { _ in Int(rng.next() % 10) }
        return {
            let (_, g) = valueWithGradient(wrt: params) { crossEntropy(logits: m(xb), labels: yb) }
            opt.step(g)
        }
    }

    public static var all: [Workload] {
        var rng = SplitMix64(seed: 0)
        let a1 = Tensor.uniform([1, 1, 28, 28], using: &rng), b1 = Tensor.uniform([1, 1, 28, 28], using: &rng)
        let a3 = Tensor.normal([1, 3, 32, 32], using: &rng), b3 = Tensor.normal([1, 3, 32, 32], using: &rng)
        let mid1 = (a1 + b1) * 0.5, mid3 = (a3 + b3) * 0.5
        let sweepAbout = "the cross-entropy of class 0 at evenly spaced points of a segment, in batches of 64"
        let bypassAbout = "one bypass step at batch 1: Adam (lr 0.005) on CE + 0.1 mean((x-B)^2) + 1e-8 TV(x-B), gradient projected off C-A"
        let fvoAbout = "one FVO step at batch 1 (Adam lr 0.05, weight decay 1e-7), then the CE recomputed"
        var list: [Workload] = [
            Workload(name: "sweep-mnist-cnn-1000", unit: "ms per 1000-point sweep", reps: (3, 7), about: sweepAbout) { _ in
                sweep(try model("mnist-cnn"), a1, b1, steps: 1000) },
            Workload(name: "sweep-resnet18-cifar-1000", unit: "ms per 1000-point sweep", reps: (1, 3), about: sweepAbout) { _ in
                sweep(try model("resnet18-cifar"), a3, b3, steps: 1000) },
            Workload(name: "bypass-mnist-cnn", unit: "ms per iteration", reps: (20, 100), about: bypassAbout) { _ in
                anchoredStep(try model("mnist-cnn"), start: mid1, target: 3, v: b1 - a1) },
            Workload(name: "bypass-resnet18-cifar", unit: "ms per iteration", reps: (5, 20), about: bypassAbout) { _ in
                anchoredStep(try model("resnet18-cifar"), start: mid3, target: 3, v: b3 - a3) },
            Workload(name: "attack-mnist-cnn", unit: "ms per iteration", reps: (20, 100),
                     about: "one step of the paper's attack at batch 1: the bypass objective without the projection") { _ in
                anchoredStep(try model("mnist-cnn"), start: a1, target: 3, v: nil) },
            Workload(name: "fvo-resnet18-untrained", unit: "ms per iteration", reps: (5, 30), about: fvoAbout) { _ in
                fvoStep(try model("resnet18"), shape: [3, 32, 32], target: 1) },
            Workload(name: "fvo-resnet18-cifar", unit: "ms per iteration", reps: (5, 20), about: fvoAbout) { _ in
                fvoStep(try model("resnet18-cifar"), shape: [3, 32, 32], target: 1) },
            Workload(name: "train-mnist-cnn-b64", unit: "ms per batch of 64", reps: (5, 30),
                     about: "one training step: Adam (lr 1e-3) on the weights, a batch of 64") { _ in
                trainStep(try model("mnist-cnn"), shape: [1, 28, 28]) },
        ]
        // The ImageNet networks when present.
        for (name, steps) in [("efficientnet-lite0", 250), ("googlenet", 1000)] where ModelZoo.names.contains(name) {
            let ea = Tensor.normal([1, 3, 224, 224], using: &rng), eb = Tensor.normal([1, 3, 224, 224], using: &rng)
            list += [
                Workload(name: "sweep-\(name)-\(steps)", unit: "ms per \(steps)-point sweep", reps: (1, 3), about: sweepAbout) { _ in
                    sweep(try model(name, classes: 1000), ea, eb, steps: steps) },
                Workload(name: "bypass-\(name)", unit: "ms per iteration", reps: (5, 20), about: bypassAbout) { _ in
                    anchoredStep(try model(name, classes: 1000), start: (ea + eb) * 0.5, target: 967, v: eb - ea) },
            ]
        }
        return list + manyPair
    }

    /// The workloads as `isthmus bench --help` lists them: what one timed call does (workloads doing the same thing
    /// listed together), with the timed calls of --quick and of a full run.
    public static var help: String {
        var groups: [(about: String, names: [String], reps: String)] = []
        for w in all {
            let reps = "\(w.reps.quick) / \(w.reps.full) timed after \(w.warmups) warm-up\(w.warmups == 1 ? "" : "s")"
            if let i = groups.firstIndex(where: { $0.about == w.about && $0.reps == reps }) { groups[i].names.append(w.name) }
            else { groups.append((w.about, [w.name], reps)) }
        }
        return "workloads (random weights, seed 0; calls --quick / full):\n"
            + groups.map { "  \($0.names.joined(separator: ", ")): \($0.about) (\($0.reps))" }.joined(separator: "\n")
    }

    /// Median milliseconds of `reps` calls after `warmups` untimed ones.
    public static func time(_ f: () throws -> Void, reps: Int, warmups: Int = 2) rethrows -> Double {
        for _ in 0..<warmups { try f() }
        var ms: [Double] = []
        for _ in 0..<reps {
            let t = DispatchTime.now().uptimeNanoseconds
            try f()
            ms.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
        }
        return Stats.median(ms)
    }
}

