// The run folder of App F.1's barrier evolution: result.json, evolution.csv and the figures.
import Foundation
import IsthmusReport
import IsthmusNN

extension BarrierEvolution {
    /// result.json of an evolution run.
    public struct File: Codable {
        public var config: Config
        public var checkpoints: [Checkpoint]
        public init(config: Config, checkpoints: [Checkpoint]) { self.config = config; self.checkpoints = checkpoints }
    }

    /// result.json, evolution.csv, max.svg and curves.svg.
    public static func write(_ f: File, to dir: RunDirectory) throws {
        try dir.writeJSON(f, "result.json")
        var csv = CSVWriter(header: ["batch", "meanMax", "stdMax", "meanArea", "stdArea", "testAccuracy"])
        for cp in f.checkpoints { csv.addRow([.int(cp.batch), .double(cp.meanMax), .double(cp.stdMax), .double(cp.meanArea), .double(cp.stdArea), .double(cp.testAccuracy)]) }
        try csv.write(to: dir.url("evolution.csv"))
        try figures(f, to: dir)
    }

    /// max.svg (max and area against training batches) and curves.svg (mean +- std curves at a few checkpoints).
    public static func figures(_ f: File, to dir: RunDirectory) throws {
        let b = f.checkpoints.map { Double($0.batch) }
        try SVGPlot.line([Series(x: b, y: f.checkpoints.map(\.meanMax), label: "barrier max (mean over classes and runs)",
                                 lower: f.checkpoints.map { $0.meanMax - $0.stdMax }, upper: f.checkpoints.map { $0.meanMax + $0.stdMax }, style: .lineAndPoints),
                          Series(x: b, y: f.checkpoints.map(\.meanArea), label: "area under the curve", dash: "5 4")],
                         title: "Barrier between FVO inputs during training", xLabel: "training batches", yLabel: "loss")
            .write(to: dir.url("max.svg"))
        let shown = [f.checkpoints.first, f.checkpoints.dropFirst().first, f.checkpoints.count > 2 ? f.checkpoints[f.checkpoints.count / 2] : nil,
                     f.checkpoints.last].compactMap { $0 }
        var seen = Set<Int>()
        let series = shown.filter { seen.insert($0.batch).inserted }.map { cp in
            Series(x: Interpolation.alphas(cp.meanCurve.count), y: cp.meanCurve, label: "after \(cp.batch) batches",
                   lower: zip(cp.meanCurve, cp.stdCurve).map { $0 - $1 }, upper: zip(cp.meanCurve, cp.stdCurve).map { $0 + $1 })
        }
        try SVGPlot.line(series, title: "Loss between FVO pairs (mean +- std over classes and runs)", xLabel: "alpha", yLabel: "cross-entropy")
            .write(to: dir.url("curves.svg"))
    }

    public static func figures(from dir: RunDirectory) throws { try figures(try dir.readJSON(File.self, "result.json"), to: dir) }
}

extension BarrierEvolution {
    /// The `evolution` experiment: `run` with progress in checkpoints on stderr unless `quiet`.
    public static func run(_ c: Config, data: DataSplit, quiet: Bool) throws -> [Checkpoint] {
        let progress = Progress(total: c.checkpoints.count * c.runs, label: "checkpoints", quiet: quiet)
        let cps = try run(c, data: data) { _, _ in progress.advance() }
        progress.finish()
        return cps
    }

    /// The conventions, then one line per checkpoint: barrier max and area (mean +- std) and test accuracy.
    public static func summary(_ c: Config, _ cps: [Checkpoint]) -> String {
        (["std: \(c.std.rawValue), area: \(c.area.rawValue), \(c.runs) run(s)"] + cps.map {
            String(format: "batch %3d: max %.3f +- %.3f, area %.3f +- %.3f, test acc %.3f", $0.batch, $0.meanMax, $0.stdMax, $0.meanArea,
                   $0.stdArea, $0.testAccuracy)
        }).joined(separator: "\n")
    }
}
