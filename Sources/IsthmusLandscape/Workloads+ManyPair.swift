// The whole-run rows of `isthmus bench`: many pairs of the connectivity and barrier-statistics experiments,
// batched as the library runs them and pair by pair (batch 1), on seeded synthetic labelled images.
import Foundation
import IsthmusCore
import IsthmusNN

extension Workloads {
    /// The fixed settings of one whole-run row. Images are synthetic (uniform pixels, normalized, seeded) and the
    /// model has random weights (seed 0): every image is an endpoint candidate (`ImageSelection.all`), so the plan
    /// does not depend on what the model predicts.
    public struct ManyPair: Equatable, Sendable {
        public var model: String
        public var modelClasses: Int
        /// [C, H, W] of one image and its normalization.
        public var imageShape: [Int]
        public var normalization: Normalization
        /// Synthetic images: `imagesPerClass` of each of the classes 0..<dataClasses.
        public var dataClasses: Int
        public var imagesPerClass: Int
        /// Connectivity: pairs; barriers: pairs per group (within-class, real-adversarial).
        public var pairs: Int
        /// Adam steps of each bypass (no early stop, as the paper).
        public var bypassSteps: Int
        /// Points of the primary segment A->C and of each segment of the bent path.
        public var primaryPoints: Int
        public var segmentPoints: Int
        /// Barriers: the paper's statistics attack's most Adam steps (it stops once step > 32 and CE < L_y(A)).
        public var attackSteps: Int
        /// Pairs optimized together in the batched row.
        public var batch: Int
        public var seed: UInt64 = 0

        /// `connectivity-efficientnet-8pairs`: 8 within-class pairs of 3x224x224 images (4 classes x 4 images,
        /// normalized as the EfficientNet-Lite checkpoints: (x - 0.5) / 0.5), EfficientNet-Lite0 (1000 classes); each pair: the primary sweep, one faithful
        /// bypass, the two segments of A->B'->C; batched row: all 8 bends in one batch.
        /// quick: 32 steps, 32 + 2 x 16 points; full: 256 steps, 250 + 2 x 125 points.
        public static func connectivity(quick: Bool) -> ManyPair {
            ManyPair(model: "efficientnet-lite0", modelClasses: 1000, imageShape: [3, 224, 224], normalization: .halfHalf,
                     dataClasses: 4, imagesPerClass: 4, pairs: 8, bypassSteps: quick ? 32 : 256,
                     primaryPoints: quick ? 32 : 250, segmentPoints: quick ? 16 : 125, attackSteps: 0, batch: 8)
        }

        /// `barriers-mnist-64pairs`: 32 within-class and 32 real-adversarial pairs (the free protocol's plan without
        /// its different-class group) of 1x28x28 images (10 classes x 8 images, MNIST normalization), mnist-cnn;
        /// each pair: the paper's statistics attack for adversarial pairs (at most 512 Adam steps, lr 0.005,
        /// lambda 1e-8), the 250-point segment, one faithful bypass and its two 250-point segments, the logits of C;
        /// batched row: 16 attacks, then 16 bypasses, at a time. quick: 256 bypass steps; full: the paper's 1024.
        public static func barriers(quick: Bool) -> ManyPair {
            ManyPair(model: "mnist-cnn", modelClasses: 10, imageShape: [1, 28, 28], normalization: .mnist,
                     dataClasses: 10, imagesPerClass: 8, pairs: 32, bypassSteps: quick ? 256 : 1024,
                     primaryPoints: 250, segmentPoints: 250, attackSteps: 512, batch: 16)
        }

        /// The seeded synthetic images.
        public func data() -> Dataset {
            var rng = SplitMix64(seed: seed)
            let n = dataClasses * imagesPerClass
            let pixels = Tensor.uniform([n] + imageShape, using: &rng)
            return Dataset(name: "synthetic", images: normalization.apply(pixels), labels: (0..<n).map { $0 / imagesPerClass },
                           classes: modelClasses, normalization: normalization)
        }

        public func makeModel() throws -> Module {
            try ModelZoo.make(ModelOptions(name: model, classes: modelClasses), seed: 0).0
        }

        public var connectivityConfig: Connectivity.Config {
            var c = Connectivity.Config()
            c.pairs = pairs; c.seed = seed; c.selection = .all
            c.chain.primarySteps = primaryPoints; c.chain.pointsPerSegment = segmentPoints
            c.chain.rounds = 1; c.chain.bypass.iterations = bypassSteps
            return c
        }

