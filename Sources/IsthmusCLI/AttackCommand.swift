import Foundation
import IsthmusCore
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

struct AttackCommand: Command {
    static let name = "attack", summary = "adversarial examples: the paper's attack, FGSM, PGD, CW, adaptive"
    static let help = """
    usage: isthmus attack --method M --model NAME (--weights FILE | --untrained) (inputs) --out DIR
    \(ModelArguments.help)
      --method M            paper | fgsm | pgd | cw | adaptive
    inputs (normalized tensors; sizes are in pixel space, pixel = x * std + mean, box [0, 1]):
      --data SPEC --count N test images picked with --seed among those the model classifies correctly (photos: in the
                            model's normalization, labeled with its top-1 class); for targeted
                            attacks only images whose label is not the target (carriers). paper/adaptive pair each
                            carrier with a correctly classified test image A of the target class (cycling if needed)
      --input X.npy --label L
                            or given inputs, [C,H,W] or [N,C,H,W], all with label L
      --pair A.npy          with --input: the real image A of the target class (paper: early-stop threshold L_t(A);
                            adaptive: required), [C,H,W] or as many as inputs
    attack:
      --targeted            targeted attack (always on for paper/adaptive); --target-class T (required then)
      --eps E               ball radius, pixel space (default 8/255 for linf, 0.5 for l2)
      --step S              PGD step, pixel space (default 2/255 for linf, 0.125 for l2)
      --steps S             iterations (PGD 10, CW 50, paper 512 statistics / 1024 demo, adaptive 512)
      --norm linf|l2        PGD ball (default linf)
      --no-random-start     PGD starts at the input
      --c C --kappa K       CW weight and confidence (default 1, 0)
      --lr LR               Adam learning rate (CW 0.01, paper/adaptive 0.005)
      --mode statistics|demo
                            paper: statistics = 512 steps, lambda 1e-8, stop after 32 steps once CE < L_t(A);
                            demo = 1024 steps, lambda 1e-7, no early stop (default statistics with pairs)
      --tv LAMBDA           weight of TV(x - K); --mse W weight of mean((x - K)^2) (default 0.1)
      --mu MU               adaptive: weight of the barrier penalty (default 1); --barrier-points P (default 8)
      --min-steps M         early stop only after M steps (default 32)
      --batch B             inputs per forward pass (default 64)
    \(OutputArguments.help)
    writes result.json {config, samples [{label, target, prediction, success, loss, l2, linf, iterations, ...}],
    summary {successRate, medianL2, medianLinf, ...}, inputs}, samples.csv, adversarial.npy, inputs.npy,
    anchors.npy (paper/adaptive with pairs), examples.png (original / adversarial / difference, amplified)
    """

    struct Inputs: Codable {
        var source: String
        /// Indices into the test split (data), else nil.
        var indices: [Int]?
        var anchorIndices: [Int]?
    }

    struct Record: Codable {
        var config: Attacks.Config
        var samples: [Attacks.Sample]
        var summary: Attacks.Summary
        var inputs: Inputs
    }

