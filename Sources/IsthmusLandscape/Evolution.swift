// How the barrier between synthetic optimal inputs evolves during training (paper App F.1).
import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

public enum BarrierEvolution {
    public struct Config: Codable, Equatable, Sendable {
        /// The paper trains ResNet-18 on CIFAR-10; mnist-cnn on MNIST-5k when no CIFAR data is present.
        public var model = ModelOptions(name: "mnist-cnn")
        /// Measure after training this many batches (0 = untrained).
        public var checkpoints = Array(0...30)
        public var classes: [Int]? = nil
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
        public var seed: UInt64 = 0
        public init() {}
    }

    public struct ClassCurve: Codable, Equatable, Sendable {
        public var classIndex: Int
        public var max: Double
        /// Area under the loss curve over alpha in [0, 1] (trapezoids).
        public var area: Double
        public var losses: [Float]
    }

    public struct Checkpoint: Codable, Equatable, Sendable {
        public var batch: Int
        public var curves: [ClassCurve]
        public var meanMax: Double, stdMax: Double
        public var meanArea: Double, stdArea: Double
        /// Mean and std over classes of the curves, point by point.
        public var meanCurve: [Double], stdCurve: [Double]
        public var testAccuracy: Double
    }

    static func measure(_ c: Config, model: Module, info: ModelInfo, batch: Int, classes: [Int], test: Dataset) throws -> Checkpoint {
        let wasTraining = model.training
        model.setTraining(false)
        defer { model.setTraining(wasTraining) }
        var curves: [ClassCurve] = []
        for k in classes {
            var fa = FeatureVisualization.Config.paper(classIndex: k, modeA: true, seed: c.seed &+ UInt64(2 * k + 1))
            var fc = FeatureVisualization.Config.paper(classIndex: k, modeA: false, seed: c.seed &+ UInt64(2 * k + 2))
            fa.maxIterations = c.fvoIterations; fc.maxIterations = c.fvoIterations
            fa.lossThreshold = c.fvoThreshold; fc.lossThreshold = c.fvoThreshold
            let (_, a) = try FeatureVisualization.run(fa, model: model, inputShape: info.inputShape)
            let (_, z) = try FeatureVisualization.run(fc, model: model, inputShape: info.inputShape)
            let r = Interpolation.run(Interpolation.Config(steps: c.steps, classIndex: k), model: model, from: a, to: z)
            var area = 0.0
            for i in 1..<r.losses.count { area += 0.5 * Double(r.losses[i] + r.losses[i - 1]) * (r.alphas[i] - r.alphas[i - 1]) }
            curves.append(ClassCurve(classIndex: k, max: r.barrier.max, area: area, losses: r.losses))
        }
        let maxes = curves.map(\.max), areas = curves.map(\.area)
        let n = c.steps
        let meanCurve = (0..<n).map { i in Stats.mean(curves.map { Double($0.losses[i]) }) }
        let stdCurve = (0..<n).map { i in curves.count > 1 ? Stats.std(curves.map { Double($0.losses[i]) }) : 0 }
        return Checkpoint(batch: batch, curves: curves, meanMax: Stats.mean(maxes), stdMax: curves.count > 1 ? Stats.std(maxes) : 0,
                          meanArea: Stats.mean(areas), stdArea: curves.count > 1 ? Stats.std(areas) : 0,
                          meanCurve: meanCurve, stdCurve: stdCurve, testAccuracy: Training.evaluate(model, on: test).accuracy)
    }

    /// Trains batch by batch (seeded shuffling, Adam) and measures at every checkpoint; `onCheckpoint` sees each.
    public static func run(_ c: Config, data: DataSplit, onCheckpoint: (Checkpoint) -> Void = { _ in }) throws -> [Checkpoint] {
        let (model, info) = try ModelZoo.make(c.model, seed: c.seed)
        guard info.inputShape == data.train.imageShape else {
            throw TrainingError("\(info.name) takes \(info.inputShape) inputs, the data has \(data.train.imageShape)")
        }
        let classes = c.classes ?? Array(0..<info.classes)
        let params = model.parameters.map(\.tensor)
        let opt = Adam(params, lr: Float(c.training.lr), weightDecay: Float(c.training.weightDecay))
        var rng = SplitMix64(seed: c.seed)
        var order: [Int] = [], cursor = 0
        var out: [Checkpoint] = []
        let last = c.checkpoints.max() ?? 0
        for b in 0...last {
            if c.checkpoints.contains(b) {
                let cp = try measure(c, model: model, info: info, batch: b, classes: classes, test: data.test)
                out.append(cp)
                onCheckpoint(cp)
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
            guard loss.scalar.isFinite else { throw TrainingError("loss became \(loss.scalar) at training batch \(b + 1)") }
            opt.step(grads)
        }
        return out
    }
}
