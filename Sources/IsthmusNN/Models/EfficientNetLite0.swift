import IsthmusCore
import IsthmusKernels

/// TensorFlow "SAME" padding for a static input size: output ceil(size / stride), the odd extra row/column at the
/// bottom/right (as Conv2dStaticSamePadding of efficientnet-lite-pytorch).
func tfSamePadding(height: Int, width: Int, kernel: Int, stride: Int) -> Padding2D {
    func pad(_ size: Int) -> (Int, Int) {
        let out = (size + stride - 1) / stride
        let total = max((out - 1) * stride + kernel - size, 0)
        return (total / 2, total - total / 2)
    }
    let (t, b) = pad(height), (l, r) = pad(width)
    return Padding2D(top: t, bottom: b, left: l, right: r)
}

/// Mobile inverted bottleneck of EfficientNet-Lite (Sandler et al. 2018; Tan & Le 2019), without squeeze-excite:
/// [expand 1x1 conv + BN + ReLU6] (absent for expand ratio 1), depthwise kxk conv (stride s) + BN + ReLU6,
/// project 1x1 conv + BN, identity skip when s = 1 and in == out channels (drop-connect on the branch in training).
/// State names `_expand_conv`, `_bn0`, `_depthwise_conv`, `_bn1`, `_project_conv`, `_bn2`.
public final class MBConvBlock: Module {
    public let expandConv: Conv2d?, bn0: BatchNorm2d?
    public let depthwiseConv: Conv2d, bn1: BatchNorm2d
    public let projectConv: Conv2d, bn2: BatchNorm2d
    public let hasSkip: Bool
    /// Probability of dropping the residual branch per sample in training (stochastic depth).
    public var dropConnectRate: Float
    var rng: SplitMix64

    /// `inputSize`: spatial size (H, W) of this block's input, for the static SAME padding of the depthwise conv.
    public init(_ cin: Int, _ cout: Int, kernel: Int, stride: Int, expandRatio: Int, inputSize: (Int, Int),
                dropConnectRate: Float = 0, eps: Float = 1e-3, momentum: Float = 0.01, seed: UInt64 = 0,
                using rng: inout SplitMix64) {
        let mid = cin * expandRatio
        if expandRatio != 1 {
            expandConv = Conv2d(cin, mid, kernel: 1, bias: false, using: &rng)
            bn0 = BatchNorm2d(mid, eps: eps, momentum: momentum)
        } else {
            expandConv = nil; bn0 = nil
        }
        depthwiseConv = Conv2d(mid, mid, kernel: kernel, stride: stride, groups: mid, bias: false, using: &rng)
        depthwiseConv.padding = tfSamePadding(height: inputSize.0, width: inputSize.1, kernel: kernel, stride: stride)
        bn1 = BatchNorm2d(mid, eps: eps, momentum: momentum)
        projectConv = Conv2d(mid, cout, kernel: 1, bias: false, using: &rng)
        bn2 = BatchNorm2d(cout, eps: eps, momentum: momentum)
        hasSkip = stride == 1 && cin == cout
        self.dropConnectRate = dropConnectRate
        self.rng = SplitMix64(seed: seed)
    }

    public override var children: [(String, Module)] {
        var c: [(String, Module)] = []
        if let expandConv, let bn0 { c += [("_expand_conv", expandConv), ("_bn0", bn0)] }
        return c + [("_depthwise_conv", depthwiseConv), ("_bn1", bn1), ("_project_conv", projectConv), ("_bn2", bn2)]
    }

    public override func forward(_ x: Tensor) -> Tensor {
        // One chain: the expanded activations stay in oneDNN's blocked layout between the three convolutions.
        var layers: [(conv: Conv2d, bn: BatchNorm2d, activation: ConvActivation)] = []
        if let expandConv, let bn0 { layers.append((conv: expandConv, bn: bn0, activation: .relu6)) }
        layers.append((conv: depthwiseConv, bn: bn1, activation: .relu6))
        layers.append((conv: projectConv, bn: bn2, activation: .none))
        var h = fusedConvBNChain(x, layers)
        guard hasSkip else { return h }
        if training && dropConnectRate > 0 {
            // Per-sample keep mask scaled by 1 / keep (efficientnet-lite-pytorch's drop_connect).
            let n = h.shape[0], keep = 1 - dropConnectRate
            let mask = Tensor(shape: [n, 1, 1, 1], scalars: (0..<n).map { _ in rng.nextUniform() < keep ? 1 / keep : 0 })
            h = h * mask
        }
        return h + x
    }
}

/// EfficientNet-Lite0 (Tan & Le 2019, arXiv:1905.11946; the "lite" variant of the TensorFlow TPU repository):
/// EfficientNet-B0's MBConv stages without squeeze-excite, ReLU6 instead of swish, stem (32) and head (1280) not
/// scaled, TensorFlow static "SAME" padding for the image size given at construction. 4.65M parameters.
///
/// Input [N, 3, imageSize, imageSize] (other sizes run with the padding computed for `imageSize`), logits [N, classes].
/// State names and order are those of efficientnet-lite-pytorch and of the official `efficientnet-lite0.pth`
/// (296 entries): `_conv_stem`, `_bn0`, `_blocks.0..15`, `_conv_head`, `_bn1`, `_fc`.
/// BatchNorm eps 1e-3, momentum 0.01 (TensorFlow's 0.99 decay); dropout 0.2 before `_fc` and drop-connect
/// 0.2 * index / 16 on residual blocks, both only in training.
///
/// Input normalization of the official weights: (x - 0.5) / 0.5 on [0, 1] RGB. Measured in PyTorch with the
/// reference implementation on photos resized to 224x224 (top-1, p): coffee 967 espresso, 0.902 with (x - 0.5) / 0.5
/// vs 0.860 with ImageNet mean/std; chelsea 285 Egyptian cat, 0.794 vs 0.799. With resize 256 + center crop 224:
/// coffee 0.957 vs 0.843. Both normalizations give the same top-1; (x - 0.5) / 0.5 is the more confident.
extension MBConvBlock {
    /// Expand (if any), depthwise and project convolutions with their BatchNorms folded; nil when they do not
    /// fold (training, a differentiated parameter, folding off: see `foldedConv`).
    var foldedConvs: [ChainedConv]? {
        var convs: [ChainedConv] = []
        if let expandConv, let bn0 {
            guard let c = foldedConv(expandConv, bn0, activation: .relu6) else { return nil }
            convs.append(c)
        }
        guard let d = foldedConv(depthwiseConv, bn1, activation: .relu6), let p = foldedConv(projectConv, bn2)
        else { return nil }
        return convs + [d, p]
    }
}

