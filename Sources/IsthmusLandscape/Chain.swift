// A polygonal low-loss path A -> B'1 -> ... -> C built by rounds of bypasses (paper Sec 3.2 and 4.3).
import Foundation
import IsthmusCore
import IsthmusNN

/// Round r bends every segment of the current polygon at its barrier point (the paper: always; `.conditional`:
/// only segments whose max loss exceeds max(L(A), L(C)) + tolerance). Round 1 on the primary segment is the
/// paper's bypass (A -> B' -> C); round 2 bends A->B' and B'->C (A -> B'1 -> B' -> B'2 -> C, Sec 4.3).
public enum Chain {
    public static let defaultEpsilons = [0.01, 0.05, 0.1, 0.5]

    /// Which segments a round bends.
    public enum Bending: String, Codable, Sendable, CaseIterable {
        /// Every segment, whatever its barrier (the paper, Sec 3.2 and 4.3).
        case always
        /// Only segments whose max exceeds max(L(A), L(C)) + tolerance (beyond the paper); a round that bends
        /// nothing ends the chain.
        case conditional
    }

    public struct Config: Codable, Equatable, Sendable {
        public var classIndex = 0
        /// Points of the primary segment A->C (1000 in Sec 4.1, 250 in 4.2, 200 in 4.3).
        public var primarySteps = 1000
        /// Points of each segment of the path (500 in the paper).
        public var pointsPerSegment = 500
        public var rounds = 1
        public var bending = Bending.always
        /// `.conditional`: a segment is bent only if its max exceeds max(L(A), L(C)) + tolerance.
        public var tolerance = 0.0
        public var bypass = Bypass.Config()
        public var batch = 64
        public var epsilons = Chain.defaultEpsilons
        public init() {}
    }

    public struct Round: Codable, Equatable, Sendable {
        public var round: Int
        public var bendsAdded: Int
        public var pathMax: Double
        public var pathGap: Double
        /// The dense loss along the whole path after this round (positions in [0, 1], equal share per segment).
        public var positions: [Double]
        public var losses: [Float]
    }

    public struct Result: Codable, Equatable, Sendable {
        public var config: Config
        public var lossA: Double
        public var lossC: Double
        public var primaryLosses: [Float]
        public var primaryBarrier: Barrier
        public var primaryMax: Double
        public var primaryGap: Double
        /// Dense loss of the final path, segment after segment (junction points not repeated).
        public var pathLosses: [Float]
        /// Position of each pathLosses entry in [0, 1], each segment getting an equal share (as the paper's plots).
        public var pathPositions: [Double]
        public var finalMax: Double
        public var finalGap: Double
        /// finalMax <= max(L(A), L(C)) + eps, per eps (keys "0.01", "0.05", ...).
        public var connected: [String: Bool]
        /// finalGap <= eps * primaryGap, per eps (how much of the primary barrier is left).
        public var connectedRelative: [String: Bool]
        public var pathLengthRatio: Double
        /// Largest distance of a bend from the segment A->C, over ||C - A||.
        public var maxDistanceFromSegment: Double
        /// The first bend against the primary barrier point (nil if no bend was needed).
        public var deviation: Deviation?
        public var rounds: [Round]
        /// Max loss of the whole path after round 1, 2, ... (the paper's Fig 7 numbers).
        public var roundMax: [Double]
        public var bendIterations: [Int]
        /// Forward+backward passes spent optimizing bends, and forward-only passes spent evaluating curves.
        public var gradientEvaluations: Int
        public var forwardEvaluations: Int
        public var seconds: Double
    }

    public struct Path {
        /// A, bends..., C, each [1, C, H, W].
        public var vertices: [Tensor]
        /// The primary barrier point B.
        public var barrierPoint: Tensor
        /// The first bend B' (the bypass of B), if any.
        public var firstBend: Tensor?
    }

    static func key(_ e: Double) -> String { String(format: "%g", e) }

    /// The segments' curves joined (junction points once), each segment an equal share of [0, 1].
    static func flatten(_ segments: [(alphas: [Double], losses: [Float])]) -> (positions: [Double], losses: [Float]) {
        var losses: [Float] = [], positions: [Double] = []
        for (i, seg) in segments.enumerated() {
            for (k, (t, l)) in zip(seg.alphas, seg.losses).enumerated() where i == 0 || k > 0 {
                losses.append(l)
                positions.append((Double(i) + t) / Double(segments.count))
            }
        }
        return (positions, losses)
    }

