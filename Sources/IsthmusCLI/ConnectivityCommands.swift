import Foundation
import IsthmusCore
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

/// Options of the bypass and of the chain of bypasses. Every default shown comes from `Chain.Config`,
/// `Bypass.Config` and `Bypass.Config.untrained` (free mode), the values `parse` starts from.
enum ChainArguments {
    static let u = Bypass.Config.untrained
    static func g(_ x: Double) -> String { String(format: "%g", x) }
    static let settings = Settings(Chain.Config(), [
        .int("--steps", "N", \.primarySteps, 2...1_000_000, "points on the primary segment A->C"),
        .int("--points", "N", \.pointsPerSegment, 2...1_000_000, "points per segment of the path"),
        .choice("--bend", "B", \.bending, "always | conditional (default {}): always bends every segment of a round, as\n"
                + "the paper; conditional bends only segments whose max exceeds max(L(A),L(C)) + --tolerance"),
        .number("--tolerance", "T", \.tolerance, min: 0, "with --bend conditional"),
        .int("--iterations", "N", \.bypass.iterations, 1...10_000_000, "Adam steps per bend (default {}; \(u.iterations) in free mode)"),
        .number("--lr", "LR", \.bypass.lr, min: 0, "(default {}; \(g(u.lr)) in free mode)"),
        .number("--mse", "W", \.bypass.mseWeight, min: 0, "weight of mean((x-B)^2)"),
        .number("--tv", "W", \.bypass.tvWeight, min: 0, "weight of TV(x-B)"),
        .number("--weight-decay", "WD", \.bypass.weightDecay, min: 0, "(default {}; \(g(u.weightDecay)) in free mode)"),
        .number("--stop-loss", "L", \.bypass.stopLoss, min: 0, "a bend stops after the step whose CE was < L, returning the stepped point\n"
                + "(default \(Bypass.Config().stopLoss.map(g) ?? "none"); \(u.stopLoss.map(g) ?? "none") in free mode)"),
        .int("--certify-every", "N", \.bypass.certifyEvery, 1...1_000_000, "stop a bend early once the path through it is within --certify-tolerance of its ends,\n"
             + "checked every N steps on --certify-points points per segment (default: never, as the paper)"),
        .int("--certify-points", "N", \.bypass.certifyPoints, 2...1_000_000, ""),
        .number("--certify-tolerance", "T", \.bypass.certifyTolerance, min: 0, ""),
    ])

    static func options(rounds: Int) -> [Option] {
        [.int("--rounds", "R", rounds, 0...20, "rounds of bypassing (default {}\(rounds == 1 ? ": the paper's A->B'->C" : ""))"),
         .choice("--mode", "M", Bypass.Mode.allCases.map(\.rawValue), Bypass.Config().mode.rawValue,
                 "faithful | exact | free (default {}; free = Sec 4.3 setting for untrained nets)")] + settings.options
    }

    /// The chain config: the bypass settings of --mode (free: `Bypass.Config.untrained`), then the options given.
    static func parse(_ args: inout Arguments) throws -> Chain.Config {
        var c = Chain.Config()
        c.rounds = try args.int("--rounds")
        let mode = Bypass.Mode(rawValue: try args.required("--mode"))!
        if mode == .free { c.bypass = u }
        c.bypass.mode = mode
        try settings.parse(&args, into: &c)
        if args.has("--tolerance") && c.bending != .conditional { throw CLIError("--tolerance needs --bend conditional") }
        return c
    }
}

struct BypassCommand: Command {
    static let name = "bypass", summary = "the paper's bypass: a low-loss path A->B'->C around the barrier (Sec 3.2)"
    static var usage: String { usage(name) }
    static func usage(_ command: String) -> String {
        "usage: isthmus \(command) --model NAME (--weights FILE | --untrained) --class K (endpoints) --out DIR [options]"
    }
    static var options: OptionTable { options(rounds: Chain.Config().rounds) }
    static func options(rounds: Int) -> OptionTable {
        OptionTable(ModelArguments.cliOptions, PairArguments.options, [.classK], ChainArguments.options(rounds: rounds), OutputArguments.options)
    }
    static let notes = """
    writes result.json (primaryMax, primaryGap, finalMax, finalGap, connected, deviation..., roundMax), curve.svg,
    curve.csv, strip.png (A, B, B', C and the amplified change B'-B), bends.npy
    """

