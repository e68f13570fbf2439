import Foundation
import IsthmusCore
import IsthmusKernels

/// torchvision's BasicConv2d: conv (no bias) + BatchNorm (eps 1e-3) + ReLU. State names `conv.weight`, `bn.*`.
public final class BasicConv2d: Module {
    public let conv: Conv2d, bn: BatchNorm2d
    public init(_ cin: Int, _ cout: Int, kernel: Int, stride: Int = 1, padding: Int = 0, using rng: inout SplitMix64) {
        conv = Conv2d(cin, cout, kernel: kernel, stride: stride, padding: padding, bias: false, using: &rng)
        bn = BatchNorm2d(cout, eps: 1e-3)
    }
    public override var children: [(String, Module)] { [("conv", conv), ("bn", bn)] }
    public override func forward(_ x: Tensor) -> Tensor { fusedConvBN(x, conv, bn, activation: .relu) }
}

/// Inception module (Szegedy et al. 2015) as in torchvision: four branches concatenated on channels,
/// `branch1` 1x1; `branch2` 1x1 + 3x3; `branch3` 1x1 + 3x3 (torchvision's, where the paper has 5x5);
/// `branch4` max-pool 3/1/1 (ceil mode) + 1x1. Output channels ch1x1 + ch3x3 + ch5x5 + poolProj.
/// The BasicConv2d layers of `s` in turn, as one `fusedConvBNChain` (conv-BN-ReLU each).
func basicConvChain(_ x: Tensor, _ s: Sequential) -> Tensor {
    let layers = s.layers.compactMap { $0 as? BasicConv2d }
    guard layers.count == s.layers.count else { return s(x) }
    return fusedConvBNChain(x, layers.map { (conv: $0.conv, bn: $0.bn, activation: ConvActivation.relu) })
}

public final class Inception: Module {
    public let branch1: BasicConv2d, branch2: Sequential, branch3: Sequential, branch4: Sequential

    public init(_ cin: Int, _ ch1x1: Int, _ ch3x3red: Int, _ ch3x3: Int, _ ch5x5red: Int, _ ch5x5: Int, _ poolProj: Int,
                using rng: inout SplitMix64) {
        branch1 = BasicConv2d(cin, ch1x1, kernel: 1, using: &rng)
        branch2 = Sequential(BasicConv2d(cin, ch3x3red, kernel: 1, using: &rng),
                             BasicConv2d(ch3x3red, ch3x3, kernel: 3, padding: 1, using: &rng))
        branch3 = Sequential(BasicConv2d(cin, ch5x5red, kernel: 1, using: &rng),
                             BasicConv2d(ch5x5red, ch5x5, kernel: 3, padding: 1, using: &rng))
        branch4 = Sequential(MaxPool2d(3, stride: 1, padding: 1, ceilMode: true),
                             BasicConv2d(cin, poolProj, kernel: 1, using: &rng))
    }

    public override var children: [(String, Module)] {
        [("branch1", branch1), ("branch2", branch2), ("branch3", branch3), ("branch4", branch4)]
    }

    /// With frozen eval-mode weights, the three 1x1 convolutions that read x (branch1 and the reductions of
    /// branch2 and branch3) run as one convolution with their output channels stacked (x is read, and reordered
    /// into oneDNN's blocked layout, once instead of three times), then the 3x3 convolutions read their channels
    /// of it. Otherwise the reduce-then-3x3 branches run as `fusedConvBNChain`s.
    public override func forward(_ x: Tensor) -> Tensor {
        if let y = mergedForward(x) { return y }
        return concat([branch1(x), basicConvChain(x, branch2), basicConvChain(x, branch3), branch4(x)], axis: 1)
    }

    private let merged = DerivedConvs<ChainedConv>(), mergedBlocked = DerivedConvs<ChainedConv>()
    private let padded2 = DerivedConvs<ChainedConv?>(), padded3 = DerivedConvs<ChainedConv?>()

