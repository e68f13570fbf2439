// Feature visualization by optimization (FVO): an input that a model assigns to class y with near-zero loss.
// Vrabel et al., ICLR 2025, Sec 4.3 and App A (the synthetic modes A and C); robustness transforms and the
// decorrelated Fourier parameterization follow Olah et al., "Feature Visualization", Distill 2017 (lucid).
import Foundation
import IsthmusCore
import IsthmusNN

public enum FeatureVisualizationError: Error, CustomStringConvertible, Equatable {
    case invalidConfig(String)
    /// The objective or the cross-entropy became NaN or infinite at this step (0 = the initial input).
    case nonFinite(step: Int, what: String)

    public var description: String {
        switch self {
        case .invalidConfig(let m): return "feature visualization: \(m)"
        case .nonFinite(let step, let what):
            return "feature visualization: \(what) is not finite at step \(step)" + (step == 0 ? " (the initial input)" : "")
        }
    }
}

/// FVO as in the paper: x0 = initStd * N(0, I); Adam (lr, weight decay added to the gradient as torch.optim.Adam)
/// on J(x) = CE(f(T(x)), y) + tv * TV(x) + l1 * sum|x| + l2 * sqrt(1e-6 + sum x^2); after each step the CE of the
/// new x (no transform, no tape) is recomputed, the lowest-CE iterate is kept, and the loop stops when that CE is
/// below `lossThreshold` or after `maxIterations` steps. T is the identity unless robustness transforms are on.
/// The paper's settings (Sec 4.3): lr 0.05, weight decay 1e-7, threshold 5e-4, at most 8192 steps; its mode A uses
/// tv 2.5e-7, mode C tv 0. Everything happens in normalized input space, without clamping.
public enum FeatureVisualization {
    public enum Parameterization: String, Codable, Sendable, CaseIterable {
        /// Adam updates the input x directly (the paper).
        case pixel
        /// Adam updates spectrum coefficients c; x = FourierBasis.image(c) (lucid's `fft=True`).
        case fourier
    }

    public struct Config: Codable, Equatable, Sendable {
        public var classIndex: Int
        public var lr: Float = 0.05
        public var weightDecay: Float = 1e-7
        /// Weight of the unnormalized total variation TV(x) (`totalVariation`); mode A 2.5e-7, mode C 0.
        public var tvWeight: Float = 0
        /// Weight of sum |x| (lucid's `L1`).
        public var l1Weight: Float = 0
        /// Weight of sqrt(1e-6 + sum x^2) (lucid's `L2`, a norm, not its square).
        public var l2Weight: Float = 0
        public var maxIterations = 8192
        /// Stop once the recomputed CE is strictly below this.
        public var lossThreshold: Float = 5e-4
        /// Standard deviation of the initial x (pixel) or of the initial coefficients (fourier).
        public var initStd: Float = 0.01
        public var seed: UInt64 = 0
        /// Random circular shift (torch.roll) of up to +-jitter pixels per axis, each step.
        public var jitter = 0
        /// Random translation of up to +-pad pixels per axis with zero fill (pad by `pad`, crop a random window).
        public var pad = 0
        /// Zoom factors about the centre, one drawn per step (lucid: 1 + (i - 5) / 50, i = 0...10). Empty: off.
        public var scales: [Float] = []
        /// Rotations in degrees about the centre, one drawn per step (lucid: -10...10). Empty: off.
        public var rotations: [Float] = []
        public var parameterization: Parameterization = .pixel
        /// Mix channels with lucid's colour-correlation square root (3-channel inputs only).
        public var decorrelateColors = false

