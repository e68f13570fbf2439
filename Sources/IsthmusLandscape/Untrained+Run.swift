// The run folders of Sec 4.3's untrained-network experiment and its dimension sweep: the sweep's units through the
// unit log, and the figures (Fig 7 analogue, barrier against input dimension).
import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

extension UntrainedConnectivity {
    /// Fig 7: the primary curve, the path after each round, one panel each.
    public static func roundsFigure(_ r: Chain.Result, title: String) -> String {
        var panels = [SVGPlot.line([Series(x: Interpolation.alphas(r.primaryLosses.count), y: r.primaryLosses.map(Double.init), label: "A->C")],
                                   title: "primary", xLabel: "alpha", yLabel: "cross-entropy")]
        for round in r.rounds {
            panels.append(SVGPlot.line([Series(x: round.positions, y: round.losses.map(Double.init), label: "after round \(round.round)")],
                                       title: "round \(round.round) (\(round.bendsAdded) new bend\(round.bendsAdded == 1 ? "" : "s"))",
                                       xLabel: "position along the path", yLabel: "cross-entropy"))
        }
        return SVGFigure.panels(panels, columns: panels.count, title: title)
    }

    /// result.json, fig7.svg, modes.png (A, the bends, C; min-max scaled), A.npy and C.npy of one run.
    public static func write(_ r: Result, a: Tensor, c: Tensor, path: Chain.Path, to dir: RunDirectory) throws {
        try dir.writeJSON(r, "result.json")
        try figures(r, to: dir)
        let shape = Array(a.shape.dropFirst())
        let images = path.vertices.map { v in PNG.pixels(fromCHW: v.scalars, channels: shape[0], height: shape[1], width: shape[2], range: .minMax) }
        try PNG.write(PNG.upscale(PNG.grid(images: images, columns: images.count), factor: max(1, 96 / shape[1])), to: dir.url("modes.png"))
        try a.writeNpy(dir.url("A.npy").path)
        try c.writeNpy(dir.url("C.npy").path)
    }

    /// fig7.svg.
    public static func figures(_ r: Result, to dir: RunDirectory) throws {
        try dir.writeText(roundsFigure(r.chain, title: "Untrained \(r.config.model.name), class \(r.config.classIndex): primary, round 1, round 2"),
                          "fig7.svg")
    }

    public static func figures(from dir: RunDirectory) throws { try figures(try dir.readJSON(Result.self, "result.json"), to: dir) }
}

extension DimensionSweep {
    /// result.json of a sweep.
    public struct File: Codable {
        public var config: Config
        public var rows: [Row]
        public var summary: [SizeSummary]
    }

    /// Runs the sweep's units (size x seed) not yet in sweep.jsonl (resumable), each round's bends `batch` at a time.
    public static func run(_ s: Config, batch: Int = UntrainedConnectivity.defaultBatch, units run: UnitRun) throws -> [Row] {
        let units = units(s)
        return try run.each(Array(units.indices), log: "sweep.jsonl", label: "sweep") { i in
            try measure(s, size: units[i].size, seed: units[i].seed, batch: batch)
        }
    }

    /// sweep.csv, result.json and sweep.svg.
    public static func write(_ s: Config, rows: [Row], to dir: RunDirectory) throws {
        var csv = CSVWriter(header: ["size", "dimension", "seed", "primaryMax", "primaryGap", "roundsNeeded", "finalGap", "seconds"])
        for r in rows {
            csv.addRow([.int(r.size), .int(r.dimension), .int(Int(r.seed)), .double(r.primaryMax), .double(r.primaryGap),
                        r.roundsNeeded.map { .int($0) } ?? "", .double(r.finalGap), .double(r.seconds)])
        }
        try csv.write(to: dir.url("sweep.csv"))
        let summary = summarize(rows)
        try dir.writeJSON(File(config: s, rows: rows, summary: summary), "result.json")
        try figure(summary).write(to: dir.url("sweep.svg"))
    }

    /// The barrier and the rounds needed against the input dimension.
    public static func figure(_ summary: [SizeSummary]) -> SVGPlot {
        let d = summary.map { Double($0.dimension) }
        var plot = SVGPlot.line([Series(x: d, y: summary.map(\.primaryGap.median), label: "primary gap (median)",
                                        lower: summary.map(\.primaryGap.q1), upper: summary.map(\.primaryGap.q3), style: .lineAndPoints),
                                 Series(x: d, y: summary.map(\.roundsNeeded.mean), label: "rounds needed (mean)", dash: "5 4", style: .lineAndPoints)],
                                title: "Untrained ResNet-18: barrier and rounds vs input dimension", xLabel: "input dimension 3*S*S", yLabel: "")
        plot.xScale = .log
        return plot
    }

    public static func figures(from dir: RunDirectory) throws {
        try figure(try dir.readJSON(File.self, "result.json").summary).write(to: dir.url("sweep.svg"))
    }
}

extension UntrainedConnectivity {
    /// The console summary: endpoint losses, the primary segment's max and each round's path max.
    public static func summary(_ r: Result) -> String {
        String(format: "L(A) %.5f  L(C) %.5f  primary max %.4f  round max %@", r.endpointLoss[0], r.endpointLoss[1], r.primaryMax,
               r.roundMax.map { String(format: "%.4f", $0) }.joined(separator: " -> "))
    }
}

extension DimensionSweep {
    /// One line per input size: the medians of the primary gap, the rounds needed and the final gap.
    public static func summary(_ rows: [Row]) -> String {
        summarize(rows).map {
            String(format: "%3dx%-3d (d=%6d): primary gap median %.3f, rounds needed median %.1f (%d not connected), final gap median %.3f",
                   $0.size, $0.size, $0.dimension, $0.primaryGap.median, $0.roundsNeeded.median, $0.notConnected, $0.finalGap.median)
        }.joined(separator: "\n")
    }
}
