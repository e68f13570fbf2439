import Foundation
import IsthmusCore
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

struct FVOCommand: Command {
    static let name = "fvo", summary = "feature visualization by optimization: an input the model puts in class K (Sec 4.3)"
    /// The defaults `help` shows and `run` starts from.
    static let defaults = FeatureVisualization.Config(classIndex: 0)
    static var help: String {
        let d = defaults
        func g(_ x: Float) -> String { String(format: "%g", Double(x)) }
        return """
    usage: isthmus fvo --model NAME (--weights FILE | --untrained) (--class K | --all-classes) --out DIR [options]
    \(ModelArguments.help)
      --class K             the class y of CE(f(x), y)
      --all-classes         one input per class, all from the same x0
      --lr LR               Adam learning rate (default \(g(d.lr)))
      --weight-decay WD     added to the gradient as torch.optim.Adam (default \(g(d.weightDecay)))
      --tv W                weight of the unnormalized total variation (default \(g(d.tvWeight)); the paper's mode A 2.5e-7, mode C 0)
      --l1 W                weight of sum |x| (default \(g(d.l1Weight)))
      --l2 W                weight of sqrt(1e-6 + sum x^2) (default \(g(d.l2Weight)))
      --max-iterations N    at most N Adam steps (default \(d.maxIterations))
      --threshold T         stop once CE < T (default \(g(d.lossThreshold)))
      --init-std S          x0 = S * N(0, I) (default \(g(d.initStd)))
      --jitter P            random circular shift of up to +-P pixels each step (default 0: off)
      --pad P               random zero-filled translation of up to +-P pixels each step (default 0: off)
      --scales A,B          random zoom about the centre, one factor per step (default: off)
      --rotations A,B       random rotation in degrees, one per step (default: off)
      --fourier             optimize 1/f-scaled spectrum coefficients instead of pixels (Olah et al. 2017)
      --decorrelate         mix colours with lucid's colour-correlation matrix (3-channel models)
      --quiet               no progress on stderr
    \(OutputArguments.help)
    Inputs live in the model's normalized space, unclamped; --seed also seeds x0 and the transforms.
    writes input.npy [1,C,H,W], input.png (normalization undone, min-max scaled), trace.csv, trace.svg,
    result.json {loss, iterations, stoppedEarly, class, ...}; with --all-classes: inputs.npy [K,C,H,W], grid.png
    (classes in index order, row-major), per-class arrays in result.json (loss = max, iterations = total)
    """
    }

    /// config.json's `config`; with `allClasses` the class index of `fvo` is unused.
    struct RunSettings: Codable {
        var fvo: FeatureVisualization.Config
        var allClasses: Bool
    }

    struct SingleResult: Codable {
        var `class`: Int
        var loss: Float
        var iterations: Int
        var stoppedEarly: Bool
        var bestIteration: Int
        var initialLoss: Float
        var seconds: Double
    }

    struct AllResult: Codable {
        var classes: Int
        /// max over classes.
        var loss: Float
        /// total over classes.
        var iterations: Int
        /// every class reached the threshold.
        var stoppedEarly: Bool
        var classLosses: [Float]
        var classIterations: [Int]
        var classStoppedEarly: [Bool]
        var classBestIterations: [Int]
        var classInitialLosses: [Float]
        var seconds: Double
    }

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let (model, info) = try m.load()
        let all = args.flag("--all-classes")
        let k: Int
        if all {
            if args.has("--class") { throw CLIError("--class and --all-classes exclude each other") }
            k = 0
        } else {
            guard args.has("--class") else { throw CLIError("give --class K or --all-classes") }
            k = try classIndex(&args, info: info)
        }
        var c = defaults
        c.classIndex = k; c.seed = m.seed
        c.lr = Float(try args.double("--lr", default: Double(c.lr), min: 1e-12))
        c.weightDecay = Float(try args.double("--weight-decay", default: Double(c.weightDecay), min: 0))
        c.tvWeight = Float(try args.double("--tv", default: Double(c.tvWeight), min: 0))
        c.l1Weight = Float(try args.double("--l1", default: Double(c.l1Weight), min: 0))
        c.l2Weight = Float(try args.double("--l2", default: Double(c.l2Weight), min: 0))
        c.maxIterations = try args.int("--max-iterations", default: c.maxIterations, min: 1, max: 100_000_000)
        c.lossThreshold = Float(try args.double("--threshold", default: Double(c.lossThreshold), min: 0))
        c.initStd = Float(try args.double("--init-std", default: Double(c.initStd), min: 0))
        let side = min(info.inputShape[1], info.inputShape[2])
        c.jitter = try args.int("--jitter", default: 0, min: 0, max: side - 1)
        c.pad = try args.int("--pad", default: 0, min: 0, max: side - 1)
        c.scales = try args.doubleList("--scales", default: []).map(Float.init)
        if let s = c.scales.first(where: { $0 <= 0 }) { throw CLIError("--scales must be positive, got \(s)") }
        c.rotations = try args.doubleList("--rotations", default: []).map(Float.init)
        c.parameterization = args.flag("--fourier") ? .fourier : .pixel
        c.decorrelateColors = args.flag("--decorrelate")
        if c.decorrelateColors && info.inputShape[0] != 3 {
            throw CLIError("--decorrelate needs a 3-channel model; \(info.name) takes \(info.inputShape[0]) channel(s)")
        }
        let quiet = args.flag("--quiet")
        let out = try OutputArguments.parse(&args)
        try args.finish()
        do { try c.validate(inputShape: info.inputShape) } catch { throw CLIError("\(error)") }
        try out.check()

