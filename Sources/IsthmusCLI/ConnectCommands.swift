import Foundation
import IsthmusCore
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

/// Options of the optimized paths (polychain, Bezier, NEB); every default comes from `PathConfig()`.
enum PathArguments {
    static let settings = Settings(PathConfig(), [
        Setting.int("--curve-bends", "K", \.curve.bends, 1...64, "free controls of polychain/bezier (default {}: Garipov's 3-bend chain A->B->C,\n"
                    + "the quadratic Bezier curve); they start on the segment, the middle one at its midpoint")
            .under("polychain, bezier (Garipov et al. 2018) and neb (AutoNEB, Draxler et al. 2018):"),
        .int("--curve-iterations", "N", \.curve.iterations, 0...10_000_000, "Adam steps on the controls"),
        .number("--curve-lr", "LR", \.curve.lr, min: 0, ""),
        .int("--t-batch", "B", \.curve.tBatch, 1...4096, "values t ~ U(0,1) per step"),
        .number("--curve-weight-decay", "WD", \.curve.weightDecay, min: 0, "Adam weight decay on the controls"),
        .int("--eval-points", "N", \.evalPoints, 2...1_000_000, "points t = linspace(0,1,N) on the final polychain/bezier curve"),
        .int("--neb-images", "M", \.neb.images, 3...1000, "images of the first NEB cycle, endpoints included"),
        .int("--neb-cycles", "C", \.neb.cycles, 1...1000, "AutoNEB cycles"),
        .int("--neb-steps", "N", \.neb.stepsPerCycle, 1...10_000_000, "optimizer steps per cycle"),
        .choice("--neb-optimizer", "O", \.neb.optimizer, "adam | sgd"),
        .number("--neb-lr", "LR", \.neb.lr, min: 0, ""),
        .number("--neb-momentum", "M", \.neb.momentum, min: 0, max: 1, "momentum of sgd"),
        .number("--spring", "K", \.neb.spring, min: 0, "spring constant (default: none, images re-spaced to equal arc length after each step)"),
        .flag("--no-climb", \.neb.climbing, sets: false, "no climbing image (default: climbing image from the second cycle on)"),
        .int("--neb-insert", "N", \.neb.insertPerCycle, 0...1000, "images inserted per cycle where the dense loss is highest"),
        .int("--neb-max-images", "M", \.neb.maxImages, 3...10_000, ""),
        .number("--force-tolerance", "F", \.neb.forceTolerance, min: 0, "a cycle stops once max_i |F_i| < F"),
        .int("--subsample", "S", \.neb.subsample, 0...10_000, "points inside each band segment for the dense loss"),
        .int("--batch", "B", \.batch, 1...65_536, "inputs per forward pass when evaluating curves"),
    ])

    /// Parses the curve and band options into `c` (chain settings are set separately).
    static func parse(_ args: inout Arguments, into c: inout PathConfig) throws {
        try settings.parse(&args, into: &c)
        if c.neb.maxImages < c.neb.images { throw CLIError("--neb-max-images (\(c.neb.maxImages)) is below --neb-images (\(c.neb.images))") }
    }
}

struct ConnectCommand: Command {
    static let name = "connect", summary = "a low-loss path A->C by bypass, chain, polychain, Bezier curve or NEB"
    static let usage = "usage: isthmus connect --method M --model NAME (--weights FILE | --untrained) --class K (endpoints) --out DIR [options]"
    /// The chain options under their heading, then the curve and band options.
    static var pathOptions: [Option] {
        var chain = ChainArguments.options(rounds: Chain.Config().rounds)
        chain[0] = chain[0].under("bypass and chain (the paper's bypass; --rounds applies to chain, default 2; --steps is also the straight\n"
                                  + "segment of each pair):")
        return chain + PathArguments.settings.options
    }
    static var options: OptionTable {
        OptionTable([.choice("--method", "M", PathMethod.allCases.map(\.rawValue), nil, PathMethod.allCases.map(\.rawValue).joined(separator: " | "))],
                    ModelArguments.cliOptions, PairArguments.options, [.classK], pathOptions, OutputArguments.options)
    }
    static let notes = """
    writes result.json (method, positions, losses, lossA, lossC, max, gap, connected, pathLengthRatio,
    maxDistanceFromSegment, gradientEvaluations, forwardEvaluations, evaluations = gradient + forward/3,
    iterations, seconds, straight {max, gap, ...}), curve.svg, curve.csv, path.npy (bends/controls/images, A and C
    included), trace.csv (optimization trace)
    """

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
        let method = PathMethod(rawValue: try args.required("--method"))!
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
        try out.write { dir in
            try writeConfig(dir, seed: m.seed, model: m, ConnectConfig(method: method, paths: config))
            try Paths.write(outcome, method: method, straight: straight, classIndex: config.classIndex, to: dir)
        }
        print(outcome.result.summary(straight: straight.barrier))
    }
}

struct ConnectConfig: Codable, Equatable {
    var method: PathMethod
    var paths: PathConfig
}

struct ComparePathsCommand: Command {
    static let name = "compare-paths", summary = "every path method on the same seeded within-class test pairs"
    static let usage = "usage: isthmus compare-paths --model NAME --weights FILE --data SPEC --pairs N --out DIR [options]"
    static var options: OptionTable {
        OptionTable(ModelArguments.cliOptions, [
            .data,
            .int("--pairs", "N", ComparePaths.Config().pairs, 1...1_000_000, "within-class test pairs"),
            .text("--methods", "LIST", "comma-separated subset of \(PathMethod.allCases.map(\.rawValue).joined(separator: ",")) (default: all)"),
            .flag("--all-images", "also use misclassified test images (default: only correctly classified ones)"),
            .int("--pair-batch", "K", ComparePaths.defaultBatch, 1...4096, "optimize the bypass and chain bends of K pairs together (default {}; 1: one by one),\n"
                 + "equal to one by one to float32 rounding; not part of the run's identity (--batch: curve points)"),
        ], ConnectCommand.pathOptions, ManyPairRun.options(shard: "run pairs with index = I mod N only (give each shard its own --out)"))
    }
    static let notes = """
    writes pairs.csv (one row per pair and method), result.json {config, straight, summary {METHOD {pairs,
    connectedFraction (eps 0.05), connectedFractions, medianMax, medianGap, medianEvaluations, ...}}}, overlay.svg
    (the loss curves of every method on the first pair), pairs.jsonl (the resumable log)
    """

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let dataSpec = try args.required("--data")
        var c = ComparePaths.Config()
        c.pairs = try args.int("--pairs")
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
        let batch = try args.int("--pair-batch")
        let run = try ManyPairRun.open(&args, model: m, data: dataSpec, config: c)
        let units = try ComparePaths.run(c, model: run.model, data: run.test, batch: batch, units: run.units)
        let file = try ComparePaths.write(c, units: units, to: run.dir)
        print(ComparePaths.summary(file, methods: c.methods))
    }
}
