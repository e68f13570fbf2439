import Foundation
import IsthmusCore
import IsthmusFormats
import IsthmusKernels
import IsthmusNN
import IsthmusReport

/// `--model NAME (--weights FILE | --untrained) [--seed S] [--classes N] [--hidden 256,256] [--input-size S]`.
struct ModelArguments {
    var options: ModelOptions
    var weights: String?
    var seed: UInt64
    /// `--untrained` was given (part of the config hash).
    var untrained = false
    /// Set for `--model FILE.onnx`.
    var onnx: ONNXModelSource?

    static var options: [Option] { [
        .text("--model", "NAME", ModelZoo.names.joined(separator: " | ")
              + "\nor FILE.onnx: an ONNX classifier (weights from the file; see --logits, --normalization)"),
        .text("--weights", "FILE", ".safetensors or PyTorch .pth/.pt state_dict"),
        .flag("--untrained", "a seeded random initialization instead of weights (PyTorch/torchvision init)"),
        .seed("seed of the initialization and of every random choice (default {})"),
        .int("--classes", "N", nil, 2...100_000, "number of classes (default: the model's, or the ONNX graph's)"),
        .ints("--hidden", "A,B", ModelOptions(name: "mlp").hidden, "hidden widths of mlp"),
        .int("--input-size", "S", nil, 8...4096,
             "input side for models that accept several sizes (default: the .npy input's side, else the model's;\n"
             + "ONNX: when the graph does not state it)"),
    ] + ONNXModelSource.options }

    /// Models whose input side is an option (`--input-size`); mlp's channel count follows its input too.
    static let sizeConfigurable: Set<String> = ["mlp", "resnet18", "efficientnet-lite0", "googlenet", "vit-b-16"]

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
        if let weights, weights.isEmpty { throw CLIError("--weights is empty; give a weights file") }
        var o = ModelOptions(name: name)
        o.classes = try args.optionalInt("--classes")
        o.hidden = try args.intList("--hidden")
        o.inputSize = try args.optionalInt("--input-size")
        if o.inputSize == nil, sizeConfigurable.contains(name), let input = args.peek("--from") ?? args.peek("--input"),
           input.lowercased().hasSuffix(".npy"), let shape = try? Tensor.readNpy(input).shape {
            // The side of a square [C, S, S] or [1, C, S, S] input sets the model's input size.
            let chw = shape.count == 4 && shape[0] == 1 ? Array(shape.dropFirst()) : shape
            if chw.count == 3, chw[1] == chw[2], chw[1] >= 8 {
                o.inputSize = chw[1]
                if name == "mlp" && (chw[0] == 1 || chw[0] == 3) { o.inputChannels = chw[0] }
            }
        }
        return ModelArguments(options: o, weights: weights, seed: try args.seed(), untrained: untrained)
    }

    func load() throws -> (Module, ModelInfo) {
        if let onnx { return try onnx.load() }
        let (model, info) = try ModelZoo.make(options, seed: seed)
        if let weights { try model.loadWeights(weights, ignoring: info.ignoredStatePrefixes) }
        return (model, info)
    }

    /// The content digest of the weights file (nil when untrained).
    /// The content digest of the weights: the weights file, or for an ONNX model the .onnx file and every external
    /// data file its initializers name (part of the provenance hash).
    func weightsDigest() throws -> String? {
        if let onnx {
            let dir = (onnx.path as NSString).deletingLastPathComponent
            let locations = Set(try ONNXModelProto.read(onnx.path).graph.initializers.compactMap { $0.externalData["location"] })
            return try ([onnx.path] + locations.sorted().map { (dir.isEmpty ? "." : dir) + "/" + $0 })
                .map { try RunDirectory.contentDigest($0) }.joined(separator: "+")
        }
        return try weights.map { try RunDirectory.contentDigest($0) }
    }
}

/// The hint added to an input-shape mismatch for models whose input side is an option.
func inputSizeHint(_ info: ModelInfo, _ shape: [Int]) -> String {
    guard ModelArguments.sizeConfigurable.contains(info.name), shape.count == 3, shape[1] == shape[2],
          shape[0] == info.inputShape[0] || info.name == "mlp" else { return "" }
    return " (pass --input-size \(shape[1]))"
}

