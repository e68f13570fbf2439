// Connectivity in untrained networks (paper Sec 4.3, Fig 7), and the dimension sweep that tests the percolation
// conjecture directly (beyond the paper).
import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

public enum UntrainedConnectivity {
    /// Bends of a round optimized together by default (a round has 2^(r-1) bends): 1, measured: on ResNet-18 at 8x8
    /// and 32x32 inputs (2-core Zen 3) a batch of 4 bends costs as much CPU time as 4 single bends or more.
    public static let defaultBatch = 1

    public struct Config: Codable, Equatable, Sendable {
        /// torchvision ResNet-18, 10 classes, 3x32x32 (Sec 4.3).
        public var model = ModelOptions(name: "resnet18", classes: 10, inputSize: 32)
        public var seed: UInt64 = 0
        public var classIndex = 1
        public var rounds = 2
        /// Points of the primary segment and of every path segment (200 in Sec 4.3).
        public var steps = 200
        /// FVO of the two modes: at most this many steps, stop at CE < 5e-4 (Sec 4.3: 8192).
        public var fvoIterations = 8192
        /// Free bends: Adam lr 0.05, wd 1e-7, at most 4096 steps, stop at CE < 5e-4.
        public var bypass = Bypass.Config.untrained
        /// Every segment of a round is bent (the paper, Sec 4.3), or (`.conditional`) only those whose max exceeds
        /// max(L(A), L(C)) + tolerance.
        public var bending = Chain.Bending.always
        public var tolerance = 0.0
        /// The path counts as connected once its max is <= (1 + relativeTolerance) * max(L(A), L(C)): a tolerance on
        /// the scale of the endpoint losses (about 5e-4 for FVO modes), which an absolute one is not.
        public var relativeTolerance = 1.0
        public init() {}
    }

    public struct Result: Codable, Equatable, Sendable {
        public var config: Config
        /// Max loss of the primary curve A->C.
        public var primaryMax: Double
        /// Max loss of the whole path after round 1, 2, ...
        public var roundMax: [Double]
        /// [L(A), L(C)].
        public var endpointLoss: [Double]
        public var fvoIterations: [Int]
        /// The first round after which the path max is <= (1 + relativeTolerance) * max(L(A), L(C)) (0: the straight
        /// segment already is); nil if no round up to `rounds` got there.
        public var roundsNeeded: Int?
        public var chain: Chain.Result
        public var seconds: Double
    }

    /// Builds the untrained model, synthesizes mode A (TV 2.5e-7) and mode C (no TV) by FVO from two starts drawn
    /// from one stream seeded by `seed` (`FeatureVisualization.pairStarts`), both in one `FeatureVisualization.Batch`,
    /// then bends the path in rounds of free bypasses, a round's bends `batch` at a time in one batch (`Chain.run`;
    /// equal to one by one, `batch` 1, up to float32 rounding).
    public static func run(_ c: Config, batch: Int = defaultBatch) throws -> (Result, a: Tensor, c: Tensor, path: Chain.Path) {
        let start = Date()
        let (model, info) = try ModelZoo.make(c.model, seed: c.seed)
        var fa = FeatureVisualization.Config.paper(classIndex: c.classIndex, modeA: true, seed: c.seed)
        var fc = FeatureVisualization.Config.paper(classIndex: c.classIndex, modeA: false, seed: c.seed)
        fa.maxIterations = c.fvoIterations; fc.maxIterations = c.fvoIterations
        let starts = FeatureVisualization.pairStarts(seed: c.seed, inputShape: info.inputShape, initStd: fa.initStd)
        // Both modes in one batch of two (each its own Adam state and stop; equal to two `run`s up to rounding).
        let modes = try FeatureVisualization.runMany([fa, fc], model: model, inputShape: info.inputShape, starts: [starts.a, starts.c], batch: 2)
        let (ra, a) = modes[0], (rc, z) = modes[1]
        var chain = Chain.Config()
        chain.classIndex = c.classIndex
        chain.primarySteps = c.steps
        chain.pointsPerSegment = c.steps
        chain.rounds = c.rounds
        chain.bending = c.bending
        chain.tolerance = c.tolerance
        chain.bypass = c.bypass
        let (r, path) = try Chain.run(chain, model: model, from: a, to: z, normalization: nil, batch: batch)
        let result = Result(config: c, primaryMax: r.primaryMax, roundMax: r.roundMax, endpointLoss: [r.lossA, r.lossC],
                            fvoIterations: [ra.iterations, rc.iterations],
                            roundsNeeded: roundsNeeded(primaryMax: r.primaryMax, roundMax: r.roundMax, endpoints: max(r.lossA, r.lossC),
                                                       relativeTolerance: c.relativeTolerance), chain: r,
                            seconds: Date().timeIntervalSince(start))
        return (result, a, z, path)
    }
}

