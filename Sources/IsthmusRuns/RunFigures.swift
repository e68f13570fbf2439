import Foundation
import IsthmusLandscape
import IsthmusReport
import IsthmusReproduce

/// Redraws a run's figures from its saved results, without recomputing: through the experiment's
/// `figures(from:)` by the run kind config.json records; for a reproduce run, every finished stage's figures and
/// the report.
public enum RunFigures {
    /// The experiments whose figures `plot` redraws, by the run kind config.json records.
    public static let redraw: [String: (RunDirectory) throws -> Void] = [
        "connectivity": Connectivity.figures(from:),
        "barriers": BarrierStatistics.figures(from:),
        "compare-paths": ComparePaths.figures(from:),
        "bypass": { try Chain.figures(from: $0) },
        "chain": { try Chain.figures(from: $0) },
        "evolution": BarrierEvolution.figures(from:),
        "untrained": { dir in dir.exists("sweep.jsonl") ? try DimensionSweep.figures(from: dir) : try UntrainedConnectivity.figures(from: dir) },
    ]

    /// Redraws the run at `path`; returns the line to print.
    public static func redraw(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path + "/config.json") else { throw RunError("\(path) is not a run folder (no config.json)") }
        let root = try RunDirectory(path: path, mode: .resume)
        if let kind = try root.readJSON(RunConfigHeader.self, "config.json").kind {
            guard let draw = redraw[kind] else {
                throw RunError("\(path) holds \("aeiou".contains(kind.first ?? "x") ? "an" : "a") \(kind) run (kind \(kind)); plot redraws "
                               + "\(redraw.keys.sorted().joined(separator: ", ")) and reproduce runs")
            }
            guard root.exists("result.json") else { throw RunError("\(path) is not a finished \(kind) run (no result.json)") }
            try draw(root)
            return "redrew the figures of \(root.url.path)"
        }
        let config = try root.readJSON(Reproduction.Config.self, "config.json")
        let ctx = ReproContext(root: root, scale: config.scale, seed: config.seed, quiet: true, dataSpec: config.data, userModel: nil,
                               host: RunsReproHost(user: nil))
        for s in Reproduction.stages(ctx) where Reproduction.isDone(ctx, s) { try s.figures(ctx) }
        try Reproduction.writeReport(ctx)
        return "report: \(root.url("index.html").path)"
    }
}
