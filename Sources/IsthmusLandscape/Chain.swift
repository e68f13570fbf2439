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

    static func norm(_ x: Tensor) -> Double {
        var s = 0.0
        for i in 0..<x.count { s += Double(x[flat: i]) * Double(x[flat: i]) }
        return s.squareRoot()
    }

    /// Distance of p from the segment a->c.
    static func distanceFromSegment(_ p: Tensor, _ a: Tensor, _ c: Tensor) -> Double {
        var vv = 0.0, pv = 0.0
        for i in 0..<a.count {
            let v = Double(c[flat: i] - a[flat: i])
            vv += v * v; pv += Double(p[flat: i] - a[flat: i]) * v
        }
        let t = vv > 0 ? max(0, min(1, pv / vv)) : 0
        var d = 0.0
        for i in 0..<a.count {
            let q = Double(a[flat: i]) + t * Double(c[flat: i] - a[flat: i])
            d += (Double(p[flat: i]) - q) * (Double(p[flat: i]) - q)
        }
        return d.squareRoot()
    }

    public static func run(_ c: Config, model: Module, from a: Tensor, to z: Tensor,
                           normalization: Normalization? = nil) throws -> (Result, Path) {
        let start = Date()
        let loss = ClassLoss(model: model, classIndex: c.classIndex)
        var forward = 0, gradient = 0
        func curve(_ p: Tensor, _ q: Tensor, _ n: Int) -> (alphas: [Double], losses: [Float]) {
            let al = Interpolation.alphas(n)
            forward += n
            return (al, loss.losses(Interpolation.points(from: p, to: q, alphas: al), batch: c.batch))
        }
        let primary = curve(a, z, c.primarySteps)
        let barrier = Barrier(losses: primary.losses, alphas: primary.alphas)
        let lossA = Double(primary.losses.first!), lossC = Double(primary.losses.last!)
        let top = max(lossA, lossC)
        let bPoint = Interpolation.points(from: a, to: z, alphas: [barrier.alpha])

        var vertices = [a, z]
        var segments = [curve(a, z, c.pointsPerSegment)]
        var rounds: [Round] = [], roundMax: [Double] = [], iterations: [Int] = []
        var firstBend: Tensor?
        for r in 1...max(c.rounds, 1) where c.rounds > 0 {
            var newVertices = [vertices[0]], newSegments: [(alphas: [Double], losses: [Float])] = []
            var added = 0
            for (i, seg) in segments.enumerated() {
                let p = vertices[i], q = vertices[i + 1]
                guard c.bending == .always || Double(seg.losses.max()!) > top + c.tolerance else {
                    newVertices.append(q); newSegments.append(seg)
                    continue
                }
                // The barrier point: on the primary segment in round 1 its N-point argmax, else the segment's.
                let b = r == 1 && segments.count == 1 ? bPoint
                    : Interpolation.points(from: p, to: q, alphas: [Barrier(losses: seg.losses, alphas: seg.alphas).alpha])
                let out = try Bypass.optimize(loss, from: p, to: q, start: b, c.bypass)
                gradient += max(out.trace.count, 1)
                iterations.append(out.iterations)
                if firstBend == nil { firstBend = out.bend }
                newVertices += [out.bend, q]
                newSegments += [curve(p, out.bend, c.pointsPerSegment), curve(out.bend, q, c.pointsPerSegment)]
                added += 1
            }
            if added == 0 { break }
            vertices = newVertices
            segments = newSegments
            let pathMax = Double(segments.map { $0.losses.max()! }.max()!)
            let dense = flatten(segments)
            rounds.append(Round(round: r, bendsAdded: added, pathMax: pathMax, pathGap: pathMax - top,
                                positions: dense.positions, losses: dense.losses))
            roundMax.append(pathMax)
        }

        let (positions, pathLosses) = flatten(segments)
        let finalMax = Double(pathLosses.max()!)
        let primaryGap = barrier.gap, finalGap = finalMax - top
        var length = 0.0
        for i in 0..<(vertices.count - 1) { length += norm(vertices[i + 1] - vertices[i]) }
        let span = norm(z - a)
        let maxDist = vertices.dropFirst().dropLast().map { distanceFromSegment($0, a, z) }.max() ?? 0
        let result = Result(
            config: c, lossA: lossA, lossC: lossC, primaryLosses: primary.losses, primaryBarrier: barrier,
            primaryMax: barrier.max, primaryGap: primaryGap, pathLosses: pathLosses, pathPositions: positions,
            finalMax: finalMax, finalGap: finalGap,
            connected: Dictionary(uniqueKeysWithValues: c.epsilons.map { (key($0), finalMax <= top + $0) }),
            connectedRelative: Dictionary(uniqueKeysWithValues: c.epsilons.map { (key($0), finalGap <= $0 * max(primaryGap, 0)) }),
            pathLengthRatio: span > 0 ? length / span : 1, maxDistanceFromSegment: span > 0 ? maxDist / span : 0,
            deviation: firstBend.map { Deviation(a: a, c: z, b: bPoint, bend: $0, normalization: normalization) },
            rounds: rounds, roundMax: roundMax, bendIterations: iterations,
            gradientEvaluations: gradient, forwardEvaluations: forward, seconds: Date().timeIntervalSince(start))
        return (result, Path(vertices: vertices, barrierPoint: bPoint, firstBend: firstBend))
    }
}