        public init(classIndex: Int, lr: Float = 0.05, weightDecay: Float = 1e-7, tvWeight: Float = 0, l1Weight: Float = 0,
                    l2Weight: Float = 0, maxIterations: Int = 8192, lossThreshold: Float = 5e-4, initStd: Float = 0.01,
                    seed: UInt64 = 0, jitter: Int = 0, pad: Int = 0, scales: [Float] = [], rotations: [Float] = [],
                    parameterization: Parameterization = .pixel, decorrelateColors: Bool = false) {
            self.classIndex = classIndex; self.lr = lr; self.weightDecay = weightDecay; self.tvWeight = tvWeight
            self.l1Weight = l1Weight; self.l2Weight = l2Weight; self.maxIterations = maxIterations
            self.lossThreshold = lossThreshold; self.initStd = initStd; self.seed = seed; self.jitter = jitter
            self.pad = pad; self.scales = scales; self.rotations = rotations
            self.parameterization = parameterization; self.decorrelateColors = decorrelateColors
        }

        /// The paper's mode A (tv 2.5e-7) or mode C (tv 0) for `classIndex` (Sec 4.3).
        public static func paper(classIndex: Int, modeA: Bool, seed: UInt64 = 0) -> Config {
            Config(classIndex: classIndex, tvWeight: modeA ? 2.5e-7 : 0, seed: seed)
        }

        public var usesTransforms: Bool { jitter > 0 || pad > 0 || !scales.isEmpty || !rotations.isEmpty }

        /// Checks the settings against an input shape [C, H, W].
        public func validate(inputShape: [Int]) throws {
            func fail(_ m: String) -> FeatureVisualizationError { .invalidConfig(m) }
            guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else { throw fail("input shape \(inputShape) is not [C, H, W]") }
            let side = min(inputShape[1], inputShape[2])
            guard classIndex >= 0 else { throw fail("class index \(classIndex) is negative") }
            guard lr > 0, lr.isFinite else { throw fail("learning rate must be positive, got \(lr)") }
            for (name, v) in [("weight decay", weightDecay), ("tv weight", tvWeight), ("l1 weight", l1Weight),
                              ("l2 weight", l2Weight), ("loss threshold", lossThreshold), ("init std", initStd)]
            where !(v >= 0 && v.isFinite) { throw fail("\(name) must be >= 0, got \(v)") }
            guard maxIterations >= 1 else { throw fail("max iterations must be >= 1, got \(maxIterations)") }
            guard jitter >= 0, jitter < side else { throw fail("jitter must be in 0..<\(side), got \(jitter)") }
            guard pad >= 0, pad < side else { throw fail("pad must be in 0..<\(side), got \(pad)") }
            if let s = scales.first(where: { !($0 > 0 && $0.isFinite) }) { throw fail("scales must be positive, got \(s)") }
            if let r = rotations.first(where: { !$0.isFinite }) { throw fail("rotation \(r) is not finite") }
            if decorrelateColors && inputShape[0] != 3 {
                throw fail("colour decorrelation needs 3 channels, the input has \(inputShape[0])")
            }
        }
    }

    public struct Result: Codable, Equatable, Sendable {
        public var classIndex: Int
        /// The lowest recomputed CE over the iterates (the returned input's CE).
        public var loss: Float
        /// Adam steps taken.
        public var iterations: Int
        /// 1-based step whose iterate is returned.
        public var bestIteration: Int
        /// CE of x0.
        public var initialLoss: Float
        /// trace[i] = CE of the iterate after step i + 1.
        public var trace: [Float]
        /// The loss fell below the threshold (at the latest at step `maxIterations`).
        public var stoppedEarly: Bool
    }

    /// The starts x0 of the paper's two modes A and C of one seed, drawn one after the other from one stream
    /// (as the paper draws both from one seeded generator): each initStd * N(0, I) of shape [1, C, H, W].
    public static func pairStarts(seed: UInt64, inputShape: [Int], initStd: Float = 0.01) -> (a: Tensor, c: Tensor) {
        var rng = SplitMix64(seed: seed)
        let a = Tensor.normal([1] + inputShape, std: initStd, using: &rng)
        return (a, Tensor.normal([1] + inputShape, std: initStd, using: &rng))
    }