    /// The chain of one pair as a sequence of rounds, each a list of bends to optimize (`jobs`): `run` optimizes
    /// them one by one, `runMany` many pairs' bends in one batch. Curves are evaluated as rounds complete.
    public final class Progress {
        public let config: Config
        let loss: ClassLoss
        let a: Tensor, z: Tensor
        let normalization: Normalization?
        let start: Date
        var forward = 0, gradient = 0
        let primary: (alphas: [Double], losses: [Float])
        let barrier: Barrier
        let top: Double
        let bPoint: Tensor
        var vertices: [Tensor]
        var segments: [(alphas: [Double], losses: [Float])]
        var rounds: [Round] = [], roundMax: [Double] = [], iterations: [Int] = []
        var firstBend: Tensor?
        var round = 0
        /// Segment index of each job of the current round.
        var bentSegments: [Int] = []
        /// The bends of the current round, in segment order (empty once the chain is finished).
        public private(set) var jobs: [Bypass.Job] = []
        public var isFinished: Bool { jobs.isEmpty }

        /// Evaluates the primary segment of `loss` (whose class must be `c.classIndex`) and prepares round 1.
        public init(_ c: Config, loss l: ClassLoss, from a: Tensor, to z: Tensor, normalization: Normalization? = nil) {
            precondition(l.classIndex == c.classIndex, "Chain: the loss is of class \(l.classIndex), the config's \(c.classIndex)")
            start = Date()
            config = c; loss = l
            self.a = a; self.z = z; self.normalization = normalization
            let p = Self.curve(l, a, z, c.primarySteps, c.batch)
            let bar = Barrier(losses: p.losses, alphas: p.alphas)
            primary = p
            barrier = bar
            top = max(Double(p.losses.first!), Double(p.losses.last!))
            bPoint = Interpolation.points(from: a, to: z, alphas: [bar.alpha])
            vertices = [a, z]
            // The segment's own curve: the primary one when the point counts agree; not evaluated when round 1
            // bends it anyway (bending always: round 1 reads only B and replaces the segment).
            if c.pointsPerSegment == c.primarySteps || (c.bending == .always && c.rounds >= 1) {
                segments = [p]
                forward = c.primarySteps
            } else {
                segments = [Self.curve(l, a, z, c.pointsPerSegment, c.batch)]
                forward = c.primarySteps + c.pointsPerSegment
            }
            if c.rounds > 0 { plan(round: 1) }
        }

        /// The chain on the cross-entropy of `model` for class `c.classIndex`.
        public convenience init(_ c: Config, model: Module, from a: Tensor, to z: Tensor, normalization: Normalization? = nil) {
            self.init(c, loss: ClassLoss(model: model, classIndex: c.classIndex), from: a, to: z, normalization: normalization)
        }

        static func curve(_ loss: ClassLoss, _ p: Tensor, _ q: Tensor, _ n: Int, _ batch: Int) -> (alphas: [Double], losses: [Float]) {
            let al = Interpolation.alphas(n)
            return (al, loss.losses(Interpolation.points(from: p, to: q, alphas: al), batch: batch))
        }

        func curve(_ p: Tensor, _ q: Tensor, _ n: Int) -> (alphas: [Double], losses: [Float]) {
            forward += n
            return Self.curve(loss, p, q, n, config.batch)
        }

        /// The segments round r bends and their barrier points (on the primary segment in round 1 its N-point
        /// argmax, else the segment's).
        func plan(round r: Int) {
            round = r
            bentSegments = []; jobs = []
            for (i, seg) in segments.enumerated() {
                guard config.bending == .always || Double(seg.losses.max()!) > top + config.tolerance else { continue }
                let p = vertices[i], q = vertices[i + 1]
                let b = r == 1 && segments.count == 1 ? bPoint
                    : Interpolation.points(from: p, to: q, alphas: [Barrier(losses: seg.losses, alphas: seg.alphas).alpha])
                bentSegments.append(i)
                jobs.append(Bypass.Job(p: p, q: q, start: b, classIndex: config.classIndex))
            }
        }