    static func run(_ args: inout Arguments) throws {
        let m = try ModelArguments.parse(&args)
        let methodName = try args.required("--method")
        guard let method = Attacks.Method(rawValue: methodName) else {
            throw CLIError("--method must be one of \(Attacks.Method.allCases.map(\.rawValue).joined(separator: ", ")), got '\(methodName)'")
        }
        let norm = Attacks.Norm(rawValue: try args.choice("--norm", ["linf", "l2"], default: "linf"))!
        let (model, info) = try m.load()
        var c = Attacks.Config(method: method, norm: norm)
        c.seed = m.seed
        let paired = method == .paper || method == .adaptive
        c.targeted = paired || args.flag("--targeted")
        c.targetClass = c.targeted ? try classIndex(&args, info: info, name: "--target-class") : nil
        if !c.targeted && args.has("--target-class") { throw CLIError("--target-class needs --targeted") }
        let mode = try args.choice("--mode", ["statistics", "demo"], default: "statistics")
        if method == .paper {
            if mode == "statistics" { let t = c.targetClass; c = .paperStatistics; c.targetClass = t; c.seed = m.seed }
        } else if args.has("--mode") { throw CLIError("--mode applies to --method paper only") }
        c.eps = try args.double("--eps", default: c.eps, min: 0)
        c.step = try args.double("--step", default: c.step, min: 0)
        c.steps = try args.int("--steps", default: c.steps, min: 1, max: 1_000_000)
        if args.flag("--no-random-start") { c.randomStart = false }
        c.c = try args.double("--c", default: c.c, min: 0)
        c.kappa = try args.double("--kappa", default: c.kappa, min: 0)
        c.lr = try args.double("--lr", default: c.lr, min: 1e-12)
        c.mseWeight = try args.double("--mse", default: c.mseWeight, min: 0)
        c.tvWeight = try args.double("--tv", default: c.tvWeight, min: 0)
        c.barrierWeight = try args.double("--mu", default: c.barrierWeight, min: 0)
        c.barrierPoints = try args.int("--barrier-points", default: c.barrierPoints, min: 1, max: 10_000)
        c.minSteps = try args.int("--min-steps", default: c.minSteps, min: 0)
        c.batch = try args.int("--batch", default: c.batch, min: 1, max: 65_536)
        do { try c.validate(classes: info.classes) } catch let e as AttackError { throw CLIError(e.description) }

        let data = try args.string("--data")
        let count = try args.optionalInt("--count", min: 1)
        let inputPath = try args.string("--input")
        let label = try args.optionalInt("--label", min: 0, max: info.classes - 1)
        let pairPath = try args.string("--pair")
        let out = try OutputArguments.parse(&args)
        try args.finish()
        if (data == nil) == (inputPath == nil) { throw CLIError("give --data SPEC --count N, or --input X.npy --label L") }
        if data != nil && count == nil { throw CLIError("--data needs --count N") }
        if inputPath != nil && label == nil { throw CLIError("--input needs --label L") }
        if data != nil && (label != nil || pairPath != nil) { throw CLIError("--label and --pair go with --input, not --data") }
        if method == .adaptive && inputPath != nil && pairPath == nil { throw CLIError("the adaptive attack needs --pair A.npy") }
        try out.check()

        // Inputs, labels and (paper/adaptive) anchors.
        var images: Tensor, labels: [Int], anchors: Tensor?
        var record = Inputs(source: data ?? inputPath!)
        if let data {
            // Shapes checked; photos in the model's normalization, labeled with its top-1 class per photo view.
            let test = try evaluationData(data, model: model, info: info)
            let predictions = test.predictions(of: model, batch: 256)
            var rng = SplitMix64(seed: m.seed)
            func shuffled(_ v: [Int]) -> [Int] { v.fisherYatesShuffled(using: &rng) }
            let correct = test.labels.indices.filter { predictions[$0] == test.labels[$0] }
            let pool = c.targeted ? correct.filter { test.labels[$0] != c.targetClass! } : correct
            guard count! <= pool.count else {
                throw CLIError("--count \(count!) is more than the \(pool.count) correctly classified test images"
                               + (c.targeted ? " outside class \(c.targetClass!)" : "") + " in \(data)")
            }
            let chosen = Array(shuffled(pool).prefix(count!))
            images = test.images.gathered(rows: chosen)
            labels = chosen.map { test.labels[$0] }
            record.indices = chosen
            if paired {
                let real = shuffled(correct.filter { test.labels[$0] == c.targetClass! })
                guard !real.isEmpty else { throw CLIError("no correctly classified test image of class \(c.targetClass!)") }
                let a = (0..<count!).map { real[$0 % real.count] }
                anchors = test.images.gathered(rows: a)
                record.anchorIndices = a
            }
        } else {
            images = try loadBatch(inputPath!, info: info)
            labels = Array(repeating: label!, count: images.shape[0])
            if let pairPath {
                guard paired else { throw CLIError("--pair goes with --method paper or adaptive") }
                let a = try loadBatch(pairPath, info: info)
                guard a.shape[0] == 1 || a.shape[0] == images.shape[0] else {
                    throw CLIError("\(pairPath) has \(a.shape[0]) images for \(images.shape[0]) inputs")
                }
                anchors = a.shape[0] == 1 ? a.gathered(rows: Array(repeating: 0, count: images.shape[0])) : a
            }
        }
        let thresholds: [Float]? = paired && (method == .adaptive || mode == "statistics")
            ? anchors.map { ClassLoss(model: model, classIndex: c.targetClass!).losses($0, batch: c.batch) } : nil
        if method == .paper && mode == "statistics" && thresholds == nil {
            note("note: no pair given, so no early-stop threshold: running all \(c.steps) steps")
        }

        let started = Date()
        let outcome: Attacks.Outcome
        do {
            outcome = try Attacks.run(c, model: model, normalization: info.normalization, images: images, labels: labels,
                                      thresholds: thresholds, anchors: method == .adaptive ? anchors : nil)
        } catch let e as AttackError { throw CLIError(e.description) }
        let seconds = Date().timeIntervalSince(started)
        let result = outcome.result

        try out.write { dir in
            try writeConfig(dir, seed: m.seed, model: m, c)
            try dir.writeJSON(Record(config: c, samples: result.samples, summary: result.summary, inputs: record), "result.json")
            var csv = CSVWriter(header: ["index", "source_index", "anchor_index", "label", "target", "prediction", "success",
                                         "loss", "l2", "linf", "iterations", "threshold", "barrier_penalty"])
            for s in result.samples {
                csv.addRow([.int(s.index), record.indices.map { .int($0[s.index]) } ?? "",
                            record.anchorIndices.map { .int($0[s.index]) } ?? "", .int(s.label),
                            s.target.map { .int($0) } ?? "", .int(s.prediction), .int(s.success ? 1 : 0), .double(s.loss),
                            .double(s.l2), .double(s.linf), .int(s.iterations), s.threshold.map { .double($0) } ?? "",
                            s.barrierPenalty.map { .double($0) } ?? ""])
            }
            try csv.write(to: dir.url("samples.csv"))
            try outcome.adversarial.writeNpy(dir.url("adversarial.npy").path)
            try images.writeNpy(dir.url("inputs.npy").path)
            if let anchors, paired { try anchors.writeNpy(dir.url("anchors.npy").path) }
            try PNG.write(examples(images, outcome.adversarial, info: info), to: dir.url("examples.png"))
        }
        let s = result.summary
        print(String(format: "%@ on %d inputs: success %.1f%%, median L2 %.4f, median Linf %.4f, median loss %.4f, mean steps %.1f (%.1f s); wrote %@",
                     method.rawValue, s.count, 100 * s.successRate, s.medianL2, s.medianLinf, s.medianLoss, s.meanIterations,
                     seconds, out.path))
    }

