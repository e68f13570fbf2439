// Optimizing a path: curves by the expected loss along them (Garipov et al. 2018) and the nudged elastic band
// (Henkelman & Jonsson 2000; Henkelman, Uberuaga & Jonsson 2000; AutoNEB as in Draxler et al. 2018).
import Foundation
import IsthmusCore
import IsthmusNN

/// Fits the free controls of a polychain or Bezier curve by minimizing E_{t ~ U(0,1)} L(x(t)) (Garipov et al.
/// 2018, Sec 3.2). Each step samples `tBatch` values of t, evaluates the points in one batch and, since
/// x(t) = sum_j w_j(t) theta_j, gets dL/dtheta_j = (1/B) sum_b w_j(t_b) dL/dx(t_b); then one Adam step.
public enum CurveFit {
    public struct Config: Codable, Equatable, Sendable {
        public var basis: ControlPointPath.Basis = .bezier
        /// Free controls: 1 gives Garipov's 3-bend polychain A->B->C, or the quadratic Bezier curve.
        public var bends = 1
        /// Adam steps. 500 steps of lr 0.01 move a coordinate by up to ~5 (normalized units), the range of the
        /// paper's bypass (1024 steps of lr 0.005).
        public var iterations = 500
        public var lr = 0.01
        /// t values sampled per step.
        public var tBatch = 4
        /// torch.optim.Adam weight decay on the controls (Garipov et al. regularize w(t) instead; 0 here).
        public var weightDecay = 0.0
        public var seed: UInt64 = 0
        public init() {}
    }

    public struct Outcome {
        public var path: ControlPointPath
        /// Mean loss of the sampled points at each step (a noisy estimate of the expected loss).
        public var trace: [Float]
    }

    public static func run(_ c: Config, loss: ClassLoss, from a: Tensor, to z: Tensor) throws -> Outcome {
        var path = ControlPointPath(basis: c.basis, from: a, to: z, bends: c.bends)
        guard c.bends > 0 else { return Outcome(path: path, trace: []) }
        let free = Array(path.controls[1..<(path.controls.count - 1)])
        let opt = Adam(free, lr: Float(c.lr), weightDecay: Float(c.weightDecay))
        var rng = SplitMix64(seed: c.seed)
        let d = a.count, B = max(c.tBatch, 1)
        var trace: [Float] = []
        trace.reserveCapacity(c.iterations)
        for step in 0..<c.iterations {
            let ts = (0..<B).map { _ in Double(rng.nextUniform()) }
            let (values, g) = loss.lossesAndGradients(path.points(ts))
            let mean = values.reduce(0, +) / Float(B)
            guard mean.isFinite else { throw TrainingError("curve fit: the loss became \(mean) at step \(step + 1)") }
            trace.append(mean)
            let weights = ts.map(path.weights)
            let grads = (1...free.count).map { j -> Tensor in
                let out = Tensor.zeros(a.shape), po = out.mutableData, pg = g.data
                for b in 0..<B where weights[b][j] != 0 {
                    let f = Float(weights[b][j]) / Float(B), src = pg + b * d
                    for i in 0..<d { po[i] += f * src[i] }
                }
                return out
            }
            opt.step(grads)
        }
        path.controls = [path.controls[0]] + free + [path.controls.last!]
        return Outcome(path: path, trace: trace)
    }
}

/// Nudged elastic band with the improved tangent (Henkelman & Jonsson 2000), a climbing image (Henkelman,
/// Uberuaga & Jonsson 2000) and AutoNEB cycles that insert images where the dense loss between images is
/// highest (Kolsbjerg et al. 2016, as in Draxler et al. 2018).
///
/// Force on interior image i with unit tangent tau_i and gradient g_i = dL/dx_i:
/// F_i = -(g_i - (g_i.tau_i) tau_i) + k (|x_{i+1} - x_i| - |x_i - x_{i-1}|) tau_i; the climbing image (the highest
/// interior image) gets F = -g + 2 (g.tau) tau and no spring. With `spring` nil the springs are replaced by
/// re-spacing the images to equal arc length after every step (AutoNEB's `spring_constant: inf`), separately on
/// each side of the climbing image so that it stays put.
public enum ElasticBand {
    public enum Optimizer: String, Codable, CaseIterable, Sendable { case adam, sgd }