    static func run(_ args: inout Arguments) throws { try runPath(&args, command: name) }

    static func runPath(_ args: inout Arguments, command: String) throws {
        let m = try ModelArguments.parse(&args)
        let pair = try PairArguments.parse(&args)
        let (model, info) = try m.load()
        var config = try ChainArguments.parse(&args)
        config.classIndex = try classIndex(&args, info: info)
        let out = try OutputArguments.parse(&args)
        try args.finish()
        try out.check()
        let (a, c) = try pair.load(info: info)
        let beat = Heartbeat(command, detail: "up to \(config.rounds) round(s) of \(config.bypass.iterations) Adam steps per bend")
        let (result, path) = try Chain.run(config, model: model, from: a, to: c, normalization: info.normalization)
        beat.stop()
        try out.write { dir in
            try writeConfig(dir, seed: m.seed, model: m, config)
            try Chain.write(result, path, normalization: info.normalization, title: "Class \(config.classIndex): straight segment vs bypass", to: dir)
        }
        print(Chain.summary(result))
    }
}

struct ChainCommand: Command {
    static let name = "chain", summary = "repeated bypasses until the path is within tolerance (Sec 4.3)"
    static var usage: String { BypassCommand.usage(name) }
    /// The chain's rounds by default (bypass is one round, `Chain.Config().rounds`).
    static let defaultRounds = 2
    static var options: OptionTable { BypassCommand.options(rounds: defaultRounds) }
    static var notes: String { BypassCommand.notes }
    static func run(_ args: inout Arguments) throws { try BypassCommand.runPath(&args, command: name) }
}

struct ConnectivityCommand: Command {
    static let name = "connectivity", summary = "bypass statistics over many within-class test pairs"
    /// Pairs per batch by default: 1, the sequential procedure, whose rows are bit-identical whatever the shard or
    /// resume; batched rows equal them to float32 tolerance only.
    static let defaultBatch = 1
    static let usage = "usage: isthmus connectivity --model NAME --weights FILE --data SPEC --pairs N --out DIR [options]"
    static var options: OptionTable {
        OptionTable(ModelArguments.cliOptions, [
            .data,
            .int("--pairs", "N", Connectivity.Config().pairs, 1...1_000_000, "within-class test pairs"),
            .flag("--all-images", "also use misclassified test images (default: only correctly classified ones); = --select all"),
            .int("--batch", "K", defaultBatch, 1...4096, "optimize the bends of K pairs together in one batch (default {}: the pairs one\n"
                 + "by one); each pair keeps its own Adam state, direction, anchor and stop, so rows equal the\n"
                 + "sequential ones to float32 rounding (not bit for bit); not part of the run's identity"),
        ], SelectionOptions.options(Connectivity.Config().selection, count: Connectivity.Config().lowestLossCount),
           ChainArguments.options(rounds: Chain.Config().rounds), ManyPairRun.options())
    }
    static let notes = """
    writes pairs.csv (one row per pair), result.json {config, summary {pairs, medianPrimaryGap, medianFinalGap,
    connectedFraction, bentPairs, unbentPairs, medianDeviationRatio, medianPixelDeviation (over bent pairs), ...}},
    gaps.svg
    """

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let dataSpec = try args.required("--data")
        var c = Connectivity.Config()
        c.pairs = try args.int("--pairs")
        let allImages = args.flag("--all-images")
        if allImages && args.has("--select") { throw CLIError("--all-images and --select exclude each other") }
        (c.selection, c.lowestLossCount) = try SelectionOptions.parse(&args, override: allImages ? .all : nil)
        c.seed = m.seed
        c.chain = try ChainArguments.parse(&args)
        let batch = try args.int("--batch")
        let run = try ManyPairRun.open(&args, model: m, data: dataSpec, config: c)
        print(Connectivity.summary(try Connectivity.experiment(c, model: run.model, data: run.test, batch: batch, units: run.units,
                                                               quiet: run.quiet, to: run.dir)))
    }
}

