import Foundation
import IsthmusCore
import IsthmusKernels
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

/// `--from A.npy --to C.npy`, or `--data SPEC --from-index i --to-index j` (indices into the test split).
struct PairArguments {
    var from: String?, to: String?
    var data: String?, fromIndex: Int?, toIndex: Int?

    static let options: [Option] = [
        .text("--from", "A", "endpoint A: a .npy (normalized, [C,H,W] or [1,C,H,W]) or an image (.png/.jpg:\n"
              + "resized, center-cropped and normalized for the model)"),
        .text("--to", "C", "endpoint C, as --from"),
        .text("--data", "SPEC", "or two images of a data set's test split (photos: in the model's normalization) ..."),
        .int("--from-index", "I", nil, 0..., "... with --data: the index of A in the test split"),
        .int("--to-index", "J", nil, 0..., "... and of C"),
    ]

    static func parse(_ args: inout Arguments) throws -> PairArguments {
        let p = PairArguments(from: try args.string("--from"), to: try args.string("--to"), data: try args.string("--data"),
                              fromIndex: try args.optionalInt("--from-index"), toIndex: try args.optionalInt("--to-index"))
        let files = p.from != nil || p.to != nil, indexed = p.data != nil || p.fromIndex != nil || p.toIndex != nil
        if files == indexed { throw CLIError("give --from A.npy --to C.npy, or --data SPEC --from-index I --to-index J") }
        if files && (p.from == nil || p.to == nil) { throw CLIError("give both --from and --to") }
        if indexed && (p.data == nil || p.fromIndex == nil || p.toIndex == nil) {
            throw CLIError("give --data, --from-index and --to-index together")
        }
        return p
    }

    func load(info: ModelInfo) throws -> (Tensor, Tensor) {
        if let from, let to { return (try DataSpec.input(from, info: info), try DataSpec.input(to, info: info)) }
        let x = try DataSpec.testImages(data!, indices: [fromIndex!, toIndex!], info: info)
        return (x[0], x[1])
    }
}

struct InterpolateCommand: Command {
    static let name = "interpolate", summary = "loss of class K along the segment A->C and its barrier"
    static let usage = "usage: isthmus interpolate --model NAME (--weights FILE | --untrained) --class K (endpoints) --out DIR"
    static var options: OptionTable {
        let c = Interpolation.Config(classIndex: 0), a = AdaptiveInterpolation.Config(classIndex: 0)
        return OptionTable(ModelArguments.cliOptions, PairArguments.options, [
            .classK,
            .int("--steps", "N", c.steps, 2...10_000_000, "points on the segment, both ends included"),
            .int("--batch", "B", c.batch, 1...65_536, "inputs per forward pass"),
            .flag("--adaptive", "find the dense grid's barrier from a coarse grid refined around its highest maxima\n"
                  + "(fewer model evaluations; alphas/losses then hold the evaluated points only)"),
            .int("--coarse", "N", a.coarse, 3...1_000_000, "coarse points of --adaptive"),
        ], OutputArguments.options)
    }
    static let notes = """
    writes result.json (alphas, losses, endpoints {lossA, lossC}, barrier {index, alpha, max, gap, blendGap}),
    curve.csv, curve.svg, endpoints.png
    """

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let pair = try PairArguments.parse(&args)
        let (model, info) = try m.load()
        let config = Interpolation.Config(steps: try args.int("--steps"), classIndex: try classIndex(&args, info: info),
                                          batch: try args.int("--batch"))
        let adaptive = args.flag("--adaptive")
        let coarse = try args.int("--coarse")
        let out = try OutputArguments.parse(&args)
        try args.finish()
        try out.check()
        let (a, c) = try pair.load(info: info)
        let result: Interpolation.Result
        if adaptive {
            let r = AdaptiveInterpolation.run(AdaptiveInterpolation.Config(steps: config.steps, classIndex: config.classIndex, coarse: coarse),
                                              model: model, from: a, to: c)
            let all = Interpolation.alphas(config.steps)
            result = Interpolation.Result(alphas: r.indices.map { all[$0] }, losses: r.losses,
                                          endpoints: .init(lossA: Double(r.losses.first!), lossC: Double(r.losses.last!)), barrier: r.barrier)
            note("adaptive sweep: \(r.evaluations) of \(config.steps) points evaluated")
        } else {
            result = Interpolation.run(config, model: model, from: a, to: c)
        }
        try out.write { dir in
            try writeConfig(dir, seed: m.seed, model: m, config)
            try Interpolation.write(result, from: a, to: c, classIndex: config.classIndex, normalization: info.normalization, in: dir)
        }
        print(Interpolation.summary(result))
    }
}

struct SaliencyCommand: Command {
    static let name = "saliency", summary = "gradient of the class loss with respect to an input"
    static let usage = "usage: isthmus saliency --model NAME (--weights FILE | --untrained) --input X.npy --class K --out DIR"
    static var options: OptionTable {
        OptionTable(ModelArguments.cliOptions, [.text("--input", "X.npy", "a normalized input, [C,H,W] or [1,C,H,W]"), .classK],
                    OutputArguments.options)
    }
    static let notes = "writes gradient.npy (d CE / d input, same shape), result.json {loss, logits}, saliency.png (max |gradient| over channels)"

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let inputPath = try args.required("--input")
        let (model, info) = try m.load()
        let k = try classIndex(&args, info: info)
        let out = try OutputArguments.parse(&args)
        try args.finish()
        try out.check()
        let x = try DataSpec.input(inputPath, info: info)
        let originalShape = try Tensor.readNpy(inputPath).shape
        let (r, gradient) = Saliency.run(model: model, input: x, classIndex: k)
        try out.write { dir in
            try writeConfig(dir, seed: m.seed, model: m, ["class": k])
            try Saliency.write(r, gradient: gradient, shape: originalShape, to: dir)
        }
        print(String(format: "loss %.5f, |gradient| %.5g; wrote %@", r.loss, r.gradientNorm, out.path))
    }
}

struct KernelBenchCommand: Command {
    static let name = "_kernels", summary = "GFLOP/s of GEMM and of a 64-channel 3x3 conv forward+backward"
    static let usage = "usage: isthmus _kernels [--threads 1,2] [--only TEXT]"
    static let options = OptionTable([.ints("--threads", "A,B", [1, 2], "compute threads to time"),
                                      .text("--only", "TEXT", "time only the rows whose name contains TEXT")])
    static func run(_ args: inout Arguments) throws {
        let threads = try args.intList("--threads")
        let only = try args.string("--only")
        try args.finish()
        print("\(KernelSettings.cpuModel), \(ProcessInfo.processInfo.activeProcessorCount) cores; " + KernelSettings.summary)
        let rows = KernelBenchmark.run(threads: threads, only: only)  // prints each row as it completes
        if rows.isEmpty, let only { throw CLIError("no row's name contains '\(only)'") }
    }
}