    public struct Config: Codable, Equatable, Sendable {
        /// Images of the first cycle, endpoints included (AutoNEB starts with 3 equally inserted pivots).
        public var images = 5
        public var cycles = 4
        /// Optimizer steps per cycle (fewer if the forces fall below `forceTolerance`).
        public var stepsPerCycle = 100
        public var optimizer: Optimizer = .adam
        /// Adam lr 0.01 as for the curves; Draxler et al. use SGD lr 0.1, momentum 0.9 on parameters.
        public var lr = 0.01
        public var momentum = 0.9
        /// Spring constant k; nil re-spaces the images to equal arc length instead.
        public var spring: Double?
        public var climbing = true
        /// Cycles without climbing before the climbing image is switched on.
        public var climbAfter = 1
        /// Images inserted per cycle, at the argmax of the dense loss of the segments whose dense max is highest.
        public var insertPerCycle = 2
        public var maxImages = 17
        /// A cycle stops once max_i |F_i| (the perpendicular part when re-spacing) is below this.
        public var forceTolerance = 1e-3
        /// Points inside each segment for the dense loss (AutoNEB's subsample_pivot_count).
        public var subsample = 9
        public init() {}
    }

    public struct Outcome {
        public var band: BandPath
        /// Steps run in all cycles.
        public var steps: Int
        /// max_i |F_i| at the last step.
        public var maxForce: Double
        /// Max image loss at each step.
        public var trace: [Float]
        /// Index of the climbing image in the final band, if climbing was on.
        public var climbingImage: Int?
    }

    /// Unit improved tangent at interior image i (energies v of all images).
    static func tangent(_ xs: [Tensor], _ v: [Float], _ i: Int) -> [Float] {
        let d = xs[0].count, p = xs[i - 1].data, x = xs[i].data, q = xs[i + 1].data
        let vp = Double(v[i - 1]), vi = Double(v[i]), vn = Double(v[i + 1])
        var wPlus = 0.0, wMinus = 0.0
        if vn > vi && vi > vp { wPlus = 1 } else if vn < vi && vi < vp { wMinus = 1 } else {
            let big = max(abs(vn - vi), abs(vp - vi)), small = min(abs(vn - vi), abs(vp - vi))
            if vn > vp { wPlus = big; wMinus = small } else { wPlus = small; wMinus = big }
            if wPlus == 0 && wMinus == 0 { wPlus = 1; wMinus = 1 }
        }
        var t = [Float](repeating: 0, count: d), nn = 0.0
        for k in 0..<d {
            let tk = wPlus * Double(q[k] - x[k]) + wMinus * Double(x[k] - p[k])
            t[k] = Float(tk); nn += tk * tk
        }
        let inv = nn > 0 ? Float(1 / nn.squareRoot()) : 0
        for k in 0..<d { t[k] *= inv }
        return t
    }

    /// Moves the free images of xs[lo...hi] (lo, hi fixed) to equal arc length along the polygon they form.
    static func respace(_ xs: inout [Tensor], _ lo: Int, _ hi: Int) {
        guard hi - lo >= 2 else { return }
        let d = xs[0].count
        let old = xs[lo...hi].map { $0.copy() }
        var cum = [0.0]
        for j in 0..<(old.count - 1) { cum.append(cum[j] + Euclidean.distance(old[j + 1], old[j])) }
        let total = cum.last!
        guard total > 0 else { return }
        var seg = 0
        for j in 1..<(old.count - 1) {
            let s = total * Double(j) / Double(old.count - 1)
            while seg < old.count - 2 && cum[seg + 1] < s { seg += 1 }
            let span = cum[seg + 1] - cum[seg]
            let u = Float(span > 0 ? (s - cum[seg]) / span : 0)
            let p = old[seg].data, q = old[seg + 1].data, dst = xs[lo + j].mutableData
            for k in 0..<d { dst[k] = (1 - u) * p[k] + u * q[k] }
        }
    }

