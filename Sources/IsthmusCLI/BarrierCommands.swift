import Foundation
import IsthmusCore
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

struct BarriersCommand: Command {
    static let name = "barriers", summary = "barrier statistics of within-class, real-adversarial and different-class pairs (Fig 6)"
    static var help: String { """
    usage: isthmus barriers --model NAME --weights FILE --data SPEC --pairs N --out DIR [options]
    \(ModelArguments.help)
      --data SPEC           \(DataSource.names.joined(separator: " | ")) (default mnist5k)
      --protocol P          free | paper (default free). free: --pairs pairs per group, classes drawn at random, plus
                            different-class pairs; paper (Fig 6): per class 7 within-class and 7 real-adversarial
                            pairs (carrier from a random other class), keeping the 5 per class and group with the
                            smallest |L(A) - L(C)|
      --pairs N             pairs per group, free protocol (default 100)
      --attack NAME         paper | pgd | adaptive (default paper: Sec 4.2 statistics setting)
      --eps E               PGD ball radius in pixel space (default 8/255)
      --attack-steps S      attack iterations (default: the method's)
      --steps N             points per segment (default 250)
      --bypass-iterations N Adam steps of the bypass giving bypassedMax (default 1024)
      --shard I/N           measure pairs with index = I mod N only (merge shards with isthmus merge)
    \(SelectionOptions.help)
    \(ImageDataOptions.help)
      --quiet               no progress on stderr
      --out DIR             run folder; --resume continues an interrupted run, --force starts over
    writes pairs.csv (kept = 1 for the pairs the statistics use), result.json {config, groups {within, adversarial, differentClass} x {max, gap, bypassedMax},
    detection {barrierMax, barrierGap, bypassedMax, learned} x {auroc, tprAt5FPR, tnrAt95TPR, accuracy}}, barriers.svg,
    roc.svg, scores.csv
    """ }

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let dataSpec = try args.string("--data", default: "mnist5k")
        var c = BarrierStatistics.Config()
        c.pairProtocol = BarrierStatistics.PairProtocol(rawValue: try args.choice("--protocol", BarrierStatistics.PairProtocol.allCases.map(\.rawValue),
                                                                                 default: c.pairProtocol.rawValue))!
        if c.pairProtocol == .paper && args.has("--pairs") { throw CLIError("--pairs goes with --protocol free; the paper protocol takes 7 pairs per class") }
        c.pairs = try args.int("--pairs", default: c.pairs, min: 2, max: 1_000_000)
        let attack = Attacks.Method(rawValue: try args.choice("--attack", ["paper", "pgd", "adaptive"], default: "paper"))!
        c.attack = attack == .paper ? .paperStatistics : Attacks.Config(method: attack)
        c.attack.targeted = true
        c.attack.eps = try args.double("--eps", default: c.attack.eps, min: 0)
        c.attack.steps = try args.int("--attack-steps", default: c.attack.steps, min: 1, max: 1_000_000)
        c.steps = try args.int("--steps", default: 250, min: 2, max: 1_000_000)
        c.bypass.iterations = try args.int("--bypass-iterations", default: 1024, min: 1, max: 1_000_000)
        c.seed = m.seed
        (c.selection, c.lowestLossCount) = try SelectionOptions.parse(&args, default: c.selection, count: c.lowestLossCount)
        let run = try ManyPairRun.open(&args, model: m, data: dataSpec, config: c)
        let (units, planned) = try measureBarriers(run.dir, c, model: run.model, data: run.test, shard: run.shard, quiet: run.quiet)
        let result = try writeBarriers(run.dir, config: c, units: units, plannedPairs: planned,
                                       skippedFiles: skippedFiles(run.test, replaced: units.flatMap { $0.skipped ?? [] }))
        for g in ["within", "adversarial", "differentClass"] {
            if let s = result.groups[g] {
                print(String(format: "%-15@ max median %.3f (Q1-Q3 %.3f-%.3f)  gap median %.3f (Q1-Q3 %.3f-%.3f)", g as NSString,
                             s.max.median, s.max.q1, s.max.q3, s.gap.median, s.gap.q1, s.gap.q3))
            }
        }
        for k in ["barrierMax", "barrierGap", "bypassedMax", "learned"] {
            if let d = result.detection[k] { print(String(format: "%-12@ AUROC %.3f  TPR@5%%FPR %.3f", k as NSString, d.auroc, d.tprAt5FPR)) }
        }
    }
}