/// Checks a requested `--out` before any work starts: not empty, not a file, and creatable (the nearest existing
/// ancestor is a writable folder). An existing non-empty folder is refused unless `replace` (then it must be an
/// Isthmus run folder) or `resume`.
func checkOutPath(_ path: String, replace: Bool, resume: Bool, resumable: Bool = false) throws {
    let fm = FileManager.default
    guard !path.trimmingCharacters(in: .whitespaces).isEmpty else { throw CLIError("--out is empty; give the run folder's path") }
    var isDir: ObjCBool = false
    if fm.fileExists(atPath: path, isDirectory: &isDir) {
        if !isDir.boolValue { throw CLIError("\(path) exists and is not a folder") }
        let items = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { $0 != RunDirectory.lockName }
        if !items.isEmpty && !resume {
            if !replace { throw CLIError("run folder \(path) exists; pass \(resumable ? "--resume to continue it or " : "")--force to overwrite") }
            if !RunDirectory.isRun(path) {
                throw CLIError("refusing to replace \(path): it is not an Isthmus run folder (no config.json and config.hash); "
                               + "remove it yourself or choose another --out")
            }
        }
        if access(path, W_OK) != 0 { throw CLIError("run folder \(path) is not writable") }
        return
    }
    var ancestor = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
    while !fm.fileExists(atPath: ancestor.path, isDirectory: &isDir) && ancestor.path != "/" { ancestor.deleteLastPathComponent() }
    if !isDir.boolValue { throw CLIError("cannot create run folder \(path): \(ancestor.path) is not a folder") }
    if access(ancestor.path, W_OK) != 0 { throw CLIError("cannot create run folder \(path): \(ancestor.path) is not writable") }
}

/// `--out DIR [--force]`: the run folder. Simple commands build it under a hidden temporary name beside it
/// (`.DIR.tmp-PID`) and rename it into place at the end, so DIR is either absent or complete.
struct OutputArguments {
    var path: String
    var force: Bool

    static let options: [Option] = [
        .text("--out", "DIR", "run folder to create (refused if it exists and is not empty)"),
        .flag("--force", "replace an existing run folder (only one Isthmus made: config.json and config.hash present)"),
    ]

    static func parse(_ args: inout Arguments) throws -> OutputArguments {
        OutputArguments(path: try args.required("--out"), force: args.flag("--force"))
    }

    /// Refuses an empty, unusable or occupied --out early, before any work starts.
    func check() throws {
        try checkOutPath(path, replace: force, resume: false)
        removeStaleTemporaries()
        RunState.setBuildsOutput()
    }

    /// The hidden temporary folder beside DIR for this process.
    var temporaryPath: String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
    }

    /// Deletes the hidden temporary folders (`.DIR.tmp-PID`, `.DIR.tmp-PID.old`) that killed processes left beside DIR.
    func removeStaleTemporaries() {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let parent = url.deletingLastPathComponent().path, name = url.lastPathComponent
        for item in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] {
            guard item.hasPrefix("." + name + ".tmp-") else { continue }
            var rest = Substring(item).dropFirst(name.count + 6)
            if rest.hasSuffix(".old") { rest = rest.dropLast(4) }
            guard let pid = Int32(rest), RunDirectory.processIsGone(pid) else { continue }
            try? FileManager.default.removeItem(atPath: parent + "/" + item)
        }
    }

    /// Builds the folder in `.DIR.tmp-PID`, then moves it to DIR.
    func write(_ body: (RunDirectory) throws -> Void) throws {
        try check()
        let tmp = temporaryPath
        let fm = FileManager.default
        try? fm.removeItem(atPath: tmp)   // only this process uses its PID's name
        RunState.setTemporary(tmp)
        defer { RunState.setTemporary(nil) }
        let dir = try RunDirectory(path: tmp, mode: .create)
        do {
            try body(dir)
            if !dir.exists("config.json") { try writeConfig(dir, seed: nil, model: nil, [String: String]()) }
        } catch {
            try? fm.removeItem(atPath: tmp)
            throw error
        }
        // Replace without a moment where neither the old nor the new run exists: the old folder is renamed aside,
        // the new one renamed in, then the old one deleted. A run still working in the old folder keeps it.
        let aside = tmp + ".old"
        let hadOld = fm.fileExists(atPath: path)
        var old: RunDirectory?
        if hadOld {
            do { old = try RunDirectory(path: path, mode: .resume, lock: true) } catch {
                try? fm.removeItem(atPath: tmp)
                throw error
            }
            try fm.moveItem(atPath: path, toPath: aside)
        }
        do { try fm.moveItem(atPath: tmp, toPath: path) } catch {
            if hadOld { try? fm.moveItem(atPath: aside, toPath: path) }
            try? fm.removeItem(atPath: tmp)
            throw CLIError("cannot move the finished run to \(path): \(error.localizedDescription)")
        }
        old = nil
        if hadOld { try? fm.removeItem(atPath: aside) }
    }
}

