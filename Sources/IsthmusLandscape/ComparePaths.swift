// compare-paths: every path method (bypass, chain, polychain, Bezier, NEB) on the same seeded within-class pairs
// (beyond the paper, which runs only its bypass).
import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

extension PathMethod {
    /// The method's colour in figures.
    public var color: String {
        switch self {
        case .bypass: return "#1f77b4"
        case .chain: return "#ff7f0e"
        case .polychain: return "#2ca02c"
        case .bezier: return "#d62728"
        case .neb: return "#9467bd"
        }
    }
}

/// compare-paths: every method on the same seeded within-class pairs.
public enum ComparePaths {
    /// Pairs whose bypass and chain bends share one batch by default: 1, so that resumed and sharded runs give rows
    /// bit-identical to an uninterrupted one (a batch's composition depends on which pairs are left to run).
    public static let defaultBatch = 1

    public struct Config: Codable, Equatable, Sendable {
        public var pairs = 100
        public var seed: UInt64 = 0
        public var requireCorrect = true
        public var methods = PathMethod.allCases
        public var paths = PathConfig()
        public init() {}
    }

    /// Runs the pairs `units` owns (resumable): samples `c.pairs` within-class pairs of `data` with `c.seed`, then
    /// for each pair the straight segment and every method. The curve seed of pair i is seed + i * 0x9E3779B97F4A7C15;
    /// dense curves are kept for the first owned pair only (overlay.svg). `batch` 1 runs the pairs one by one;
    /// larger, the bypass and chain methods of `batch` pairs at a time optimize their bends together in one batch
    /// of `batch` slots (`Chain.runMany`; equal to one by one up to float32 rounding; their `seconds` are then the
    /// wall time of the shared batch), the other methods pair by pair.
    public static func run(_ c: Config, model: Module, data: some ImageSource, batch: Int = defaultBatch, units: UnitRun) throws -> [Unit] {
        let pairs = try Connectivity.samplePairs(data, model: model, count: c.pairs, seed: c.seed, requireCorrect: c.requireCorrect)
        let mine = units.owned(pairs.count)
        typealias Ends = (pair: Connectivity.Pair, a: Tensor, z: Tensor)
        func ends(_ i: Int) throws -> Ends { let (p, a, z, _) = try Connectivity.endpoints(pairs[i], data: data); return (p, a, z) }
        func pathConfig(_ i: Int, _ p: Connectivity.Pair) -> PathConfig {
            var config = c.paths
            config.classIndex = p.classIndex
            config.curve.seed = c.seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15
            return config
        }
        /// Pair i: the straight segment and every method, those in `done` already computed.
        func measure(_ i: Int, _ e: Ends, done: [PathMethod: PathResult] = [:]) throws -> Unit {
            let (p, a, z) = e
            let config = pathConfig(i, p)
            let straight = Interpolation.run(Interpolation.Config(steps: config.chain.primarySteps, classIndex: p.classIndex,
                                                                  batch: config.batch), model: model, from: a, to: z)
            let keepCurves = i == mine.first
            var results: [PathResult] = []
            for method in c.methods {
                var r = try done[method] ?? Paths.connect(method, config, model: model, from: a, to: z, normalization: data.normalization).result
                if !keepCurves { r.positions = []; r.losses = [] }
                results.append(r)
            }
            return Unit(pair: i, classIndex: p.classIndex, indexA: p.indexA, indexC: p.indexC, straightMax: straight.barrier.max,
                        straightGap: straight.barrier.gap, straightLosses: keepCurves ? straight.losses : nil, results: results)
        }
        let chained = c.methods.filter { $0 == .bypass || $0 == .chain }
        guard batch > 1, !chained.isEmpty else { return try units.each(mine) { i in try measure(i, try ends(i)) } }
        return try units.run(mine) { todo, done in
            var start = 0
            while start < todo.count {
                let chunk = Array(todo[start..<min(todo.count, start + batch)])
                let e = try chunk.map(ends)
                // Every chained method of every pair of the chunk: one chain each, their bends in one batch.
                let jobs = chunk.indices.flatMap { k in chained.map { (k, $0) } }
                var results = [[PathMethod: PathResult]](repeating: [:], count: chunk.count)
                try Chain.runMany(count: jobs.count, batch: batch, model: model, bypass: c.paths.chain.bypass, start: { j in
                    let (k, method) = jobs[j], config = pathConfig(chunk[k], e[k].pair)
                    return Chain.Progress(Paths.chainConfig(method, config, classIndex: e[k].pair.classIndex),
                                          loss: ClassLoss(model: model, classIndex: e[k].pair.classIndex, batch: config.batch),
                                          from: e[k].a, to: e[k].z, normalization: data.normalization)
                }, finished: { j, chain in
                    let (k, method) = jobs[j]
                    results[k][method] = PathResult(method: method, chain: chain.result().0, epsilons: c.paths.epsilons)
                })
                for (k, i) in chunk.enumerated() { try done(i, try measure(i, e[k], done: results[k])) }
                start += batch
            }
        }
    }