    /// Runs FVO for `config.classIndex` on a model taking [C, H, W] = `inputShape`. Returns the result and the best
    /// input [1, C, H, W] (normalized space). `start` replaces the seeded x0 (pixel parameterization: the initial
    /// input [1, C, H, W]; fourier: the initial coefficients). `onStep(step, ce)` is called after every step.
    public static func run(_ config: Config, model: Module, inputShape: [Int], start: Tensor? = nil,
                           onStep: ((Int, Float) -> Void)? = nil) throws -> (result: Result, input: Tensor) {
        try config.validate(inputShape: inputShape)
        let (C, H, W) = (inputShape[0], inputShape[1], inputShape[2])
        var root = SplitMix64(seed: config.seed)
        var initRNG = root.split(), transformRNG = root.split()
        let colors: Tensor? = config.decorrelateColors ? ColorDecorrelation.matrix : nil
        let basis = config.parameterization == .fourier ? FourierBasis(height: H, width: W) : nil

        // The learned tensor: x itself, or the spectrum coefficients of x.
        let seeded = Tensor.normal([1, C, H, W], std: config.initStd, using: &initRNG)
        if let start, start.shape != seeded.shape {
            throw FeatureVisualizationError.invalidConfig("start has shape \(start.shape), expected \(seeded.shape)")
        }
        let param = start?.copy() ?? seeded
        func image(_ p: Tensor) -> Tensor {
            var x = basis.map { $0.image(from: p) } ?? p
            if let colors { x = ColorDecorrelation.apply(colors, x) }
            return x
        }
        func classCE(_ x: Tensor) throws -> Float {
            let logits = withoutGradients { model(x) }
            guard logits.rank == 2, logits.shape[0] == 1, config.classIndex < logits.shape[1] else {
                throw FeatureVisualizationError.invalidConfig(
                    "class \(config.classIndex) out of range: the model returns logits of shape \(logits.shape)")
            }
            return withoutGradients { crossEntropy(logits: logits, labels: [config.classIndex]) }.scalar
        }

        let initial = try classCE(withoutGradients { image(param) })
        guard initial.isFinite else { throw FeatureVisualizationError.nonFinite(step: 0, what: "cross-entropy") }
        let adam = Adam([param], lr: config.lr, weightDecay: config.weightDecay)
        var best = Tensor.zeros([1, C, H, W]), bestLoss = Float.infinity, bestStep = 0
        var trace: [Float] = []
        trace.reserveCapacity(min(config.maxIterations, 1 << 16))
        var stopped = false
        for step in 1...config.maxIterations {
            let draw = config.usesTransforms ? RobustnessTransform.draw(config, height: H, width: W, using: &transformRNG) : nil
            let (objective, grads) = valueWithGradient(wrt: [param]) { () -> Tensor in
                let x = image(param)
                var j = crossEntropy(logits: model(draw?.apply(x) ?? x), labels: [config.classIndex])
                if config.tvWeight != 0 { j = j + config.tvWeight * totalVariation(x) }
                if config.l1Weight != 0 { j = j + config.l1Weight * x.abs().sum() }
                if config.l2Weight != 0 { j = j + config.l2Weight * (x.squared().sum() + 1e-6).sqrt() }
                return j
            }
            guard objective.scalar.isFinite, grads[0].isFinite else {
                throw FeatureVisualizationError.nonFinite(step: step, what: objective.scalar.isFinite ? "gradient" : "objective")
            }
            adam.step(grads)
            let x = withoutGradients { image(param) }
            let ce = try classCE(x)
            guard ce.isFinite else { throw FeatureVisualizationError.nonFinite(step: step, what: "cross-entropy") }
            trace.append(ce)
            onStep?(step, ce)
            if ce < bestLoss { bestLoss = ce; bestStep = step; best = x.copy() }
            if ce < config.lossThreshold { stopped = true; break }
        }
        let result = Result(classIndex: config.classIndex, loss: bestLoss, iterations: trace.count, bestIteration: bestStep,
                            initialLoss: initial, trace: trace, stoppedEarly: stopped)
        return (result, best)
    }