/// The first round r (0 = the straight segment) whose path max is <= (1 + relativeTolerance) * endpoints; nil if none.
public func roundsNeeded(primaryMax: Double, roundMax: [Double], endpoints: Double, relativeTolerance: Double) -> Int? {
    let limit = (1 + relativeTolerance) * endpoints
    return ([primaryMax] + roundMax).firstIndex { $0 <= limit }
}

/// The untrained experiment at several input sizes and seeds: how the primary barrier and the rounds needed
/// change with the input dimension (percolation predicts easier connection in higher dimension).
public enum DimensionSweep {
    public struct Config: Codable, Equatable, Sendable {
        public var sizes = [8, 16, 32, 64]
        public var seeds: [UInt64] = [0, 1, 2]
        public var base = UntrainedConnectivity.Config()
        public init() {}
    }

    public struct Row: Codable, Equatable, Sendable {
        public var size: Int
        public var dimension: Int
        public var seed: UInt64
        public var primaryMax: Double
        public var primaryGap: Double
        public var roundMax: [Double]
        public var roundsNeeded: Int?
        public var finalGap: Double
        public var seconds: Double
    }

    public struct SizeSummary: Codable, Equatable, Sendable {
        public var size: Int
        public var dimension: Int
        public var primaryGap: IsthmusReport.Summary
        /// Over the runs that got within tolerance; `notConnected` counts the others.
        public var roundsNeeded: IsthmusReport.Summary
        public var notConnected: Int
        public var finalGap: IsthmusReport.Summary
    }

    /// The units of the sweep in a fixed order (size-major).
    public static func units(_ c: Config) -> [(size: Int, seed: UInt64)] {
        c.sizes.flatMap { s in c.seeds.map { (s, $0) } }
    }

    /// One unit: the untrained experiment at `size` and `seed`, a round's bends `batch` at a time.
    public static func measure(_ c: Config, size: Int, seed: UInt64, batch: Int = UntrainedConnectivity.defaultBatch) throws -> Row {
        var u = c.base
        u.model.inputSize = size
        u.seed = seed
        let (r, _, _, _) = try UntrainedConnectivity.run(u, batch: batch)
        return Row(size: size, dimension: 3 * size * size, seed: seed, primaryMax: r.primaryMax, primaryGap: r.chain.primaryGap,
                   roundMax: r.roundMax, roundsNeeded: r.roundsNeeded, finalGap: r.chain.finalGap, seconds: r.seconds)
    }

    public static func summarize(_ rows: [Row]) -> [SizeSummary] {
        Dictionary(grouping: rows, by: \.size).keys.sorted().map { s in
            let g = rows.filter { $0.size == s }
            return SizeSummary(size: s, dimension: 3 * s * s, primaryGap: IsthmusReport.Summary(g.map(\.primaryGap)),
                               roundsNeeded: IsthmusReport.Summary(g.compactMap { $0.roundsNeeded.map(Double.init) }),
                               notConnected: g.filter { $0.roundsNeeded == nil }.count,
                               finalGap: IsthmusReport.Summary(g.map(\.finalGap)))
        }
    }
}
