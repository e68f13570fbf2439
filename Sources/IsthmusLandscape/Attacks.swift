// Adversarial examples: the paper's unconstrained targeted attack (Sec 4.2), the epsilon-bounded attacks reviewers
// asked for (FGSM, PGD, Carlini-Wagner L2) and an adaptive attack that also flattens the real-adversarial barrier.
// Vrabel et al., "Input Space Mode Connectivity in Deep Neural Networks", ICLR 2025.
import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

/// A bad attack configuration or input, reported before any work starts.
public struct AttackError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ message: String) { description = message }
}

/// Batched, seeded attacks on normalized inputs [N, C, H, W].
///
/// Inputs are normalized (x = (pixel - mean) / std); every size (eps, step, reported L2 and Linf) is in pixel space,
/// pixel = x * std + mean, and the valid box is pixel in [0, 1], i.e. [(0 - mean) / std, (1 - mean) / std] per channel.
/// FGSM, PGD and CW work on pixels and stay in the box; the paper's attack and the adaptive one work in normalized
/// space without clipping, as the paper does.
///
/// A batch objective is the *sum* of per-sample objectives, so every sample gets exactly the gradient it would get alone.
public enum Attacks {
    public enum Method: String, Codable, CaseIterable, Sendable {
        /// Sec 4.2: from a carrier K of another class, Adam on CE(f(x), t) + 0.1 mean((x-K)^2) + lambda TV(x-K).
        case paper
        /// x' = clip(x + eps sign(grad_x CE(f(x), y))) untargeted; minus the step and class t when targeted.
        case fgsm
        /// Projected gradient descent/ascent in an Linf or L2 ball (Madry et al. 2018).
        case pgd
        /// Carlini-Wagner L2 (2017), fixed c (no binary search), tanh change of variables.
        case cw
        /// `paper` plus mu * mean_k relu(L_t(x(t_k)) - max(L_t(A), L_t(x))) on the segment to the paired image A.
        case adaptive
    }

    public enum Norm: String, Codable, CaseIterable, Sendable { case linf, l2 }

    /// One attacked input.
    public struct Sample: Codable, Equatable, Sendable {
        public var index: Int
        public var label: Int
        public var target: Int?
        public var prediction: Int
        /// prediction == target (targeted) or prediction != label (untargeted).
        public var success: Bool
        /// CE of f(x_adv) toward the attacked class: the target (targeted) or the label (untargeted).
        public var loss: Double
        /// ||x_adv - x0|| in pixel space (x0 = the input, the carrier K for paper/adaptive).
        public var l2: Double
        public var linf: Double
        /// Gradient steps taken up to the returned iterate.
        public var iterations: Int
        /// Paper/adaptive: the early-stop threshold L_t(A).
        public var threshold: Double?
        /// Adaptive: mean_k relu(L_t(x(t_k)) - max(L_t(A), L_t(x_adv))) on the returned iterate.
        public var barrierPenalty: Double?
    }

    public struct Summary: Codable, Equatable, Sendable {
        public var count: Int
        public var successRate: Double
        /// Medians over all samples (successful or not), pixel space.
        public var medianL2: Double
        public var medianLinf: Double
        public var medianLoss: Double
        public var meanIterations: Double
    }

    public struct Result: Codable, Equatable, Sendable {
        public var config: Config
        public var samples: [Sample]
        public var summary: Summary
    }

    /// The adversarial inputs (normalized, [N, C, H, W]) and their record.
    public struct Outcome {
        public var adversarial: Tensor
        public var result: Result
        /// paper/adaptive: per sample, the CE toward the target of each iterate whose gradient was taken
        /// (trace[i] = L_t(x_i)); empty for the other methods.
        public var traces: [[Float]] = []
    }

