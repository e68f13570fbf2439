import Foundation
import IsthmusCore
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

/// Options of the optimized paths (polychain, Bezier, NEB) and of the method choice.
enum PathArguments {
    static let help = """
      --curve-bends K       free controls of polychain/bezier (default 1: Garipov's 3-bend chain A->B->C,
                            the quadratic Bezier curve); they start on the segment, the middle one at its midpoint
      --curve-iterations N  Adam steps on the controls (default 500)
      --curve-lr LR         (default 0.01)
      --t-batch B           values t ~ U(0,1) per step (default 4)
      --curve-weight-decay WD  Adam weight decay on the controls (default 0)
      --eval-points N       points t = linspace(0,1,N) on the final polychain/bezier curve (default 61)
      --neb-images M        images of the first NEB cycle, endpoints included (default 5)
      --neb-cycles C        AutoNEB cycles (default 4)
      --neb-steps N         optimizer steps per cycle (default 100)
      --neb-optimizer O     adam | sgd (default adam)
      --neb-lr LR           (default 0.01)
      --neb-momentum M      momentum of sgd (default 0.9)
      --spring K            spring constant (default: none, images re-spaced to equal arc length after each step)
      --no-climb            no climbing image (default: climbing image from the second cycle on)
      --neb-insert N        images inserted per cycle where the dense loss is highest (default 2)
      --neb-max-images M    (default 17)
      --force-tolerance F   a cycle stops once max_i |F_i| < F (default 1e-3)
      --subsample S         points inside each band segment for the dense loss (default 9)
      --batch B             inputs per forward pass when evaluating curves (default 64)
    """

    /// Parses the curve and band options into `c` (chain settings are set separately).
    static func parse(_ args: inout Arguments, into c: inout PathConfig) throws {
        c.curve.bends = try args.int("--curve-bends", default: 1, min: 1, max: 64)
        c.curve.iterations = try args.int("--curve-iterations", default: 500, min: 0, max: 10_000_000)
        c.curve.lr = try args.double("--curve-lr", default: 0.01, min: 0)
        c.curve.tBatch = try args.int("--t-batch", default: 4, min: 1, max: 4096)
        c.curve.weightDecay = try args.double("--curve-weight-decay", default: 0, min: 0)
        c.evalPoints = try args.int("--eval-points", default: 61, min: 2, max: 1_000_000)
        var n = ElasticBand.Config()
        n.images = try args.int("--neb-images", default: 5, min: 3, max: 1000)
        n.cycles = try args.int("--neb-cycles", default: 4, min: 1, max: 1000)
        n.stepsPerCycle = try args.int("--neb-steps", default: 100, min: 1, max: 10_000_000)
        n.optimizer = ElasticBand.Optimizer(rawValue: try args.choice("--neb-optimizer", ElasticBand.Optimizer.allCases.map(\.rawValue),
                                                                      default: "adam"))!
        n.lr = try args.double("--neb-lr", default: 0.01, min: 0)
        n.momentum = try args.double("--neb-momentum", default: 0.9, min: 0, max: 1)
        if args.has("--spring") { n.spring = try args.double("--spring", min: 0) }
        n.climbing = !args.flag("--no-climb")
        n.insertPerCycle = try args.int("--neb-insert", default: 2, min: 0, max: 1000)
        n.maxImages = try args.int("--neb-max-images", default: 17, min: 3, max: 10_000)
        n.forceTolerance = try args.double("--force-tolerance", default: 1e-3, min: 0)
        n.subsample = try args.int("--subsample", default: 9, min: 0, max: 10_000)
        if n.maxImages < n.images { throw CLIError("--neb-max-images (\(n.maxImages)) is below --neb-images (\(n.images))") }
        c.neb = n
        c.batch = try args.int("--batch", default: 64, min: 1, max: 65_536)
    }
}

/// result.json of `connect`: the common path result, plus the straight segment's barrier.
struct ConnectFile: Encodable {
    let result: PathResult
    let straight: Barrier
    enum K: String, CodingKey { case straight }
    func encode(to encoder: Encoder) throws {
        try result.encode(to: encoder)
        var c = encoder.container(keyedBy: K.self)
        try c.encode(straight, forKey: .straight)
    }
}