        let classes = all ? info.classes : 1
        let progress = Progress(total: classes * c.maxIterations, label: all ? "fvo all classes" : "fvo class \(k)", quiet: quiet)
        let start = Date()
        let runs: [(result: FeatureVisualization.Result, input: Tensor)]
        if all {
            var done = 0
            runs = try FeatureVisualization.allClasses(c, model: model, inputShape: info.inputShape, classes: classes) { cls, step, _ in
                // A class that stops early skips the rest of its budget.
                let target = cls * c.maxIterations + step
                progress.advance(by: target - done)
                done = target
            }
        } else {
            runs = [try FeatureVisualization.run(c, model: model, inputShape: info.inputShape) { _, _ in progress.advance(by: 1) }]
        }
        progress.finish()
        let seconds = Date().timeIntervalSince(start)
        let norm = info.normalization
        let factor = max(1, 128 / max(info.inputShape[1], info.inputShape[2]))

        try out.write { dir in
            try writeConfig(dir, seed: m.seed, model: m, RunSettings(fvo: c, allClasses: all))
            var csv = CSVWriter(header: all ? ["class", "iteration", "loss"] : ["iteration", "loss"])
            for r in runs.map(\.result) {
                for (i, l) in r.trace.enumerated() {
                    csv.addRow((all ? [.int(r.classIndex)] : []) + [.int(i + 1), .double(Double(l))])
                }
            }
            try csv.write(to: dir.url("trace.csv"))
            var plot = SVGPlot.line(runs.map { r in
                Series(x: r.result.trace.indices.map { Double($0 + 1) }, y: r.result.trace.map { Double(max($0, 1e-12)) },
                       label: "class \(r.result.classIndex)")
            }, title: "FVO: cross-entropy after each Adam step", xLabel: "iteration", yLabel: "cross-entropy")
            plot.yScale = .log
            if c.lossThreshold > 0 { plot.horizontalLines = [ReferenceLine(Double(c.lossThreshold), label: "threshold")] }
            try plot.write(to: dir.url("trace.svg"))

            if all {
                try concat(runs.map(\.input), axis: 0).writeNpy(dir.url("inputs.npy").path)
                let tiles = runs.map { PNG.upscale(.input($0.input, norm, range: .minMax), factor: factor) }
                try PNG.write(PNG.grid(images: tiles, columns: min(classes, 10)), to: dir.url("grid.png"))
                let rs = runs.map(\.result)
                try dir.writeJSON(AllResult(classes: classes, loss: rs.map(\.loss).max()!, iterations: rs.map(\.iterations).reduce(0, +),
                                            stoppedEarly: rs.allSatisfy(\.stoppedEarly), classLosses: rs.map(\.loss),
                                            classIterations: rs.map(\.iterations), classStoppedEarly: rs.map(\.stoppedEarly),
                                            classBestIterations: rs.map(\.bestIteration), classInitialLosses: rs.map(\.initialLoss),
                                            seconds: seconds), "result.json")
            } else {
                let (r, x) = runs[0]
                try x.writeNpy(dir.url("input.npy").path)
                try PNG.write(PNG.upscale(.input(x, norm, range: .minMax), factor: factor), to: dir.url("input.png"))
                try dir.writeJSON(SingleResult(class: k, loss: r.loss, iterations: r.iterations, stoppedEarly: r.stoppedEarly,
                                               bestIteration: r.bestIteration, initialLoss: r.initialLoss, seconds: seconds),
                                  "result.json")
            }
        }
        let rs = runs.map(\.result)
        let worst = rs.map(\.loss).max()!, steps = rs.map(\.iterations).reduce(0, +)
        print(String(format: "%@: CE %.3g after %d iterations (%@), %.1f s; wrote %@",
                     all ? "max over \(classes) classes" : "class \(k)", worst, steps,
                     rs.allSatisfy(\.stoppedEarly) ? "threshold reached" : "threshold not reached", seconds, out.path))
    }
}
