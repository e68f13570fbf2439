// How the barrier between synthetic optimal inputs evolves during training (paper App F.1).
import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

public enum BarrierEvolution {
    /// How the spread over curves is measured.
    public enum StdConvention: String, Codable, Sendable, CaseIterable {
        /// Sample standard deviation (n - 1 in the denominator).
        case sample
        /// Population standard deviation (n in the denominator): numpy's `np.std`, as the paper's code.
        case population
    }

    /// How the area under a loss curve is measured.
    public enum AreaConvention: String, Codable, Sendable, CaseIterable {
        /// Trapezoids over alpha in [0, 1].
        case alpha
        /// Trapezoids with unit spacing over the curve's points: numpy's `np.trapezoid(losses)`, as the paper's code
        /// (about (steps - 1) times the alpha area).
        case unit
    }

    public struct Config: Codable, Equatable, Sendable {
        /// mnist-cnn on MNIST-5k when no CIFAR data is present; the paper's model is `Config.paper`'s.
        public var model = ModelOptions(name: "mnist-cnn")
        /// Measure after training this many batches (0 = untrained).
        public var checkpoints = Array(0...30)
        public var classes: [Int]? = nil
        /// Independent training runs (seeds derived from `seed`); every checkpoint measures each class in each run.
        public var runs = 1
        /// Adam lr 1e-3, batch 512, as App F.1; augmentation as Training.Config (flip + crop for CIFAR).
        public var training: Training.Config = {
            var t = Training.Config()
            t.batch = 512; t.lr = 1e-3; t.schedule = "constant"
            return t
        }()
        /// FVO pair per class: modes A (TV 2.5e-7) and C, at most 4096 steps, stop at CE < 0.005.
        public var fvoIterations = 4096
        public var fvoThreshold: Float = 0.005
        public var steps = 200
        public var std = StdConvention.sample
        public var area = AreaConvention.alpha
        public var seed: UInt64 = 0
        public init() {}

        /// App F.1 as the paper runs it: torchvision ResNet-18 (10 classes, 3x32x32) on CIFAR-10 with flip and
        /// crop (pad 4), 5 runs per class, numpy's population std and unit-spacing trapezoid area.
        public static var paper: Config {
            var c = Config()
            c.model = ModelOptions(name: "resnet18", classes: 10, inputSize: 32)
            c.runs = 5
            c.training.flip = true; c.training.shift = 4
            c.std = .population; c.area = .unit
            return c
        }
    }

    public struct ClassCurve: Codable, Equatable, Sendable {
        public var classIndex: Int
        public var run: Int
        public var max: Double
        /// Area under the loss curve (`Config.area`).
        public var area: Double
        public var losses: [Float]
    }

    public struct Checkpoint: Codable, Equatable, Sendable {
        public var batch: Int
        /// One curve per class and run.
        public var curves: [ClassCurve]
        /// Mean and std (`Config.std`) over all curves of the checkpoint.
        public var meanMax: Double, stdMax: Double
        public var meanArea: Double, stdArea: Double
        /// Mean and std over the curves, point by point.
        public var meanCurve: [Double], stdCurve: [Double]
        /// Mean over runs.
        public var testAccuracy: Double
    }

    /// The seed of run r (run 0 uses `seed` itself).
    public static func runSeed(_ c: Config, _ r: Int) -> UInt64 { c.seed &+ UInt64(r) &* 0x9E37_79B9_7F4A_7C15 }

    /// Standard deviation under `convention`; 0 for fewer than two values.
    public static func std(_ xs: [Double], _ convention: StdConvention) -> Double {
        guard xs.count > 1 else { return 0 }
        let m = xs.reduce(0, +) / Double(xs.count)
        let ss = xs.map { ($0 - m) * ($0 - m) }.reduce(0, +)
        return (ss / Double(convention == .population ? xs.count : xs.count - 1)).squareRoot()
    }

    /// Area under `losses` sampled at `alphas` under `convention`.
    public static func area(_ losses: [Float], alphas: [Double], _ convention: AreaConvention) -> Double {
        var a = 0.0
        for i in 1..<max(losses.count, 1) {
            a += 0.5 * Double(losses[i] + losses[i - 1]) * (convention == .unit ? 1 : alphas[i] - alphas[i - 1])
        }
        return a
    }

    /// The FVO starts of every class for one run: (A, C) per class, all drawn from one stream seeded by the run seed.
    static func starts(seed: UInt64, classes: [Int], inputShape: [Int], initStd: Float) -> [(Tensor, Tensor)] {
        var rng = SplitMix64(seed: seed)
        return classes.map { _ in
            let a = Tensor.normal([1] + inputShape, std: initStd, using: &rng)
            return (a, Tensor.normal([1] + inputShape, std: initStd, using: &rng))
        }
    }

