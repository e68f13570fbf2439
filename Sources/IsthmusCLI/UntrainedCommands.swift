import Foundation
import IsthmusCore
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

struct UntrainedCommand: Command {
    static let name = "untrained", summary = "connectivity of FVO inputs in an untrained network, and the dimension sweep (Sec 4.3)"
    static let usage = "usage: isthmus untrained [--model resnet18 --classes 10 --input-size 32] --class K --seed S --rounds R --out DIR"
    /// Every default comes from `UntrainedConnectivity.Config` and `DimensionSweep.Config`.
    static let settings = Settings(UntrainedConnectivity.Config(), [
        .int("--rounds", "R", \.rounds, 0...20, "rounds of free bypassing"),
        .int("--steps", "N", \.steps, 2...100_000, "points per curve"),
        .int("--fvo-iterations", "N", \.fvoIterations, 1...10_000_000, "FVO steps per mode (default {}, stop at CE < 5e-4)"),
        .int("--bend-iterations", "N", \.bypass.iterations, 1...10_000_000,
             "Adam steps per bend (default {}, stop after the step whose CE was < \(String(format: "%g", UntrainedConnectivity.Config().bypass.stopLoss ?? 0)))"),
        .choice("--bend", "B", \.bending, "always | conditional (default {}): always bends every segment of a round (Sec 4.3);\n"
                + "conditional only segments whose max exceeds max(L(A), L(C)) + --tolerance"),
        .number("--tolerance", "T", \.tolerance, min: 0, "with --bend conditional"),
        .number("--relative-tolerance", "R", \.relativeTolerance, min: 0,
                "connected once the path max is <= (1 + R) * max(L(A), L(C)); \"rounds needed\" counts the\n"
                + "rounds until then (default {})"),
    ])
    static var options: OptionTable {
        let d = settings.defaults
        return OptionTable([
            .text("--model", "NAME", d.model.name, "(default {}, untrained, torchvision initialization)"),
            .int("--classes", "N", d.model.classes!, 2...100_000, ""),
            .int("--input-size", "S", d.model.inputSize!, 8...1024, "input side"),
            .int("--class", "K", d.classIndex, 0..., ""),
            .seed("model and FVO seed (default {})", default: Int(d.seed)),
        ], settings.options, [
            .ints("--sizes", "S1,S2,...", nil, "dimension sweep: repeat at these input sizes (e.g. 8,16,32,64) ..."),
            .ints("--seeds", "A,B,...", DimensionSweep.Config().seeds.map { Int($0) }, min: 0, "... and seeds (default {}); resumable with --resume"),
            .int("--batch", "K", UntrainedConnectivity.defaultBatch, 1...4096, "optimize up to K bends of a round together (default {}; 1: one by one),\n"
                 + "equal to one by one to float32 rounding; not part of the run's identity"),
            .quiet,
        ], ResumableRun.options("run folder (--force replaces it; --resume continues a sweep)"))
    }
    static let notes = """
    writes result.json {primaryMax, roundMax, endpointLoss, ...}, fig7.svg, modes.png (A, bends, C); a sweep writes
    sweep.csv, result.json {rows, summary} and sweep.svg
    """

    static func run(_ args: inout Arguments) throws {
        var c = UntrainedConnectivity.Config()
        c.model.name = try args.required("--model")
        guard ModelZoo.names.contains(c.model.name) else { throw CLIError("unknown model '\(c.model.name)'") }
        c.model.classes = try args.int("--classes")
        c.model.inputSize = try args.int("--input-size")
        c.classIndex = try args.int("--class", max: c.model.classes! - 1)
        c.seed = try args.seed()
        try settings.parse(&args, into: &c)
        if args.has("--tolerance") && c.bending != .conditional { throw CLIError("--tolerance needs --bend conditional") }
        let sizes = args.has("--sizes") ? try args.intList("--sizes") : nil
        let seeds = try args.intList("--seeds").map { UInt64($0) }
        let quiet = args.flag("--quiet")
        let batch = try args.int("--batch")
        if let sizes {
            var s = DimensionSweep.Config()
            s.sizes = sizes; s.seeds = seeds; s.base = c
            let run = try ResumableRun.parse(&args)
            try args.finish()
            if let bad = sizes.first(where: { $0 < 8 }) { throw CLIError("--sizes must be >= 8, got \(bad)") }
            let dir = try run.open(config: s, seed: c.seed)
            try writeConfig(dir, seed: c.seed, model: nil, s)
            let rows = try DimensionSweep.run(s, batch: batch, units: unitRun(dir, quiet: quiet))
            try DimensionSweep.write(s, rows: rows, to: dir)
            print(DimensionSweep.summary(rows))
            return
        }
        let out = try OutputArguments.parse(&args)
        try args.finish()
        try out.check()
        let (r, a, z, path) = try UntrainedConnectivity.run(c, batch: batch)
        try out.write { dir in
            try writeConfig(dir, seed: c.seed, model: nil, c)
            try UntrainedConnectivity.write(r, a: a, c: z, path: path, to: dir)
        }
        print(UntrainedConnectivity.summary(r))
    }
}