let methodColors: [PathMethod: String] = [.bypass: "#1f77b4", .chain: "#ff7f0e", .polychain: "#2ca02c", .bezier: "#d62728", .neb: "#9467bd"]

struct ConnectCommand: Command {
    static let name = "connect", summary = "a low-loss path A->C by bypass, chain, polychain, Bezier curve or NEB"
    static var help: String { """
    usage: isthmus connect --method M --model NAME (--weights FILE | --untrained) --class K (endpoints) --out DIR [options]
      --method M            \(PathMethod.allCases.map(\.rawValue).joined(separator: " | "))
    \(ModelArguments.help)
    \(PairArguments.help)
      --class K             the class y of L_y
    bypass and chain (the paper's bypass; --rounds applies to chain, default 2; --steps is also the straight
    segment shown in curve.svg):
    \(ChainArguments.help(rounds: Chain.Config().rounds))
    polychain, bezier (Garipov et al. 2018) and neb (AutoNEB, Draxler et al. 2018):
    \(PathArguments.help)
    \(OutputArguments.help)
    writes result.json (method, positions, losses, lossA, lossC, max, gap, connected, pathLengthRatio,
    maxDistanceFromSegment, gradientEvaluations, forwardEvaluations, evaluations = gradient + forward/3,
    iterations, seconds, straight {max, gap, ...}), curve.svg, curve.csv, path.npy (bends/controls/images, A and C
    included), trace.csv (optimization trace)
    """ }

    /// The path configuration shared by connect and compare-paths; `--rounds` sets the chain's rounds.
    static func parseConfig(_ args: inout Arguments, seed: UInt64) throws -> PathConfig {
        var c = PathConfig()
        let hadRounds = args.has("--rounds")
        c.chain = try ChainArguments.parse(&args)
        c.chainRounds = hadRounds ? c.chain.rounds : 2
        if c.chainRounds < 1 { throw CLIError("--rounds must be >= 1 for the chain method") }
        try PathArguments.parse(&args, into: &c)
        c.curve.seed = seed
        return c
    }

    static func run(_ args: inout Arguments) throws {
        let name = try args.required("--method")
        guard let method = PathMethod(rawValue: name) else {
            throw CLIError("--method must be one of \(PathMethod.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'")
        }
        if method == .bypass && args.has("--rounds") { throw CLIError("--rounds applies to --method chain (bypass is one round)") }
        let m = try ModelArguments.parse(&args)
        let pair = try PairArguments.parse(&args)
        let (model, info) = try m.load()
        var config = try parseConfig(&args, seed: m.seed)
        config.classIndex = try classIndex(&args, info: info)
        let out = try OutputArguments.parse(&args)
        try args.finish()
        try out.check()
        let (a, c) = try pair.load(info: info)
        let straight = Interpolation.run(Interpolation.Config(steps: config.chain.primarySteps, classIndex: config.classIndex,
                                                              batch: config.batch), model: model, from: a, to: c)
        let beat = Heartbeat("connect --method \(method.rawValue)", detail: "one path A->C")
        let outcome = try Paths.connect(method, config, model: model, from: a, to: c, normalization: info.normalization)
        beat.stop()
        let r = outcome.result
        try out.write { dir in
            try writeConfig(dir, seed: m.seed, model: m, ConnectConfig(method: method, paths: config))
            try dir.writeJSON(ConnectFile(result: r, straight: straight.barrier), "result.json")
            var csv = CSVWriter(header: ["position", "loss"])
            for (t, l) in zip(r.positions, r.losses) { csv.addRow([.double(t), .double(Double(l))]) }
            try csv.write(to: dir.url("curve.csv"))
            var trace = CSVWriter(header: ["step", "loss"])
            for (i, l) in outcome.trace.enumerated() { trace.addRow([.int(i + 1), .double(Double(l))]) }
            try trace.write(to: dir.url("trace.csv"))
            var plot = SVGPlot.line([
                Series(x: straight.alphas, y: straight.losses.map(Double.init), label: "straight A->C", color: "#888888", dash: "4 3"),
                Series(x: r.positions, y: r.losses.map(Double.init), label: method.rawValue, color: methodColors[method]),
            ], title: "Class \(config.classIndex): straight segment vs \(method.rawValue)", xLabel: "position along the path",
               yLabel: "cross-entropy")
            plot.horizontalLines = [ReferenceLine(max(r.lossA, r.lossC), label: "max(L(A), L(C))")]
            try plot.write(to: dir.url("curve.svg"))
            try concat(outcome.vertices, axis: 0).writeNpy(dir.url("path.npy").path)
        }
        print(String(format: "%@: straight max %.4f (gap %.4f) -> path max %.4f (gap %.4f), connected at 0.05: %@; length %.3f, distance %.3f; %d gradient + %d forward evaluations, %.1f s",
                     method.rawValue, straight.barrier.max, straight.barrier.gap, r.max, r.gap, r.connected["0.05"] == true ? "yes" : "no",
                     r.pathLengthRatio, r.maxDistanceFromSegment, r.gradientEvaluations, r.forwardEvaluations, r.seconds))
    }
}

