import Foundation
import IsthmusCore
import IsthmusFormats

/// What a model needs from the outside: its input shape [C, H, W], its class count and the normalization
/// its inputs are expected in.
public struct ModelInfo: Codable, Equatable, Sendable {
    public var name: String
    public var inputShape: [Int]
    public var classes: Int
    public var normalization: Normalization
    /// State-dict prefixes a checkpoint may carry that this model does not use (GoogLeNet's auxiliary heads).
    public var ignoredStatePrefixes: [String] = []

    public init(name: String, inputShape: [Int], classes: Int, normalization: Normalization, ignoredStatePrefixes: [String] = []) {
        self.name = name; self.inputShape = inputShape; self.classes = classes; self.normalization = normalization
        self.ignoredStatePrefixes = ignoredStatePrefixes
    }
}

/// Options that shape a model from the registry.
public struct ModelOptions: Codable, Equatable, Sendable {
    public var name: String
    public var classes: Int?
    /// Hidden widths of `mlp`.
    public var hidden: [Int] = [256, 256]
    /// Input side for models that accept several sizes (resnet18, efficientnet-lite0's padding, vit).
    public var inputSize: Int?
    public var inputChannels: Int?
    public init(name: String, classes: Int? = nil, hidden: [Int] = [256, 256], inputSize: Int? = nil, inputChannels: Int? = nil) {
        self.name = name; self.classes = classes; self.hidden = hidden; self.inputSize = inputSize; self.inputChannels = inputChannels
    }
}

/// Models by name (`--model NAME`), built seeded with their PyTorch initialization.
public enum ModelZoo {
    public struct Entry {
        public let name: String
        public let summary: String
        let build: (ModelOptions, inout SplitMix64) throws -> (Module, ModelInfo)
    }

    public nonisolated(unsafe) static var entries: [Entry] = [
        Entry(name: "mnist-cnn", summary: "2 conv + 2 fc layers on 1x28x28 (the paper's MNIST workload)") { o, rng in
            let k = o.classes ?? 10
            return (MnistCNN(classes: k, using: &rng), ModelInfo(name: "mnist-cnn", inputShape: [1, 28, 28], classes: k, normalization: .mnist))
        },
        Entry(name: "mlp", summary: "multilayer perceptron on 1x28x28 (--hidden 256,256)") { o, rng in
            let k = o.classes ?? 10, side = o.inputSize ?? 28, c = o.inputChannels ?? 1
            return (MLP(inputs: c * side * side, hidden: o.hidden, classes: k, using: &rng),
                    ModelInfo(name: "mlp", inputShape: [c, side, side], classes: k, normalization: c == 1 ? .mnist : .cifar10))
        },
        Entry(name: "resnet18-cifar", summary: "the paper's CIFAR ResNet-18 on 3x32x32") { o, rng in
            let k = o.classes ?? 10
            return (ResNet18Cifar(classes: k, using: &rng),
                    ModelInfo(name: "resnet18-cifar", inputShape: [3, 32, 32], classes: k, normalization: .cifar10))
        },
        Entry(name: "resnet18", summary: "torchvision ResNet-18 (--classes, --input-size >= 8, default 224)") { o, rng in
            let k = o.classes ?? 1000, side = o.inputSize ?? 224
            guard side >= 8 else { throw FormatError(file: "resnet18", reason: "input size must be >= 8, got \(side)") }
            return (ResNet18(classes: k, using: &rng),
                    ModelInfo(name: "resnet18", inputShape: [3, side, side], classes: k, normalization: .imagenet))
        },
        Entry(name: "efficientnet-lite0", summary: "EfficientNet-Lite0 (ImageNet weights: data/efficientnet-lite0.pth), 3x224x224") { o, rng in
            let k = o.classes ?? 1000, side = o.inputSize ?? 224
            return (EfficientNetLite0(classes: k, imageSize: side, using: &rng),
                    ModelInfo(name: "efficientnet-lite0", inputShape: [3, side, side], classes: k, normalization: .halfHalf))
        },
        Entry(name: "googlenet", summary: "torchvision GoogLeNet, eval mode, transform_input on, 3x224x224") { o, rng in
            let k = o.classes ?? 1000, side = o.inputSize ?? 224
            return (GoogLeNet(classes: k, using: &rng),
                    ModelInfo(name: "googlenet", inputShape: [3, side, side], classes: k, normalization: .imagenet,
                              ignoredStatePrefixes: GoogLeNet.ignoredStateKeyPrefixes))
        },
        Entry(name: "vit-b-16", summary: "torchvision ViT-B/16, 3x224x224") { o, rng in
            let k = o.classes ?? 1000, side = o.inputSize ?? 224
            return (VisionTransformer(classes: k, imageSize: side, using: &rng),
                    ModelInfo(name: "vit-b-16", inputShape: [3, side, side], classes: k, normalization: .imagenet))
        },
    ]

    public static var names: [String] { entries.map(\.name) }

    /// A seeded, randomly initialized model (PyTorch / torchvision initialization).
    public static func make(_ options: ModelOptions, seed: UInt64) throws -> (Module, ModelInfo) {
        guard let e = entries.first(where: { $0.name == options.name }) else {
            throw FormatError(file: options.name, reason: "unknown model; available: \(names.joined(separator: ", "))")
        }
        var rng = SplitMix64(seed: seed)
        let (m, info) = try e.build(options, &rng)
        m.setTraining(false)
        return (m, info)
    }
}