public final class EfficientNetLite0: Module {
    public let convStem: Conv2d, bn0: BatchNorm2d
    public let blocks: [MBConvBlock]
    let blockList: Sequential
    public let convHead: Conv2d, bn1: BatchNorm2d
    public let dropout: Dropout
    public let fc: Linear
    public let imageSize: Int
    /// The trunk widened to the block, when it must be (cached).
    let trunkPadding = DerivedConvs<[TrunkStage]?>()

    /// (kernel, stride, expand ratio, input channels, output channels, repeats) of the 7 stages.
    public static let stages: [(kernel: Int, stride: Int, expand: Int, cin: Int, cout: Int, repeats: Int)] = [
        (3, 1, 1, 32, 16, 1), (3, 2, 6, 16, 24, 2), (5, 2, 6, 24, 40, 2), (3, 2, 6, 40, 80, 3),
        (5, 1, 6, 80, 112, 3), (5, 2, 6, 112, 192, 4), (3, 1, 6, 192, 320, 1),
    ]

    /// Parameters are initialized as PyTorch's defaults (the reference implementation has no custom init).
    public init(classes: Int = 1000, imageSize: Int = 224, dropoutRate: Float = 0.2, dropConnectRate: Float = 0.2,
                seed: UInt64 = 0, using rng: inout SplitMix64) {
        let eps: Float = 1e-3, momentum: Float = 0.01
        self.imageSize = imageSize
        convStem = Conv2d(3, 32, kernel: 3, stride: 2, bias: false, using: &rng)
        convStem.padding = tfSamePadding(height: imageSize, width: imageSize, kernel: 3, stride: 2)
        bn0 = BatchNorm2d(32, eps: eps, momentum: momentum)
        var size = (imageSize + 1) / 2
        var specs: [(Int, Int, Int, Int, Int, Int)] = []
        for s in Self.stages {
            for r in 0..<s.repeats {
                specs.append((r == 0 ? s.cin : s.cout, s.cout, s.kernel, r == 0 ? s.stride : 1, s.expand, size))
                if r == 0 { size = (size + s.stride - 1) / s.stride }
            }
        }
        var blocks: [MBConvBlock] = []
        for (i, b) in specs.enumerated() {
            blocks.append(MBConvBlock(b.0, b.1, kernel: b.2, stride: b.3, expandRatio: b.4, inputSize: (b.5, b.5),
                                      dropConnectRate: dropConnectRate * Float(i) / Float(specs.count), eps: eps,
                                      momentum: momentum, seed: seed &+ UInt64(i + 1), using: &rng))
        }
        self.blocks = blocks
        blockList = Sequential(blocks)
        convHead = Conv2d(320, 1280, kernel: 1, bias: false, using: &rng)
        bn1 = BatchNorm2d(1280, eps: eps, momentum: momentum)
        dropout = Dropout(dropoutRate, seed: seed)
        fc = Linear(1280, classes, using: &rng)
    }

    public override var children: [(String, Module)] {
        [("_conv_stem", convStem), ("_bn0", bn0), ("_blocks", blockList), ("_conv_head", convHead), ("_bn1", bn1),
         ("_dropout", dropout), ("_fc", fc)]
    }

    /// Features after the head: [N, 1280, H/32, W/32].
    /// With eval-mode BatchNorm and frozen weights, stem, blocks and head run as one `blockedConvTrunk` when oneDNN
    /// keeps every activation in one channel block (8, with AVX2: all widths are multiples of 8; with AVX-512's 16
    /// the 24- and 40-channel stages run widened to 32 and 48 with zero channels, see `paddedTrunkStages`).
    public func features(_ x: Tensor) -> Tensor {
        if let stages = trunkStages, let h = blockedConvTrunk(x, stages, padding: trunkPadding) { return h }
        var h = fusedConvBN(x, convStem, bn0, activation: .relu6)
        for b in blocks { h = b(h) }
        return fusedConvBN(h, convHead, bn1, activation: .relu6)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        fc(dropout(adaptiveAvgPool2d(features(x), outputSize: (1, 1)).flattened()))
    }

    /// Stem, blocks and head as `convTrunk` stages, BatchNorms folded; nil when one does not fold.
    var trunkStages: [TrunkStage]? {
        guard let stem = foldedConv(convStem, bn0, activation: .relu6),
              let head = foldedConv(convHead, bn1, activation: .relu6) else { return nil }
        var stages: [TrunkStage] = [.conv(stem)]
        for b in blocks {
            guard let convs = b.foldedConvs else { return nil }
            stages += b.hasSkip ? [.residual(main: convs, shortcut: nil, activation: .none)] : convs.map { .conv($0) }
        }
        return stages + [.conv(head)]
    }
}
