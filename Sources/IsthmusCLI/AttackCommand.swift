import Foundation
import IsthmusCore
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

struct AttackCommand: Command {
    static let name = "attack", summary = "adversarial examples: the paper's attack, FGSM, PGD, CW, adaptive"
    static let usage = "usage: isthmus attack --method M --model NAME (--weights FILE | --untrained) (inputs) --out DIR"
    /// Defaults depend on the method (`Attacks.PGDConfig()` etc.), so the help states them per method.
    static var options: OptionTable {
        OptionTable(ModelArguments.cliOptions, [
            .choice("--method", "M", Attacks.Method.allCases.map(\.rawValue), nil, Attacks.Method.allCases.map(\.rawValue).joined(separator: " | ")),
            Option.text("--data", "SPEC", "test images picked with --seed among those the model classifies correctly (photos: in the\n"
                        + "model's normalization, labeled with its top-1 class); for targeted attacks only images whose\n"
                        + "label is not the target (carriers). paper/adaptive pair each carrier with a correctly\n"
                        + "classified test image A of the target class (cycling if needed)")
                .under("inputs (normalized tensors; sizes are in pixel space, pixel = x * std + mean, box [0, 1]):"),
            .int("--count", "N", nil, 1..., "how many test images --data picks"),
            .text("--input", "X.npy", "or given inputs, [C,H,W] or [N,C,H,W], all with label L"),
            .int("--label", "L", nil, 0..., "the label of the --input images"),
            .text("--pair", "A.npy", "with --input: the real image A of the target class (paper: early-stop threshold L_t(A);\n"
                  + "adaptive: required), [C,H,W] or as many as inputs"),
            Option.flag("--targeted", "targeted attack (always on for paper/adaptive); --target-class T (required then)").under("attack:"),
            .int("--target-class", "T", nil, 0..., "the target class of a targeted attack"),
            .number("--eps", "E", nil, min: 0, "ball radius, pixel space (default 8/255 for linf, 0.5 for l2)"),
            .number("--step", "S", nil, min: 0, "PGD step, pixel space (default 2/255 for linf, 0.125 for l2)"),
            .int("--steps", "S", nil, 1...1_000_000, "iterations (PGD 10, CW 50, paper 512 statistics / 1024 demo, adaptive 512)"),
            .choice("--norm", "N", ["linf", "l2"], "linf", "linf | l2: the PGD ball"),
            .flag("--no-random-start", "PGD starts at the input"),
            .number("--c", "C", nil, min: 0, "CW weight (default 1)"),
            .number("--kappa", "K", nil, min: 0, "CW confidence (default 0)"),
            .number("--lr", "LR", nil, min: 1e-12, "Adam learning rate (CW 0.01, paper/adaptive 0.005)"),
            .choice("--mode", "M", ["statistics", "demo"], "statistics",
                    "paper: statistics = 512 steps, lambda 1e-8, stop after 32 steps once CE < L_t(A);\n"
                    + "demo = 1024 steps, lambda 1e-7, no early stop (default {} with pairs)"),
            .number("--tv", "LAMBDA", nil, min: 0, "weight of TV(x - K)"),
            .number("--mse", "W", nil, min: 0, "weight of mean((x - K)^2) (default 0.1)"),
            .number("--mu", "MU", nil, min: 0, "adaptive: weight of the barrier penalty (default 1)"),
            .int("--barrier-points", "P", nil, 1...10_000, "adaptive: points of the barrier penalty (default 8)"),
            .int("--min-steps", "M", nil, 0..., "early stop only after M steps (default 32)"),
            .int("--batch", "B", nil, 1...65_536, "inputs per forward pass (default 64)"),
        ], OutputArguments.options)
    }
    static let notes = """
    writes result.json {config, samples [{label, target, prediction, success, loss, l2, linf, iterations, ...}],
    summary {successRate, medianL2, medianLinf, ...}, inputs}, samples.csv, adversarial.npy, inputs.npy,
    anchors.npy (paper/adaptive with pairs), examples.png (original / adversarial / difference, amplified)
    """

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let method = Attacks.Method(rawValue: try args.required("--method"))!
        let norm = Attacks.Norm(rawValue: try args.required("--norm"))!
        let (model, info) = try m.load()
        let paired = method == .paper || method == .adaptive
        let targeted = paired || args.flag("--targeted")
        let target = targeted ? try classIndex(&args, info: info, name: "--target-class") : nil
        if !targeted && args.has("--target-class") { throw CLIError("--target-class needs --targeted") }
        let mode = try args.required("--mode")
        if method != .paper && args.has("--mode") { throw CLIError("--mode applies to --method paper only") }
        var o = Attacks.Overrides()
        (o.eps, o.step, o.steps, o.randomStart) = (try args.optionalDouble("--eps"), try args.optionalDouble("--step"),
                                                   try args.optionalInt("--steps"), !args.flag("--no-random-start"))
        (o.c, o.kappa, o.lr) = (try args.optionalDouble("--c"), try args.optionalDouble("--kappa"), try args.optionalDouble("--lr"))
        (o.mseWeight, o.tvWeight, o.barrierWeight) = (try args.optionalDouble("--mse"), try args.optionalDouble("--tv"), try args.optionalDouble("--mu"))
        (o.barrierPoints, o.minSteps, o.batch) = (try args.optionalInt("--barrier-points"), try args.optionalInt("--min-steps"), try args.optionalInt("--batch"))
        let c = Attacks.config(method, norm: norm, targetClass: target, statistics: mode == "statistics", seed: m.seed, o)
        do { try c.validate(classes: info.classes) } catch let e as AttackError { throw CLIError(e.description) }