    public static func run(_ c: Config, loss: ClassLoss, from a: Tensor, to z: Tensor) throws -> Outcome {
        var xs = BandPath(from: a, to: z, images: max(c.images, 2)).images
        let ends = loss.losses(concat([a, z], axis: 0))
        let d = a.count
        var trace: [Float] = []
        var steps = 0, maxForce = 0.0
        var climber: Int?
        for cycle in 0..<max(c.cycles, 1) {
            let free = Array(xs[1..<(xs.count - 1)])
            guard !free.isEmpty else { break }
            let opt: IsthmusNN.Optimizer = c.optimizer == .adam
                ? Adam(free, lr: Float(c.lr)) : SGD(free, lr: Float(c.lr), momentum: Float(c.momentum))
            let climb = c.climbing && cycle >= c.climbAfter
            climber = nil
            for _ in 0..<c.stepsPerCycle {
                let (vFree, g) = loss.lossesAndGradients(concat(free, axis: 0))
                guard vFree.allSatisfy(\.isFinite) else { throw TrainingError("NEB: the loss became non-finite at step \(steps + 1)") }
                steps += 1
                let v = [ends[0]] + vFree + [ends[1]]
                trace.append(vFree.max()!)
                let top = vFree.indices.max { vFree[$0] < vFree[$1] }! + 1
                climber = climb ? top : nil
                let lengths = c.spring == nil ? [] : (0..<(xs.count - 1)).map { Euclidean.distance(xs[$0 + 1], xs[$0]) }
                var grads: [Tensor] = []
                maxForce = 0
                for i in 1..<(xs.count - 1) {
                    let tau = tangent(xs, v, i), gi = g.data + (i - 1) * d
                    let gt = tau.withUnsafeBufferPointer { Euclidean.dot(gi, $0.baseAddress!, count: d) }
                    // The optimizer descends along -F.
                    let out = Tensor(uninitialized: a.shape), po = out.mutableData
                    if i == climber {
                        for k in 0..<d { po[k] = gi[k] - Float(2 * gt) * tau[k] }
                    } else {
                        let spring = c.spring.map { $0 * (lengths[i] - lengths[i - 1]) } ?? 0
                        for k in 0..<d { po[k] = gi[k] - Float(gt) * tau[k] - Float(spring) * tau[k] }
                    }
                    maxForce = max(maxForce, Euclidean.norm(out))
                    grads.append(out)
                }
                if maxForce < c.forceTolerance { break }
                opt.step(grads)
                if c.spring == nil {
                    if let ci = climber { respace(&xs, 0, ci); respace(&xs, ci, xs.count - 1) } else { respace(&xs, 0, xs.count - 1) }
                }
            }
            guard cycle < c.cycles - 1, c.insertPerCycle > 0, xs.count < c.maxImages else { continue }
            // AutoNEB "highest": dense losses inside each segment; insert at the argmax of the worst segments.
            let band = BandPath(images: xs), k = band.knots, S = max(c.subsample, 1)
            var ts: [Double] = []
            for s in 0..<(xs.count - 1) { for j in 1...S { ts.append(k[s] + (k[s + 1] - k[s]) * Double(j) / Double(S + 1)) } }
            let dense = loss.losses(band.points(ts))
            let vImages = loss.losses(concat(xs, axis: 0))
            var candidates: [(segment: Int, t: Double, excess: Float)] = []
            for s in 0..<(xs.count - 1) {
                let inner = dense[(s * S)..<((s + 1) * S)]
                let j = inner.indices.max { inner[$0] < inner[$1] }!
                let excess = inner[j] - max(vImages[s], vImages[s + 1])
                if excess > 0 { candidates.append((s, ts[j], excess)) }
            }
            let chosen = candidates.sorted { $0.excess > $1.excess }.prefix(min(c.insertPerCycle, c.maxImages - xs.count))
            for (segment, t, _) in chosen.sorted(by: { $0.segment > $1.segment }) {
                xs.insert(band.points([t]).reshaped(a.shape), at: segment + 1)
            }
            if chosen.isEmpty && maxForce < c.forceTolerance { break }
        }
        return Outcome(band: BandPath(images: xs), steps: steps, maxForce: maxForce, trace: trace, climbingImage: climber)
    }
}
