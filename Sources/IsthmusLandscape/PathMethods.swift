// One entry point and one result shape for every way of connecting two inputs: the paper's bypass and chain,
// Garipov et al.'s polychain and Bezier curves, and the nudged elastic band.
import Foundation
import IsthmusCore
import IsthmusNN

public enum PathMethod: String, Codable, CaseIterable, Sendable {
    /// One bend B' around the barrier point B (the paper, Sec 3.2): `Chain.run` with 1 round.
    case bypass
    /// Repeated bypasses (Sec 4.3): `Chain.run` with `PathConfig.chainRounds` rounds.
    case chain
    /// Polygon A -> theta_1 ... -> C with free bends fitted by the expected loss (Garipov et al. 2018).
    case polychain
    /// Bezier curve with free controls fitted by the expected loss (Garipov et al. 2018).
    case bezier
    /// AutoNEB-style nudged elastic band with a climbing image.
    case neb
}

public struct PathConfig: Codable, Equatable, Sendable {
    public var classIndex = 0
    /// Bypass and chain settings (the paper's defaults); `bypass` forces rounds = 1.
    public var chain = Chain.Config()
    public var chainRounds = 2
    /// Curve settings; `basis` is set by the method.
    public var curve = CurveFit.Config()
    public var neb = ElasticBand.Config()
    /// Points of the final polychain/Bezier curve, t = linspace(0, 1, n) plus the polygon's corners
    /// (61 as Garipov et al.'s eval_curve.py). The band uses its images plus `neb.subsample` points per segment.
    public var evalPoints = 61
    public var batch = 64
    public var epsilons = Chain.defaultEpsilons
    public init() {}
}

/// The common result of every path method.
public struct PathResult: Codable, Equatable, Sendable {
    public var method: PathMethod
    /// Dense loss curve: positions in [0, 1] (the curve parameter t; arc length for the band; each segment an
    /// equal share for bypass/chain) and L_y there.
    public var positions: [Double]
    public var losses: [Float]
    public var lossA: Double
    public var lossC: Double
    /// Max of the dense curve.
    public var max: Double
    /// max - max(L(A), L(C)).
    public var gap: Double
    /// max <= max(L(A), L(C)) + eps, keyed by eps as "%g" ("0.01", "0.05", "0.1", "0.5").
    public var connected: [String: Bool]
    /// Length of the dense polyline over ||C - A|| (exact for polygons: their corners are on the grid).
    public var pathLengthRatio: Double
    /// Max distance of a path point from the segment A->C, over ||C - A||.
    public var maxDistanceFromSegment: Double
    /// Inputs passed forward and backward through the model (one per input, batched or not).
    public var gradientEvaluations: Int
    /// Inputs passed forward only (curve evaluation, AutoNEB's dense checks).
    public var forwardEvaluations: Int
    /// gradientEvaluations + forwardEvaluations / 3: cost in gradient evaluations, a backward pass costing about
    /// two forward passes.
    public var evaluations: Double
    /// Optimizer steps (bends: summed over bends; curves: Adam steps; band: NEB steps over all cycles).
    public var iterations: Int
    public var seconds: Double

    /// `geometry`: pathLengthRatio and maxDistanceFromSegment (see `geometry(of:from:to:)`).
    public init(method: PathMethod, positions: [Double], losses: [Float], geometry: (length: Double, distance: Double),
                gradientEvaluations: Int, forwardEvaluations: Int, iterations: Int, seconds: Double, epsilons: [Double]) {
        precondition(!losses.isEmpty && losses.count == positions.count)
        self.method = method; self.positions = positions; self.losses = losses
        lossA = Double(losses.first!); lossC = Double(losses.last!)
        let m = losses.contains(where: \.isNaN) ? Double.nan : Double(losses.max()!)
        let top = Swift.max(lossA, lossC)
        max = m
        gap = m - top
        connected = Dictionary(uniqueKeysWithValues: epsilons.map { (Chain.key($0), m <= top + $0) })
        pathLengthRatio = geometry.length; maxDistanceFromSegment = geometry.distance
        self.gradientEvaluations = gradientEvaluations; self.forwardEvaluations = forwardEvaluations
        evaluations = Double(gradientEvaluations) + Double(forwardEvaluations) / 3
        self.iterations = iterations; self.seconds = seconds
    }

    /// The bypass/chain result in this shape (its dense curve, evaluation counts and geometry).
    public init(method: PathMethod, chain r: Chain.Result, epsilons: [Double]) {
        self.init(method: method, positions: r.pathPositions, losses: r.pathLosses,
                  geometry: (r.pathLengthRatio, r.maxDistanceFromSegment), gradientEvaluations: r.gradientEvaluations,
                  forwardEvaluations: r.forwardEvaluations, iterations: r.bendIterations.reduce(0, +), seconds: r.seconds,
                  epsilons: epsilons)
    }