    /// `.npy` inputs [C,H,W] or [N,C,H,W] checked against the model.
    static func loadBatch(_ path: String, info: ModelInfo) throws -> Tensor {
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("\(path): no such file") }
        let t = try Tensor.readNpy(path)
        let shape = t.rank == 3 ? [1] + t.shape : t.shape
        guard shape.count == 4, Array(shape.dropFirst()) == info.inputShape, shape[0] >= 1 else {
            throw CLIError("\(path): shape \(t.shape) does not fit \(info.name), which takes [N, \(info.inputShape.map(String.init).joined(separator: ", "))]")
        }
        return t.reshaped(shape)
    }

    /// Rows: originals, adversarials, and pixel differences (summed over channels) on a blue-white-red map scaled to
    /// each image's own max |difference|, for up to 8 samples.
    static func examples(_ x: Tensor, _ adv: Tensor, info: ModelInfo) -> PixelImage {
        let k = min(8, x.shape[0]), C = info.inputShape[0], H = info.inputShape[1], W = info.inputShape[2]
        var originals: [PixelImage] = [], adversarials: [PixelImage] = [], differences: [PixelImage] = []
        let n = info.normalization
        for i in 0..<k {
            let a = x.rows(i..<(i + 1)), b = adv.rows(i..<(i + 1))
            originals.append(.input(a, n)); adversarials.append(.input(b, n))
            let pa = a.scalars, pb = b.scalars
            var d = [Float](repeating: 0, count: H * W)
            for c in 0..<C { for j in 0..<(H * W) { d[j] += (pb[c * H * W + j] - pa[c * H * W + j]) * n.std[c] } }
            differences.append(PNG.colorize(d, height: H, width: W, colormap: .diverging, range: .symmetric))
        }
        return PNG.upscale(PNG.grid(images: originals + adversarials + differences, columns: k), factor: max(1, 84 / H))
    }
}
