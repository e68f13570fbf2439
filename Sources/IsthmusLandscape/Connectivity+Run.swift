// The connectivity experiment's run folder: the sampled pairs through the unit log (one by one, or many pairs'
// bends in one batch), and pairs.csv, result.json and gaps.svg.
import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

extension Connectivity {
    /// result.json of a connectivity run.
    public struct File: Codable {
        public var config: Config
        public var summary: Summary
        /// Images of an imagefolder/imagelist source skipped as unreadable, and their paths (absent for other sources).
        public var skippedImages: Int?
        public var skippedFiles: [String]?

        public init(config: Config, summary: Summary, skippedFiles: [String]? = nil) {
            self.config = config; self.summary = summary; self.skippedImages = skippedFiles?.count; self.skippedFiles = skippedFiles
        }
    }

    /// Runs the sampled pairs `units` owns (resumable). `batch` 1 is the sequential procedure, whose rows are
    /// bit-identical whatever the shard or resume; larger batches optimize K pairs' bends together and give the same
    /// rows to float32 rounding.
    public static func run(_ c: Config, model: Module, data: some ImageSource, batch: Int = 1, units: UnitRun,
                           progress: ((Int) -> Void)? = nil) throws -> [Row] {
        let pairs = try samplePairs(data, model: model, count: c.pairs, seed: c.seed, selection: c.selection,
                                    lowestLossCount: c.lowestLossCount, progress: progress)
        return try run(c, pairs: pairs, model: model, data: data, batch: batch, units: units)
    }

    /// `run` on already sampled pairs.
    public static func run(_ c: Config, pairs: [Pair], model: Module, data: some ImageSource, batch: Int = 1, units: UnitRun) throws -> [Row] {
        let mine = units.owned(pairs.count)
        if batch == 1 { return try units.each(mine) { i in try run(c, pair: pairs[i], index: i, model: model, data: data) } }
        return try units.run(mine) { todo, done in
            try runMany(c, pairs: pairs, indices: todo, batch: batch, model: model, data: data) { row in try done(row.pair, row) }
        }
    }

    /// pairs.csv, result.json and gaps.svg from the finished rows.
    @discardableResult
    public static func write(_ c: Config, rows: [Row], skippedFiles: [String]? = nil, to dir: RunDirectory) throws -> Summary {
        let eps = c.chain.epsilons
        let summary = summarize(rows, epsilons: eps)
        var csv = CSVWriter(header: ["pair", "class", "indexA", "indexC", "lossA", "lossC", "primaryMax", "primaryGap", "primaryBlendGap",
                                     "finalMax", "finalGap", "deviationRatio", "pixelDeviation", "hyperplaneDistance", "bendAngle",
                                     "pathLengthRatio", "rounds", "gradientEvaluations", "seconds", "bent"] + eps.map { "connected@" + String(format: "%g", $0) })
        for r in rows {
            csv.addRow([.int(r.pair), .int(r.classIndex), .int(r.indexA), .int(r.indexC), .double(r.lossA), .double(r.lossC),
                        .double(r.primaryMax), .double(r.primaryGap), .double(r.primaryBlendGap), .double(r.finalMax), .double(r.finalGap),
                        .double(r.deviationRatio), .double(r.pixelDeviation), .double(r.hyperplaneDistance), .double(r.bendAngle),
                        .double(r.pathLengthRatio), .int(r.rounds), .int(r.gradientEvaluations), .double(r.seconds), .int(r.bent ? 1 : 0)]
                       + eps.map { .int(r.connected[String(format: "%g", $0)] == true ? 1 : 0) })
        }
        try csv.write(to: dir.url("pairs.csv"))
        try dir.writeJSON(File(config: c, summary: summary, skippedFiles: skippedFiles), "result.json")
        try figures(rows, to: dir)
        return summary
    }

    /// gaps.svg: box plots of the barrier gaps before and after bypassing.
    public static func figures(_ rows: [Row], to dir: RunDirectory) throws {
        try SVGPlot.box([BoxGroup("primary gap", rows.map(\.primaryGap)), BoxGroup("gap after bypass", rows.map(\.finalGap))],
                        title: "Within-class barrier gaps (\(rows.count) pairs)", yLabel: "gap").write(to: dir.url("gaps.svg"))
    }

    /// Redraws the figures of a finished run from its unit log.
    public static func figures(from dir: RunDirectory) throws { try figures(try UnitRun.rows(Row.self, in: dir), to: dir) }
}

extension Connectivity {
    /// The whole connectivity experiment on `data`: pairs sampled (progress unless `quiet`), bent through the resumable
    /// log `units` (`batch` pairs per batch), then pairs.csv, result.json and gaps.svg in `dir`, with the unreadable
    /// images of an image folder noted.
    public static func experiment(_ c: Config, model: Module, data: any ImageSource, batch: Int, units: UnitRun, quiet: Bool,
                                  to dir: RunDirectory) throws -> Summary {
        let rows = try run(c, model: model, data: data, batch: batch, units: units, progress: c.selection.progress(over: data, quiet: quiet))
        return try write(c, rows: rows, skippedFiles: noteUnreadableFiles(data, replaced: rows.flatMap { $0.skipped ?? [] }), to: dir)
    }

    /// The console summary line.
    public static func summary(_ s: Summary) -> String {
        String(format: "%d pairs: median primary gap %.4f -> final gap %.4f; connected at 0.05: %.1f%%; median deviation %.4f (pixel %.4f) over %d bent pairs, %d unbent",
               s.pairs, s.medianPrimaryGap, s.medianFinalGap, 100 * (s.connectedFraction["0.05"] ?? 0), s.medianDeviationRatio,
               s.medianPixelDeviation, s.bentPairs, s.unbentPairs)
    }
}
