import IsthmusCore

/// ResNet basic block (He et al. 2016, arXiv:1512.03385): conv3x3-BN-ReLU-conv3x3-BN, plus the identity or a
/// 1x1 conv + BN projection when the shape changes, ReLU after the sum.
/// `shortcutName` is "shortcut" (the paper's CIFAR code) or "downsample" (torchvision).
public final class BasicBlock: Module {
    public let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d
    public let projection: Sequential?
    let projectionLayers: (conv: Conv2d, bn: BatchNorm2d)?
    let shortcutName: String

    public init(_ cin: Int, _ cout: Int, stride: Int, shortcutName: String, using rng: inout SplitMix64) {
        conv1 = Conv2d(cin, cout, kernel: 3, stride: stride, padding: 1, bias: false, using: &rng)
        bn1 = BatchNorm2d(cout)
        conv2 = Conv2d(cout, cout, kernel: 3, padding: 1, bias: false, using: &rng)
        bn2 = BatchNorm2d(cout)
        projectionLayers = stride != 1 || cin != cout
            ? (Conv2d(cin, cout, kernel: 1, stride: stride, bias: false, using: &rng), BatchNorm2d(cout)) : nil
        projection = projectionLayers.map { Sequential($0.conv, $0.bn) }
        self.shortcutName = shortcutName
    }

    public override var children: [(String, Module)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)] + (projection.map { [(shortcutName, $0)] } ?? [])
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let y = fusedConvBNPair(x, conv1, bn1, activation1: .relu, conv2, bn2)
        return (y + (projectionLayers.map { fusedConvBN(x, $0.conv, $0.bn) } ?? x)).relu()
    }

    /// This block as a `convTrunk` stage with its BatchNorms folded; nil when they do not fold (see `foldedConv`).
    var trunkStage: TrunkStage? {
        guard let c1 = foldedConv(conv1, bn1, activation: .relu), let c2 = foldedConv(conv2, bn2) else { return nil }
        if let p = projectionLayers {
            guard let s = foldedConv(p.conv, p.bn) else { return nil }
            return .residual(main: [c1, c2], shortcut: s, activation: .relu)
        }
        return .residual(main: [c1, c2], shortcut: nil, activation: .relu)
    }
}

extension [Sequential] {
    /// The basic blocks of ResNet layers as `convTrunk` stages; nil when one does not fold.
    var trunkStages: [TrunkStage]? {
        var stages: [TrunkStage] = []
        for layer in self {
            for module in layer.layers {
                guard let s = (module as? BasicBlock)?.trunkStage else { return nil }
                stages.append(s)
            }
        }
        return stages
    }
}

/// The CIFAR ResNet-18 of the paper's code: 3x3 stem (no bias) + BN, no max-pool, layer1..4 of two BasicBlocks
/// (64, 128, 256, 512 planes; stride 2 at the start of layers 2-4), average-pool 4, `linear` 512->classes.
/// Input [N, 3, 32, 32].
public final class ResNet18Cifar: Module {
    public let conv1: Conv2d, bn1: BatchNorm2d
    public let layers: [Sequential]
    public let linear: Linear

    public init(classes: Int = 10, using rng: inout SplitMix64) {
        conv1 = Conv2d(3, 64, kernel: 3, padding: 1, bias: false, using: &rng)
        bn1 = BatchNorm2d(64)
        var cin = 64
        var layers: [Sequential] = []
        for (cout, stride) in [(64, 1), (128, 2), (256, 2), (512, 2)] {
            layers.append(Sequential(BasicBlock(cin, cout, stride: stride, shortcutName: "shortcut", using: &rng),
                                     BasicBlock(cout, cout, stride: 1, shortcutName: "shortcut", using: &rng)))
            cin = cout
        }
        self.layers = layers
        linear = Linear(512, classes, using: &rng)
    }

    public override var children: [(String, Module)] {
        [("conv1", conv1), ("bn1", bn1)] + layers.enumerated().map { ("layer\($0.offset + 1)", $0.element) } + [("linear", linear)]
    }

    /// With eval-mode BatchNorm and frozen weights the stem and the eight blocks run as one `convTrunk` (their
    /// activations kept in oneDNN's blocked layout); else layer by layer.
    public override func forward(_ x: Tensor) -> Tensor {
        var h: Tensor
        if let stem = foldedConv(conv1, bn1, activation: .relu), let blocks = layers.trunkStages {
            h = convTrunk(x, [.conv(stem)] + blocks)
        } else {
            h = fusedConvBN(x, conv1, bn1, activation: .relu)
            for l in layers { h = l(h) }
        }
        return linear(avgPool2d(h, kernel: (4, 4)).flattened())
    }
}

/// torchvision's ResNet-18: conv1 7x7/2 (no bias), bn1, ReLU, max-pool 3/2/1, layer1..4 with `downsample`,
/// adaptive average pool to 1x1, `fc` 512->classes. Any input size >= 32.
/// Untrained init as torchvision: convs kaiming-normal (fan_out, ReLU), BN weight 1 / bias 0, fc PyTorch default.
public final class ResNet18: Module {
    public let conv1: Conv2d, bn1: BatchNorm2d
    public let layers: [Sequential]
    public let fc: Linear

    public init(classes: Int = 1000, using rng: inout SplitMix64) {
        conv1 = Conv2d(3, 64, kernel: 7, stride: 2, padding: 3, bias: false, using: &rng)
        bn1 = BatchNorm2d(64)
        var cin = 64
        var layers: [Sequential] = []
        for (cout, stride) in [(64, 1), (128, 2), (256, 2), (512, 2)] {
            layers.append(Sequential(BasicBlock(cin, cout, stride: stride, shortcutName: "downsample", using: &rng),
                                     BasicBlock(cout, cout, stride: 1, shortcutName: "downsample", using: &rng)))
            cin = cout
        }
        self.layers = layers
        fc = Linear(512, classes, using: &rng)
        super.init()
        for case let conv as Conv2d in allModules { conv.kaimingNormalFanOut(using: &rng) }
    }

    public override var children: [(String, Module)] {
        [("conv1", conv1), ("bn1", bn1)] + layers.enumerated().map { ("layer\($0.offset + 1)", $0.element) } + [("fc", fc)]
    }

    /// The eight blocks run as one `convTrunk` when their BatchNorms fold (see `ResNet18Cifar.forward`).
    public override func forward(_ x: Tensor) -> Tensor {
        var h = reluMaxPool2d(fusedConvBN(x, conv1, bn1), kernel: (3, 3), stride: (2, 2), padding: (1, 1))  // = maxPool2d(relu(.))
        if let blocks = layers.trunkStages {
            h = convTrunk(h, blocks)
        } else {
            for l in layers { h = l(h) }
        }
        return fc(adaptiveAvgPool2d(h, outputSize: (1, 1)).flattened())
    }
}

extension Module {
    /// This module and all its descendants, depth first, in registration order.
    public var allModules: [Module] { [self] + children.flatMap { $0.1.allModules } }
}