/// What determines a run's results; the FNV-1a hash of its JSON is the run's config.hash, and config.json keeps it
/// so that a refused resume or merge can say what differs.
struct Provenance: Codable, Equatable {
    /// The command that made the run.
    var kind: String
    /// Isthmus version and git commit.
    var code: String
    var model: ModelOptions?
    var untrained: Bool?
    var seed: UInt64?
    /// `RunDirectory.contentDigest` of the weights file.
    var weightsDigest: String?
    /// The data set's kind (`mnist5k`, `cifar10`, ...) and the content digest of its file or folder.
    var data: String?
    var dataDigest: String?
    /// The experiment's settings as sorted JSON.
    var config: String
    var shard: Shard?

    init<C: Encodable>(kind: String = RunState.command, model m: ModelArguments?, seed: UInt64?, weightsDigest: String?,
                       data spec: String? = nil, dataDigest: String? = nil, config: C, shard: Shard? = nil) throws {
        self.kind = kind
        code = RunInfo.codeVersion
        model = m?.options; untrained = m?.untrained; self.seed = seed
        self.weightsDigest = weightsDigest
        data = spec.map { s in s.firstIndex(of: ":").map { String(s[..<$0]) } ?? s }
        self.dataDigest = dataDigest
        self.config = String(decoding: try JSONCoding.encoder(pretty: false).encode(config), as: UTF8.self)
        self.shard = shard
    }

    var hash: String { fnv1a(Array((try? JSONCoding.encoder(pretty: false).encode(self)) ?? Data())) }

    /// What differs from `old`, in words ("different weights (digest A, now B)").
    func differences(from old: Provenance) -> [String] {
        var d: [String] = []
        if old.kind != kind { d.append("a \(old.kind) run, not \(kind)") }
        if old.weightsDigest != weightsDigest || old.untrained != untrained {
            d.append("different weights (\(old.weightsDigest ?? "untrained"), now \(weightsDigest ?? "untrained"))")
        }
        if old.model != model { d.append("different model options") }
        if old.data != data || old.dataDigest != dataDigest {
            d.append("different data (\(old.data ?? "-") \(old.dataDigest ?? ""), now \(data ?? "-") \(dataDigest ?? ""))")
        }
        if old.seed != seed { d.append("seed \(old.seed.map(String.init) ?? "-"), now \(seed.map(String.init) ?? "-")") }
        if old.config != config { d.append("different settings") }
        if old.shard != shard { d.append("a different shard") }
        if old.code != code { d.append("Isthmus \(old.code), now \(code)") }
        return d
    }
}

/// The content digest of the file or folder behind a data spec (`mnist5k`, `mnist5k:FILE`, `cifar10:DIR`, ...).
func dataDigest(_ spec: String, dataRoot: String = "data") throws -> String {
    let (kind, arg) = spec.firstIndex(of: ":").map { (String(spec[..<$0]), String(spec[spec.index(after: $0)...])) } ?? (spec, "")
    let path = !arg.isEmpty ? arg : kind == "mnist5k" ? dataRoot + "/mnist_5k.csv.gz" : kind == "photos" ? dataRoot + "/photos" : ""
    guard !path.isEmpty else { throw CLIError("data set '\(spec)' names no file or folder") }
    return try RunDirectory.contentDigest(path)
}

