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

    static func run(_ args: inout Arguments) throws {
        _ = args.flag("--quiet")
        guard let path = args.positional() else { throw CLIError("give the run folder: isthmus plot DIR") }
        try args.finish()
        print(try RunFigures.redraw(path))
    }
}
