import Foundation
import IsthmusCore
import IsthmusFormats
import IsthmusNN
import IsthmusReport

/// The model a run studies: a zoo model (options, seed of its PyTorch-default init, optional weights file) or an
/// ONNX classifier (`onnx`; its weights are in the file). Part of every run's provenance.
public struct ModelSpec {
    public var options: ModelOptions
    public var weights: String?
    public var seed: UInt64
    /// A seeded random initialization was asked for (`--untrained`; part of the provenance hash).
    public var untrained: Bool
    /// Set for an ONNX file.
    public var onnx: ONNXModelSpec?

    public init(options: ModelOptions, weights: String? = nil, seed: UInt64, untrained: Bool = false, onnx: ONNXModelSpec? = nil) {
        self.options = options; self.weights = weights; self.seed = seed; self.untrained = untrained; self.onnx = onnx
    }

    /// Models whose input side is an option (`--input-size`); mlp's channel count follows its input too.
    public static let sizeConfigurable: Set<String> = ["mlp", "resnet18", "efficientnet-lite0", "googlenet", "vit-b-16"]

    /// The model and its info, weights loaded (zoo) or graph checked (ONNX).
    public func load() throws -> (Module, ModelInfo) {
        if let onnx { return try onnx.load() }
        let (model, info) = try ModelZoo.make(options, seed: seed)
        if let weights { try model.loadWeights(weights, ignoring: info.ignoredStatePrefixes) }
        return (model, info)
    }

    /// The content digest of the weights: the weights file, or for an ONNX model the .onnx file and every external
    /// data file its initializers name (part of the provenance hash); nil when untrained.
    public func weightsDigest() throws -> String? {
        if let onnx {
            let dir = (onnx.path as NSString).deletingLastPathComponent
            let locations = Set(try ONNXModelProto.read(onnx.path).graph.initializers.compactMap { $0.externalData["location"] })
            return try ([onnx.path] + locations.sorted().map { (dir.isEmpty ? "." : dir) + "/" + $0 })
                .map { try RunDirectory.contentDigest($0) }.joined(separator: "+")
        }
        return try weights.map { try RunDirectory.contentDigest($0) }
    }

    /// For size-configurable models: the input side (and mlp's channels) a square [C, S, S] or [1, C, S, S] .npy
    /// input at `path` implies, unless `inputSize` is already set.
    public mutating func adoptInputSize(fromNpy path: String?) {
        guard options.inputSize == nil, Self.sizeConfigurable.contains(options.name), let path, path.lowercased().hasSuffix(".npy"),
              let shape = try? Tensor.readNpy(path).shape else { return }
        let chw = shape.count == 4 && shape[0] == 1 ? Array(shape.dropFirst()) : shape
        if chw.count == 3, chw[1] == chw[2], chw[1] >= 8 {
            options.inputSize = chw[1]
            if options.name == "mlp" && (chw[0] == 1 || chw[0] == 3) { options.inputChannels = chw[0] }
        }
    }

    /// The hint added to an input-shape mismatch for models whose input side is an option.
    public static func inputSizeHint(_ info: ModelInfo, _ shape: [Int]) -> String {
        guard sizeConfigurable.contains(info.name), shape.count == 3, shape[1] == shape[2],
              shape[0] == info.inputShape[0] || info.name == "mlp" else { return "" }
        return " (pass --input-size \(shape[1]))"
    }
}
