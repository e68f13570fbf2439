// The attack experiment's inputs and run folder: the seeded choice of test images (and of real images A of the
// target class for the paper's and the adaptive attack), samples.csv, the tensors and examples.png.
import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

extension Attacks {
    /// The inputs of an attack on test images.
    public struct Inputs {
        public var images: Tensor
        public var labels: [Int]
        /// Indices into the data of the images and (paired attacks) of the anchors A.
        public var indices: [Int]
        public var anchors: Tensor?
        public var anchorIndices: [Int]?
        public init(images: Tensor, labels: [Int], indices: [Int], anchors: Tensor? = nil, anchorIndices: [Int]? = nil) {
            self.images = images; self.labels = labels; self.indices = indices; self.anchors = anchors; self.anchorIndices = anchorIndices
        }
    }

    /// `count` of the images `model` classifies correctly, shuffled with `seed`; for a targeted attack only images
    /// whose label is not `targetClass` (carriers). `paired` (paper, adaptive) pairs each carrier with a correctly
    /// classified image A of the target class, cycling if there are fewer. Throws when fewer than `count` images
    /// qualify, or a paired attack finds no image A (`source` names the data in the message).
    public static func pickInputs(_ data: Dataset, named source: String? = nil, model: Module, count: Int, targetClass: Int?, paired: Bool, seed: UInt64) throws -> Inputs {
        let predictions = data.predictions(of: model, batch: 256)
        var rng = SplitMix64(seed: seed)
        let correct = data.labels.indices.filter { predictions[$0] == data.labels[$0] }
        let pool = targetClass.map { t in correct.filter { data.labels[$0] != t } } ?? correct
        guard count <= pool.count else {
            throw AttackError("--count \(count) is more than the \(pool.count) correctly classified test images"
                              + (targetClass.map { " outside class \($0)" } ?? "") + " in \(source ?? data.name)")
        }
        let chosen = Array(pool.fisherYatesShuffled(using: &rng).prefix(count))
        var inputs = Inputs(images: data.images.gathered(rows: chosen), labels: chosen.map { data.labels[$0] }, indices: chosen)
        if paired, let t = targetClass {
            let real = correct.filter { data.labels[$0] == t }.fisherYatesShuffled(using: &rng)
            guard !real.isEmpty else { throw AttackError("no correctly classified test image of class \(t)") }
            let a = (0..<count).map { real[$0 % real.count] }
            inputs.anchors = data.images.gathered(rows: a)
            inputs.anchorIndices = a
        }
        return inputs
    }

    /// samples.csv, adversarial.npy, inputs.npy, anchors.npy (when given) and examples.png.
    public static func write(_ samples: [Sample], images: Tensor, adversarial: Tensor, anchors: Tensor?, indices: [Int]?,
                             anchorIndices: [Int]?, normalization: Normalization, to dir: RunDirectory) throws {
        var csv = CSVWriter(header: ["index", "source_index", "anchor_index", "label", "target", "prediction", "success",
                                     "loss", "l2", "linf", "iterations", "threshold", "barrier_penalty"])
        for s in samples {
            csv.addRow([.int(s.index), indices.map { .int($0[s.index]) } ?? "", anchorIndices.map { .int($0[s.index]) } ?? "", .int(s.label),
                        s.target.map { .int($0) } ?? "", .int(s.prediction), .int(s.success ? 1 : 0), .double(s.loss),
                        .double(s.l2), .double(s.linf), .int(s.iterations), s.threshold.map { .double($0) } ?? "",
                        s.barrierPenalty.map { .double($0) } ?? ""])
        }
        try csv.write(to: dir.url("samples.csv"))
        try adversarial.writeNpy(dir.url("adversarial.npy").path)
        try images.writeNpy(dir.url("inputs.npy").path)
        if let anchors { try anchors.writeNpy(dir.url("anchors.npy").path) }
        try PNG.write(examples(images, adversarial, normalization: normalization), to: dir.url("examples.png"))
    }

    /// Rows: originals, adversarials, and pixel differences (summed over channels) on a blue-white-red map scaled to
    /// each image's own max |difference|, for up to 8 samples.
    public static func examples(_ x: Tensor, _ adv: Tensor, normalization n: Normalization) -> PixelImage {
        let k = min(8, x.shape[0]), C = x.shape[1], H = x.shape[2], W = x.shape[3]
        var originals: [PixelImage] = [], adversarials: [PixelImage] = [], differences: [PixelImage] = []
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

extension Attacks {
    /// Where an attack's inputs came from: a data spec with the chosen test indices, or a file.
    public struct Source: Codable, Equatable {
        public var source: String
        /// Indices into the test split (data), else nil.
        public var indices: [Int]?
        public var anchorIndices: [Int]?
        public init(source: String, indices: [Int]? = nil, anchorIndices: [Int]? = nil) {
            self.source = source; self.indices = indices; self.anchorIndices = anchorIndices
        }
    }

    /// result.json of an attack run.
    public struct Record: Codable {
        public var config: Config
        public var samples: [Sample]
        public var summary: Summary
        public var inputs: Source
        public init(config: Config, samples: [Sample], summary: Summary, inputs: Source) {
            self.config = config; self.samples = samples; self.summary = summary; self.inputs = inputs
        }
    }

    /// Runs `config` on `images` (labels `labels`). With `stopAtAnchorLoss` (the paper's attack in its statistics
    /// setting, the adaptive attack) a sample stops early once its CE falls below L_t(A) of its anchor A (Sec 4.2);
    /// the adaptive attack also takes the anchors for its barrier penalty.
    public static func experiment(_ config: Config, model: Module, normalization: Normalization, images: Tensor, labels: [Int],
                                  anchors: Tensor?, stopAtAnchorLoss: Bool) throws -> Outcome {
        let thresholds = stopAtAnchorLoss
            ? anchors.map { ClassLoss(model: model, classIndex: config.targetClass!).losses($0, batch: config.batch) } : nil
        return try run(config, model: model, normalization: normalization, images: images, labels: labels, thresholds: thresholds,
                       anchors: config.method == .adaptive ? anchors : nil)
    }
}

extension Attacks {
    /// result.json (config, samples, summary, where the inputs came from), then what `write(_:images:...)` writes.
    public static func write(_ outcome: Outcome, config: Config, inputs: Source, images: Tensor, anchors: Tensor?, normalization: Normalization,
                             to dir: RunDirectory) throws {
        let r = outcome.result
        try dir.writeJSON(Record(config: config, samples: r.samples, summary: r.summary, inputs: inputs), "result.json")
        try write(r.samples, images: images, adversarial: outcome.adversarial, anchors: anchors, indices: inputs.indices,
                  anchorIndices: inputs.anchorIndices, normalization: normalization, to: dir)
    }

    /// The console summary of `s` for `method`.
    public static func summary(_ s: Summary, method: Method, seconds: Double) -> String {
        String(format: "%@ on %d inputs: success %.1f%%, median L2 %.4f, median Linf %.4f, median loss %.4f, mean steps %.1f (%.1f s)",
               method.rawValue, s.count, 100 * s.successRate, s.medianL2, s.medianLinf, s.medianLoss, s.meanIterations, seconds)
    }
}
