@_exported import IsthmusArguments
@_exported import IsthmusRuns
import IsthmusNN
import IsthmusReport

/// `--model NAME (--weights FILE | --untrained) [--seed S] [--classes N] [--hidden 256,256] [--input-size S]`,
/// or `--model FILE.onnx` with the ONNX options.
typealias ModelArguments = ModelSpec

extension ModelSpec {
    static var cliOptions: [Option] { [
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
    ] + ONNXModelSpec.options }

    static func parse(_ args: inout Arguments, requireWeights: Bool = true) throws -> ModelSpec {
        let name = try args.required("--model")
        if ONNXModelSpec.isONNX(name) {
            let source = try ONNXModelSpec.parse(name, &args, requireWeights: requireWeights)
            return ModelSpec(options: ModelOptions(name: name, classes: source.classes, inputSize: source.inputSize),
                             seed: try args.seed(), onnx: source)
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
        var spec = ModelSpec(options: o, weights: weights, seed: try args.seed(), untrained: untrained)
        spec.adoptInputSize(fromNpy: args.peek("--from") ?? args.peek("--input"))
        return spec
    }
}

/// `--out DIR [--force]`: a folder written whole when the command finishes.
typealias OutputArguments = OutputFolder

extension OutputFolder {
    static let options: [Option] = [
        .text("--out", "DIR", "run folder to create (refused if it exists and is not empty)"),
        .flag("--force", "replace an existing run folder (only one Isthmus made: config.json and config.hash present)"),
    ]

    static func parse(_ args: inout Arguments) throws -> OutputFolder {
        OutputFolder(path: try args.required("--out"), force: args.flag("--force"))
    }
}

/// `--out DIR [--resume | --force]` for experiments that write one unit at a time.
typealias ResumableRun = ResumableFolder

extension ResumableFolder {
    static func options(_ out: String = "run folder; --resume continues an interrupted run, --force starts over") -> [Option] { [
        .text("--out", "DIR", out),
        .flag("--resume", "continue the interrupted run in --out (same settings, weights, data and code)"),
        .flag("--force", "start over: replace the run folder (only one Isthmus made)"),
    ] }

    static func parse(_ args: inout Arguments) throws -> ResumableFolder {
        let path = try args.required("--out")
        let resume = args.flag("--resume"), force = args.flag("--force")
        if resume && force { throw CLIError("--resume and --force exclude each other") }
        return ResumableFolder(path: path, mode: resume ? .resume : force ? .force : .create)
    }
}

extension Shard {
    static func option(_ help: String = "run pairs with index = I mod N only (merge shards with isthmus merge)") -> Option {
        .text("--shard", "I/N", help)
    }

    static func parse(_ args: inout Arguments) throws -> Shard? { try args.string("--shard").map(Shard.init(parsing:)) }
}

/// `--split` and `--cache-mb` of the `imagefolder:DIR` / `imagelist:FILE.csv` data sources.
enum ImageDataOptions {
    static let options: [Option] = [
        .text("--split", "S", "imagefolder: read DIR/S (val | train) when that subfolder exists (default: DIR/val if present, else DIR)"),
        .int("--cache-mb", "N", DataSpec.ImageSettings().cacheMB, 0...(1 << 20), "imagefolder/imagelist: cache of decoded images in MB"),
    ]

    static func parse(_ args: inout Arguments) throws -> DataSpec.ImageSettings {
        let given = args.has("--split") || args.has("--cache-mb")
        let split = try args.string("--split").map { s in
            guard ["val", "train"].contains(s) else { throw CLIError("--split must be val or train, not '\(s)'") }
            return s
        }
        return DataSpec.ImageSettings(split: split, cacheMB: try args.int("--cache-mb"), given: given)
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

/// The options every many-pair command (connectivity, barriers, compare-paths) shares, and its run folder.
enum ManyPairRun {
    /// --shard, the image-folder options, --quiet and --out/--resume/--force.
    static func options(shard: String = "run pairs with index = I mod N only (merge shards with isthmus merge)") -> [Option] {
        [Shard.option(shard)] + ImageDataOptions.options + [.quiet] + ResumableFolder.options()
    }

    static func open<C: Encodable>(_ args: inout Arguments, model m: ModelSpec, data spec: String, config: C) throws -> ManyPairFolder {
        let shard = try Shard.parse(&args)
        let quiet = args.flag("--quiet")
        let run = try ResumableFolder.parse(&args)
        let images = try ImageDataOptions.parse(&args)
        try args.finish()
        return try ManyPairFolder.open(run, model: m, data: spec, images: images, config: config, shard: shard, quiet: quiet)
    }
}
