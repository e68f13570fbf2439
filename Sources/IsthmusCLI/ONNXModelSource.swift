import Foundation
import IsthmusCore
import IsthmusFormats
import IsthmusNN

/// `--model PATH.onnx [--logits NAME] [--input-size S] [--normalization imagenet|cifar10|mnist|half|none]
/// [--classes N]`: a user network from an ONNX file. Its weights come from the file (and its external data), so
/// --weights / --untrained are refused. The input shape and the classes come from the graph when it states them;
/// the normalization from the model's metadata key `normalization` or from --normalization.
struct ONNXModelSource: Codable, Equatable {
    var path: String
    var logits: String?
    var inputSize: Int?
    var normalization: String?
    var classes: Int?

    /// The options only ONNX models take (`--input-size` and `--classes` are shared with the built-in models).
    static let options: [Option] = [
        .text("--logits", "NAME", "ONNX: the tensor taken as logits (default: the first output, or the input of a final Softmax)"),
        .text("--normalization", "N", "ONNX: imagenet | cifar10 | mnist | half | none (default: the model's `normalization` metadata)"),
    ]

    static let normalizations: [String: Normalization] = [
        "imagenet": .imagenet, "cifar10": .cifar10, "cifar": .cifar10, "mnist": .mnist, "half": .halfHalf,
    ]

    static func isONNX(_ name: String) -> Bool { name.lowercased().hasSuffix(".onnx") }

    static func parse(_ path: String, _ args: inout Arguments, requireWeights: Bool) throws -> ONNXModelSource {
        if try args.string("--weights") != nil { throw CLIError("--weights does not apply to an ONNX model: its weights are in \(path)") }
        if args.flag("--untrained") { throw CLIError("--untrained does not apply to an ONNX model: its weights are in \(path)") }
        if !requireWeights { throw CLIError("an ONNX model cannot be trained here (its weights are frozen constants); use a built-in model") }
        var s = ONNXModelSource(path: path)
        s.logits = try args.string("--logits")
        s.inputSize = try args.optionalInt("--input-size")
        s.classes = try args.optionalInt("--classes")
        if let n = try args.string("--normalization") {
            guard n == "none" || normalizations[n] != nil else {
                throw CLIError("--normalization must be one of imagenet, cifar10, mnist, half, none; got '\(n)'")
            }
            s.normalization = n
        }
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("\(path): no such file") }
        return s
    }

    func load() throws -> (Module, ModelInfo) {
        let model: ONNXModel
        do { model = try ONNXModel(path: path, logits: logits) } catch let e as FormatError {
            throw CLIError(e.description)
        } catch let e as ONNXError { throw CLIError("\(path): \(e)") }
        if let op = model.strippedOutputOp {
            note("\((path as NSString).lastPathComponent): the graph ends in \(op); its input '\(model.logitsName)' is used as the logits")
        }
        let name = (path as NSString).lastPathComponent
        var shape: [Int]
        if let stated = model.statedInputShape, stated.count == 3 {
            shape = stated
            if let s = inputSize, s != stated[1] || s != stated[2] {
                throw CLIError("\(name) states its input as \(stated); --input-size \(s) does not fit it")
            }
        } else {
            guard let s = inputSize else {
                throw CLIError("\(name) does not state its input's height and width; give --input-size S")
            }
            let c = model.declaredInputShape.count == 4 ? model.declaredInputShape[1] ?? 3 : 3
            shape = [c, s, s]
        }
        let y: Tensor
        do { y = try withoutGradients { try model.forwardThrowing(Tensor.zeros([1] + shape)) } } catch {
            throw CLIError("\(name) does not run on a [1, \(shape.map(String.init).joined(separator: ", "))] input: \(error)")
        }
        guard y.rank == 2, y.shape[0] == 1, y.shape[1] >= 2 else {
            throw CLIError("\(name): the logits '\(model.logitsName)' have shape \(y.shape); a classifier gives [N, classes] (see --logits)")
        }
        if let k = classes, k != y.shape[1] { throw CLIError("\(name) has \(y.shape[1]) classes; --classes \(k) does not fit") }
        let stated = model.proto.metadata["normalization"]
        guard let normName = normalization ?? stated else {
            throw CLIError("\(name) does not state its input normalization; give --normalization imagenet|cifar10|mnist|half|none")
        }
        let norm: Normalization
        if normName == "none" {
            norm = Normalization(mean: Array(repeating: 0, count: shape[0]), std: Array(repeating: 1, count: shape[0]))
        } else {
            guard let n = Self.normalizations[normName] else { throw CLIError("\(name): unknown normalization '\(normName)' in its metadata") }
            norm = n
        }
        guard norm.mean.count == shape[0] else {
            throw CLIError("\(name) takes \(shape[0]) channels; normalization \(normName) is for \(norm.mean.count)")
        }
        return (model, ModelInfo(name: name, inputShape: shape, classes: y.shape[1], normalization: norm))
    }
}