/// Measures the planned pairs this process owns, one durable line per pair; also returns the number of planned pairs.
func measureBarriers(_ dir: RunDirectory, _ c: BarrierStatistics.Config, model: Module, data: some ImageSource, shard: Shard?,
                     quiet: Bool) throws -> (units: [BarrierStatistics.Unit], planned: Int) {
    let plans = try BarrierStatistics.plan(c, data: data, model: model, progress: selectionProgress(c.selection, data, quiet: quiet))
    let units = try runUnits(dir, indices: plans.indices.filter { shard?.owns($0) ?? true }, quiet: quiet) { i in
        try BarrierStatistics.measure(plans[i], c, model: model, data: data)
    }
    return (units, plans.count)
}

struct BarriersFile: Codable {
    var config: BarrierStatistics.Config
    var groups: [String: BarrierStatistics.GroupSummary]
    var detection: [String: DetectionMetrics]
    var attackSuccessRate: Double
    /// Images of an imagefolder/imagelist source skipped as unreadable (absent for other sources), and their paths.
    var skippedImages: Int? = nil
    var skippedFiles: [String]? = nil
    /// Pairs planned (all shards together; absent in runs made before it was recorded).
    var plannedPairs: Int? = nil
}

/// pairs.csv, scores.csv, result.json and the figures of a barrier-statistics run.
@discardableResult
func writeBarriers(_ dir: RunDirectory, config c: BarrierStatistics.Config, units all: [BarrierStatistics.Unit],
                   plannedPairs: Int? = nil, skippedFiles: [String]? = nil) throws -> BarrierStatistics.Result {
    let units = BarrierStatistics.selected(all, c)
    let kept = BarrierStatistics.keptMask(all, c)
    let (result, report) = BarrierStatistics.summarize(units, seed: c.seed)
    var csv = CSVWriter(header: ["group", "class", "indexA", "indexC", "lossA", "lossC", "max", "gap", "blendGap", "bypassedMax",
                                 "attackSuccess", "attackL2", "attackIterations", "kept"])
    for (u, keep) in zip(all, kept) {
        csv.addRow([.string(u.plan.group.rawValue), .int(u.plan.classIndex), .int(u.plan.indexA), .int(u.plan.indexC), .double(u.lossA),
                    .double(u.lossC), .double(u.max), .double(u.gap), .double(u.blendGap), .double(u.bypassedMax),
                    .string(u.attackSuccess.map { $0 ? "1" : "0" } ?? ""), .string(u.attackL2.map { "\($0)" } ?? ""),
                    .string(u.attackIterations.map(String.init) ?? ""),
                    .int(keep ? 1 : 0)])
    }
    try csv.write(to: dir.url("pairs.csv"))
    try writeScores(dir, report)
    try dir.writeJSON(BarriersFile(config: c, groups: result.groups, detection: result.detection, attackSuccessRate: result.attackSuccessRate,
                                   skippedImages: skippedFiles?.count, skippedFiles: skippedFiles, plannedPairs: plannedPairs), "result.json")
    try barrierFigures(dir, units: units, report: report)
    return result
}

func writeScores(_ dir: RunDirectory, _ report: DetectionReport) throws {
    let names = report.detection.keys.sorted()
    var csv = CSVWriter(header: ["pair", "adversarial", "split"] + names)
    for r in report.rows { csv.addRow([.int(r.index), .int(r.adversarial ? 1 : 0), .string(r.split)] + names.map { .double(r.scores[$0] ?? .nan) }) }
    try csv.write(to: dir.url("scores.csv"))
}

