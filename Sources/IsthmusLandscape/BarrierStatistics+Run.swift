// The barrier-statistics experiment's run folder: measuring the planned pairs through the unit log, and writing
// pairs.csv, scores.csv, result.json and the figures (Fig 6 analogue, ROC).
import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

extension BarrierStatistics {
    /// result.json of a barriers run.
    public struct File: Codable {
        public var config: Config
        public var groups: [String: GroupSummary]
        public var detection: [String: DetectionMetrics]
        public var attackSuccessRate: Double
        /// Images of an imagefolder/imagelist source skipped as unreadable, and their paths (absent for other sources).
        public var skippedImages: Int?
        public var skippedFiles: [String]?
        /// Pairs planned (all shards together; absent in runs made before it was recorded).
        public var plannedPairs: Int?

        public init(config: Config, groups: [String: GroupSummary], detection: [String: DetectionMetrics], attackSuccessRate: Double,
                    skippedFiles: [String]? = nil, plannedPairs: Int? = nil) {
            self.config = config; self.groups = groups; self.detection = detection; self.attackSuccessRate = attackSuccessRate
            self.skippedImages = skippedFiles?.count; self.skippedFiles = skippedFiles; self.plannedPairs = plannedPairs
        }
    }

    /// Plans the pairs (`plan`: one batched evaluation pass unless the selection is `.all`) and measures those `units`
    /// owns (`run(_:plans:...)`).
    public static func run(_ c: Config, model: Module, data: some ImageSource, batch: Int = 1, units: UnitRun,
                           progress: ((Int) -> Void)? = nil) throws -> [Unit] {
        try run(c, plans: try plan(c, data: data, model: model, progress: progress), model: model, data: data, batch: batch, units: units)
    }

    /// Measures the planned pairs `units` owns, one durable line per pair (resumable). `batch` 1 is the sequential
    /// procedure (rows bit-identical whatever the shard or resume); larger batches optimize the attacks and bypasses
    /// of that many pairs together (`measureMany`), equal to the sequential rows to float32 rounding.
    public static func run(_ c: Config, plans: [Plan], model: Module, data: some ImageSource, batch: Int = 1, units: UnitRun) throws -> [Unit] {
        let mine = plans.indices.filter(units.owns)
        if batch == 1 { return try units.each(mine) { i in try measure(plans[i], c, model: model, data: data) } }
        return try units.run(mine) { todo, done in
            try measureMany(todo.map { plans[$0] }, c, model: model, data: data, batch: batch) { k, unit in try done(todo[k], unit) }
        }
    }

    /// pairs.csv (every measured pair, `kept` = 1 for those the statistics use), scores.csv, result.json and the figures.
    @discardableResult
    /// `plannedPairs` lets `merge` check that shards planned the same pairs; `skippedFiles` names the unreadable images.
    public static func write(_ c: Config, units all: [Unit], plannedPairs: Int? = nil, skippedFiles: [String]? = nil,
                             to dir: RunDirectory) throws -> Result {
        let units = selected(all, c)
        let kept = keptMask(all, c)
        let (result, report) = summarize(units, seed: c.seed)
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
        try writeScores(report, to: dir)
        try dir.writeJSON(File(config: c, groups: result.groups, detection: result.detection, attackSuccessRate: result.attackSuccessRate,
                               skippedFiles: skippedFiles, plannedPairs: plannedPairs), "result.json")
        try figures(units, report: report, to: dir)
        return result
    }

    /// scores.csv: every detector's score of every pair, with its split.
    public static func writeScores(_ report: DetectionReport, to dir: RunDirectory) throws {
        let names = report.detection.keys.sorted()
        var csv = CSVWriter(header: ["pair", "adversarial", "split"] + names)
        for r in report.rows { csv.addRow([.int(r.index), .int(r.adversarial ? 1 : 0), .string(r.split)] + names.map { .double(r.scores[$0] ?? .nan) }) }
        try csv.write(to: dir.url("scores.csv"))
    }

    /// barriers.svg (Fig 6: box plots of max and gap per group, the reference medians marked) and roc.svg.
    public static func figures(_ units: [Unit], report: DetectionReport, to dir: RunDirectory) throws {
        func values(_ g: Group, _ f: (Unit) -> Double) -> [Double] { units.filter { $0.plan.group == g }.map(f) }
        let label = "reference median (GoogLeNet, ImageNet; paper's Fig 6 CSVs)"
        let maxPlot = SVGPlot.box(Group.allCases.map { BoxGroup($0.rawValue, values($0, \.max), reference: PaperReference.fig6[$0]?.max.median) },
                                  title: "Barrier max", yLabel: "max loss on the segment", referenceLabel: label)
        let gapPlot = SVGPlot.box(Group.allCases.map { BoxGroup($0.rawValue, values($0, \.gap), reference: PaperReference.fig6[$0]?.gap.median) },
                                  title: "Barrier gap", yLabel: "max - max(L(A), L(C))", referenceLabel: label)
        try SVGFigure.write([maxPlot, gapPlot], columns: 2, title: "Fig 6 analogue", to: dir.url("barriers.svg"))
        let test = report.rows.filter { $0.split == "test" }
        let curves = report.detection.keys.sorted().map { name -> (label: String, fpr: [Double], tpr: [Double]) in
            let pos = test.filter(\.adversarial).map { $0.scores[name]! }, neg = test.filter { !$0.adversarial }.map { $0.scores[name]! }
            let roc = Detection.roc(positives: pos, negatives: neg)
            return (String(format: "%@ (AUROC %.3f)", name, report.detection[name]!.auroc), roc.fpr, roc.tpr)
        }
        try SVGPlot.roc(curves, title: "Adversarial vs within-class pairs (held-out half)").write(to: dir.url("roc.svg"))
    }