    /// One unit of the log: a pair and the result of each method (dense curves kept for the shard's first pair only).
    public struct Unit: Codable {
        public var pair: Int
        public var classIndex: Int
        public var indexA: Int
        public var indexC: Int
        public var straightMax: Double
        public var straightGap: Double
        public var straightLosses: [Float]?
        public var results: [PathResult]
    }

    public struct MethodSummary: Codable {
        public var pairs: Int
        /// Fraction of pairs connected at eps = 0.05.
        public var connectedFraction: Double
        public var connectedFractions: [String: Double]
        public var medianMax: Double
        public var medianGap: Double
        /// Median of gradient + forward/3 evaluations.
        public var medianEvaluations: Double
        public var medianGradientEvaluations: Double
        public var medianForwardEvaluations: Double
        public var medianPathLengthRatio: Double
        public var medianMaxDistanceFromSegment: Double
        public var meanSeconds: Double
        public var max: IsthmusReport.Summary
        public var gap: IsthmusReport.Summary
    }

    public struct StraightSummary: Codable {
        public var pairs: Int
        public var medianMax: Double
        public var medianGap: Double
        public var connectedFraction: Double
    }

    public struct File: Codable {
        public var config: Config
        public var straight: StraightSummary
        public var summary: [String: MethodSummary]
    }

    public static func summarize(_ units: [Unit], methods: [PathMethod], epsilons: [Double]) -> [String: MethodSummary] {
        var out: [String: MethodSummary] = [:]
        for m in methods {
            let rs = units.compactMap { $0.results.first { $0.method == m } }
            let n = Double(Swift.max(rs.count, 1))
            func frac(_ e: Double) -> Double { Double(rs.filter { $0.connected[String(format: "%g", e)] == true }.count) / n }
            out[m.rawValue] = MethodSummary(
                pairs: rs.count, connectedFraction: frac(0.05),
                connectedFractions: Dictionary(uniqueKeysWithValues: epsilons.map { (String(format: "%g", $0), frac($0)) }),
                medianMax: Stats.median(rs.map(\.max)), medianGap: Stats.median(rs.map(\.gap)),
                medianEvaluations: Stats.median(rs.map(\.evaluations)),
                medianGradientEvaluations: Stats.median(rs.map { Double($0.gradientEvaluations) }),
                medianForwardEvaluations: Stats.median(rs.map { Double($0.forwardEvaluations) }),
                medianPathLengthRatio: Stats.median(rs.map(\.pathLengthRatio)),
                medianMaxDistanceFromSegment: Stats.median(rs.map(\.maxDistanceFromSegment)),
                meanSeconds: Stats.mean(rs.map(\.seconds)),
                max: IsthmusReport.Summary(rs.map(\.max)), gap: IsthmusReport.Summary(rs.map(\.gap)))
        }
        return out
    }

