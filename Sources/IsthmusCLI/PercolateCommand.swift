import Foundation
import IsthmusPercolation
import IsthmusReport

struct PercolateCommand: Command {
    static let name = "percolate", summary = "percolation on Z^d, {0,1}^n and [k]^n: the geometry behind Sec 5"
    static let usage = "usage: isthmus percolate [mode] [options] --out DIR"
    static var options: OptionTable { OptionTable([
        Option.flag("--threshold", "estimate p_c with an error bar (crossing of wrapping/spanning curves at L/2 and L)")
            .under("modes (default: curves of one lattice):"),
        .text("--scan", "D1,D2,...", "p_c(d) for several dimensions against 1/(2d) and the asymptotic expansion"),
        .flag("--paper-model", "K random classes on ~1e6 cells: P(two class-c cells are connected) as d grows"),
        .flag("--correlated", "labels from a smoothed random field: how correlation moves the threshold"),
        .flag("--validate", "site and bond p_c for d = 2..6 against published values (about a minute)"),
        Option.choice("--graph", "G", GraphFamily.allCases.map(\.rawValue), "hypercubic", "hypercubic | hypercube | hamming").under("options:"),
        .choice("--kind", "K", ["site", "bond"], "site", "site | bond"),
        .int("--dim", "D", 2, 1...24, "dimension"),
        .int("--size", "L", 64, 2...(1 << 24), "box side (hypercubic) or k (hamming)"),
        .choice("--boundary", "B", ["periodic", "open"], "periodic", "periodic | open"),
        .int("--trials", "T", 100, 1...1_000_000, "independent sweeps"),
        .numbers("--p", "P1,P2,...", nil, "report the curves at these p (default: a grid of --points values over [0, 1])"),
        .int("--points", "N", 101, 2...100_000, "grid size"),
        .int("--classes", "K", 10, 2...1000, "classes of the paper model (default {}, p = 1/K)"),
        .seed("(default {})", default: 1),
        .number("--budget", "SECONDS", nil, min: 1, "curves and --threshold: fewer --trials so the run takes about this long (less precision);\n"
                + "a short calibration run of a few trials sets the count"),
        .quiet,
    ], OutputArguments.options) }
    static let notes = "writes result.json (pc and pcError with --threshold), curves.csv, curves.svg (and pc_vs_d.svg for --scan)"

    static func run(_ args: inout Arguments) throws {
        let threshold = args.flag("--threshold"), paper = args.flag("--paper-model")
        let correlated = args.flag("--correlated"), validate = args.flag("--validate")
        let scan = try args.string("--scan").map { s -> [Int] in
            let d = s.split(separator: ",").compactMap { Int($0) }
            guard !d.isEmpty, d.allSatisfy({ $0 >= 1 && $0 <= 12 }) else { throw CLIError("--scan expects dimensions 1..12, got '\(s)'") }
            return d
        }
        if [threshold, paper, correlated, validate, scan != nil].filter({ $0 }).count > 1 {
            throw CLIError("choose one of --threshold, --scan, --paper-model, --correlated, --validate")
        }
        let graph = GraphFamily(rawValue: try args.required("--graph"))!
        let kind = PercolationKind(rawValue: try args.required("--kind"))!
        let dim = try args.int("--dim")
        let size = try args.int("--size")
        let boundary = Boundary(rawValue: try args.required("--boundary"))!
        let trials = try args.int("--trials")
        let ps = args.has("--p") ? try args.doubleList("--p") : nil
        if let ps, !ps.allSatisfy({ $0 >= 0 && $0 <= 1 }) { throw CLIError("--p values must lie in [0, 1]") }
        let points = try args.int("--points")
        let classes = try args.int("--classes")
        let seed = try args.seed()
        let budget = try args.optionalDouble("--budget")
        let quiet = args.flag("--quiet")
        let out = try OutputArguments.parse(&args)
        try args.finish()
        if boundary == .periodic && graph == .hypercubic && size < 3 { throw CLIError("periodic boxes need --size >= 3") }
        let cells = pow(Double(size), Double(dim))
        if graph != .hypercube && cells > 4e8 { throw CLIError("\(size)^\(dim) sites do not fit in memory; lower --size or --dim") }
        try out.check()
        if budget != nil && (validate || scan != nil || paper || correlated) {
            throw CLIError("--budget applies to the curves and --threshold modes")
        }

        if validate {
            let results = PercolationValidation.run(seed: seed)
            try out.write { try PercolationValidation.write(results, to: $0) }
            print(PercolationValidation.markdown(results))
        } else if let dims = scan {
            let r = DimensionScan.run(DimensionScan.Config(kind: kind, dims: dims, trials: trials, seed: seed))
            try out.write { try DimensionScan.write(r, to: $0, title: "\(kind.rawValue) percolation threshold vs dimension") }
            print(DimensionScan.summary(r))
        } else if paper {
            let r = ClassConnectivity.run(ClassConnectivity.Config(classes: classes, adjacency: graph == .hypercube ? .hypercubic : graph,
                                                                   trials: min(trials, 20), seed: seed))
            try out.write { try ClassConnectivity.write(r, to: $0, classes: classes) }
            print(ClassConnectivity.summary(r))
        } else if correlated {
            let r = CorrelatedConnectivity.run(CorrelatedConnectivity.Config(graph: graph, dim: dim, size: size, trials: min(trials, 50), seed: seed))
            try out.write { dir in try dir.writeJSON(r, "result.json") }
            print(CorrelatedConnectivity.summary(r))
        } else {
            var c = PercolationExperiment.Config(graph: graph, kind: kind, dim: dim, size: size, boundary: boundary, trials: trials,
                                                 seed: seed, threshold: threshold, pValues: ps, points: points)
            if let budget {
                let fit = PercolationExperiment.fitTrials(c, budget: budget)
                if !quiet {
                    note(String(format: "percolate: calibration %d trials in %.1f s; --budget %.0f s allows %d of %d trials", fit.probeTrials,
                                fit.probeSeconds, budget, fit.trials, c.trials))
                }
                c.trials = fit.trials
            }
            let r = PercolationExperiment.run(c, quiet: quiet)
            try out.write { try PercolationExperiment.write(r, to: $0) }
            print(r.pc != nil ? PercolationExperiment.summary(r) : "wrote \(PercolationExperiment.summary(r)) to \(out.path)")
        }
    }
}