struct ConnectConfig: Codable, Equatable {
    var method: PathMethod
    var paths: PathConfig
}

/// compare-paths: every method on the same seeded within-class pairs.
enum ComparePaths {
    struct Config: Codable, Equatable {
        var pairs = 100
        var seed: UInt64 = 0
        var requireCorrect = true
        var methods = PathMethod.allCases
        var paths = PathConfig()
    }

    /// One unit of the log: a pair and the result of each method (dense curves kept for the shard's first pair only).
    struct Unit: Codable {
        var pair: Int
        var classIndex: Int
        var indexA: Int
        var indexC: Int
        var straightMax: Double
        var straightGap: Double
        var straightLosses: [Float]?
        var results: [PathResult]
    }

    struct MethodSummary: Codable {
        var pairs: Int
        /// Fraction of pairs connected at eps = 0.05.
        var connectedFraction: Double
        var connectedFractions: [String: Double]
        var medianMax: Double
        var medianGap: Double
        /// Median of gradient + forward/3 evaluations.
        var medianEvaluations: Double
        var medianGradientEvaluations: Double
        var medianForwardEvaluations: Double
        var medianPathLengthRatio: Double
        var medianMaxDistanceFromSegment: Double
        var meanSeconds: Double
        var max: IsthmusReport.Summary
        var gap: IsthmusReport.Summary
    }

    struct StraightSummary: Codable {
        var pairs: Int
        var medianMax: Double
        var medianGap: Double
        var connectedFraction: Double
    }

    struct File: Codable {
        var config: Config
        var straight: StraightSummary
        var summary: [String: MethodSummary]
    }