struct EvolutionCommand: Command {
    static let name = "evolution", summary = "barrier between FVO inputs after each training batch (App F.1)"
    static let models = ["mnist-cnn", "resnet18", "resnet18-cifar", "mlp"]
    static let usage = "usage: isthmus evolution [--model mnist-cnn] [--data mnist5k] [--batches B] --out DIR [options]"
    /// Every default comes from `BarrierEvolution.Config`; with --paper the options apply over `.paper`.
    static let settings = Settings(BarrierEvolution.Config(), [
        .int("--runs", "R", \.runs, 1...1000, "independent training runs; every checkpoint pools R curves per class"),
        .int("--batch", "N", \.training.batch, 1...65_536, "training batch size"),
        .number("--lr", "LR", \.training.lr, min: 0, "Adam learning rate"),
        .int("--fvo-iterations", "N", \.fvoIterations, 1...10_000_000,
             "FVO steps per mode (default {}, stop at CE < \(String(format: "%g", Double(BarrierEvolution.Config().fvoThreshold))))"),
        .int("--steps", "N", \.steps, 2...100_000, "points per curve"),
        .choice("--std", "C", \.std, "sample (n - 1) | population (n, numpy's np.std as the paper)"),
        .choice("--area", "C", \.area, "alpha (trapezoids over alpha in [0, 1]) | unit (np.trapezoid with unit spacing over the\n"
                + "points, as the paper) (default {})"),
    ])
    static var options: OptionTable {
        let d = settings.defaults, p = BarrierEvolution.Config.paper
        return OptionTable([
            .choice("--model", "NAME", models, d.model.name, models.joined(separator: " | ") + " (default {}); resnet18 is torchvision's\n"
                    + "ResNet-18 with 10 classes on 3x32x32 (the paper's App F.1 model; with --data cifar10:DIR)"),
            .flag("--paper", "App F.1 as the paper runs it: resnet18, \(p.runs) runs, flip + crop (pad \(p.training.shift)),\n"
                  + "--std \(p.std.rawValue), --area \(p.area.rawValue) (each can still be overridden)"),
            .data,
            .int("--batches", "B", d.checkpoints.max() ?? 0, 0...1_000_000, "measure after training batches 0..B"),
            .int("--every", "K", 1, 1...1_000_000, "measure every K batches"),
            .ints("--classes", "A,B,...", nil, min: 0, "classes to measure (default all)"),
        ], settings.options, [
            .seed("(default {})"),
            .quiet,
        ], OutputArguments.options)
    }
    static let notes = """
    writes result.json {config, checkpoints [{batch, meanMax, stdMax, meanArea, stdArea, meanCurve, stdCurve, curves
    [{classIndex, run, max, area, losses}], ...}]}, evolution.csv, max.svg (max and area vs batch), curves.svg
    """

    static func run(_ args: inout Arguments) throws {
        var c = args.flag("--paper") ? BarrierEvolution.Config.paper : BarrierEvolution.Config()
        if args.has("--model") { c.model = ModelOptions(name: try args.required("--model")) }
        if c.model.name == "resnet18" { c.model.classes = 10; c.model.inputSize = 32 }
        let dataSpec = try args.required("--data")
        let batches = try args.int("--batches", default: c.checkpoints.max() ?? 0)
        let every = try args.int("--every")
        c.checkpoints = Array(stride(from: 0, through: batches, by: every))
        if args.has("--classes") { c.classes = try args.intList("--classes") }
        try settings.parse(&args, into: &c)
        c.seed = try args.seed()
        let quiet = args.flag("--quiet")
        let out = try OutputArguments.parse(&args)
        try args.finish()
        try out.check()
        let split = try DataSource.load(dataSpec)
        if c.model.name == "resnet18-cifar" || c.model.name == "resnet18" { c.training.flip = true; c.training.shift = 4 }
        if let bad = c.classes?.first(where: { $0 < 0 || $0 >= split.train.classes }) { throw CLIError("class \(bad) out of range") }
        let cps = try BarrierEvolution.run(c, data: split, quiet: quiet)
        try out.write { dir in
            try writeConfig(dir, seed: c.seed, model: nil, c)
            try BarrierEvolution.write(BarrierEvolution.File(config: c, checkpoints: cps), to: dir)
        }
        print(BarrierEvolution.summary(c, cps))
    }
}