    /// One optimized input per class 0..<classes, each from the same x0 (`config.seed`), `config.classIndex` ignored.
    public static func allClasses(_ config: Config, model: Module, inputShape: [Int], classes: Int,
                                  onStep: ((_ classIndex: Int, _ step: Int, _ ce: Float) -> Void)? = nil)
        throws -> [(result: Result, input: Tensor)] {
        precondition(classes >= 1, "allClasses needs at least one class")
        return try (0..<classes).map { k in
            var c = config
            c.classIndex = k
            return try run(c, model: model, inputShape: inputShape, onStep: onStep.map { f in { f(k, $0, $1) } })
        }
    }
}

// MARK: - Robustness transforms (Olah et al. 2017; lucid's `transform.standard_transforms`, shape-preserving)

/// One random draw of the transforms for a step: pad-shift, then jitter, then scale and rotation together.
/// Each keeps the input's H x W, so fixed-size models (MLPs, linear heads) accept the result.
public struct RobustnessTransform: Equatable, Sendable {
    /// Zero-filled translation (pad P, then crop an H x W window at offset P + shift).
    public var shift: (dy: Int, dx: Int)
    /// Circular shift (torch.roll).
    public var roll: (dy: Int, dx: Int)
    public var scale: Float
    public var degrees: Float

    public init(shift: (Int, Int) = (0, 0), roll: (Int, Int) = (0, 0), scale: Float = 1, degrees: Float = 0) {
        self.shift = shift; self.roll = roll; self.scale = scale; self.degrees = degrees
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.shift == b.shift && a.roll == b.roll && a.scale == b.scale && a.degrees == b.degrees
    }

    static func draw(_ c: FeatureVisualization.Config, height: Int, width: Int, using rng: inout SplitMix64) -> RobustnessTransform {
        func offset(_ m: Int) -> Int { m == 0 ? 0 : Int(rng.next() % UInt64(2 * m + 1)) - m }
        func pick(_ v: [Float], _ d: Float) -> Float { v.isEmpty ? d : v[Int(rng.next() % UInt64(v.count))] }
        let shift = (offset(c.pad), offset(c.pad))
        let roll = (offset(c.jitter), offset(c.jitter))
        return RobustnessTransform(shift: shift, roll: roll, scale: pick(c.scales, 1), degrees: pick(c.rotations, 0))
    }

    /// Applies the transform to [N, C, H, W], differentiably (built from narrowed, concat, gathered and products).
    public func apply(_ x: Tensor) -> Tensor {
        var y = x
        if shift != (0, 0) { y = Self.shifted(Self.shifted(y, axis: 2, by: shift.dy), axis: 3, by: shift.dx) }
        if roll != (0, 0) { y = Self.rolled(Self.rolled(y, axis: 2, by: roll.dy), axis: 3, by: roll.dx) }
        if scale != 1 || degrees != 0 { y = Self.resampled(y, scale: scale, degrees: degrees) }
        return y
    }

    /// y[i] = x[i - d] along `axis`, zero where i - d falls outside.
    static func shifted(_ x: Tensor, axis: Int, by d: Int) -> Tensor {
        let n = x.shape[axis]
        guard d != 0 else { return x }
        var zs = x.shape
        zs[axis] = abs(d)
        let zeros = Tensor.zeros(zs)
        return d > 0 ? concat([zeros, x.narrowed(axis: axis, start: 0, length: n - d)], axis: axis)
                     : concat([x.narrowed(axis: axis, start: -d, length: n + d), zeros], axis: axis)
    }

    /// y[i] = x[(i - d) mod n] along `axis` (torch.roll).
    static func rolled(_ x: Tensor, axis: Int, by d: Int) -> Tensor {
        let n = x.shape[axis], k = ((d % n) + n) % n
        guard k != 0 else { return x }
        return concat([x.narrowed(axis: axis, start: n - k, length: k), x.narrowed(axis: axis, start: 0, length: n - k)], axis: axis)
    }

