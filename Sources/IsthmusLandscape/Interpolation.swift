// The loss along the segment between two inputs, and its barrier.
// Vrabel et al., "Input Space Mode Connectivity in Deep Neural Networks", ICLR 2025, Sec 3.1.
import Foundation
import IsthmusCore
import IsthmusNN

/// The barrier of a loss curve (definitions of the paper and of parameter-space work).
public struct Barrier: Codable, Equatable, Sendable {
    /// Grid index of the first argmax (the barrier point B).
    public var index: Int
    public var alpha: Double
    /// M = max over the grid.
    public var max: Double
    /// G = M - max(L(A), L(C)); 0 for a monotone path.
    public var gap: Double
    /// max_a [L(x(a)) - ((1 - a) L(A) + a L(C))]: the parameter-space definition (Garipov/Frankle).
    public var blendGap: Double

    public init(losses: [Float], alphas: [Double]) {
        precondition(!losses.isEmpty && losses.count == alphas.count)
        var at = 0
        for i in losses.indices where losses[i] > losses[at] || (losses[i].isNaN && !losses[at].isNaN) { at = i }
        index = at
        alpha = alphas[at]
        max = Double(losses[at])
        let a = Double(losses.first!), c = Double(losses.last!)
        gap = max - Swift.max(a, c)
        blendGap = zip(losses, alphas).map { Double($0) - ((1 - $1) * a + $1 * c) }.max()!
    }
}

/// Losses along x(a) = (1 - a) A + a C for a = linspace(0, 1, steps), both ends included.
public enum Interpolation {
    public struct Config: Codable, Equatable, Sendable {
        public var steps = 1000
        public var classIndex = 0
        public var batch = 64
        public init(steps: Int = 1000, classIndex: Int = 0, batch: Int = 64) {
            self.steps = steps; self.classIndex = classIndex; self.batch = batch
        }
    }

    public struct Endpoints: Codable, Equatable, Sendable {
        public var lossA: Double
        public var lossC: Double
        public init(lossA: Double, lossC: Double) { self.lossA = lossA; self.lossC = lossC }
    }

    public struct Result: Codable, Equatable, Sendable {
        public var alphas: [Double]
        public var losses: [Float]
        public var endpoints: Endpoints
        public var barrier: Barrier
        public init(alphas: [Double], losses: [Float], endpoints: Endpoints, barrier: Barrier) {
            self.alphas = alphas; self.losses = losses; self.endpoints = endpoints; self.barrier = barrier
        }
    }

    /// a_i = i / (steps - 1), exactly 0 and 1 at the ends.
    public static func alphas(_ steps: Int) -> [Double] {
        steps == 1 ? [0] : (0..<steps).map { Double($0) / Double(steps - 1) }
    }

    /// The points x(a) of the segment, [count, C, H, W], computed as (1 - a) A + a C so the ends are exact.
    public static func points(from a: Tensor, to c: Tensor, alphas: [Double]) -> Tensor {
        precondition(a.shape == c.shape, "endpoints differ in shape: \(a.shape) vs \(c.shape)")
        let n = a.count
        let out = Tensor(uninitialized: [alphas.count] + Array(a.shape.dropFirst(a.shape.first == 1 ? 1 : 0)))
        let pa = a.data, pc = c.data, po = out.mutableData
        for (k, t) in alphas.enumerated() {
            let u = Float(1 - t), v = Float(t), dst = po + k * n
            for i in 0..<n { dst[i] = u * pa[i] + v * pc[i] }
        }
        return out
    }

    public static func run(_ config: Config, model: Module, from a: Tensor, to c: Tensor) -> Result {
        let alphas = alphas(config.steps)
        let losses = ClassLoss(model: model, classIndex: config.classIndex, batch: config.batch)
            .losses(points(from: a, to: c, alphas: alphas))
        return Result(alphas: alphas, losses: losses,
                      endpoints: Endpoints(lossA: Double(losses.first!), lossC: Double(losses.last!)),
                      barrier: Barrier(losses: losses, alphas: alphas))
    }
}

/// The barrier of the dense grid found with fewer model evaluations: the loss on every k-th grid point, then on every
/// grid point around the highest local maxima of that coarse curve. The result is the dense grid's own value at the
/// points it evaluated, so it equals the dense barrier whenever the dense maximum lies next to one of the `candidates`
/// highest coarse maxima (checked against the dense sweep in the tests).
public enum AdaptiveInterpolation {
    public struct Config: Codable, Equatable, Sendable {
        /// The dense grid (both ends included).
        public var steps = 1000
        public var classIndex = 0
        /// About this many coarse points.
        public var coarse = 64
        /// Coarse local maxima refined.
        public var candidates = 3
        public var batch = 64
        public init(steps: Int = 1000, classIndex: Int = 0, coarse: Int = 64, candidates: Int = 3) {
            self.steps = steps; self.classIndex = classIndex; self.coarse = coarse; self.candidates = candidates
        }
    }

    public struct Result: Codable, Equatable, Sendable {
        /// Dense-grid indices evaluated, in increasing order, and their losses.
        public var indices: [Int]
        public var losses: [Float]
        public var barrier: Barrier
        /// Model evaluations used (the dense sweep uses `steps`).
        public var evaluations: Int
    }

    public static func run(_ c: Config, model: Module, from a: Tensor, to z: Tensor) -> Result {
        let n = max(c.steps, 2), alphas = Interpolation.alphas(n)
        let loss = ClassLoss(model: model, classIndex: c.classIndex, batch: c.batch)
        var known: [Int: Float] = [:]
        func evaluate(_ idx: [Int]) {
            let todo = idx.filter { known[$0] == nil }
            guard !todo.isEmpty else { return }
            let values = loss.losses(Interpolation.points(from: a, to: z, alphas: todo.map { alphas[$0] }))
            for (i, v) in zip(todo, values) { known[i] = v }
        }
        let stride = max(1, (n - 1) / max(c.coarse - 1, 1))
        var coarse = Array(Swift.stride(from: 0, to: n, by: stride))
        if coarse.last != n - 1 { coarse.append(n - 1) }
        evaluate(coarse)
        // Local maxima of the coarse curve (plateaus count once), highest first.
        let values = coarse.map { known[$0]! }
        var peaks: [Int] = []
        for j in coarse.indices {
            let left = j == 0 ? -Float.infinity : values[j - 1], right = j == coarse.count - 1 ? -Float.infinity : values[j + 1]
            if values[j] >= left && values[j] >= right { peaks.append(j) }
        }
        peaks.sort { values[$0] > values[$1] }
        for j in peaks.prefix(c.candidates) {
            let lo = j == 0 ? 0 : coarse[j - 1], hi = j == coarse.count - 1 ? n - 1 : coarse[j + 1]
            evaluate(Array(lo...hi))
        }
        let idx = known.keys.sorted()
        let losses = idx.map { known[$0]! }
        return Result(indices: idx, losses: losses, barrier: Barrier(losses: losses, alphas: idx.map { alphas[$0] }), evaluations: idx.count)
    }
}