    /// pairs.csv, result.json and overlay.svg from the finished units.
    @discardableResult
    public static func write(_ c: Config, units: [Unit], to dir: RunDirectory) throws -> File {
        let eps = c.paths.epsilons
        var csv = CSVWriter(header: ["pair", "class", "indexA", "indexC", "method", "lossA", "lossC", "straightMax", "straightGap",
                                     "max", "gap", "pathLengthRatio", "maxDistanceFromSegment", "gradientEvaluations",
                                     "forwardEvaluations", "evaluations", "iterations", "seconds"]
                             + eps.map { "connected@" + String(format: "%g", $0) })
        for u in units {
            for r in u.results {
                csv.addRow([.int(u.pair), .int(u.classIndex), .int(u.indexA), .int(u.indexC), .string(r.method.rawValue),
                            .double(r.lossA), .double(r.lossC), .double(u.straightMax), .double(u.straightGap), .double(r.max),
                            .double(r.gap), .double(r.pathLengthRatio), .double(r.maxDistanceFromSegment), .int(r.gradientEvaluations),
                            .int(r.forwardEvaluations), .double(r.evaluations), .int(r.iterations), .double(r.seconds)]
                           + eps.map { .int(r.connected[String(format: "%g", $0)] == true ? 1 : 0) })
            }
        }
        try csv.write(to: dir.url("pairs.csv"))
        let top = units.map { Swift.max($0.results.first?.lossA ?? 0, $0.results.first?.lossC ?? 0) }
        let straight = StraightSummary(
            pairs: units.count, medianMax: Stats.median(units.map(\.straightMax)), medianGap: Stats.median(units.map(\.straightGap)),
            connectedFraction: Double(zip(units, top).filter { $0.straightMax <= $1 + 0.05 }.count) / Double(Swift.max(units.count, 1)))
        let file = File(config: c, straight: straight, summary: summarize(units, methods: c.methods, epsilons: eps))
        try dir.writeJSON(file, "result.json")
        try figures(units, to: dir)
        return file
    }

    /// overlay.svg: the loss curves of every method on the first pair whose curves were kept.
    public static func figures(_ units: [Unit], to dir: RunDirectory) throws {
        if let first = units.first(where: { $0.straightLosses != nil }) {
            var series: [Series] = []
            if let s = first.straightLosses {
                series.append(Series(x: Interpolation.alphas(s.count), y: s.map(Double.init), label: "straight", color: "#888888", dash: "4 3"))
            }
            for r in first.results where !r.losses.isEmpty {
                series.append(Series(x: r.positions, y: r.losses.map(Double.init), label: r.method.rawValue, color: r.method.color))
            }
            var plot = SVGPlot.line(series, title: "Pair \(first.pair) (class \(first.classIndex), test images \(first.indexA) and \(first.indexC))",
                                    xLabel: "position along the path", yLabel: "cross-entropy")
            if let r = first.results.first { plot.horizontalLines = [ReferenceLine(Swift.max(r.lossA, r.lossC), label: "max(L(A), L(C))")] }
            try plot.write(to: dir.url("overlay.svg"))
        }
    }

    /// Redraws the figures of a finished run from its unit log.
    public static func figures(from dir: RunDirectory) throws {
        try figures(try UnitRun.rows(Unit.self, in: dir), to: dir)
    }
}


extension ComparePaths {
    /// The console summary: the straight segments, then one line per method.
    public static func summary(_ f: File, methods: [PathMethod]) -> String {
        var lines = [String(format: "%d pairs; straight: median max %.4f, gap %.4f, connected at 0.05 %.1f%%", f.straight.pairs,
                            f.straight.medianMax, f.straight.medianGap, 100 * f.straight.connectedFraction),
                     "method      connected@0.05  median max  median gap  median evaluations  mean s"]
        for method in methods {
            guard let s = f.summary[method.rawValue] else { continue }
            lines.append(method.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                         + String(format: "%13.1f%%  %10.4f  %10.4f  %18.0f  %6.2f", 100 * s.connectedFraction, s.medianMax, s.medianGap,
                                  s.medianEvaluations, s.meanSeconds))
        }
        return lines.joined(separator: "\n")
    }
}
