import Foundation
import IsthmusCore
import IsthmusFormats
import IsthmusNN
import IsthmusReport

/// `--model NAME (--weights FILE | --untrained) [--seed S] [--classes N] [--hidden 256,256] [--input-size S]`.
struct ModelArguments {
    var options: ModelOptions
    var weights: String?
    var seed: UInt64
    /// Set for `--model FILE.onnx`.
    var onnx: ONNXModelSource?

    static let help = """
      --model NAME          \(ModelZoo.names.joined(separator: " | "))
      --weights FILE        .safetensors or PyTorch .pth/.pt state_dict
      --untrained           a seeded random initialization instead of weights (PyTorch/torchvision init)
      --seed S              seed of the initialization and of every random choice (default 0)
      --classes N           number of classes (default: the model's)
      --hidden A,B          hidden widths of mlp (default 256,256)
      --input-size S        input side for models that accept several sizes
    \(ONNXModelSource.help)
    """

    static func parse(_ args: inout Arguments, requireWeights: Bool = true) throws -> ModelArguments {
        let name = try args.required("--model")
        if ONNXModelSource.isONNX(name) {
            let source = try ONNXModelSource.parse(name, &args, requireWeights: requireWeights)
            return ModelArguments(options: ModelOptions(name: name, classes: source.classes, inputSize: source.inputSize),
                                  weights: nil, seed: try args.seed(), onnx: source)
        }
        guard ModelZoo.names.contains(name) else {
            throw CLIError("unknown model '\(name)'; available: \(ModelZoo.names.joined(separator: ", "))")
        }
        let weights = try args.string("--weights")
        let untrained = args.flag("--untrained")
        if requireWeights && weights == nil && !untrained { throw CLIError("give --weights FILE or --untrained") }
        if weights != nil && untrained { throw CLIError("--weights and --untrained exclude each other") }
        var o = ModelOptions(name: name)
        o.classes = try args.optionalInt("--classes", min: 2, max: 100_000)
        o.hidden = try args.intList("--hidden", default: [256, 256])
        o.inputSize = try args.optionalInt("--input-size", min: 8, max: 4096)
        return ModelArguments(options: o, weights: weights, seed: try args.seed())
    }

    func load() throws -> (Module, ModelInfo) {
        if let onnx { return try onnx.load() }
        let (model, info) = try ModelZoo.make(options, seed: seed)
        if let weights { try model.loadWeights(weights, ignoring: info.ignoredStatePrefixes) }
        return (model, info)
    }
}

/// `--out DIR [--force]`: the run folder. Simple commands build it under a temporary name and rename it into
/// place at the end, so DIR is either absent or complete.
struct OutputArguments {
    var path: String
    var force: Bool

    static let help = """
      --out DIR             run folder to create (refused if it exists and is not empty)
      --force               replace an existing run folder
    """

    static func parse(_ args: inout Arguments) throws -> OutputArguments {
        OutputArguments(path: try args.required("--out"), force: args.flag("--force"))
    }

    /// Refuses an existing folder early, before any work starts.
    func check() throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            if !isDir.boolValue { throw CLIError("\(path) exists and is not a folder") }
            let items = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            if !items.isEmpty && !force { throw CLIError("run folder \(path) exists; pass --force to overwrite") }
        }
    }

    /// Builds the folder in `DIR.tmp-PID`, then moves it to DIR.
    func write(_ body: (RunDirectory) throws -> Void) throws {
        try check()
        let tmp = path.hasSuffix("/") ? String(path.dropLast()) + ".tmp-\(getpid())" : path + ".tmp-\(getpid())"
        let dir = try RunDirectory(path: tmp, mode: .force)
        do { try body(dir) } catch {
            try? FileManager.default.removeItem(atPath: tmp)
            throw error
        }
        // Replace without a moment where neither the old nor the new run exists: the old folder is renamed aside,
        // the new one renamed in, then the old one deleted.
        let fm = FileManager.default
        let aside = tmp + ".old"
        let hadOld = fm.fileExists(atPath: path)
        if hadOld { try fm.moveItem(atPath: path, toPath: aside) }
        do { try fm.moveItem(atPath: tmp, toPath: path) } catch {
            if hadOld { try? fm.moveItem(atPath: aside, toPath: path) }
            throw CLIError("cannot move the finished run to \(path): \(error.localizedDescription)")
        }
        if hadOld { try? fm.removeItem(atPath: aside) }
    }
}

