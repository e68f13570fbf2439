// The loss along the segment between two inputs, and its barrier.
// Vrabel et al., "Input Space Mode Connectivity in Deep Neural Networks", ICLR 2025, Sec 3.1.
import Foundation
import IsthmusCore
import IsthmusNN

/// L_y(x) = cross-entropy of f(x) for class y, the loss whose landscape the paper studies.
public struct ClassLoss {
    public let model: Module
    public let classIndex: Int
    public init(model: Module, classIndex: Int) { self.model = model; self.classIndex = classIndex }

    /// Per-input losses of a batch [N, C, H, W], without the tape, `batch` inputs at a time.
    public func losses(_ x: Tensor, batch: Int = 64) -> [Float] {
        withoutGradients {
            var out: [Float] = []
            out.reserveCapacity(x.shape[0])
            var i = 0
            while i < x.shape[0] {
                let n = min(batch, x.shape[0] - i)
                let logits = model(n == x.shape[0] ? x : x.rows(i..<(i + n)))
                out += crossEntropyPerSample(logits: logits, labels: Array(repeating: classIndex, count: n)).scalars
                i += n
            }
            return out
        }
    }

    /// L_y and its gradient with respect to the input x [1, C, H, W].
    public func valueAndGradient(_ x: Tensor) -> (Float, Tensor) {
        let (v, g) = valueWithGradient(wrt: [x]) { crossEntropy(logits: model(x), labels: [classIndex]) }
        return (v.scalar, g[0])
    }
}

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
    }

    public struct Result: Codable, Equatable, Sendable {
        public var alphas: [Double]
        public var losses: [Float]
        public var endpoints: Endpoints
        public var barrier: Barrier
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
        let losses = ClassLoss(model: model, classIndex: config.classIndex)
            .losses(points(from: a, to: c, alphas: alphas), batch: config.batch)
        return Result(alphas: alphas, losses: losses,
                      endpoints: Endpoints(lossA: Double(losses.first!), lossC: Double(losses.last!)),
                      barrier: Barrier(losses: losses, alphas: alphas))
    }
}
