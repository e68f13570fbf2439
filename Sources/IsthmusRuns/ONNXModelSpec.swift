import Foundation
import IsthmusCore
import IsthmusFormats
import IsthmusNN

/// A user network from an ONNX file: `path`, the tensor taken as logits, and what the graph may not state (input
/// side, normalization, classes). Its weights are the file's initializers (and their external data).
public struct ONNXModelSpec: Codable, Equatable {
    public var path: String
    public var logits: String?
    public var inputSize: Int?
    /// imagenet | cifar10 | mnist | half | none (nil: the model's metadata key `normalization`).
    public var normalization: String?
    public var classes: Int?

    public init(path: String, logits: String? = nil, inputSize: Int? = nil, normalization: String? = nil, classes: Int? = nil) {
        self.path = path; self.logits = logits; self.inputSize = inputSize; self.normalization = normalization; self.classes = classes
    }

    public static let normalizations: [String: Normalization] = [
        "imagenet": .imagenet, "cifar10": .cifar10, "cifar": .cifar10, "mnist": .mnist, "half": .halfHalf,
    ]

    public static func isONNX(_ name: String) -> Bool { name.lowercased().hasSuffix(".onnx") }

    /// The graph loaded and checked: it runs on a [1, C, H, W] input and gives [1, classes] logits; input shape,
    /// classes and normalization from the graph or the fields, which must agree with it.
    public func load() throws -> (Module, ModelInfo) {
        let model: ONNXModel
        do { model = try ONNXModel(path: path, logits: logits) } catch let e as FormatError {
            throw RunError(e.description)
        } catch let e as ONNXError { throw RunError("\(path): \(e)") }
        if let op = model.strippedOutputOp {
            note("\((path as NSString).lastPathComponent): the graph ends in \(op); its input '\(model.logitsName)' is used as the logits")
        }
        let name = (path as NSString).lastPathComponent
        var shape: [Int]
        if let stated = model.statedInputShape, stated.count == 3 {
            shape = stated
            if let s = inputSize, s != stated[1] || s != stated[2] {
                throw RunError("\(name) states its input as \(stated); --input-size \(s) does not fit it")
            }
        } else {
            guard let s = inputSize else {
                throw RunError("\(name) does not state its input's height and width; give --input-size S")
            }
            let c = model.declaredInputShape.count == 4 ? model.declaredInputShape[1] ?? 3 : 3
            shape = [c, s, s]
        }
        let y: Tensor
        do { y = try withoutGradients { try model.forwardThrowing(Tensor.zeros([1] + shape)) } } catch {
            throw RunError("\(name) does not run on a [1, \(shape.map(String.init).joined(separator: ", "))] input: \(error)")
        }
        guard y.rank == 2, y.shape[0] == 1, y.shape[1] >= 2 else {
            throw RunError("\(name): the logits '\(model.logitsName)' have shape \(y.shape); a classifier gives [N, classes] (see --logits)")
        }
        if let k = classes, k != y.shape[1] { throw RunError("\(name) has \(y.shape[1]) classes; --classes \(k) does not fit") }
        let stated = model.proto.metadata["normalization"]
        guard let normName = normalization ?? stated else {
            throw RunError("\(name) does not state its input normalization; give --normalization imagenet|cifar10|mnist|half|none")
        }
        let norm: Normalization
        if normName == "none" {
            norm = Normalization(mean: Array(repeating: 0, count: shape[0]), std: Array(repeating: 1, count: shape[0]))
        } else {
            guard let n = Self.normalizations[normName] else { throw RunError("\(name): unknown normalization '\(normName)' in its metadata") }
            norm = n
        }
        guard norm.mean.count == shape[0] else {
            throw RunError("\(name) takes \(shape[0]) channels; normalization \(normName) is for \(norm.mean.count)")
        }
        return (model, ModelInfo(name: name, inputShape: shape, classes: y.shape[1], normalization: norm))
    }
}