    static func summarize(_ units: [Unit], methods: [PathMethod], epsilons: [Double]) -> [String: MethodSummary] {
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
    static func write(_ dir: RunDirectory, config c: Config, units: [Unit]) throws -> File {
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
        if let first = units.first(where: { $0.straightLosses != nil }) {
            var series: [Series] = []
            if let s = first.straightLosses {
                series.append(Series(x: Interpolation.alphas(s.count), y: s.map(Double.init), label: "straight", color: "#888888", dash: "4 3"))
            }
            for r in first.results where !r.losses.isEmpty {
                series.append(Series(x: r.positions, y: r.losses.map(Double.init), label: r.method.rawValue, color: methodColors[r.method]))
            }
            var plot = SVGPlot.line(series, title: "Pair \(first.pair) (class \(first.classIndex), test images \(first.indexA) and \(first.indexC))",
                                    xLabel: "position along the path", yLabel: "cross-entropy")
            if let r = first.results.first { plot.horizontalLines = [ReferenceLine(Swift.max(r.lossA, r.lossC), label: "max(L(A), L(C))")] }
            try plot.write(to: dir.url("overlay.svg"))
        }
        return file
    }
}

struct ComparePathsCommand: Command {
    static let name = "compare-paths", summary = "every path method on the same seeded within-class test pairs"
    static var help: String { """
    usage: isthmus compare-paths --model NAME --weights FILE --data SPEC --pairs N --out DIR [options]
    \(ModelArguments.help)
      --data SPEC           \(DataSource.names.joined(separator: " | ")) (default mnist5k)
      --pairs N             within-class test pairs (default 100)
      --methods LIST        comma-separated subset of \(PathMethod.allCases.map(\.rawValue).joined(separator: ",")) (default: all)
      --all-images          also use misclassified test images (default: only correctly classified ones)
      --shard I/N           run pairs with index = I mod N only (give each shard its own --out)
    \(ImageDataOptions.help)
    bypass and chain (the paper's bypass; --rounds applies to chain, default 2; --steps is also the straight
    segment of each pair):
    \(ChainArguments.help(rounds: Chain.Config().rounds))
    polychain, bezier (Garipov et al. 2018) and neb (AutoNEB, Draxler et al. 2018):
    \(PathArguments.help)
      --quiet               no progress on stderr
      --out DIR             run folder; --resume continues an interrupted run, --force starts over
    writes pairs.csv (one row per pair and method), result.json {config, straight, summary {METHOD {pairs,
    connectedFraction (eps 0.05), connectedFractions, medianMax, medianGap, medianEvaluations, ...}}}, overlay.svg
    (the loss curves of every method on the first pair), pairs.jsonl (the resumable log)
    """ }

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let dataSpec = try args.string("--data", default: "mnist5k")
        var c = ComparePaths.Config()
        c.pairs = try args.int("--pairs", default: 100, min: 1, max: 1_000_000)
        if let list = try args.string("--methods") {
            let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let methods = names.compactMap(PathMethod.init(rawValue:))
            guard !names.isEmpty, methods.count == names.count, Set(methods).count == methods.count else {
                throw CLIError("--methods expects distinct names from \(PathMethod.allCases.map(\.rawValue).joined(separator: ",")), got '\(list)'")
            }
            c.methods = methods
        }
        c.requireCorrect = !args.flag("--all-images")
        c.seed = m.seed
        c.paths = try ConnectCommand.parseConfig(&args, seed: m.seed)
        let run = try ManyPairRun.open(&args, model: m, data: dataSpec, config: c)
        let (model, test) = (run.model, run.test)
        let pairs = try Connectivity.samplePairs(test, model: model, count: c.pairs, seed: c.seed, requireCorrect: c.requireCorrect)
        let mine = run.owned(pairs.count)
        let units = try runUnits(run.dir, indices: mine, quiet: run.quiet) { i -> ComparePaths.Unit in
            let (p, a, z, _) = try Connectivity.endpoints(pairs[i], data: test)
            var config = c.paths
            config.classIndex = p.classIndex
            config.curve.seed = c.seed &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15
            let straight = Interpolation.run(Interpolation.Config(steps: config.chain.primarySteps, classIndex: p.classIndex,
                                                                  batch: config.batch), model: model, from: a, to: z)
            let keepCurves = i == mine.first
            var results: [PathResult] = []
            for method in c.methods {
                var r = try Paths.connect(method, config, model: model, from: a, to: z, normalization: test.normalization).result
                if !keepCurves { r.positions = []; r.losses = [] }
                results.append(r)
            }
            return ComparePaths.Unit(pair: i, classIndex: p.classIndex, indexA: p.indexA, indexC: p.indexC, straightMax: straight.barrier.max,
                                     straightGap: straight.barrier.gap, straightLosses: keepCurves ? straight.losses : nil, results: results)
        }
        let file = try ComparePaths.write(run.dir, config: c, units: units)
        print(String(format: "%d pairs; straight: median max %.4f, gap %.4f, connected at 0.05 %.1f%%", file.straight.pairs,
                     file.straight.medianMax, file.straight.medianGap, 100 * file.straight.connectedFraction))
        print("method      connected@0.05  median max  median gap  median evaluations  mean s")
        for method in c.methods {
            guard let s = file.summary[method.rawValue] else { continue }
            print(method.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                  + String(format: "%13.1f%%  %10.4f  %10.4f  %18.0f  %6.2f", 100 * s.connectedFraction, s.medianMax, s.medianGap,
                           s.medianEvaluations, s.meanSeconds))
        }
    }
}
