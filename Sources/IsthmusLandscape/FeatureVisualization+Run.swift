// The run folder of feature visualization by optimization: the inputs (.npy, .png), the loss traces and result.json.
import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

extension FeatureVisualization {
    /// result.json of one class.
    public struct SingleFile: Codable {
        public var `class`: Int
        public var loss: Float
        public var iterations: Int
        public var stoppedEarly: Bool
        public var bestIteration: Int
        public var initialLoss: Float
        public var seconds: Double
    }

    /// result.json of every class from the same x0.
    public struct AllFile: Codable {
        public var classes: Int
        /// max over classes.
        public var loss: Float
        /// total over classes.
        public var iterations: Int
        /// every class reached the threshold.
        public var stoppedEarly: Bool
        public var classLosses: [Float]
        public var classIterations: [Int]
        public var classStoppedEarly: [Bool]
        public var classBestIterations: [Int]
        public var classInitialLosses: [Float]
        public var seconds: Double
    }

    /// trace.csv, trace.svg and result.json; one class: input.npy [1,C,H,W] and input.png (normalization undone,
    /// min-max scaled); `allClasses`: inputs.npy [K,C,H,W] and grid.png (classes in index order, row-major).
    public static func write(_ runs: [(result: Result, input: Tensor)], allClasses all: Bool, threshold: Float, normalization norm: Normalization,
                             seconds: Double, to dir: RunDirectory) throws {
        var csv = CSVWriter(header: all ? ["class", "iteration", "loss"] : ["iteration", "loss"])
        for r in runs.map(\.result) {
            for (i, l) in r.trace.enumerated() { csv.addRow((all ? [.int(r.classIndex)] : []) + [.int(i + 1), .double(Double(l))]) }
        }
        try csv.write(to: dir.url("trace.csv"))
        try figure(runs.map(\.result), threshold: threshold).write(to: dir.url("trace.svg"))
        let shape = Array(runs[0].input.shape.suffix(2))
        let factor = max(1, 128 / max(shape[0], shape[1]))
        let rs = runs.map(\.result)
        if all {
            try concat(runs.map(\.input), axis: 0).writeNpy(dir.url("inputs.npy").path)
            let tiles = runs.map { PNG.upscale(.input($0.input, norm, range: .minMax), factor: factor) }
            try PNG.write(PNG.grid(images: tiles, columns: min(runs.count, 10)), to: dir.url("grid.png"))
            try dir.writeJSON(AllFile(classes: runs.count, loss: rs.map(\.loss).max()!, iterations: rs.map(\.iterations).reduce(0, +),
                                      stoppedEarly: rs.allSatisfy(\.stoppedEarly), classLosses: rs.map(\.loss),
                                      classIterations: rs.map(\.iterations), classStoppedEarly: rs.map(\.stoppedEarly),
                                      classBestIterations: rs.map(\.bestIteration), classInitialLosses: rs.map(\.initialLoss),
                                      seconds: seconds), "result.json")
        } else {
            let (r, x) = runs[0]
            try x.writeNpy(dir.url("input.npy").path)
            try PNG.write(PNG.upscale(.input(x, norm, range: .minMax), factor: factor), to: dir.url("input.png"))
            try dir.writeJSON(SingleFile(class: r.classIndex, loss: r.loss, iterations: r.iterations, stoppedEarly: r.stoppedEarly,
                                         bestIteration: r.bestIteration, initialLoss: r.initialLoss, seconds: seconds), "result.json")
        }
    }

    /// trace.svg: cross-entropy after each Adam step (log scale), the threshold marked.
    public static func figure(_ rs: [Result], threshold: Float) -> SVGPlot {
        var plot = SVGPlot.line(rs.map { r in
            Series(x: r.trace.indices.map { Double($0 + 1) }, y: r.trace.map { Double(max($0, 1e-12)) }, label: "class \(r.classIndex)")
        }, title: "FVO: cross-entropy after each Adam step", xLabel: "iteration", yLabel: "cross-entropy")
        plot.yScale = .log
        if threshold > 0 { plot.horizontalLines = [ReferenceLine(Double(threshold), label: "threshold")] }
        return plot
    }
}

extension FeatureVisualization {
    /// The `fvo` experiment: one input for `config.classIndex`, or with `allClasses` one per class 0..<classes from
    /// the same x0, with progress in Adam steps (a class that stops early skips the rest of its budget). Returns
    /// the runs and their wall time in seconds.
    public static func experiment(_ config: Config, model: Module, inputShape: [Int], allClasses classes: Int?, quiet: Bool) throws
        -> (runs: [(result: Result, input: Tensor)], seconds: Double) {
        let progress = Progress(total: (classes ?? 1) * config.maxIterations,
                                label: classes != nil ? "fvo all classes" : "fvo class \(config.classIndex)", quiet: quiet)
        let start = Date()
        let runs: [(result: Result, input: Tensor)]
        if let classes {
            var done = 0
            runs = try allClasses(config, model: model, inputShape: inputShape, classes: classes) { cls, step, _ in
                let target = cls * config.maxIterations + step
                progress.advance(by: target - done)
                done = target
            }
        } else {
            runs = [try run(config, model: model, inputShape: inputShape) { _, _ in progress.advance(by: 1) }]
        }
        progress.finish()
        return (runs, Date().timeIntervalSince(start))
    }
}

extension FeatureVisualization {
    /// The console summary: the worst final CE, the total Adam steps and whether every run reached the threshold.
    public static func summary(_ runs: [(result: Result, input: Tensor)], label: String, seconds: Double) -> String {
        let rs = runs.map(\.result)
        return String(format: "%@: CE %.3g after %d iterations (%@), %.1f s", label, rs.map(\.loss).max()!, rs.map(\.iterations).reduce(0, +),
                      rs.allSatisfy(\.stoppedEarly) ? "threshold reached" : "threshold not reached", seconds)
    }
}
