import Foundation
import IsthmusCore
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

struct FVOCommand: Command {
    static let name = "fvo", summary = "feature visualization by optimization: an input the model puts in class K (Sec 4.3)"
    static let usage = "usage: isthmus fvo --model NAME (--weights FILE | --untrained) (--class K | --all-classes) --out DIR [options]"
    /// Every default comes from `FeatureVisualization.Config`.
    static let settings = Settings(FeatureVisualization.Config(classIndex: 0), [
        .number("--lr", "LR", \.lr, min: 1e-12, "Adam learning rate"),
        .number("--weight-decay", "WD", \.weightDecay, min: 0, "added to the gradient as torch.optim.Adam"),
        .number("--tv", "W", \.tvWeight, min: 0, "weight of the unnormalized total variation (default {}; the paper's mode A 2.5e-7, mode C 0)"),
        .number("--l1", "W", \.l1Weight, min: 0, "weight of sum |x|"),
        .number("--l2", "W", \.l2Weight, min: 0, "weight of sqrt(1e-6 + sum x^2)"),
        .int("--max-iterations", "N", \.maxIterations, 1...100_000_000, "at most N Adam steps"),
        .number("--threshold", "T", \.lossThreshold, min: 0, "stop once CE < T"),
        .number("--init-std", "S", \.initStd, min: 0, "x0 = S * N(0, I)"),
        .flag("--decorrelate", \.decorrelateColors, sets: true, "mix colours with lucid's colour-correlation matrix (3-channel models)"),
    ])
    static var options: OptionTable {
        let d = settings.defaults
        return OptionTable(ModelArguments.cliOptions, [
            .int("--class", "K", nil, 0..., "the class y of CE(f(x), y)"),
            .flag("--all-classes", "one input per class, all from the same x0"),
        ], settings.options, [
            .int("--jitter", "P", d.jitter, 0..., "random circular shift of up to +-P pixels each step (default {}: off)"),
            .int("--pad", "P", d.pad, 0..., "random zero-filled translation of up to +-P pixels each step (default {}: off)"),
            .numbers("--scales", "A,B", nil, "random zoom about the centre, one factor per step (default: off)"),
            .numbers("--rotations", "A,B", nil, "random rotation in degrees, one per step (default: off)"),
            .flag("--fourier", "optimize 1/f-scaled spectrum coefficients instead of pixels (Olah et al. 2017)"),
            .quiet,
        ], OutputArguments.options)
    }
    static let notes = """
    Inputs live in the model's normalized space, unclamped; --seed also seeds x0 and the transforms.
    writes input.npy [1,C,H,W], input.png (normalization undone, min-max scaled), trace.csv, trace.svg,
    result.json {loss, iterations, stoppedEarly, class, ...}; with --all-classes: inputs.npy [K,C,H,W], grid.png
    (classes in index order, row-major), per-class arrays in result.json (loss = max, iterations = total)
    """

    /// config.json's `config`; with `allClasses` the class index of `fvo` is unused.
    struct RunSettings: Codable {
        var fvo: FeatureVisualization.Config
        var allClasses: Bool
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
        var c = FeatureVisualization.Config(classIndex: k)
        c.seed = m.seed
        try settings.parse(&args, into: &c)
        let side = min(info.inputShape[1], info.inputShape[2])
        c.jitter = try args.int("--jitter", max: side - 1)
        c.pad = try args.int("--pad", max: side - 1)
        c.scales = try args.doubleList("--scales").map(Float.init)
        if let s = c.scales.first(where: { $0 <= 0 }) { throw CLIError("--scales must be positive, got \(s)") }
        c.rotations = try args.doubleList("--rotations").map(Float.init)
        c.parameterization = args.flag("--fourier") ? .fourier : .pixel
        if c.decorrelateColors && info.inputShape[0] != 3 {
            throw CLIError("--decorrelate needs a 3-channel model; \(info.name) takes \(info.inputShape[0]) channel(s)")
        }
        let quiet = args.flag("--quiet")
        let out = try OutputArguments.parse(&args)
        try args.finish()
        do { try c.validate(inputShape: info.inputShape) } catch { throw CLIError("\(error)") }
        try out.check()

        let (runs, seconds) = try FeatureVisualization.experiment(c, model: model, inputShape: info.inputShape,
                                                                  allClasses: all ? info.classes : nil, quiet: quiet)
        try out.write { dir in
            try writeConfig(dir, seed: m.seed, model: m, RunSettings(fvo: c, allClasses: all))
            try FeatureVisualization.write(runs, allClasses: all, threshold: c.lossThreshold, normalization: info.normalization, seconds: seconds, to: dir)
        }
        print(FeatureVisualization.summary(runs, label: all ? "max over \(info.classes) classes" : "class \(k)", seconds: seconds)
              + "; wrote \(out.path)")
    }
}