/// The resolved configuration of a run, with provenance (config.json).
struct RunConfig<C: Encodable>: Encodable {
    var run: RunInfo
    var model: ModelOptions?
    var weights: String?
    var config: C
}

func writeConfig<C: Encodable>(_ dir: RunDirectory, seed: UInt64, model: ModelArguments?, _ config: C) throws {
    try dir.writeJSON(RunConfig(run: RunInfo.current(seed: seed), model: model?.options, weights: model?.weights, config: config),
                      "config.json")
}

/// An input image for a model: a `.npy` of shape [C, H, W] or [1, C, H, W] (normalized), checked against the model,
/// or a .png/.jpg/.jpeg preprocessed for it: `ImagePreprocessing.imagenet` with the model's channels (PIL luma for 1),
/// center crop H x W after resizing the shorter side to round(max(H, W) * 256 / 224), and the model's normalization.
func loadInput(_ path: String, info: ModelInfo) throws -> Tensor {
    guard FileManager.default.fileExists(atPath: path) else { throw CLIError("\(path): no such file") }
    if isImagePath(path) {
        let (H, W) = (info.inputShape[1], info.inputShape[2])
        return ImagePreprocessing.imagenet(try decodeImage(path), resize: ImagePreprocessing.resizeSide(forCrop: max(H, W)),
                                           cropHeight: H, cropWidth: W, normalization: info.normalization)
    }
    let t = try Tensor.readNpy(path)
    let shape = t.shape.count == 4 && t.shape[0] == 1 ? Array(t.shape.dropFirst()) : t.shape
    guard shape == info.inputShape else {
        throw CLIError("\(path): input shape \(t.shape) does not fit \(info.name), which takes \(info.inputShape)")
    }
    return t.reshaped([1] + shape)
}

/// Refuses data with a label the model has no class for (cross-entropy would trap on it).
func checkLabels(_ data: Dataset, spec: String, info: ModelInfo) throws {
    if let bad = data.labels.firstIndex(where: { $0 < 0 || $0 >= info.classes }) {
        throw CLIError("\(spec): image \(bad) has label \(data.labels[bad]), but \(info.name) has \(info.classes) classes (see --classes)")
    }
}

/// A class index checked against the model.
func classIndex(_ args: inout Arguments, info: ModelInfo, name: String = "--class") throws -> Int {
    try args.int(name, min: 0, max: info.classes - 1)
}

extension PixelImage {
    /// A normalized [1, C, H, W] (or [C, H, W]) input as pixels, normalization undone.
    static func input(_ x: Tensor, _ norm: Normalization, range: PNG.Range = .clamp01) -> PixelImage {
        let s = x.shape.suffix(3)
        let (C, H, W) = (s[s.startIndex], s[s.startIndex + 1], s[s.startIndex + 2])
        return PNG.pixels(fromCHW: x.scalars, channels: C, height: H, width: W, mean: norm.mean, std: norm.std, range: range)
    }
}

/// The test split of `spec` for experiments on `model`: shapes checked; the photos set (whose labels are photo
/// indices) is relabeled with the model's top-1 classes, so that L_y is the loss of the class the model sees.
func evaluationData(_ spec: String, model: Module, info: ModelInfo) throws -> Dataset {
    var test = try DataSource.load(spec).test
    guard test.imageShape == info.inputShape else {
        throw CLIError("\(info.name) takes \(info.inputShape) inputs, \(spec) has \(test.imageShape)")
    }
    if spec == "photos" || spec.hasPrefix("photos:") {
        // Photos are unlabeled pixels: bring them into the model's normalization, then label them with its top-1.
        if test.normalization.mean.count == info.normalization.mean.count { test = test.renormalized(to: info.normalization) }
        test = test.relabeled(by: model, classes: info.classes)
    }
    try checkLabels(test, spec: spec, info: info)
    return test
}