    /// The layers stacked along the output channels, each followed by zero filters up to a multiple of `block`:
    /// [sum roundUp(K_i, block), C, 1, 1], ReLU.
    static func stacked(_ parts: [ChainedConv], block: Int) -> ChainedConv {
        let padded = parts.map { $0.withZeroOutputs(roundUp($0.weight.shape[0], toMultipleOf: block) - $0.weight.shape[0]) }
        return ChainedConv(concat(padded.map(\.weight), axis: 0),
                           concat(padded.map { $0.bias ?? Tensor.zeros([$0.weight.shape[0]]) }, axis: 0), activation: .relu)
    }

    /// The folded layers (frozen eval-mode weights): branch1 and the two reductions (1x1 on x), the two 3x3
    /// convolutions, and the pool branch's 1x1; nil when a layer is not folded or not of torchvision's shape.
    private func foldedLayers() -> (inputs: [ChainedConv], c2: ChainedConv, c3: ChainedConv, poolProj: ChainedConv)? {
        guard let r2 = branch2.layers.first as? BasicConv2d, let t2 = branch2.layers.last as? BasicConv2d,
              let r3 = branch3.layers.first as? BasicConv2d, let t3 = branch3.layers.last as? BasicConv2d,
              let p4 = branch4.layers.last as? BasicConv2d,
              branch2.layers.count == 2, branch3.layers.count == 2 else { return nil }
        let parts = [branch1, r2, r3].compactMap { foldedConv($0.conv, $0.bn, activation: .relu) }
        guard parts.count == 3, parts.allSatisfy({ $0.weight.shape[2] == 1 && $0.weight.shape[3] == 1 && $0.groups == 1 &&
                                                    $0.stride == (1, 1) && $0.padding == .zero }),
              let c2 = foldedConv(t2.conv, t2.bn, activation: .relu), let c3 = foldedConv(t3.conv, t3.bn, activation: .relu),
              let c4 = foldedConv(p4.conv, p4.bn, activation: .relu)
        else { return nil }
        return (parts, c2, c3, c4)
    }

    func mergedForward(_ x: Tensor) -> Tensor? {
        guard x.rank == 4, let (parts, c2, c3, _) = foldedLayers() else { return nil }
        let y = merged.value(parts) { Self.stacked($0, block: 1) }.apply(x)
        let n1 = parts[0].weight.shape[0], n2 = parts[1].weight.shape[0], n3 = parts[2].weight.shape[0]
        return concat([y.narrowed(axis: 1, start: 0, length: n1), c2.apply(y.narrowed(axis: 1, start: n1, length: n2)),
                       c3.apply(y.narrowed(axis: 1, start: n1 + n2, length: n3)), branch4(x)], axis: 1)
    }

    /// `forward` for inference on a blocked activation: the stacked 1x1 convolution, the 3x3 convolutions on their
    /// channels of it, the pool branch (max-pool 3/1/1, ceil mode, then its 1x1) and the concatenation, all in the
    /// blocked layout. A reduction whose width is not a multiple of the block b (24 in inception4b-c, with
    /// AVX-512's 16) gets zero filters up to the next multiple, and its 3x3 convolution zero input channels to
    /// match: relu(0) = 0 adds exact zeros. nil where that does not apply (the output branches' widths not
    /// multiples of b, a weight not frozen): the caller then runs `forward` on the NCHW tensor.
    func blockedForward(_ x: BlockedActivation) -> BlockedActivation? {
        let b = x.block
        guard let (parts, c2, c3, c4) = foldedLayers(), let pool = branch4.layers.first as? MaxPool2d else { return nil }
        let stacked = mergedBlocked.value(parts, variant: b) { Self.stacked($0, block: b) }
        let n1 = parts[0].weight.shape[0], n2 = roundUp(parts[1].weight.shape[0], toMultipleOf: b)
        let n3 = roundUp(parts[2].weight.shape[0], toMultipleOf: b)
        guard n1 % b == 0, let p2 = padded2.value([c2], variant: n2, { $0[0].withInputs(n2) }),
              let p3 = padded3.value([c3], variant: n3, { $0[0].withInputs(n3) }), let y = x.conv(stacked),
              let y1 = y.channels(0, n1), let y2 = y.channels(n1, n2).flatMap({ $0.conv(p2) }),
              let y3 = y.channels(n1 + n2, n3).flatMap({ $0.conv(p3) }),
              let y4 = x.maxPool(kernel: (pool.kernel, pool.kernel), stride: (pool.stride, pool.stride),
                                 padding: (pool.padding, pool.padding), ceilMode: pool.ceilMode).flatMap({ $0.conv(c4) })
        else { return nil }
        return BlockedActivation.concat([y1, y2, y3, y4])
    }
}

