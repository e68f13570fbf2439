import Foundation
import IsthmusLandscape
import IsthmusReport
import IsthmusReproduce

/// `isthmus plot DIR`: redraws the figures of a run from its saved results (no recomputation), through the
/// experiment's `figures(from:)`; for a reproduce run, every finished stage's figures and the report.
struct PlotCommand: Command {
    static let name = "plot", summary = "redraw the figures of a run (or the figures and report of a reproduce run) from its saved results"
    static let usage = "usage: isthmus plot DIR"
    static let options = OptionTable([.flag("--quiet", "(accepted for symmetry; plot prints one line)")])
    static let notes = "DIR: a run of connectivity, barriers, compare-paths, bypass, chain, untrained, evolution or reproduce"

    /// The experiments whose figures `plot` redraws, by the run kind config.json records.
    static let redraw: [String: (RunDirectory) throws -> Void] = [
        "connectivity": Connectivity.figures(from:),
        "barriers": BarrierStatistics.figures(from:),
        "compare-paths": ComparePaths.figures(from:),
        "bypass": { try Chain.figures(from: $0) },
        "chain": { try Chain.figures(from: $0) },
        "evolution": BarrierEvolution.figures(from:),
        "untrained": { dir in dir.exists("sweep.jsonl") ? try DimensionSweep.figures(from: dir) : try UntrainedConnectivity.figures(from: dir) },
    ]

    static func run(_ args: inout Arguments) throws {
        _ = args.flag("--quiet")
        guard let path = args.positional() else { throw CLIError("give the run folder: isthmus plot DIR") }
        try args.finish()
        guard FileManager.default.fileExists(atPath: path + "/config.json") else { throw CLIError("\(path) is not a run folder (no config.json)") }
        let root = try RunDirectory(path: path, mode: .resume)
        if let kind = try root.readJSON(RunConfigHeader.self, "config.json").kind {
            guard let draw = redraw[kind] else {
                throw CLIError("\(path) holds \("aeiou".contains(kind.first ?? "x") ? "an" : "a") \(kind) run (kind \(kind)); plot redraws "
                               + "\(redraw.keys.sorted().joined(separator: ", ")) and reproduce runs")
            }
            guard root.exists("result.json") else { throw CLIError("\(path) is not a finished \(kind) run (no result.json)") }
            try draw(root)
            print("redrew the figures of \(root.url.path)")
            return
        }
        let config = try root.readJSON(Reproduction.Config.self, "config.json")
        let ctx = ReproContext(root: root, scale: config.scale, seed: config.seed, quiet: true, dataSpec: config.data, userModel: nil,
                               host: RunsReproHost(user: nil))
        for s in Reproduction.stages(ctx) where Reproduction.isDone(ctx, s) { try s.figures(ctx) }
        try Reproduction.writeReport(ctx)
        print("report: \(root.url("index.html").path)")
    }
}