        /// Applies the optimized bends of the current round (one outcome per job, in order) and plans the next.
        public func complete(_ outcomes: [Bypass.Outcome]) {
            precondition(outcomes.count == jobs.count, "Chain.Progress: \(outcomes.count) outcomes for \(jobs.count) bends")
            guard !jobs.isEmpty else { return }
            var newVertices = [vertices[0]], newSegments: [(alphas: [Double], losses: [Float])] = []
            var next = 0
            for (i, seg) in segments.enumerated() {
                let p = vertices[i], q = vertices[i + 1]
                guard next < bentSegments.count, bentSegments[next] == i else {
                    newVertices.append(q); newSegments.append(seg)
                    continue
                }
                let out = outcomes[next]
                next += 1
                gradient += max(out.trace.count, 1)
                iterations.append(out.iterations)
                if firstBend == nil { firstBend = out.bend }
                newVertices += [out.bend, q]
                newSegments += [curve(p, out.bend, config.pointsPerSegment), curve(out.bend, q, config.pointsPerSegment)]
            }
            vertices = newVertices
            segments = newSegments
            let pathMax = Double(segments.map { $0.losses.max()! }.max()!)
            let dense = flatten(segments)
            rounds.append(Round(round: round, bendsAdded: outcomes.count, pathMax: pathMax, pathGap: pathMax - top,
                                positions: dense.positions, losses: dense.losses))
            roundMax.append(pathMax)
            if round < max(config.rounds, 1) { plan(round: round + 1) } else { bentSegments = []; jobs = [] }
        }

        /// The result once `isFinished`.
        public func result() -> (Result, Path) {
            let c = config
            let (positions, pathLosses) = flatten(segments)
            let finalMax = Double(pathLosses.max()!)
            let primaryGap = barrier.gap, finalGap = finalMax - top
            var length = 0.0
            for i in 0..<(vertices.count - 1) { length += Euclidean.distance(vertices[i + 1], vertices[i]) }
            let span = Euclidean.distance(z, a)
            let maxDist = vertices.dropFirst().dropLast().map { Euclidean.distanceFromSegment($0, a, z) }.max() ?? 0
            let result = Result(
                config: c, lossA: Double(primary.losses.first!), lossC: Double(primary.losses.last!), primaryLosses: primary.losses,
                primaryBarrier: barrier, primaryMax: barrier.max, primaryGap: primaryGap, pathLosses: pathLosses,
                pathPositions: positions, finalMax: finalMax, finalGap: finalGap,
                connected: Dictionary(uniqueKeysWithValues: c.epsilons.map { (key($0), finalMax <= top + $0) }),
                connectedRelative: Dictionary(uniqueKeysWithValues: c.epsilons.map { (key($0), finalGap <= $0 * max(primaryGap, 0)) }),
                pathLengthRatio: span > 0 ? length / span : 1, maxDistanceFromSegment: span > 0 ? maxDist / span : 0,
                deviation: firstBend.map { Deviation(a: a, c: z, b: bPoint, bend: $0, normalization: normalization) },
                rounds: rounds, roundMax: roundMax, bendIterations: iterations,
                gradientEvaluations: gradient, forwardEvaluations: forward, seconds: Date().timeIntervalSince(start))
            return (result, Path(vertices: vertices, barrierPoint: bPoint, firstBend: firstBend))
        }
    }

    /// The chain of A and Z on `loss`, whose class must be `c.classIndex`. `batch` 1 optimizes the bends one by
    /// one; larger, a round's bends up to `batch` at a time in one `Bypass.Batch` (`Bypass.optimizeMany`), equal
    /// to the sequential chain up to float32 rounding.
    public static func run(_ c: Config, loss: ClassLoss, from a: Tensor, to z: Tensor,
                           normalization: Normalization? = nil, batch: Int = 1) throws -> (Result, Path) {
        let chain = Progress(c, loss: loss, from: a, to: z, normalization: normalization)
        while !chain.isFinished {
            if batch > 1 && chain.jobs.count > 1 {
                chain.complete(try Bypass.optimizeMany(chain.jobs, loss: loss, c.bypass, batch: batch))
            } else {
                chain.complete(try chain.jobs.map { job in
                    try Bypass.optimize(loss, from: job.p, to: job.q, start: job.start, c.bypass)
                })
            }
        }
        return chain.result()
    }

    /// The chain on the cross-entropy of `model` for class `c.classIndex`.
    public static func run(_ c: Config, model: Module, from a: Tensor, to z: Tensor,
                           normalization: Normalization? = nil, batch: Int = 1) throws -> (Result, Path) {
        try run(c, loss: ClassLoss(model: model, classIndex: c.classIndex), from: a, to: z, normalization: normalization, batch: batch)
    }
}