/// GoogLeNet / Inception v1 (Szegedy et al. 2015, arXiv:1409.4842) with torchvision's layout, names and
/// BatchNorm: conv1 7x7/2, max-pool, conv2 1x1, conv3 3x3, max-pool, inception3a-b, max-pool, inception4a-e,
/// max-pool 2/2, inception5a-b, adaptive average pool 1x1, dropout 0.2, `fc` 1024->classes. All max-pools use
/// ceil mode. Input [N, 3, H, W] with H, W >= 15 (224 for the ImageNet weights), logits [N, classes].
///
/// The auxiliary classifiers are training-only and not built: torchvision's pretrained state_dict holds
/// `aux1.*` / `aux2.*` entries that a loader must skip (`ignoredStateKeyPrefixes`).
/// `transformInput` (torchvision's `_transform_input`, on for the pretrained weights) maps an input normalized
/// with ImageNet mean/std to the (x - 0.5) / 0.5 normalization the original weights expect:
/// x_c * (std_c / 0.5) + (mean_c - 0.5) / 0.5.
public final class GoogLeNet: Module {
    /// State-dict key prefixes of torchvision's checkpoint that this model does not have (auxiliary heads).
    public static let ignoredStateKeyPrefixes = ["aux1.", "aux2."]

    public let conv1: BasicConv2d, conv2: BasicConv2d, conv3: BasicConv2d
    public let inception3a: Inception, inception3b: Inception
    public let inception4a: Inception, inception4b: Inception, inception4c: Inception, inception4d: Inception
    public let inception4e: Inception
    public let inception5a: Inception, inception5b: Inception
    public let dropout: Dropout
    public let fc: Linear
    public var transformInput: Bool
    /// conv2 then conv3, run as one chain.
    let stem: Sequential

    /// Init as torchvision's `init_weights=True`: conv and linear weights N(0, 0.01) (truncated at +-2, which
    /// never binds), BN weight 1 / bias 0, `fc` bias PyTorch default.
    public init(classes: Int = 1000, transformInput: Bool = true, dropoutRate: Float = 0.2, seed: UInt64 = 0,
                using rng: inout SplitMix64) {
        conv1 = BasicConv2d(3, 64, kernel: 7, stride: 2, padding: 3, using: &rng)
        conv2 = BasicConv2d(64, 64, kernel: 1, using: &rng)
        conv3 = BasicConv2d(64, 192, kernel: 3, padding: 1, using: &rng)
        inception3a = Inception(192, 64, 96, 128, 16, 32, 32, using: &rng)
        inception3b = Inception(256, 128, 128, 192, 32, 96, 64, using: &rng)
        inception4a = Inception(480, 192, 96, 208, 16, 48, 64, using: &rng)
        inception4b = Inception(512, 160, 112, 224, 24, 64, 64, using: &rng)
        inception4c = Inception(512, 128, 128, 256, 24, 64, 64, using: &rng)
        inception4d = Inception(512, 112, 144, 288, 32, 64, 64, using: &rng)
        inception4e = Inception(528, 256, 160, 320, 32, 128, 128, using: &rng)
        inception5a = Inception(832, 256, 160, 320, 32, 128, 128, using: &rng)
        inception5b = Inception(832, 384, 192, 384, 48, 128, 128, using: &rng)
        dropout = Dropout(dropoutRate, seed: seed)
        fc = Linear(1024, classes, using: &rng)
        self.transformInput = transformInput
        stem = Sequential(conv2, conv3)
        super.init()
        for m in allModules {
            if let c = m as? Conv2d { c.weight.assign(Tensor.normal(c.weight.shape, std: 0.01, using: &rng)) }
        }
        fc.weight.assign(Tensor.normal(fc.weight.shape, std: 0.01, using: &rng))
    }

