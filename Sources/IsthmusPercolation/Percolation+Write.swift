import Foundation
import IsthmusReport

extension DimensionScan {
    /// p_c(d) with a 2-sigma band against 1/(2d), the asymptotic expansion and the literature values (log scale).
    public static func figure(_ r: Result, title: String) -> SVGPlot {
        let d = r.rows.map { Double($0.dim) }
        var plot = SVGPlot.line([Series(x: d, y: r.rows.map(\.pc), label: "p_c (Isthmus)", lower: r.rows.map { $0.pc - 2 * $0.pcError },
                                        upper: r.rows.map { $0.pc + 2 * $0.pcError }, style: .lineAndPoints),
                                 Series(x: d, y: r.rows.map(\.inverse2d), label: "1/(2d)", dash: "5 4"),
                                 Series(x: d, y: r.rows.map(\.asymptotic), label: "asymptotic expansion", dash: "2 3"),
                                 Series(x: d, y: r.rows.map { $0.literature?.pc ?? .nan }, label: "literature", style: .points)],
                                title: title, xLabel: "dimension d", yLabel: "p_c")
        plot.yScale = .log
        return plot
    }

    /// `json` (the result), scan.csv and pc_vs_d.svg.
    public static func write(_ r: Result, to dir: RunDirectory, json: String = "result.json", title: String) throws {
        try dir.writeJSON(r, json)
        try dir.writeText(r.csv, "scan.csv")
        try figure(r, title: title).write(to: dir.url("pc_vs_d.svg"))
    }
}

extension ClassConnectivity {
    /// P(two class-c cells connected) and the largest region's share against the dimension.
    public static func figure(_ r: Result, title: String) -> SVGPlot {
        let d = r.rows.map { Double($0.dim) }
        return SVGPlot.line([Series(x: d, y: r.rows.map(\.connection), label: "P(two class-c cells connected)", style: .lineAndPoints),
                             Series(x: d, y: r.rows.map(\.largestFraction), label: "largest region / class-c cells", style: .lineAndPoints)],
                            title: title, xLabel: "dimension d", yLabel: "probability")
    }

    /// The figure's title for `classes` random classes at p = 1/classes.
    public static func title(classes: Int) -> String {
        "\(classes) random classes (p = \(String(format: "%.3g", 1 / Double(classes))) each): connectivity vs dimension"
    }

    /// `json` (the result), paper_model.csv and paper_model.svg.
    public static func write(_ r: Result, to dir: RunDirectory, json: String = "result.json", classes: Int) throws {
        try dir.writeJSON(r, json)
        try dir.writeText(r.csv, "paper_model.csv")
        try figure(r, title: title(classes: classes)).write(to: dir.url("paper_model.svg"))
    }
}

extension PercolationExperiment {
    /// result.json, curves.csv (the configured size) and curves.svg (pair connectivity and spanning per size, p_c marked).
    public static func write(_ r: Result, to dir: RunDirectory) throws {
        try dir.writeJSON(r, "result.json")
        try dir.writeText(r.curves.last!.csv, "curves.csv")
        let series = r.curves.flatMap { cv in
            [Series(x: cv.p, y: cv.pairConnectivity.mean, label: "P(connected) \(cv.label)"),
             Series(x: cv.p, y: cv.spanning.mean, label: "spanning \(cv.label)", dash: "5 4")]
        }
        let c = r.config
        var plot = SVGPlot.line(series, title: "\(c.kind.rawValue) percolation, \(c.graph.rawValue) d=\(c.dim)", xLabel: "p", yLabel: "probability")
        if let pc = r.pc { plot.verticalLines = [ReferenceLine(pc, label: "p_c")] }
        try plot.write(to: dir.url("curves.svg"))
    }

    /// The trial count that makes `c` take about `budget` seconds, from a calibration run of one trial per core
    /// (at least 2 trials, at most the requested count); also the calibration's trials and seconds.
    public static func fitTrials(_ c: Config, budget: Double) -> (trials: Int, probeTrials: Int, probeSeconds: Double) {
        var probe = c
        probe.trials = min(c.trials, max(2, ProcessInfo.processInfo.activeProcessorCount))
        let start = Date()
        _ = run(probe)
        let seconds = max(Date().timeIntervalSince(start), 1e-3)
        let rate = Double(probe.trials) / seconds
        return (max(2, min(c.trials, Int((budget - seconds) * rate))), probe.trials, seconds)
    }
}

extension PercolationExperiment {
    /// `run` with progress on stderr unless `quiet`, in units of one trial on the smallest box simulated (so that the
    /// ETA weighs the larger box of a threshold estimate fairly).
    public static func run(_ c: Config, quiet: Bool) -> Result {
        let sizes = simulatedVertexCounts(c), unit = max(1, sizes.min() ?? 1)
        let progress = Progress(total: sizes.map { max(1, $0 / unit) }.reduce(0, +) * c.trials,
                                label: c.threshold ? "percolate --threshold (work)" : "percolate (work)", quiet: quiet, interval: 5)
        let r = run(c) { progress.advance(by: max(1, $0 / unit)) }
        progress.finish()
        return r
    }

    /// p_c with its error and method, or the number of curves.
    public static func summary(_ r: Result) -> String {
        if let pc = r.pc { return String(format: "p_c = %.5f +- %.5f (%@)", pc, r.pcError ?? 0, r.threshold?.method.rawValue ?? "") }
        return "curves of \(r.curves.count) size(s)"
    }
}

extension DimensionScan {
    /// One line per dimension: p_c with its error against 1/(2d).
    public static func summary(_ r: Result) -> String {
        r.rows.map { String(format: "d=%d  p_c %.5f +- %.5f   1/(2d) %.4f", $0.dim, $0.pc, $0.pcError, $0.inverse2d) }.joined(separator: "\n")
    }
}