/// barriers.svg (Fig 6: box plots of max and gap per group, the paper's medians marked) and roc.svg.
func barrierFigures(_ dir: RunDirectory, units: [BarrierStatistics.Unit], report: DetectionReport) throws {
    let groups = BarrierStatistics.Group.allCases
    func values(_ g: BarrierStatistics.Group, _ f: (BarrierStatistics.Unit) -> Double) -> [Double] { units.filter { $0.plan.group == g }.map(f) }
    let paperMax: [BarrierStatistics.Group: Double] = [.within: 1.794, .adversarial: 5.994]
    let paperGap: [BarrierStatistics.Group: Double] = [.within: 0.469, .adversarial: 5.302]
    let maxPlot = SVGPlot.box(groups.map { BoxGroup($0.rawValue, values($0, \.max), reference: paperMax[$0]) },
                              title: "Barrier max", yLabel: "max loss on the segment", referenceLabel: "reference median (GoogLeNet, ImageNet; paper's Fig 6 CSVs)")
    let gapPlot = SVGPlot.box(groups.map { BoxGroup($0.rawValue, values($0, \.gap), reference: paperGap[$0]) },
                              title: "Barrier gap", yLabel: "max - max(L(A), L(C))", referenceLabel: "reference median (GoogLeNet, ImageNet; paper's Fig 6 CSVs)")
    try SVGFigure.write([maxPlot, gapPlot], columns: 2, title: "Fig 6 analogue", to: dir.url("barriers.svg"))
    let test = report.rows.filter { $0.split == "test" }
    let curves = report.detection.keys.sorted().map { name -> (label: String, fpr: [Double], tpr: [Double]) in
        let pos = test.filter(\.adversarial).map { $0.scores[name]! }, neg = test.filter { !$0.adversarial }.map { $0.scores[name]! }
        let roc = Detection.roc(positives: pos, negatives: neg)
        return (String(format: "%@ (AUROC %.3f)", name, report.detection[name]!.auroc), roc.fpr, roc.tpr)
    }
    try SVGPlot.roc(curves, title: "Adversarial vs within-class pairs (held-out half)").write(to: dir.url("roc.svg"))
}

struct DetectCommand: Command {
    static let name = "detect", summary = "adversarial detection from the pairs of a barriers run (single scores and a learned detector)"
    static let help = """
    usage: isthmus detect --barriers DIR --out DIR2 [--detector logistic|mlp] [--test-fraction F] [--seed S]
      --barriers DIR        a finished (or merged) isthmus barriers run
      --detector NAME       learned detector on the resampled loss curve + logits: logistic | mlp (default logistic)
      --test-fraction F     held-out fraction of pairs (default 0.5)
      --seed S              split and bootstrap seed (default: the barriers run's)
    \(OutputArguments.help)
    writes result.json {groups, detection {barrierMax, barrierGap, bypassedMax, learned}}, scores.csv (per-pair scores), roc.svg
    """

    static func run(_ args: inout Arguments) throws {
        let source = try args.required("--barriers")
        let detector = try args.choice("--detector", ["logistic", "mlp"], default: "logistic")
        let testFraction = try args.double("--test-fraction", default: 0.5, min: 0.05, max: 0.95)
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
        let file = try src.readJSON(BarriersFile.self, "result.json")
        let units = try UnitLog<BarrierStatistics.Unit>(src, name: "pairs.jsonl").completed.sorted { $0.key < $1.key }.map(\.value)
        let groups = Set(units.map(\.plan.group))
        guard groups.contains(.adversarial) && groups.contains(.within) else { throw CLIError("\(source) has no adversarial or no within-class pairs") }
        let s = seedGiven ? seed : file.config.seed
        let report = detector == "mlp"
            ? BarrierStatistics.detection(units, detector: MLPDetector(seed: s), testFraction: testFraction, seed: s)
            : BarrierStatistics.detection(units, detector: LogisticRegression(), testFraction: testFraction, seed: s)
        try out.write { dir in
            try writeConfig(dir, seed: s, model: nil, ["barriers": source, "detector": detector, "testFraction": "\(testFraction)"])
            try dir.writeJSON(BarriersFile(config: file.config, groups: file.groups, detection: report.detection,
                                           attackSuccessRate: file.attackSuccessRate), "result.json")
            try writeScores(dir, report)
            try barrierFigures(dir, units: units, report: report)
        }
        for (k, d) in report.detection.sorted(by: { $0.key < $1.key }) {
            print(String(format: "%-12@ AUROC %.3f [%.3f, %.3f]  TPR@5%%FPR %.3f  TNR@95%%TPR %.3f  accuracy %.3f", k as NSString, d.auroc,
                         d.aurocCI.lower, d.aurocCI.upper, d.tprAt5FPR, d.tnrAt95TPR, d.accuracy))
        }
    }
}
