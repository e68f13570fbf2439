// Low-loss paths that bypass the barrier of the straight segment: the paper's bypass (Sec 3.2), its recursion
// (Sec 4.3), and the deviation-from-linear metrics.
// Vrabel et al., "Input Space Mode Connectivity in Deep Neural Networks", ICLR 2025.
import Foundation
import IsthmusCore
import IsthmusNN

/// Optimization of one bend B' of a polygonal path, starting from the barrier point B of the segment P->Q.
public enum Bypass {
    /// How the bend moves.
    public enum Mode: String, Codable, Sendable, CaseIterable {
        /// The paper's code: project the gradient off v = Q - P, then an Adam step (Adam's per-coordinate
        /// rescaling makes the step not exactly orthogonal to v).
        case faithful
        /// Every iterate stays on the hyperplane through B orthogonal to v (projected gradient, Adam step,
        /// then the iterate is projected back).
        case exact
        /// Unconstrained CE minimization of the bend (Sec 4.3, untrained networks): no anchor, no projection.
        case free
    }

    public struct Config: Codable, Equatable, Sendable {
        public var mode: Mode = .faithful
        public var iterations = 1024
        public var lr = 0.005
        /// Weight of mean((x - B)^2) (faithful/exact).
        public var mseWeight = 0.1
        /// Weight of TV(x - B) (faithful/exact).
        public var tvWeight = 1e-8
        /// Added to the gradient as torch.optim.Adam's weight_decay (free mode uses 1e-7).
        public var weightDecay = 0.0
        /// Stop after the step whose CE (computed before it) was < this, returning the stepped point (the paper's
        /// free bends, Sec 4.3: 5e-4); nil runs all iterations (the paper's bypass).
        public var stopLoss: Double?
        /// Certified early stop (beyond the paper): every `certifyEvery` steps, evaluate P->x->Q on `certifyPoints`
        /// points per segment and stop once its max is within `certifyTolerance` of max(L(P), L(Q)). nil: never.
        public var certifyEvery: Int?
        public var certifyPoints = 100
        public var certifyTolerance = 0.0
        public init() {}

        /// The paper's Sec 4.3 setting for untrained networks: free CE minimization, Adam lr 0.05, weight decay 1e-7,
        /// at most 4096 steps, stop when CE < 5e-4.
        public static var untrained: Config {
            var c = Config()
            c.mode = .free; c.iterations = 4096; c.lr = 0.05; c.weightDecay = 1e-7; c.stopLoss = 5e-4
            c.mseWeight = 0; c.tvWeight = 0
            return c
        }
    }

    public struct Outcome {
        public var bend: Tensor
        /// trace[i] = CE of the iterate before step i + 1 (the CE whose gradient that step used).
        public var trace: [Float]
        public var iterations: Int
    }

    /// x <- x - ((x - anchor) . v / v.v) v: the projection onto the hyperplane through `anchor` (nil: the origin)
    /// orthogonal to v; the coefficient in Double.
    static func projectOntoHyperplane(_ x: Tensor, anchor: Tensor? = nil, v: Tensor, vv: Double) {
        let k = Float(Euclidean.dot(anchor.map { x - $0 } ?? x, v) / vv)
        let px = x.mutableData, pv = v.data
        for i in 0..<x.count { px[i] -= k * pv[i] }
    }

    /// The optimizer state of one bend: each `step` is one iteration of `optimize` (gradient of
    /// CE + mseWeight mean((x - B)^2) + tvWeight TV(x - B), or CE alone in free mode; the gradient projected off
    /// v = Q - P unless free; an Adam step; in exact mode x projected back onto the hyperplane). `bench` times it.
    public final class Stepper {
        /// The bend, updated in place.
        public let x: Tensor
        let anchor: Tensor, v: Tensor, vv: Double, opt: Adam, loss: ClassLoss, config: Config

        public init(_ loss: ClassLoss, from p: Tensor, to q: Tensor, start b: Tensor, _ c: Config) {
            x = b.copy(); anchor = b.copy()
            v = q - p
            vv = Euclidean.dot(v, v)
            opt = Adam([x], lr: Float(c.lr), weightDecay: Float(c.weightDecay))
            self.loss = loss; config = c
        }