    public override var children: [(String, Module)] {
        [("conv1", conv1), ("conv2", conv2), ("conv3", conv3), ("inception3a", inception3a), ("inception3b", inception3b),
         ("inception4a", inception4a), ("inception4b", inception4b), ("inception4c", inception4c),
         ("inception4d", inception4d), ("inception4e", inception4e), ("inception5a", inception5a),
         ("inception5b", inception5b), ("dropout", dropout), ("fc", fc)]
    }

    /// torchvision's `_transform_input` as one per-channel affine map (broadcast over [N, 3, H, W]).
    static let inputScale = Tensor(shape: [1, 3, 1, 1], scalars: [0.229 / 0.5, 0.224 / 0.5, 0.225 / 0.5])
    static let inputShift = Tensor(shape: [1, 3, 1, 1], scalars: [(0.485 - 0.5) / 0.5, (0.456 - 0.5) / 0.5,
                                                                  (0.406 - 0.5) / 0.5])

    public override func forward(_ x: Tensor) -> Tensor {
        var h = transformInput ? x * Self.inputScale + Self.inputShift : x
        if let y = blockedForward(h) { return y }
        let pool = { (t: Tensor, k: Int) in maxPool2d(t, kernel: (k, k), stride: (2, 2), ceilMode: true) }
        h = pool(basicConvChain(pool(conv1(h), 3), stem), 3)
        h = pool(inception3b(inception3a(h)), 3)
        h = inception4e(inception4d(inception4c(inception4b(inception4a(h)))))
        h = inception5b(inception5a(pool(h, 2)))
        return fc(dropout(adaptiveAvgPool2d(h, outputSize: (1, 1)).flattened()))
    }

    /// Inference (no gradient asked for, frozen eval-mode weights) from the input after `transformInput` to the
    /// logits with every activation from conv1's output to inception5b's in oneDNN's blocked layout: the stem's
    /// convolutions and max-pools, and each Inception by `Inception.blockedForward` (one that declines runs on
    /// the NCHW tensor between two reorders). nil when the first convolutions do not run blocked; `forward` then
    /// takes the NCHW path. Same values up to the order of oneDNN's sums.
    func blockedForward(_ x: Tensor) -> Tensor? {
        guard !x.isTracked, x.rank == 4, let c1 = foldedConv(conv1.conv, conv1.bn, activation: .relu),
              let c2 = foldedConv(conv2.conv, conv2.bn, activation: .relu),
              let c3 = foldedConv(conv3.conv, conv3.bn, activation: .relu),
              let block = BlockedActivation.block(for: c1, input: x.shape, plainInput: true) else { return nil }
        let pool = { (t: BlockedActivation, k: Int) in t.maxPool(kernel: (k, k), stride: (2, 2), ceilMode: true) }
        let inception = { (m: Inception, t: BlockedActivation) -> BlockedActivation? in
            m.blockedForward(t) ?? BlockedActivation(m(t.plain()), block: block)
        }
        guard var h = BlockedActivation.conv(plain: x, c1, block: block).flatMap({ pool($0, 3) }) else { return nil }
        for step in [{ $0.conv(c2) }, { $0.conv(c3) }, { pool($0, 3) },
                     { inception(self.inception3a, $0) }, { inception(self.inception3b, $0) }, { pool($0, 3) },
                     { inception(self.inception4a, $0) }, { inception(self.inception4b, $0) },
                     { inception(self.inception4c, $0) }, { inception(self.inception4d, $0) },
                     { inception(self.inception4e, $0) }, { pool($0, 2) },
                     { inception(self.inception5a, $0) }, { inception(self.inception5b, $0) }]
                as [(BlockedActivation) -> BlockedActivation?] {
            guard let next = step(h) else { return nil }
            h = next
        }
        return fc(dropout(adaptiveAvgPool2d(h.plain(), outputSize: (1, 1)).flattened()))
    }
}