        public var barriersConfig: BarrierStatistics.Config {
            var c = BarrierStatistics.Config()
            c.pairProtocol = .free; c.pairs = pairs; c.seed = seed; c.selection = .all
            c.steps = primaryPoints
            c.attack = .paper(.statistics(steps: attackSteps))
            c.bypass.iterations = bypassSteps
            return c
        }

        /// The connectivity experiment's rows of all pairs, `batch` bends at a time (1: `Connectivity.run` pair by pair).
        public func runConnectivity(model: Module, data: Dataset, batch: Int) throws -> [Connectivity.Row] {
            let c = connectivityConfig
            let pairs = try Connectivity.samplePairs(data, model: model, count: c.pairs, seed: c.seed, selection: c.selection)
            if batch == 1 { return try pairs.indices.map { try Connectivity.run(c, pair: pairs[$0], index: $0, model: model, data: data) } }
            var rows: [Connectivity.Row] = []
            try Connectivity.runMany(c, pairs: pairs, indices: Array(pairs.indices), batch: batch, model: model, data: data) { rows.append($0) }
            return rows.sorted { $0.pair < $1.pair }
        }

        /// The within-class and adversarial pairs of the barrier-statistics plan.
        public func barrierPlans(model: Module, data: Dataset) throws -> [BarrierStatistics.Plan] {
            try BarrierStatistics.plan(barriersConfig, data: data, model: model).filter { $0.group != .differentClass }
        }

        /// The barrier statistics' measured pairs, `batch` at a time (`measureMany`; 1: `measure` pair by pair).
        public func runBarriers(model: Module, data: Dataset, batch: Int) throws -> [BarrierStatistics.Unit] {
            let plans = try barrierPlans(model: model, data: data)
            var units = [BarrierStatistics.Unit?](repeating: nil, count: plans.count)
            try BarrierStatistics.measureMany(plans, barriersConfig, model: model, data: data, batch: batch) { units[$0] = $1 }
            return units.map { $0! }
        }
    }

    /// The whole-run rows: each experiment batched and sequential (`-sequential`, batch 1).
    static var manyPair: [Workload] {
        func rows(_ name: String, _ settings: @escaping (Bool) -> ManyPair, about: String,
                  run: @escaping (ManyPair, Module, Dataset, Int) throws -> Void) -> [Workload] {
            let s = settings(false)
            return [(name, s.batch), (name + "-sequential", 1)].map { n, batch in
                Workload(name: n, unit: "ms per run of \(s.pairs * (s.attackSteps > 0 ? 2 : 1)) pairs, batch \(batch)", reps: (1, 1),
                         warmups: 0, about: about + "; batch \(s.batch), or -sequential: pair by pair (batch 1)") { quick in
                    let m = settings(quick), model = try m.makeModel(), data = m.data()
                    return { try run(m, model, data, batch) }
                }
            }
        }
        let c = (ManyPair.connectivity(quick: true), ManyPair.connectivity(quick: false))
        let b = (ManyPair.barriers(quick: true), ManyPair.barriers(quick: false))
        return rows("connectivity-efficientnet-8pairs", ManyPair.connectivity, about: """
            the connectivity experiment (EfficientNet-Lite0) on \(c.1.pairs) seeded within-class pairs of synthetic \
            224x224 images (every image eligible): per pair the primary sweep, one faithful bypass (Adam lr 0.005, no \
            early stop) and the two segments of A->B'->C; quick: \(c.0.bypassSteps) steps, \(c.0.primaryPoints) + 2 x \
            \(c.0.segmentPoints) points; full: \(c.1.bypassSteps) steps, \(c.1.primaryPoints) + 2 x \(c.1.segmentPoints) points
            """) {
            _ = try $0.runConnectivity(model: $1, data: $2, batch: $3)
        } + rows("barriers-mnist-64pairs", ManyPair.barriers, about: """
            the barrier statistics (mnist-cnn) on \(b.1.pairs) within-class and \(b.1.pairs) real-adversarial seeded pairs \
            of synthetic 28x28 images (every image eligible): the paper's statistics attack (at most \(b.1.attackSteps) \
            Adam steps, stopping once step > 32 and CE < L_y(A)), the \(b.1.primaryPoints)-point segment, one faithful \
            bypass (quick: \(b.0.bypassSteps) steps; full: \(b.1.bypassSteps)) and its two \(b.1.segmentPoints)-point segments
            """) {
            _ = try $0.runBarriers(model: $1, data: $2, batch: $3)
        }
    }
}
