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

    static let help = """
      --from A --to C                the endpoints: .npy (normalized, [C,H,W] or [1,C,H,W]) or images (.png/.jpg:
                                     resized, center-cropped and normalized for the model)
      --data SPEC --from-index I --to-index J
                                     or two images of a data set's test split (photos: in the model's normalization)
    """

    static func parse(_ args: inout Arguments) throws -> PairArguments {
        let p = PairArguments(from: try args.string("--from"), to: try args.string("--to"), data: try args.string("--data"),
                              fromIndex: try args.optionalInt("--from-index", min: 0),
                              toIndex: try args.optionalInt("--to-index", min: 0))
        let files = p.from != nil || p.to != nil, indexed = p.data != nil || p.fromIndex != nil || p.toIndex != nil
        if files == indexed { throw CLIError("give --from A.npy --to C.npy, or --data SPEC --from-index I --to-index J") }
        if files && (p.from == nil || p.to == nil) { throw CLIError("give both --from and --to") }
        if indexed && (p.data == nil || p.fromIndex == nil || p.toIndex == nil) {
            throw CLIError("give --data, --from-index and --to-index together")
        }
        return p
    }

    func load(info: ModelInfo) throws -> (Tensor, Tensor) {
        if let from, let to { return (try loadInput(from, info: info), try loadInput(to, info: info)) }
        var test = try DataSource.load(data!).test
        guard test.imageShape == info.inputShape else {
            throw CLIError("\(info.name) takes \(info.inputShape) inputs, \(data!) has \(test.imageShape)\(inputSizeHint(info, test.imageShape))")
        }
        // The photos set holds (x - 0.5) / 0.5 pixels; the model sees them in its own normalization.
        if data! == "photos" || data!.hasPrefix("photos:") { test = test.renormalized(to: info.normalization) }
        for i in [fromIndex!, toIndex!] where i >= test.count {
            throw CLIError("index \(i) out of range: the test split of \(data!) has \(test.count) images")
        }
        return (test.image(fromIndex!), test.image(toIndex!))
    }
}

struct InterpolateCommand: Command {
    static let name = "interpolate", summary = "loss of class K along the segment A->C and its barrier"
    static let help = """
    usage: isthmus interpolate --model NAME (--weights FILE | --untrained) --class K (endpoints) --out DIR
    \(ModelArguments.help)
    \(PairArguments.help)
      --class K             the class y of L_y
      --steps N             points on the segment, both ends included (default 1000)
      --batch B             inputs per forward pass (default 64)
      --adaptive            find the dense grid's barrier from a coarse grid refined around its highest maxima
                            (fewer model evaluations; alphas/losses then hold the evaluated points only)
      --coarse N            coarse points of --adaptive (default 64)
    \(OutputArguments.help)
    writes result.json (alphas, losses, endpoints {lossA, lossC}, barrier {index, alpha, max, gap, blendGap}),
    curve.csv, curve.svg, endpoints.png
    """

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let pair = try PairArguments.parse(&args)
        let (model, info) = try m.load()
        let config = Interpolation.Config(steps: try args.int("--steps", default: 1000, min: 2, max: 10_000_000),
                                          classIndex: try classIndex(&args, info: info),
                                          batch: try args.int("--batch", default: 64, min: 1, max: 65_536))
        let adaptive = args.flag("--adaptive")
        let coarse = try args.int("--coarse", default: 64, min: 3, max: 1_000_000)
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
            try dir.writeJSON(result, "result.json")
            var csv = CSVWriter(header: ["alpha", "loss"])
            for (t, l) in zip(result.alphas, result.losses) { csv.addRow([.double(t), .double(Double(l))]) }
            try csv.write(to: dir.url("curve.csv"))
            var plot = SVGPlot.line([Series(x: result.alphas, y: result.losses.map(Double.init), label: "L_y on A->C")],
                                    title: "Loss of class \(config.classIndex) along the segment", xLabel: "alpha", yLabel: "cross-entropy")
            plot.verticalLines = [ReferenceLine(result.barrier.alpha, label: "barrier")]
            try plot.write(to: dir.url("curve.svg"))
            try PNG.write(PNG.upscale(PNG.grid(images: [.input(a, info.normalization), .input(c, info.normalization)], columns: 2),
                                      factor: max(1, 112 / info.inputShape[1])), to: dir.url("endpoints.png"))
        }
        let b = result.barrier
        print(String(format: "L(A) %.4f  L(C) %.4f  barrier max %.4f at alpha %.3f, gap %.4f, blend gap %.4f",
                     result.endpoints.lossA, result.endpoints.lossC, b.max, b.alpha, b.gap, b.blendGap))
    }
}

struct SaliencyCommand: Command {
    static let name = "saliency", summary = "gradient of the class loss with respect to an input"
    static let help = """
    usage: isthmus saliency --model NAME (--weights FILE | --untrained) --input X.npy --class K --out DIR
    \(ModelArguments.help)
      --input X.npy         a normalized input, [C,H,W] or [1,C,H,W]
      --class K             the class y of L_y
    \(OutputArguments.help)
    writes gradient.npy (d CE / d input, same shape), result.json {loss, logits}, saliency.png (max |gradient| over channels)
    """

    struct Result: Codable { var loss: Float; var logits: [Float]; var gradientNorm: Float }

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let inputPath = try args.required("--input")
        let (model, info) = try m.load()
        let k = try classIndex(&args, info: info)
        let out = try OutputArguments.parse(&args)
        try args.finish()
        try out.check()
        let x = try loadInput(inputPath, info: info)
        let originalShape = try Tensor.readNpy(inputPath).shape
        var logits: Tensor!
        let (loss, g) = valueWithGradient(wrt: [x]) {
            logits = model(x)
            return crossEntropy(logits: logits, labels: [k])
        }
        let grad = g[0]
        let (C, H, W) = (info.inputShape[0], info.inputShape[1], info.inputShape[2])
        var heat = [Float](repeating: 0, count: H * W)
        for c in 0..<C { for i in 0..<(H * W) { heat[i] = max(heat[i], abs(grad[flat: c * H * W + i])) } }
        let norm = (0..<grad.count).map { grad[flat: $0] * grad[flat: $0] }.reduce(0, +).squareRoot()
        try out.write { dir in
            try writeConfig(dir, seed: m.seed, model: m, ["class": k])
            try grad.reshaped(originalShape).writeNpy(dir.url("gradient.npy").path)
            try dir.writeJSON(Result(loss: loss.scalar, logits: logits.scalars, gradientNorm: norm), "result.json")
            try PNG.write(PNG.upscale(PNG.colorize(heat, height: H, width: W), factor: max(1, 224 / H)), to: dir.url("saliency.png"))
        }
        print(String(format: "loss %.5f, |gradient| %.5g; wrote %@", loss.scalar, norm, out.path))
    }
}

struct KernelBenchCommand: Command {
    static let name = "_kernels", summary = "GFLOP/s of GEMM and of a 64-channel 3x3 conv forward+backward"
    static let help = "usage: isthmus _kernels [--threads 1,2]"
    static func run(_ args: inout Arguments) throws {
        let threads = try args.intList("--threads", default: [1, 2])
        try args.finish()
        print("\(KernelSettings.cpuModel), \(ProcessInfo.processInfo.activeProcessorCount) cores; " + KernelSettings.summary)
        _ = KernelBenchmark.run(threads: threads)                 // prints each row as it completes
    }
}