    /// Bilinear resampling about the centre c = ((H-1)/2, (W-1)/2): y(p) = x(c + R(-theta)(p - c) / s), zero outside.
    /// The sampling matrix has four entries per output pixel, applied as four weighted row gathers of the
    /// [H*W, N*C] image, so the gradient is the transposed scatter.
    static func resampled(_ x: Tensor, scale: Float, degrees: Float) -> Tensor {
        let (N, C, H, W) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (idx, wts) = bilinearTaps(height: H, width: W, scale: Double(scale), degrees: Double(degrees))
        let rows = x.reshaped([N * C, H * W]).transposed()
        var y: Tensor?
        for k in 0..<4 {
            let term = rows.gathered(rows: idx[k]) * Tensor(shape: [H * W, 1], scalars: wts[k])
            y = y.map { $0 + term } ?? term
        }
        return y!.transposed().reshaped([N, C, H, W])
    }

    /// For each output pixel, the four source indices and weights of bilinear interpolation (weight 0 outside).
    static func bilinearTaps(height H: Int, width W: Int, scale: Double, degrees: Double) -> ([[Int]], [[Float]]) {
        let t = degrees * Double.pi / 180, cs = cos(t), sn = sin(t)
        let cy = Double(H - 1) / 2, cx = Double(W - 1) / 2
        var idx = [[Int]](repeating: [Int](repeating: 0, count: H * W), count: 4)
        var wts = [[Float]](repeating: [Float](repeating: 0, count: H * W), count: 4)
        for i in 0..<H {
            for j in 0..<W {
                let dy = (Double(i) - cy) / scale, dx = (Double(j) - cx) / scale
                let sy = cy + cs * dy + sn * dx, sx = cx - sn * dy + cs * dx
                let y0 = Int(sy.rounded(.down)), x0 = Int(sx.rounded(.down))
                let fy = sy - Double(y0), fx = sx - Double(x0)
                let o = i * W + j
                for (k, (yy, xx, w)) in [(y0, x0, (1 - fy) * (1 - fx)), (y0, x0 + 1, (1 - fy) * fx),
                                         (y0 + 1, x0, fy * (1 - fx)), (y0 + 1, x0 + 1, fy * fx)].enumerated()
                where yy >= 0 && yy < H && xx >= 0 && xx < W {
                    idx[k][o] = yy * W + xx
                    wts[k][o] = Float(w)
                }
            }
        }
        return (idx, wts)
    }
}

// MARK: - Decorrelated parameterization (Olah et al. 2017; lucid `param.spatial.fft_image`, `param.color`)

/// The spectrum parameterization of an H x W image: x_c = (1/4) R_H^T (S . z_c) R_W per channel, where R_N is the
/// orthonormal real DFT basis of length N (rows: constant, sqrt(2) cos(2 pi m n / N), sqrt(2) sin(2 pi m n / N) for
/// 0 < m < N/2, and (-1)^n / sqrt(N) when N is even) and S[u, v] = 1 / max(|f|, 1 / max(H, W)) with |f| the
/// frequency of basis pair (u, v) in cycles per pixel (decay power 1); 1/4 is lucid's constant.
/// This is lucid's `fft_image` (irfft2d of a 1/f-scaled spectrum, norm 'ortho') written in a real orthonormal
/// tensor-product basis: cos(a y) cos(b x), ... mix only the frequencies (+-a, +-b), which share |f|, so S is the
/// same diagonal scaling, and every coefficient is a true degree of freedom (lucid's rfft layout has a few unused
/// ones). It differs from lucid's coordinates by an orthogonal rotation, which changes only Adam's per-coordinate
/// scaling. The maps are two small matmuls per channel, so gradients come from `matmul`.
public struct FourierBasis {
    public let height: Int, width: Int
    /// R_H [H, H] and R_W [W, W], rows are basis vectors.
    public let rowsH: Tensor, rowsW: Tensor
    /// S [H, W].
    public let spectrumScale: Tensor
    public static let lucidScale: Float = 0.25