extension ClassConnectivity {
    /// One line per dimension: cells, P(two class-c cells connected), the largest region's share.
    public static func summary(_ r: Result) -> String {
        r.rows.map { String(format: "d=%2d  cells %8d  P(connected) %.4f  largest %.4f", $0.dim, $0.cells, $0.connection, $0.largestFraction) }
            .joined(separator: "\n")
    }
}

extension CorrelatedConnectivity {
    /// One line per smoothing: the class fraction from which a class spans the box.
    public static func summary(_ r: Result) -> String {
        r.thresholds.map { String(format: "smoothing rounds %d: spanning from fraction %.4f +- %.4f", $0.rounds, $0.spanningFraction,
                                  $0.spanningFractionError) }.joined(separator: "\n")
    }
}

extension PercolationValidation {
    /// result.json and validation.md.
    public static func write(_ results: [DimensionScan.Result], to dir: RunDirectory) throws {
        try dir.writeJSON(results, "result.json")
        try dir.writeText(markdown(results), "validation.md")
    }
}

/// The `percolate` experiment: one of its modes with its settings, checked, run, written and summarized.
public enum PercolationRun {
    public enum Mode: Equatable, Sendable {
        /// Curves of one lattice (pair connectivity and spanning against p); `threshold` also estimates p_c.
        case curves, threshold
        /// p_c(d) for these dimensions against 1/(2d) and the asymptotic expansion.
        case scan([Int])
        /// K random classes at p = 1/K: P(two class-c cells connected) as d grows (at most 20 trials).
        case paperModel
        /// Labels from a smoothed random field: how correlation moves the threshold (at most 50 trials).
        case correlated
        /// Site and bond p_c for d = 2..6 against published values.
        case validate
    }

    public struct Settings: Sendable {
        public var mode = Mode.curves
        public var graph = GraphFamily.hypercubic, kind = PercolationKind.site, boundary = Boundary.periodic
        public var dim = 2, size = 64, trials = 100, points = 101, classes = 10
        public var pValues: [Double]?
        public var seed: UInt64 = 1
        /// Curves and threshold: fewer trials so the run takes about this many seconds (`fitTrials`).
        public var budget: Double?
        public init() {}
    }

    /// Refuses settings that cannot run: a periodic box below side 3, more than 4e8 sites, p outside [0, 1], a budget
    /// outside the curves and threshold modes.
    public static func check(_ s: Settings) throws {
        func fail(_ m: String) -> PercolationError { PercolationError(m) }
        if let ps = s.pValues, !ps.allSatisfy({ $0 >= 0 && $0 <= 1 }) { throw fail("--p values must lie in [0, 1]") }
        if s.boundary == .periodic && s.graph == .hypercubic && s.size < 3 { throw fail("periodic boxes need --size >= 3") }
        if s.graph != .hypercube && pow(Double(s.size), Double(s.dim)) > 4e8 {
            throw fail("\(s.size)^\(s.dim) sites do not fit in memory; lower --size or --dim")
        }
        if s.budget != nil && s.mode != .curves && s.mode != .threshold { throw fail("--budget applies to the curves and --threshold modes") }
    }

    /// Runs `s` (progress and the budget's calibration on stderr unless `quiet`), writes its files into the folder
    /// `write` provides (called once, at the end), and returns the summary to print.
    public static func run(_ s: Settings, quiet: Bool, write: ((RunDirectory) throws -> Void) throws -> Void) throws -> String {
        switch s.mode {
        case .validate:
            let results = PercolationValidation.run(seed: s.seed)
            try write { try PercolationValidation.write(results, to: $0) }
            return PercolationValidation.markdown(results)
        case .scan(let dims):
            let r = DimensionScan.run(DimensionScan.Config(kind: s.kind, dims: dims, trials: s.trials, seed: s.seed))
            try write { try DimensionScan.write(r, to: $0, title: "\(s.kind.rawValue) percolation threshold vs dimension") }
            return DimensionScan.summary(r)
        case .paperModel:
            let r = ClassConnectivity.run(ClassConnectivity.Config(classes: s.classes, adjacency: s.graph == .hypercube ? .hypercubic : s.graph,
                                                                   trials: min(s.trials, 20), seed: s.seed))
            try write { try ClassConnectivity.write(r, to: $0, classes: s.classes) }
            return ClassConnectivity.summary(r)
        case .correlated:
            let r = CorrelatedConnectivity.run(CorrelatedConnectivity.Config(graph: s.graph, dim: s.dim, size: s.size, trials: min(s.trials, 50),
                                                                             seed: s.seed))
            try write { try $0.writeJSON(r, "result.json") }
            return CorrelatedConnectivity.summary(r)
        case .curves, .threshold:
            var c = PercolationExperiment.Config(graph: s.graph, kind: s.kind, dim: s.dim, size: s.size, boundary: s.boundary, trials: s.trials,
                                                 seed: s.seed, threshold: s.mode == .threshold, pValues: s.pValues, points: s.points)
            if let budget = s.budget {
                let fit = PercolationExperiment.fitTrials(c, budget: budget)
                if !quiet {
                    FileHandle.standardError.write(Data(String(format: "percolate: calibration %d trials in %.1f s; --budget %.0f s allows %d of %d trials\n",
                                                               fit.probeTrials, fit.probeSeconds, budget, fit.trials, c.trials).utf8))
                }
                c.trials = fit.trials
            }
            let r = PercolationExperiment.run(c, quiet: quiet)
            try write { try PercolationExperiment.write(r, to: $0) }
            return PercolationExperiment.summary(r)
        }
    }
}

/// Percolation settings that cannot run: one line for the user.
public struct PercolationError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ message: String) { description = message }
}
