import Foundation
import IsthmusCore
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

struct BarriersCommand: Command {
    static let name = "barriers", summary = "barrier statistics of within-class, real-adversarial and different-class pairs (Fig 6)"
    static let usage = "usage: isthmus barriers --model NAME --weights FILE --data SPEC --pairs N --out DIR [options]"
    /// Every default comes from `BarrierStatistics.Config` (the attack's from `Attacks.PaperConfig.statistics`).
    static var options: OptionTable {
        let d = BarrierStatistics.Config()
        return OptionTable(ModelArguments.cliOptions, [
            .data,
            .choice("--protocol", "P", BarrierStatistics.PairProtocol.allCases.map(\.rawValue), d.pairProtocol.rawValue,
                    "free | paper (default {}). free: --pairs pairs per group, classes drawn at random, plus\n"
                    + "different-class pairs; paper (Fig 6): per class \(d.pairsPerClass) within-class and \(d.pairsPerClass) real-adversarial\n"
                    + "pairs (carrier from a random other class), keeping the \(d.keepPerClass) per class and group with the\n"
                    + "smallest |L(A) - L(C)|"),
            .int("--pairs", "N", d.pairs, 2...1_000_000, "pairs per group, free protocol"),
            .choice("--attack", "NAME", ["paper", "pgd", "adaptive"], "paper", "paper | pgd | adaptive (default {}: Sec 4.2 statistics setting)"),
            .number("--eps", "E", nil, min: 0, "PGD ball radius in pixel space (default 8/255)"),
            .int("--attack-steps", "S", nil, 1...1_000_000, "attack iterations (default: the method's)"),
            .int("--steps", "N", d.steps, 2...1_000_000, "points per segment"),
            .int("--bypass-iterations", "N", d.bypass.iterations, 1...1_000_000, "Adam steps of the bypass giving bypassedMax"),
            .int("--batch", "K", 1, 1...4096, "optimize the attacks and bypasses of K pairs together in one batch (default {}:\n"
                 + "the pairs one by one); each keeps its own Adam state, target, direction, anchor and stop,\n"
                 + "so rows equal the sequential ones to float32 rounding; not part of the run's identity"),
        ], SelectionOptions.options(d.selection, count: d.lowestLossCount), ManyPairRun.options(shard: "measure pairs with index = I mod N only (merge shards with isthmus merge)"))
    }
    static let notes = """
    writes pairs.csv (kept = 1 for the pairs the statistics use), result.json {config, groups {within, adversarial, differentClass} x {max, gap, bypassedMax},
    detection {barrierMax, barrierGap, bypassedMax, learned} x {auroc, tprAt5FPR, tnrAt95TPR, accuracy}}, barriers.svg,
    roc.svg, scores.csv
    """

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let dataSpec = try args.required("--data")
        var c = BarrierStatistics.Config()
        c.pairProtocol = BarrierStatistics.PairProtocol(rawValue: try args.required("--protocol"))!
        if c.pairProtocol == .paper && args.has("--pairs") { throw CLIError("--pairs goes with --protocol free; the paper protocol takes 7 pairs per class") }
        c.pairs = try args.int("--pairs")
        let attack = Attacks.Method(rawValue: try args.required("--attack"))!
        c.attack = BarrierStatistics.attack(attack, eps: try args.optionalDouble("--eps"), steps: try args.optionalInt("--attack-steps"))
        c.steps = try args.int("--steps")
        c.bypass.iterations = try args.int("--bypass-iterations")
        c.seed = m.seed
        (c.selection, c.lowestLossCount) = try SelectionOptions.parse(&args)
        let batch = try args.int("--batch")
        let run = try ManyPairRun.open(&args, model: m, data: dataSpec, config: c)
        print(BarrierStatistics.summary(try BarrierStatistics.experiment(c, model: run.model, data: run.test, batch: batch, units: run.units,
                                                                         quiet: run.quiet, to: run.dir)))
    }
}

struct DetectCommand: Command {
    static let name = "detect", summary = "adversarial detection from the pairs of a barriers run (single scores and a learned detector)"
    static let usage = "usage: isthmus detect --barriers DIR --out DIR2 [--detector logistic|mlp] [--test-fraction F] [--seed S]"
    static let options = OptionTable([
        .text("--barriers", "DIR", "a finished (or merged) isthmus barriers run"),
        .choice("--detector", "NAME", ["logistic", "mlp"], "logistic",
                "learned detector on the resampled loss curve + logits: logistic | mlp"),
        .number("--test-fraction", "F", 0.5, min: 0.05, max: 0.95, "held-out fraction of pairs"),
        Option.seed("split and bootstrap seed (default: the barriers run's)").defaulting(.none),
    ], OutputArguments.options)
    static let notes = "writes result.json {groups, detection {barrierMax, barrierGap, bypassedMax, learned}}, scores.csv (per-pair scores), roc.svg"

    static func run(_ args: inout Arguments) throws {
        let source = try args.required("--barriers")
        let detector = try args.required("--detector")
        let testFraction = try args.double("--test-fraction")
        let seedGiven = args.has("--seed")
        let seed = try args.seed()
        let out = try OutputArguments.parse(&args)
        try args.finish()
        try RunDirectory.requireKind("barriers", at: source)
        guard FileManager.default.fileExists(atPath: source + "/pairs.jsonl"), FileManager.default.fileExists(atPath: source + "/result.json") else {
            throw CLIError("\(source) is not a finished barriers run (no pairs.jsonl/result.json)")
        }
        try out.check()
        let src = try RunDirectory(path: source, mode: .resume)
        var report: DetectionReport!
        try out.write { dir in
            let r = try BarrierStatistics.redetect(src, detector: detector, testFraction: testFraction, seed: seedGiven ? seed : nil, to: dir)
            try writeConfig(dir, seed: r.seed, model: nil, ["barriers": source, "detector": detector, "testFraction": "\(testFraction)"])
            report = r.report
        }
        print(BarrierStatistics.summary(report))
    }
}