/// The resolved configuration of a run, with provenance (config.json).
struct RunConfig<C: Encodable>: Encodable {
    /// The command that made the run (`connectivity`, `barriers`, ...), checked by commands that read runs.
    var kind: String
    var run: RunInfo
    var model: ModelOptions?
    var weights: String?
    var data: String?
    var provenance: Provenance
    var machine = MachineInfo.current
    var config: C
}

/// Where a run ran: the compute threads (all cores unless `ISTHMUS_THREADS`), the CPU and oneDNN's ISA. Recorded in
/// config.json, outside the provenance hash: results agree across machines up to float32 rounding.
struct MachineInfo: Encodable {
    var threads: Int
    var cores: Int
    var cpu: String
    var oneDNNISA: String

    static var current: MachineInfo {
        MachineInfo(threads: Threads.count, cores: ProcessInfo.processInfo.activeProcessorCount, cpu: KernelSettings.cpuModel,
                    oneDNNISA: KernelSettings.oneDNNISA)
    }
}

/// The part of config.json that commands reading a run look at.
struct RunConfigHeader: Decodable {
    var kind: String?
    var provenance: Provenance?
}

/// Writes config.json and, if the folder has none yet, config.hash (the provenance hash). The weights are hashed
/// here unless `provenance` (computed before the folder was made) is given.
func writeConfig<C: Encodable>(_ dir: RunDirectory, seed: UInt64?, model: ModelArguments?, _ config: C, kind: String = RunState.command,
                               data: String? = nil, provenance: Provenance? = nil) throws {
    let p = try provenance ?? Provenance(kind: kind, model: model, seed: seed, weightsDigest: try model?.weightsDigest(), config: config)
    try dir.writeJSON(RunConfig(kind: p.kind, run: RunInfo.current(seed: seed ?? 0), model: model?.options, weights: model?.weights,
                                data: data, provenance: p, config: config), "config.json")
    if !dir.exists("config.hash") { try dir.writeText(p.hash + "\n", "config.hash") }
}

/// An input image for a model: a `.npy` of shape [C, H, W] or [1, C, H, W] (normalized), checked against the model,
/// or a .png/.jpg/.jpeg preprocessed for it: `ImagePreprocessing.imagenet` with the model's channels (PIL luma for 1),
/// center crop H x W after resizing the shorter side to round(max(H, W) * 256 / 224), and the model's normalization.
func loadInput(_ path: String, info: ModelInfo) throws -> Tensor {
    guard FileManager.default.fileExists(atPath: path) else { throw CLIError("\(path): no such file") }
    if isImagePath(path) {
        return ImagePreprocessing.modelInput(try decodeImage(path), inputShape: info.inputShape, normalization: info.normalization)
    }
    let t = try Tensor.readNpy(path)
    let shape = t.shape.count == 4 && t.shape[0] == 1 ? Array(t.shape.dropFirst()) : t.shape
    guard shape == info.inputShape else {
        throw CLIError("\(path): input shape \(t.shape) does not fit \(info.name), which takes \(info.inputShape)\(inputSizeHint(info, shape))")
    }
    return t.reshaped([1] + shape)
}

/// Refuses data with a label the model has no class for (cross-entropy would trap on it).
func checkLabels(_ data: some ImageSource, spec: String, info: ModelInfo) throws {
    if let bad = data.labels.firstIndex(where: { $0 < 0 || $0 >= info.classes }) {
        throw CLIError("\(spec): image \(bad) has label \(data.labels[bad]), but \(info.name) has \(info.classes) classes (see --classes)")
    }
}

/// A class index checked against the model.
func classIndex(_ args: inout Arguments, info: ModelInfo, name: String = "--class") throws -> Int {
    try args.int(name, max: info.classes - 1)
}

extension Option {
    /// `--class K`, checked against the model's classes when it is read (`classIndex`).
    static let classK = Option.int("--class", "K", nil, 0..., "the class y of L_y")
    static let quiet = Option.flag("--quiet", "no progress on stderr")
    /// `--data SPEC` of the commands that read a data set (default mnist5k).
    static var data: Option { .text("--data", "SPEC", "mnist5k", DataSource.names.joined(separator: " | ")) }
}