    public init(height: Int, width: Int) {
        self.height = height; self.width = width
        let (bh, fh) = Self.realDFT(height), (bw, fw) = Self.realDFT(width)
        rowsH = Tensor(shape: [height, height], scalars: bh)
        rowsW = Tensor(shape: [width, width], scalars: bw)
        let floor = 1 / Double(max(height, width))
        var s = [Float](repeating: 0, count: height * width)
        for u in 0..<height { for v in 0..<width { s[u * width + v] = Float(1 / max((fh[u] * fh[u] + fw[v] * fw[v]).squareRoot(), floor)) } }
        spectrumScale = Tensor(shape: [height, width], scalars: s)
    }

    /// Orthonormal real DFT basis of length n (row-major [n, n]) and each row's frequency in cycles per sample.
    static func realDFT(_ n: Int) -> ([Float], [Double]) {
        var rows: [[Double]] = [[Double](repeating: 1 / Double(n).squareRoot(), count: n)]
        var freqs: [Double] = [0]
        let a = (2 / Double(n)).squareRoot()
        var m = 1
        while 2 * m < n {
            rows.append((0..<n).map { a * cos(2 * Double.pi * Double(m * $0) / Double(n)) })
            rows.append((0..<n).map { a * sin(2 * Double.pi * Double(m * $0) / Double(n)) })
            freqs += [Double(m) / Double(n), Double(m) / Double(n)]
            m += 1
        }
        if n % 2 == 0 && n > 1 {
            rows.append((0..<n).map { ($0 % 2 == 0 ? 1 : -1) / Double(n).squareRoot() })
            freqs.append(0.5)
        }
        return (rows.flatMap { $0.map(Float.init) }, freqs)
    }

    /// R_H^T z R_W (synthesis, `inverse`) or R_H z R_W^T (analysis) on every [H, W] plane of z [N, C, H, W].
    func sandwich(_ z: Tensor, inverse: Bool) -> Tensor {
        let (N, C, H, W) = (z.shape[0], z.shape[1], z.shape[2], z.shape[3])
        let cols = z.permuted([2, 0, 1, 3]).reshaped([H, N * C * W])
        let left = matmul(rowsH, cols, transposeA: inverse).reshaped([H, N, C, W]).permuted([1, 2, 0, 3])
        return matmul(left.reshaped([N * C * H, W]), rowsW, transposeB: !inverse).reshaped([N, C, H, W])
    }

    /// x = (1/4) R_H^T (S . z) R_W for coefficients z [N, C, H, W] (differentiable).
    public func image(from z: Tensor) -> Tensor {
        sandwich(z * spectrumScale, inverse: true) * Self.lucidScale
    }

    /// The inverse: z = (R_H (4 x) R_W^T) / S.
    public func coefficients(from x: Tensor) -> Tensor {
        sandwich(x * (1 / Self.lucidScale), inverse: false) / spectrumScale
    }
}

/// lucid's `color_correlation_svd_sqrt` (ImageNet colour statistics) divided by its largest column norm; x = M t per
/// pixel. It is applied to the model's normalized channels, which have nearly equal standard deviations
/// (ImageNet 0.22-0.23, CIFAR 0.199-0.202).
public enum ColorDecorrelation {
    static let svdSqrt: [[Double]] = [[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]]

    /// M [3, 3].
    public static var matrix: Tensor {
        let maxNorm = (0..<3).map { j in (0..<3).map { svdSqrt[$0][j] * svdSqrt[$0][j] }.reduce(0, +).squareRoot() }.max()!
        return Tensor(shape: [3, 3], scalars: svdSqrt.flatMap { $0.map { Float($0 / maxNorm) } })
    }

    /// x[n, c] = sum_d M[c, d] t[n, d] for t [N, 3, H, W].
    public static func apply(_ m: Tensor, _ t: Tensor) -> Tensor {
        let (N, C, H, W) = (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
        let planes = t.permuted([1, 0, 2, 3]).reshaped([C, N * H * W])
        return matmul(m, planes).reshaped([C, N, H, W]).permuted([1, 0, 2, 3])
    }
}