    /// Redraws the figures of a finished (or merged) run from result.json and its unit log.
    public static func figures(from dir: RunDirectory) throws {
        let c = try dir.readJSON(File.self, "result.json").config
        let units = selected(try UnitRun.rows(Unit.self, in: dir), c)
        try figures(units, report: summarize(units, seed: c.seed).1, to: dir)
    }
}

extension BarrierStatistics {
    /// The attack that makes a barrier run's adversarial pairs: `method` (paper: its statistics setting) with the
    /// given eps (PGD) and steps over its defaults.
    public static func attack(_ method: Attacks.Method, eps: Double?, steps: Int?) -> Attacks.Config {
        switch method {
        case .pgd:
            var a = Attacks.PGDConfig()
            a.eps = eps ?? a.eps; a.steps = steps ?? a.steps
            return .pgd(a)
        case .adaptive:
            var a = Attacks.AdaptiveConfig()
            a.steps = steps ?? a.steps
            return .adaptive(a)
        default:
            return .paper(.statistics(steps: steps ?? Attacks.PaperConfig.statistics.steps))
        }
    }

    /// Detection again on the pairs of a finished barriers run `source`: the learned detector `detector`
    /// (logistic | mlp) on a held-out `testFraction`, seeded by `seed` (nil: the run's seed). Writes result.json (the
    /// run's groups with the new detection), scores.csv and the figures to `dir`; returns the report and the seed used.
    public static func redetect(_ source: RunDirectory, detector: String, testFraction: Double, seed: UInt64?,
                                to dir: RunDirectory) throws -> (report: DetectionReport, seed: UInt64) {
        let file = try source.readJSON(File.self, "result.json")
        let units = try UnitRun.rows(Unit.self, in: source)
        let groups = Set(units.map(\.plan.group))
        guard groups.contains(.adversarial) && groups.contains(.within) else {
            throw AttackError("\(source.url.path) has no adversarial or no within-class pairs")
        }
        let s = seed ?? file.config.seed
        let report = detector == "mlp"
            ? detection(units, detector: MLPDetector(seed: s), testFraction: testFraction, seed: s)
            : detection(units, detector: LogisticRegression(), testFraction: testFraction, seed: s)
        try dir.writeJSON(File(config: file.config, groups: file.groups, detection: report.detection, attackSuccessRate: file.attackSuccessRate),
                          "result.json")
        try writeScores(report, to: dir)
        try figures(units, report: report, to: dir)
        return (report, s)
    }
}

extension BarrierStatistics {
    /// The whole barriers experiment on `data`: the plan (after an evaluation pass when the selection needs one;
    /// progress unless `quiet`), the units through the resumable log `units` (`batch` attacks per batch), then
    /// pairs.csv, result.json and the figures in `dir`, with the unreadable images of an image folder noted.
    public static func experiment(_ c: Config, model: Module, data: any ImageSource, batch: Int, units: UnitRun, quiet: Bool,
                                  to dir: RunDirectory) throws -> Result {
        let plans = try plan(c, data: data, model: model, progress: c.selection.progress(over: data, quiet: quiet))
        let done = try run(c, plans: plans, model: model, data: data, batch: batch, units: units)
        return try write(c, units: done, plannedPairs: plans.count, skippedFiles: noteUnreadableFiles(data, replaced: done.flatMap { $0.skipped ?? [] }),
                         to: dir)
    }

    /// The console summary: max and gap quartiles per group, AUROC and TPR at 5% FPR per detector.
    public static func summary(_ f: Result) -> String {
        var lines: [String] = []
        for g in ["within", "adversarial", "differentClass"] {
            if let s = f.groups[g] {
                lines.append(String(format: "%-15@ max median %.3f (Q1-Q3 %.3f-%.3f)  gap median %.3f (Q1-Q3 %.3f-%.3f)", g as NSString,
                                    s.max.median, s.max.q1, s.max.q3, s.gap.median, s.gap.q1, s.gap.q3))
            }
        }
        for k in ["barrierMax", "barrierGap", "bypassedMax", "learned"] {
            if let d = f.detection[k] { lines.append(String(format: "%-12@ AUROC %.3f  TPR@5%%FPR %.3f", k as NSString, d.auroc, d.tprAt5FPR)) }
        }
        return lines.joined(separator: "\n")
    }

    /// Every detector's AUROC with its CI, TPR at 5% FPR, TNR at 95% TPR and accuracy, one line each.
    public static func summary(_ r: DetectionReport) -> String {
        r.detection.sorted(by: { $0.key < $1.key }).map { k, d in
            String(format: "%-12@ AUROC %.3f [%.3f, %.3f]  TPR@5%%FPR %.3f  TNR@95%%TPR %.3f  accuracy %.3f", k as NSString, d.auroc,
                   d.aurocCI.lower, d.aurocCI.upper, d.tprAt5FPR, d.tnrAt95TPR, d.accuracy)
        }.joined(separator: "\n")
    }
}