    static func measure(_ c: Config, model: Module, info: ModelInfo, run: Int, classes: [Int]) throws -> [ClassCurve] {
        let wasTraining = model.training
        model.setTraining(false)
        defer { model.setTraining(wasTraining) }
        let x0 = starts(seed: runSeed(c, run), classes: classes, inputShape: info.inputShape, initStd: 0.01)
        // Modes A and C of every class through `FeatureVisualization.Batch` one at a time: its check reuses the next
        // step's forward (one forward less per step than `run`). Batches of several runs are slower here: padded
        // rows keep stepping until the slowest run stops, and mnist-cnn gains nothing from batched kernels.
        let configs = classes.flatMap { k in
            [true, false].map { modeA in
                var f = FeatureVisualization.Config.paper(classIndex: k, modeA: modeA)
                f.maxIterations = c.fvoIterations; f.lossThreshold = c.fvoThreshold
                return f
            }
        }
        let modes = try FeatureVisualization.runMany(configs, model: model, inputShape: info.inputShape,
                                                     starts: x0.flatMap { [$0.0, $0.1] }, batch: 1)
        return classes.enumerated().map { i, k in
            let a = modes[2 * i].input, z = modes[2 * i + 1].input
            let r = Interpolation.run(Interpolation.Config(steps: c.steps, classIndex: k), model: model, from: a, to: z)
            return ClassCurve(classIndex: k, run: run, max: r.barrier.max, area: area(r.losses, alphas: r.alphas, c.area), losses: r.losses)
        }
    }

    /// The statistics of one checkpoint over its curves.
    public static func checkpoint(_ c: Config, batch: Int, curves: [ClassCurve], testAccuracy: Double) -> Checkpoint {
        let n = curves.first?.losses.count ?? 0
        let column = { (i: Int) in curves.map { Double($0.losses[i]) } }
        return Checkpoint(batch: batch, curves: curves, meanMax: Stats.mean(curves.map(\.max)), stdMax: std(curves.map(\.max), c.std),
                          meanArea: Stats.mean(curves.map(\.area)), stdArea: std(curves.map(\.area), c.std),
                          meanCurve: (0..<n).map { Stats.mean(column($0)) }, stdCurve: (0..<n).map { std(column($0), c.std) },
                          testAccuracy: testAccuracy)
    }

    /// For each run: trains batch by batch (seeded shuffling, Adam) and measures at every checkpoint;
    /// `onCheckpoint(run, batch)` follows each measurement. Checkpoints pool the curves of all runs.
    public static func run(_ c: Config, data: DataSplit, onCheckpoint: (_ run: Int, _ batch: Int) -> Void = { _, _ in }) throws -> [Checkpoint] {
        guard c.runs >= 1 else { throw TrainingError("evolution needs at least one run, got \(c.runs)") }
        var curves: [Int: [ClassCurve]] = [:], accuracy: [Int: [Double]] = [:]
        for run in 0..<c.runs {
            let (model, info) = try ModelZoo.make(c.model, seed: runSeed(c, run))
            guard info.inputShape == data.train.imageShape else {
                throw TrainingError("\(info.name) takes \(info.inputShape) inputs, the data has \(data.train.imageShape)")
            }
            let classes = c.classes ?? Array(0..<info.classes)
            let params = model.parameters.map(\.tensor)
            let opt = Adam(params, lr: Float(c.training.lr), weightDecay: Float(c.training.weightDecay))
            var rng = SplitMix64(seed: runSeed(c, run))
            var order: [Int] = [], cursor = 0
            let last = c.checkpoints.max() ?? 0
            for b in 0...last {
                if c.checkpoints.contains(b) {
                    curves[b, default: []] += try measure(c, model: model, info: info, run: run, classes: classes)
                    accuracy[b, default: []].append(Training.evaluate(model, on: data.test).accuracy)
                    onCheckpoint(run, b)
                }
                if b == last { break }
                if cursor + c.training.batch > order.count {
                    order = Array(0..<data.train.count)
                    order.shuffle(using: &rng)
                    cursor = 0
                }
                let idx = Array(order[cursor..<min(order.count, cursor + c.training.batch)])
                cursor += c.training.batch
                model.setTraining(true)
                let x = Training.augment(data.train.images.gathered(rows: idx), c.training, data.train.normalization, &rng)
                let y = idx.map { data.train.labels[$0] }
                let (loss, grads) = valueWithGradient(wrt: params) { crossEntropy(logits: model(x), labels: y) }
                guard loss.scalar.isFinite else { throw TrainingError("loss became \(loss.scalar) at training batch \(b + 1) of run \(run)") }
                opt.step(grads)
            }
        }
        return c.checkpoints.sorted().map { b in checkpoint(c, batch: b, curves: curves[b] ?? [], testAccuracy: Stats.mean(accuracy[b] ?? [])) }
    }
}