        /// Iteration `number` (1-based, for the error): returns the CE of x before the step. Throws, without
        /// stepping, when that CE is not finite.
        @discardableResult
        public func step(_ number: Int = 1) throws -> Float {
            let c = config, x = x, anchor = anchor
            var ce: Float = 0
            let (_, grads) = valueWithGradient(wrt: [x]) {
                let l = loss.perSample(x).mean()
                ce = l.scalar
                guard c.mode != .free else { return l }
                let d = x - anchor
                return l + meanSquaredError(x, anchor) * Float(c.mseWeight) + totalVariation(d) * Float(c.tvWeight)
            }
            guard ce.isFinite else { throw TrainingError("bypass: the loss became \(ce) at step \(number)") }
            let g = grads[0]
            if c.mode != .free && vv > 0 { projectOntoHyperplane(g, v: v, vv: vv) }
            opt.step([g])
            if c.mode == .exact && vv > 0 { projectOntoHyperplane(x, anchor: anchor, v: v, vv: vv) }
            return ce
        }
    }

    /// Optimizes a bend starting at B for the segment P->Q (v = Q - P). Throws if the loss becomes NaN.
    public static func optimize(_ loss: ClassLoss, from p: Tensor, to q: Tensor, start b: Tensor, _ c: Config) throws -> Outcome {
        let stepper = Stepper(loss, from: p, to: q, start: b, c)
        let x = stepper.x
        var trace: [Float] = []
        trace.reserveCapacity(c.iterations)
        let ends = c.certifyEvery == nil ? 0 : Double(loss.losses(concat([p, q], axis: 0)).max()!)
        /// The path P -> x -> Q is within tolerance of its ends.
        func certified() -> Bool {
            let al = Interpolation.alphas(c.certifyPoints)
            let path = concat([Interpolation.points(from: p, to: x, alphas: al), Interpolation.points(from: x, to: q, alphas: al)], axis: 0)
            return Double(loss.losses(path).max()!) <= ends + c.certifyTolerance
        }
        for step in 1...max(c.iterations, 1) {
            if let every = c.certifyEvery, every > 0, step > 1, (step - 1) % every == 0, certified() {
                return Outcome(bend: x, trace: trace, iterations: step - 1)
            }
            let ce = try stepper.step(step)
            trace.append(ce)
            // The paper's order: step, then stop if the CE computed before the step was below the threshold;
            // the stepped point is returned.
            if let stop = c.stopLoss, Double(ce) < stop { return Outcome(bend: x, trace: trace, iterations: step) }
        }
        return Outcome(bend: x, trace: trace, iterations: c.iterations)
    }
}

/// Deviation of the bend B' from the straight segment (the paper's "1-5%" claim, Sec 4.1).
public struct Deviation: Codable, Equatable, Sendable {
    /// ||B' - B|| / ||C - A||.
    public var deviationRatio: Double
    /// max|B' - B| / max|A|, both in pixel space (normalization undone).
    public var pixelDeviation: Double
    /// |(B' - B) . v| / |v|: distance of B' from the hyperplane through B orthogonal to v = C - A.
    public var hyperplaneDistance: Double
    /// The same, divided by ||B' - B|| (0 when the move is orthogonal to v, as the exact mode guarantees).
    public var hyperplaneFraction: Double
    /// Angle A-B'-C in degrees (180 for a bend on the segment).
    public var bendAngle: Double

    public init(a: Tensor, c: Tensor, b: Tensor, bend: Tensor, normalization: Normalization?) {
        let n = a.count
        let C = normalization?.std.count ?? 1, plane = max(1, n / C)
        func std(_ i: Int) -> Double { Double(normalization?.std[min(i / plane, C - 1)] ?? 1) }
        func mean(_ i: Int) -> Double { Double(normalization?.mean[min(i / plane, C - 1)] ?? 0) }
        // Differences in float32 (the bend's own arithmetic), sums in Double.
        let d = bend - b, v = c - a, xa = a - bend, xc = c - bend
        let dd = Euclidean.dot(d, d), vv = Euclidean.dot(v, v), dv = Euclidean.dot(d, v)
        let ua = Euclidean.dot(xa, xa), uc = Euclidean.dot(xc, xc), uac = Euclidean.dot(xa, xc)
        var maxD = 0.0, maxA = 0.0
        for i in 0..<n {
            maxD = max(maxD, abs(Double(d[flat: i]) * std(i)))
            maxA = max(maxA, abs(Double(a[flat: i]) * std(i) + mean(i)))
        }
        deviationRatio = vv > 0 ? dd.squareRoot() / vv.squareRoot() : 0
        pixelDeviation = maxA > 0 ? maxD / maxA : 0
        hyperplaneDistance = vv > 0 ? abs(dv) / vv.squareRoot() : 0
        hyperplaneFraction = dd > 0 ? hyperplaneDistance / dd.squareRoot() : 0
        let cosine = ua > 0 && uc > 0 ? uac / (ua.squareRoot() * uc.squareRoot()) : -1
        bendAngle = acos(max(-1, min(1, cosine))) * 180 / Double.pi
    }
}