    /// Attacks `images` (normalized [N, C, H, W]) with true `labels`.
    /// - thresholds: paper: per-sample early-stop thresholds L_t(A) (nil: no early stop, all `steps`);
    ///   adaptive: defaults to L_t(A) of the anchors.
    /// - anchors: adaptive: the real images A [N, C, H, W] of the target class each adversarial is paired with.
    public static func run(_ config: Config, model: Module, normalization: Normalization, images: Tensor, labels: [Int],
                           thresholds: [Float]? = nil, anchors: Tensor? = nil) throws -> Outcome {
        guard images.rank == 4 else { throw AttackError("inputs must be [N, C, H, W], got \(images.shape)") }
        let N = images.shape[0], C = images.shape[1]
        guard N >= 1 else { throw AttackError("no inputs to attack") }
        guard labels.count == N else { throw AttackError("\(N) inputs but \(labels.count) labels") }
        guard normalization.mean.count == C && normalization.std.count == C else {
            throw AttackError("normalization has \(normalization.mean.count) channels, inputs have \(C)")
        }
        let classes = withoutGradients { model(images.rows(0..<1)).shape[1] }
        try config.validate(classes: classes)
        if let l = labels.first(where: { $0 < 0 || $0 >= classes }) { throw AttackError("label \(l) out of range 0..<\(classes)") }
        if let thresholds, thresholds.count != N { throw AttackError("\(N) inputs but \(thresholds.count) thresholds") }
        if config.method == .adaptive {
            guard let anchors else { throw AttackError("the adaptive attack needs the paired real images (anchors)") }
            guard anchors.shape == images.shape else {
                throw AttackError("anchors \(anchors.shape) do not match inputs \(images.shape)")
            }
        }

        let space = PixelSpace(normalization, channels: C)
        var parts: [Tensor] = [], iterations: [Int] = [], traces: [[Float]] = []
        var start = 0
        while start < N {
            let r = start..<min(N, start + config.batch)
            let x = images.rows(r).copy()
            let y = Array(labels[r])
            let (adv, its): (Tensor, [Int])
            var tr: [[Float]] = []
            switch config {
            case .fgsm(let c): (adv, its) = fgsm(c, model, space, x, y)
            case .pgd(let c): (adv, its) = pgd(c, model, space, x, y, offset: start)
            case .cw(let c): (adv, its) = cw(c, model, space, x, y)
            case .paper(let c):
                (adv, its, tr) = paper(c, barrier: nil, model, x, anchors: anchors?.rows(r).copy(),
                                       thresholds: thresholds.map { Array($0[r]) })
            case .adaptive(let c):
                let a = anchors!.rows(r).copy()
                let thr = thresholds.map { Array($0[r]) }
                    ?? ClassLoss(model: model, classIndex: c.targetClass!).losses(a, batch: c.batch)
                (adv, its, tr) = paper(c.paper, barrier: (c.barrierWeight, c.barrierPoints), model, x, anchors: a, thresholds: thr)
            }
            parts.append(adv); iterations += its; traces += tr
            start = r.upperBound
        }
        let adversarial = parts.count == 1 ? parts[0] : concat(parts)

        // The record, computed once on the returned inputs.
        let attacked = config.targeted ? Array(repeating: config.targetClass!, count: N) : labels
        var logits: [Float] = [], losses: [Float] = []
        withoutGradients {
            var i = 0
            while i < N {
                let r = i..<min(N, i + config.batch)
                let z = model(adversarial.rows(r))
                logits += z.scalars
                losses += crossEntropyPerSample(logits: z, labels: Array(attacked[r])).scalars
                i = r.upperBound
            }
        }
        let (l2, linf) = space.distances(adversarial, images)
        let thr = thresholds ?? (config.method == .adaptive
            ? ClassLoss(model: model, classIndex: config.targetClass!).losses(anchors!, batch: config.batch) : nil)
        var penalty: [Double]?
        if case .adaptive(let c) = config { penalty = barrierPenalties(c, model, adversarial, anchors: anchors!, anchorLosses: thr!) }
        var samples: [Sample] = []
        for n in 0..<N {
            let row = Array(logits[(n * classes)..<((n + 1) * classes)])
            let pred = row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }!
            samples.append(Sample(index: n, label: labels[n], target: config.targeted ? config.targetClass : nil,
                                  prediction: pred,
                                  success: config.targeted ? pred == config.targetClass! : pred != labels[n],
                                  loss: Double(losses[n]), l2: l2[n], linf: linf[n], iterations: iterations[n],
                                  threshold: thr.map { Double($0[n]) }, barrierPenalty: penalty?[n]))
        }
        return Outcome(adversarial: adversarial, result: Result(config: config, samples: samples, summary: summarize(samples)),
                       traces: traces)
    }

    public static func summarize(_ samples: [Sample]) -> Summary {
        let n = Double(max(samples.count, 1))
        return Summary(count: samples.count, successRate: Double(samples.filter(\.success).count) / n,
                       medianL2: Stats.median(samples.map(\.l2)), medianLinf: Stats.median(samples.map(\.linf)),
                       medianLoss: Stats.median(samples.map(\.loss)),
                       meanIterations: Double(samples.map(\.iterations).reduce(0, +)) / n)
    }

    // MARK: - Pixel space

    /// pixel = x * std + mean per channel; the box is pixel in [0, 1].
    struct PixelSpace {
        let mean: Tensor, std: Tensor
        let meanValues: [Float], stdValues: [Float]
        init(_ n: Normalization, channels: Int) {
            meanValues = n.mean; stdValues = n.std
            mean = Tensor(shape: [1, channels, 1, 1], scalars: n.mean)
            std = Tensor(shape: [1, channels, 1, 1], scalars: n.std)
        }
        func pixels(_ x: Tensor) -> Tensor { x * std + mean }
        /// Differentiable: the model's input for pixels p.
        func normalized(_ p: Tensor) -> Tensor { (p - mean) / std }

        /// Per-sample L2 and Linf of (a - b) in pixel space, for normalized a and b.
        func distances(_ a: Tensor, _ b: Tensor) -> (l2: [Double], linf: [Double]) {
            let N = a.shape[0], C = a.shape[1], plane = a.count / max(N * C, 1)
            let pa = a.data, pb = b.data
            var l2 = [Double](repeating: 0, count: N), linf = [Double](repeating: 0, count: N)
            for n in 0..<N {
                var s = 0.0, m = 0.0
                for c in 0..<C {
                    let sd = Double(stdValues[c]), off = (n * C + c) * plane
                    for i in 0..<plane {
                        let d = abs(Double(pa[off + i] - pb[off + i])) * sd
                        s += d * d; m = max(m, d)
                    }
                }
                l2[n] = s.squareRoot(); linf[n] = m
            }
            return (l2, linf)
        }
    }

    /// Gradient of sum_n CE(f(normalize(p_n)), classes_n) with respect to pixels p.
    static func pixelGradient(_ model: Module, _ space: PixelSpace, _ p: Tensor, _ classes: [Int]) -> Tensor {
        valueWithGradient(wrt: [p]) {
            crossEntropyPerSample(logits: model(space.normalized(p)), labels: classes).sum()
        }.gradients[0]
    }

    static func clampBox(_ p: Tensor) {
        let pp = p.mutableData
        for i in 0..<p.count { pp[i] = min(max(pp[i], 0), 1) }
    }

    @inline(__always) static func sign(_ v: Float) -> Float { v > 0 ? 1 : (v < 0 ? -1 : 0) }

    // MARK: - FGSM

    /// x' = clip_[0,1](x + s eps sign(grad_x CE(f(x), c))), s = +1 and c = y untargeted, s = -1 and c = t targeted
    /// (Goodfellow et al. 2015). The pixel gradient is grad_norm / std, so its sign is that of the normalized gradient.
    static func fgsm(_ cfg: FGSMConfig, _ model: Module, _ space: PixelSpace, _ x: Tensor, _ y: [Int]) -> (Tensor, [Int]) {
        let p = space.pixels(x)
        let (classes, s) = cfg.targeted ? (Array(repeating: cfg.targetClass!, count: y.count), Float(-1)) : (y, Float(1))
        let g = pixelGradient(model, space, p, classes)
        let e = Float(cfg.eps), pp = p.mutableData, pg = g.data
        for i in 0..<p.count { pp[i] += s * e * sign(pg[i]) }
        clampBox(p)
        return (space.normalized(p), Array(repeating: 1, count: y.count))
    }

    // MARK: - PGD

    /// Madry et al. 2018. Start p = clip(x + delta), delta uniform in the ball; each step
    /// Linf: p += s step sign(g); L2: p += s step g / ||g||; then delta = p - x is projected onto the ball
    /// (Linf: clamp to [-eps, eps]; L2: delta *= min(1, eps / ||delta||)) and p onto the box. Clipping to the box
    /// only shrinks |delta_i|, so the result stays in both. Each sample's start comes from its own generator.
    static func pgd(_ cfg: PGDConfig, _ model: Module, _ space: PixelSpace, _ x: Tensor, _ y: [Int], offset: Int) -> (Tensor, [Int]) {
        let N = x.shape[0], D = x.count / N
        let p0 = space.pixels(x), p = p0.copy()
        let (classes, s) = cfg.targeted ? (Array(repeating: cfg.targetClass!, count: N), Float(-1)) : (y, Float(1))
        let eps = Float(cfg.eps), step = Float(cfg.step)
        let pp = p.mutableData, p0p = p0.data

        func project() {
            for n in 0..<N {
                let o = n * D
                switch cfg.norm {
                case .linf:
                    for i in o..<(o + D) { pp[i] = p0p[i] + min(max(pp[i] - p0p[i], -eps), eps) }
                case .l2:
                    var ss: Float = 0
                    for i in o..<(o + D) { let d = pp[i] - p0p[i]; ss += d * d }
                    let norm = ss.squareRoot()
                    if norm > eps {
                        let f = eps / norm
                        for i in o..<(o + D) { pp[i] = p0p[i] + (pp[i] - p0p[i]) * f }
                    }
                }
            }
            clampBox(p)
        }

        if cfg.randomStart && eps > 0 {
            for n in 0..<N {
                var rng = SplitMix64(seed: cfg.seed &+ UInt64(offset + n) &* 0x9E37_79B9_7F4A_7C15)
                let o = n * D
                switch cfg.norm {
                case .linf:
                    for i in o..<(o + D) { pp[i] += eps * (2 * rng.nextUniform() - 1) }
                case .l2:
                    var z = (0..<D).map { _ in rng.nextNormal() }
                    let norm = max(z.map { $0 * $0 }.reduce(0, +).squareRoot(), 1e-12)
                    let r = eps * Float(Foundation.pow(Double(rng.nextUniform()), 1 / Double(D)))
                    for i in 0..<D { z[i] *= r / norm; pp[o + i] += z[i] }
                }
            }
            project()
        }
        for _ in 0..<cfg.steps {
            let g = pixelGradient(model, space, p, classes)
            let pg = g.data
            for n in 0..<N {
                let o = n * D
                switch cfg.norm {
                case .linf:
                    for i in o..<(o + D) { pp[i] += s * step * sign(pg[i]) }
                case .l2:
                    var ss: Float = 0
                    for i in o..<(o + D) { ss += pg[i] * pg[i] }
                    let f = s * step / max(ss.squareRoot(), 1e-12)
                    for i in o..<(o + D) { pp[i] += f * pg[i] }
                }
            }
            project()
        }
        return (space.normalized(p), Array(repeating: cfg.steps, count: N))
    }

    // MARK: - Carlini-Wagner L2

    /// Carlini & Wagner 2017 with a fixed c: p = (tanh(w) + 1) / 2 (always in the box), w0 = atanh(2 x - 1);
    /// minimize ||p - x||^2 + c max(max_{i != t} Z_i - Z_t, -kappa) (targeted) or c max(Z_y - max_{i != y} Z_i, -kappa)
    /// (untargeted) with Adam. After each evaluation (steps + 1 of them) the smallest-L2 successful iterate
    /// (by the prediction rule) is kept per sample; a sample that never succeeds returns its last iterate.
    static func cw(_ cfg: CWConfig, _ model: Module, _ space: PixelSpace, _ x: Tensor, _ y: [Int]) -> (Tensor, [Int]) {
        let N = x.shape[0], D = x.count / N
        let p0 = space.pixels(x)
        let w = Tensor(uninitialized: p0.shape)
        let pw = w.mutableData, p0p = p0.data
        for i in 0..<w.count { pw[i] = atanh(min(max(2 * p0p[i] - 1, -0.999999), 0.999999)) }
        let classes = cfg.targeted ? Array(repeating: cfg.targetClass!, count: N) : y
        let K = withoutGradients { model(x.rows(0..<1)).shape[1] }
        let onehot = Tensor.zeros([N, K])
        for n in 0..<N { onehot.mutableData[n * K + classes[n]] = 1 }
        let kappa = Float(cfg.kappa), c = Float(cfg.c)
        let adam = Adam([w], lr: Float(cfg.lr))
        let best = Tensor(uninitialized: p0.shape)
        var bestDist = [Float](repeating: .infinity, count: N), bestStep = [Int](repeating: cfg.steps, count: N)
        for s in 0...cfg.steps {
            var p: Tensor!, z: Tensor!, dist: Tensor!
            let (_, g) = valueWithGradient(wrt: [w]) {
                p = (w.tanh() + 1) * 0.5
                z = model(space.normalized(p))
                dist = (p - p0).squared().sum(axes: [1, 2, 3])
                let zc = (z * onehot).sum(axis: 1)
                let other = (z - onehot * 1e9).max(axis: 1)
                let margin = cfg.targeted ? other - zc : zc - other
                return dist.sum() + c * ((margin + kappa).relu() - kappa).sum()
            }
            let pred = z.argmax(axis: 1), pp = p.data, pb = best.mutableData
            for n in 0..<N {
                let ok = cfg.targeted ? pred[n] == classes[n] : pred[n] != classes[n]
                let last = s == cfg.steps && !bestDist[n].isFinite
                if (ok && dist[flat: n] < bestDist[n]) || last {
                    if ok { bestDist[n] = dist[flat: n] }
                    bestStep[n] = s
                    (pb + n * D).update(from: pp + n * D, count: D)
                }
            }
            if s < cfg.steps { adam.step(g) }
        }
        return (space.normalized(best), bestStep)
    }

    // MARK: - The paper's attack and the adaptive one

    /// Sec 4.2, per sample: x starts at the carrier K, Adam (lr 0.005) on
    /// J(x) = CE(f(x), t) + mseWeight mean((x - K)^2) + lambda TV(x - K)   [normalized space, no ball, no clipping]
    /// plus, for `adaptive`, mu mean_k relu(L_t((1 - t_k) A + t_k x) - max(L_t(A), L_t(x))), t_k = k / (P + 1),
    /// differentiated through x (in L_t(x) too), which pushes the sampled segment to A below its endpoints.
    ///
    /// With i Adam steps done and CE_i = L_t(x_i):
    /// - paper with thresholds (the paper's order): step i computes CE_i and its gradient and takes the Adam step;
    ///   then, if i > minSteps and CE_i < threshold, the sample stops and returns the stepped x_(i+1)
    ///   (iterations = i + 1); otherwise it returns x_steps.
    /// - adaptive: among iterates with CE_i < threshold it keeps the one with the smallest penalty and stops at the
    ///   first i > minSteps where that penalty is 0; if no iterate reaches the threshold it returns x_steps.
    /// Finished samples leave the batch (their Adam moments are dropped with them), so the rest run as if alone.
    /// `barrier` (adaptive): mu and P.
    static func paper(_ cfg: PaperConfig, barrier: (weight: Double, points: Int)?, _ model: Module, _ carriers: Tensor,
                      anchors: Tensor?, thresholds: [Float]?) -> (Tensor, [Int], [[Float]]) {
        let N = carriers.shape[0], D = carriers.count / N, shape = Array(carriers.shape.dropFirst())
        let adaptive = barrier != nil, t = cfg.targetClass!
        let P = barrier?.points ?? 1
        let alphas = Tensor(shape: [1, P, 1], scalars: (1...P).map { Float($0) / Float(P + 1) })
        let anchorLoss = adaptive ? ClassLoss(model: model, classIndex: t).losses(anchors!, batch: cfg.batch) : []

        let out = carriers.copy()
        var iterations = [Int](repeating: cfg.steps, count: N)
        var traces = [[Float]](repeating: [], count: N)
        var bestPenalty = [Float](repeating: .infinity, count: N)
        var active = Array(0..<N)
        var x = carriers.copy(), K = carriers, A = anchors
        var adam = Adam([x], lr: Float(cfg.lr))
        let mse = Float(cfg.mseWeight) / Float(D), tv = Float(cfg.tvWeight), mu = Float(barrier?.weight ?? 0)

        for i in 0...cfg.steps {
            let n = active.count
            var ce: Tensor!, penalty: Tensor?
            let (_, g) = valueWithGradient(wrt: [x]) {
                ce = crossEntropyPerSample(logits: model(x), labels: Array(repeating: t, count: n))
                let d = x - K
                var j = ce.sum() + mse * d.squared().sum() + tv * totalVariation(d)
                if adaptive {
                    let la = Tensor(active.map { anchorLoss[$0] })
                    let top = la + (ce - la).relu()                         // max(L_t(A), L_t(x))
                    let pts = (A!.reshaped([n, 1, D]) * (1 - alphas) + x.reshaped([n, 1, D]) * alphas)
                        .reshaped([n * P] + shape)
                    let lp = crossEntropyPerSample(logits: model(pts), labels: Array(repeating: t, count: n * P))
                    let pen = (lp.reshaped([n, P]) - top.reshaped([n, 1])).relu().mean(axis: 1)
                    penalty = pen
                    j = j + mu * pen.sum()
                }
                return j
            }
            var keep: [Int] = [], finished: [Int] = []
            let po = out.mutableData
            for (k, s) in active.enumerated() {
                let c = ce[flat: k]
                if i < cfg.steps { traces[s].append(c) }
                let below = thresholds.map { c < $0[s] } ?? false
                var done = false
                if adaptive {
                    let pen = penalty![flat: k]
                    if below && pen < bestPenalty[s] {
                        bestPenalty[s] = pen
                        (po + s * D).update(from: x.data + k * D, count: D)
                        iterations[s] = i
                    }
                    done = below && pen <= 0 && i > cfg.minSteps
                    if !done && i == cfg.steps && !bestPenalty[s].isFinite {
                        (po + s * D).update(from: x.data + k * D, count: D)
                        iterations[s] = i
                    }
                } else {
                    // The paper's order: the CE of x_i decides, after the step, whether x_(i+1) is returned.
                    done = below && i > cfg.minSteps
                    if done { finished.append(k) }
                }
                if !done { keep.append(k) }
            }
            var grad = g[0]
            if !adaptive {
                adam.step([grad])
                let px = x.data
                for k in finished { (po + active[k] * D).update(from: px + k * D, count: D); iterations[active[k]] = i + 1 }
                if i + 1 == cfg.steps {
                    for k in keep { (po + active[k] * D).update(from: px + k * D, count: D); iterations[active[k]] = cfg.steps }
                }
                if i + 1 == cfg.steps || keep.isEmpty { break }
                if keep.count < active.count {
                    let (t0, m, v) = adam.moments
                    x = x.gathered(rows: keep); K = K.gathered(rows: keep)
                    adam = Adam([x], lr: Float(cfg.lr))
                    adam.restore(t: t0, m: [m[0].gathered(rows: keep)], v: [v[0].gathered(rows: keep)])
                    active = keep.map { active[$0] }
                }
                continue
            }
            if i == cfg.steps || keep.isEmpty { break }
            if keep.count < active.count {
                let (t0, m, v) = adam.moments
                x = x.gathered(rows: keep); grad = grad.gathered(rows: keep)
                K = K.gathered(rows: keep); A = A?.gathered(rows: keep)
                adam = Adam([x], lr: Float(cfg.lr))
                adam.restore(t: t0, m: [m[0].gathered(rows: keep)], v: [v[0].gathered(rows: keep)])
                active = keep.map { active[$0] }
            }
            adam.step([grad])
        }
        return (out, iterations, traces)
    }

    /// mean_k relu(L_t(x(t_k)) - max(L_t(A), L_t(x))) per sample on the segment A -> x, t_k = k / (P + 1).
    public static func barrierPenalties(_ cfg: AdaptiveConfig, _ model: Module, _ x: Tensor, anchors: Tensor, anchorLosses: [Float]) -> [Double] {
        let N = x.shape[0], P = cfg.barrierPoints
        let loss = ClassLoss(model: model, classIndex: cfg.targetClass!)
        let lx = loss.losses(x, batch: cfg.batch)
        let alphas = (1...P).map { Double($0) / Double(P + 1) }
        return (0..<N).map { n in
            let pts = Interpolation.points(from: anchors.rows(n..<(n + 1)), to: x.rows(n..<(n + 1)), alphas: alphas)
            let top = max(anchorLosses[n], lx[n])
            return loss.losses(pts, batch: cfg.batch).map { Double(max($0 - top, 0)) }.reduce(0, +) / Double(P)
        }
    }
}