    /// Of the polyline through the points [n, C, H, W] of a path from A to C: its length over ||C - A|| (1 when
    /// A = C) and the largest distance of a point from the segment A->C over ||C - A|| (0 when A = C).
    public static func geometry(of points: Tensor, from a: Tensor, to c: Tensor) -> (length: Double, distance: Double) {
        let d = a.count, n = points.shape[0], p = points.data
        let span = Euclidean.distance(c, a)
        var length = 0.0, far = 0.0
        for k in 0..<n {
            if k > 0 { length += Euclidean.distance(p + k * d, p + (k - 1) * d, count: d) }
            far = Swift.max(far, Euclidean.distanceFromSegment(p + k * d, a.data, c.data, count: d))
        }
        return (span > 0 ? length / span : 1, span > 0 ? far / span : 0)
    }
}

/// What a method found, besides its numbers.
public struct PathOutcome {
    public var result: PathResult
    /// The path's free points: bends (bypass/chain), controls (curves) or images (band), endpoints included.
    public var vertices: [Tensor]
    /// Optimization trace: bend CE (first bend), mean sampled loss (curves), max image loss (band).
    public var trace: [Float]
}

public enum Paths {
    /// The chain config of `.bypass` (1 round) or `.chain` (`config.chainRounds` rounds) for class `classIndex`.
    public static func chainConfig(_ method: PathMethod, _ config: PathConfig, classIndex: Int) -> Chain.Config {
        precondition(method == .bypass || method == .chain, "Paths.chainConfig: \(method) is not a chain method")
        var cc = config.chain
        cc.classIndex = classIndex
        cc.rounds = method == .bypass ? 1 : config.chainRounds
        cc.epsilons = config.epsilons
        return cc
    }

    /// Connects A and C with `method` on L_y of `model` (y = config.classIndex; curves and band evaluate
    /// config.batch inputs per forward pass).
    public static func connect(_ method: PathMethod, _ config: PathConfig, model: Module, from a: Tensor, to c: Tensor,
                               normalization: Normalization? = nil) throws -> PathOutcome {
        try connect(method, config, loss: ClassLoss(model: model, classIndex: config.classIndex, batch: config.batch),
                    from: a, to: c, normalization: normalization)
    }

    /// Connects A and C with `method` on `loss` (a model's L_y, or an analytic potential in tests); y is
    /// `loss.classIndex` (config.classIndex is not read).
    public static func connect(_ method: PathMethod, _ config: PathConfig, loss: ClassLoss, from a: Tensor, to c: Tensor,
                               normalization: Normalization? = nil) throws -> PathOutcome {
        let start = Date(), forward0 = loss.forwardEvaluations, gradient0 = loss.gradientEvaluations
        let path: InputPath, ts: [Double], vertices: [Tensor], trace: [Float], iterations: Int
        switch method {
        case .bypass, .chain:
            let (r, path) = try Chain.run(chainConfig(method, config, classIndex: loss.classIndex), loss: loss, from: a, to: c,
                                          normalization: normalization)
            return PathOutcome(result: PathResult(method: method, chain: r, epsilons: config.epsilons), vertices: path.vertices, trace: [])
        case .polychain, .bezier:
            var cc = config.curve
            cc.basis = method == .bezier ? .bezier : .polychain
            let out = try CurveFit.run(cc, loss: loss, from: a, to: c)
            path = out.path; vertices = out.path.controls; trace = out.trace; iterations = out.trace.count
            ts = Array(Set(Interpolation.alphas(max(config.evalPoints, 2)) + out.path.knots)).sorted()
        case .neb:
            let out = try ElasticBand.run(config.neb, loss: loss, from: a, to: c)
            path = out.band; vertices = out.band.images; trace = out.trace; iterations = out.steps
            ts = out.band.denseParameters(subsample: max(config.neb.subsample, 0))
        }
        let pts = path.points(ts)
        let losses = loss.losses(pts)
        let result = PathResult(method: method, positions: ts, losses: losses, geometry: PathResult.geometry(of: pts, from: a, to: c),
                                gradientEvaluations: loss.gradientEvaluations - gradient0,
                                forwardEvaluations: loss.forwardEvaluations - forward0,
                                iterations: iterations, seconds: Date().timeIntervalSince(start), epsilons: config.epsilons)
        return PathOutcome(result: result, vertices: vertices, trace: trace)
    }
}