/// The test split of `spec` for experiments on `model`: shapes checked; the photos set (whose labels are photo
/// indices) is relabeled with the model's top-1 classes, so that L_y is the loss of the class the model sees.
func evaluationData(_ spec: String, model: Module, info: ModelInfo) throws -> Dataset {
    let data = try evaluationSource(spec, model: model, info: info).data
    if let folder = data as? ImageFolder { return try folder.dataset().data }
    return data as! Dataset
}

/// `--split` and `--cache-mb` of the `imagefolder:DIR` / `imagelist:FILE.csv` data sources.
struct ImageDataOptions {
    static let options: [Option] = [
        .text("--split", "S", "imagefolder: read DIR/S (val | train) when that subfolder exists (default: DIR/val if present, else DIR)"),
        .int("--cache-mb", "N", ImageFolder.defaultCacheBytes >> 20, 0...(1 << 20), "imagefolder/imagelist: cache of decoded images in MB"),
    ]
    var split: String?
    var cacheMB = ImageFolder.defaultCacheBytes >> 20
    /// Whether --split or --cache-mb was given (refused with other data sources).
    var given = false

    static func parse(_ args: inout Arguments) throws -> ImageDataOptions {
        var o = ImageDataOptions()
        o.given = args.has("--split") || args.has("--cache-mb")
        o.split = try args.string("--split").map { s in
            guard ["val", "train"].contains(s) else { throw CLIError("--split must be val or train, not '\(s)'") }
            return s
        }
        o.cacheMB = try args.int("--cache-mb")
        return o
    }
}

/// The evaluation data of `spec` with, for `imagefolder:DIR` / `imagelist:FILE.csv`, the resolved spec (the folder
/// `--split` picked) and the listing digest; an image folder is the `ImageFolder` itself, streamed (nothing decoded
/// yet: unreadable images are warned about and counted as they are met).
func evaluationSource(_ spec: String, model: Module, info: ModelInfo, images: ImageDataOptions = ImageDataOptions())
    throws -> (data: any ImageSource, spec: String, digest: String?) {
    if let colon = spec.firstIndex(of: ":"), ["imagefolder", "imagelist"].contains(String(spec[..<colon])) {
        let kind = String(spec[..<colon]), path = String(spec[spec.index(after: colon)...])
        guard !path.isEmpty else { throw CLIError("\(kind): needs a \(kind == "imagefolder" ? "folder" : "CSV file"), as \(kind):PATH") }
        guard info.inputShape.count == 3 else { throw CLIError("\(info.name) does not take images (input \(info.inputShape))") }
        let cache = images.cacheMB << 20
        let folder = kind == "imagefolder"
            ? try ImageFolder.folder(path, split: images.split, inputShape: info.inputShape, normalization: info.normalization, cacheBytes: cache)
            : try ImageFolder.list(path, inputShape: info.inputShape, normalization: info.normalization, cacheBytes: cache)
        try checkLabels(folder, spec: spec, info: info)
        let resolved = kind == "imagefolder" ? "imagefolder:" + ImageFolder.resolve(path, split: images.split) : spec
        return (folder, resolved, folder.listingDigest)
    }
    guard !images.given else { throw CLIError("--split and --cache-mb go with --data imagefolder:DIR or imagelist:FILE.csv") }
    var test = try DataSource.load(spec).test
    guard test.imageShape == info.inputShape else {
        throw CLIError("\(info.name) takes \(info.inputShape) inputs, \(spec) has \(test.imageShape)\(inputSizeHint(info, test.imageShape))")
    }
    if spec == "photos" || spec.hasPrefix("photos:") {
        // Photos are unlabeled pixels: bring them into the model's normalization, then label them with its top-1.
        if test.normalization.mean.count == info.normalization.mean.count { test = test.renormalized(to: info.normalization) }
        test = test.relabeled(by: model, classes: info.classes)
    }
    try checkLabels(test, spec: spec, info: info)
    return (test, spec, nil)
}

