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
        var s = PercolationRun.Settings()
        let scan = try args.string("--scan").map { text -> [Int] in
            let d = text.split(separator: ",").compactMap { Int($0) }
            guard !d.isEmpty, d.allSatisfy({ $0 >= 1 && $0 <= 12 }) else { throw CLIError("--scan expects dimensions 1..12, got '\(text)'") }
            return d
        }
        let modes: [PercolationRun.Mode?] = [args.flag("--threshold") ? .threshold : nil, scan.map { .scan($0) },
                                             args.flag("--paper-model") ? .paperModel : nil, args.flag("--correlated") ? .correlated : nil,
                                             args.flag("--validate") ? .validate : nil]
        let chosen = modes.compactMap { $0 }
        if chosen.count > 1 { throw CLIError("choose one of --threshold, --scan, --paper-model, --correlated, --validate") }
        s.mode = chosen.first ?? .curves
        s.graph = GraphFamily(rawValue: try args.required("--graph"))!
        s.kind = PercolationKind(rawValue: try args.required("--kind"))!
        s.boundary = Boundary(rawValue: try args.required("--boundary"))!
        (s.dim, s.size, s.trials, s.points, s.classes) = (try args.int("--dim"), try args.int("--size"), try args.int("--trials"),
                                                         try args.int("--points"), try args.int("--classes"))
        s.pValues = args.has("--p") ? try args.doubleList("--p") : nil
        s.seed = try args.seed()
        s.budget = try args.optionalDouble("--budget")
        let quiet = args.flag("--quiet")
        let out = try OutputArguments.parse(&args)
        try args.finish()
        try PercolationRun.check(s)
        try out.check()
        let summary = try PercolationRun.run(s, quiet: quiet, write: out.write)
        let curvesOnly = (s.mode == .curves || s.mode == .threshold) && !summary.hasPrefix("p_c")
        print(curvesOnly ? "wrote \(summary) to \(out.path)" : summary)
    }
}