        let data = try args.string("--data")
        let count = try args.optionalInt("--count")
        let inputPath = try args.string("--input")
        let label = try args.optionalInt("--label", max: info.classes - 1)
        let pairPath = try args.string("--pair")
        let out = try OutputArguments.parse(&args)
        try args.finish()
        if (data == nil) == (inputPath == nil) { throw CLIError("give --data SPEC --count N, or --input X.npy --label L") }
        if data != nil && count == nil { throw CLIError("--data needs --count N") }
        if inputPath != nil && label == nil { throw CLIError("--input needs --label L") }
        if data != nil && (label != nil || pairPath != nil) { throw CLIError("--label and --pair go with --input, not --data") }
        if method == .adaptive && inputPath != nil && pairPath == nil { throw CLIError("the adaptive attack needs --pair A.npy") }
        try out.check()

        let request: AttackInputs.Request = data.map { .data(spec: $0, count: count!) } ?? .file(path: inputPath!, label: label!, pair: pairPath)
        let (inputs, record) = try AttackInputs.load(request, model: model, info: info, targetClass: target, paired: paired, seed: m.seed)
        let (images, labels, anchors) = (inputs.images, inputs.labels, inputs.anchors)
        let stopAtAnchorLoss = paired && (method == .adaptive || mode == "statistics")
        if method == .paper && mode == "statistics" && anchors == nil {
            note("note: no pair given, so no early-stop threshold: running all \(c.steps) steps")
        }
        let started = Date()
        let outcome: Attacks.Outcome
        do {
            outcome = try Attacks.experiment(c, model: model, normalization: info.normalization, images: images, labels: labels,
                                             anchors: anchors, stopAtAnchorLoss: stopAtAnchorLoss)
        } catch let e as AttackError { throw CLIError(e.description) }
        let seconds = Date().timeIntervalSince(started)
        try out.write { dir in
            try writeConfig(dir, seed: m.seed, model: m, c)
            try Attacks.write(outcome, config: c, inputs: record, images: images, anchors: paired ? anchors : nil, normalization: info.normalization,
                              to: dir)
        }
        print(Attacks.summary(outcome.result.summary, method: method, seconds: seconds) + "; wrote \(out.path)")
    }
}
