import Foundation
import IsthmusCore
import IsthmusKernels

/// Whether eval-mode BatchNorm is folded into the convolution before it (`fusedConvBN`, `fusedConvBNPair`). On by
/// default; `ISTHMUS_FOLD_BN=0` (or `enabled = false`) keeps PyTorch's order of operations, bn(conv(x)) then the
/// activation, at about 3x the time of an EfficientNet sweep. Folding rounds the weights once more, which moves
/// results by float32 rounding, and so can flip a ReLU6 / ReLU input that lies within rounding of its kink.
public enum BatchNormFolding {
    nonisolated(unsafe) public static var enabled: Bool = ProcessInfo.processInfo.environment["ISTHMUS_FOLD_BN"] != "0"
}

/// bn(conv(x)) followed by `activation`, as one convolution when `bn` is in eval mode and none of conv.weight,
/// conv.bias, bn.weight, bn.bias is differentiated by the active tape: conv(x, W', b') with the BatchNorm folded
/// into the weights (`BatchNorm2d.folded(into:)`) and the activation run inside the convolution. Otherwise (training,
/// or a parameter being differentiated) the unfused bn(conv(x)) then relu / relu6. Values agree to rounding, and
/// gradients with respect to x follow the same formulas. x: [N, C, H, W] -> [N, K, P, Q].
public func fusedConvBN(_ x: Tensor, _ conv: Conv2d, _ bn: BatchNorm2d, activation: ConvActivation = .none) -> Tensor {
    let tracked = conv.weight.isTracked || (conv.bias?.isTracked ?? false) || bn.weight.isTracked || bn.bias.isTracked
    if bn.training || tracked || !BatchNormFolding.enabled {
        let y = bn(conv(x))
        switch activation {
        case .none: return y
        case .relu: return y.relu()
        case .relu6: return y.relu6()
        case .hardSwish: return y.hardSwish()
        }
    }
    let (w, b) = bn.folded(into: conv)
    return conv2d(x, weight: w, bias: b, stride: conv.stride, padding: conv.padding, groups: conv.groups,
                  activation: activation)
}

/// `fusedConvBN(fusedConvBN(x, conv1, bn1, activation: a1), conv2, bn2, activation: a2)` (a ResNet block's main
/// path): `fusedConvBNChain` of the two.
public func fusedConvBNPair(_ x: Tensor, _ conv1: Conv2d, _ bn1: BatchNorm2d, activation1: ConvActivation,
                            _ conv2: Conv2d, _ bn2: BatchNorm2d, activation2: ConvActivation = .none) -> Tensor {
    fusedConvBNChain(x, [(conv1, bn1, activation1), (conv2, bn2, activation2)])
}

/// `fusedConvBN` of each (conv, bn, activation) of `layers` in turn (a ResNet block's main path, an inverted
/// bottleneck's expand, depthwise and project convolutions). With every BatchNorm folded (eval mode, frozen
/// parameters) the convolutions run as `conv2dChain`, the intermediate activations kept in oneDNN's blocked layout.
public func fusedConvBNChain(_ x: Tensor, _ layers: [(conv: Conv2d, bn: BatchNorm2d, activation: ConvActivation)]) -> Tensor {
    let tracked = layers.contains { l in
        l.conv.weight.isTracked || (l.conv.bias?.isTracked ?? false) || l.bn.weight.isTracked || l.bn.bias.isTracked
    }
    guard BatchNormFolding.enabled, !tracked, !layers.contains(where: \.bn.training) else {
        return layers.reduce(x) { h, l in fusedConvBN(h, l.conv, l.bn, activation: l.activation) }
    }
    return conv2dChain(x, layers.map { l in
        let (w, b) = l.bn.folded(into: l.conv)
        return ChainedConv(w, b, stride: l.conv.stride, padding: l.conv.padding, groups: l.conv.groups,
                           activation: l.activation)
    })
}

/// (conv, bn, activation) as one `ChainedConv` with the BatchNorm folded in, when `fusedConvBN` would fold it
/// (eval mode, frozen parameters, folding on); else nil.
func foldedConv(_ conv: Conv2d, _ bn: BatchNorm2d, activation: ConvActivation = .none) -> ChainedConv? {
    let tracked = conv.weight.isTracked || (conv.bias?.isTracked ?? false) || bn.weight.isTracked || bn.bias.isTracked
    guard BatchNormFolding.enabled, !bn.training, !tracked else { return nil }
    let (w, b) = bn.folded(into: conv)
    return ChainedConv(w, b, stride: conv.stride, padding: conv.padding, groups: conv.groups, activation: activation)
}

/// Eval-mode BatchNorm folded into the convolution before it, per output channel k:
/// a_k = gamma_k / sqrt(var_k + eps), W'[k] = W[k] a_k, b'_k = (b_k - mean_k) a_k + beta_k (b = 0 without bias),
/// so that bn(conv(x, W, b)) = conv(x, W', b'). Computed in Double, stored as Float. The folded tensors are built
/// once and refolded in place when a source changes (its storage version), so they keep their storages and with
/// them the convolution's cached blocked weights.
final class ConvBNFold: @unchecked Sendable {
    private let lock = NSLock()
    private var sources: [UInt64] = []
    private var weight: Tensor?
    private var bias: Tensor?

    func tensors(_ conv: Conv2d, _ bn: BatchNorm2d) -> (weight: Tensor, bias: Tensor) {
        let inputs = [conv.weight, bn.weight, bn.bias, bn.runningMean, bn.runningVar] + (conv.bias.map { [$0] } ?? [])
        let stamp = inputs.map(\.storage.version) + [UInt64(bn.eps.bitPattern)]
        lock.lock(); defer { lock.unlock() }
        if let weight, let bias, stamp == sources, weight.shape == conv.weight.shape { return (weight, bias) }
        let K = conv.weight.shape[0], per = conv.weight.count / max(K, 1)
        precondition(bn.runningMean.count == K, "fold: BatchNorm of \(bn.runningMean.count) channels after a conv of \(K)")
        let w = weight?.shape == conv.weight.shape ? weight! : Tensor(uninitialized: conv.weight.shape)
        let b = bias?.count == K ? bias! : Tensor(uninitialized: [K])
        let pw = w.mutableData, pb = b.mutableData, src = conv.weight.data
        for k in 0..<K {
            let a = Double(bn.weight[flat: k]) / (Double(bn.runningVar[flat: k]) + Double(bn.eps)).squareRoot()
            for i in (k * per)..<((k + 1) * per) { pw[i] = Float(Double(src[i]) * a) }
            let b0 = Double(conv.bias?[flat: k] ?? 0)
            pb[k] = Float((b0 - Double(bn.runningMean[flat: k])) * a + Double(bn.bias[flat: k]))
        }
        weight = w; bias = b; sources = stamp
        return (w, b)
    }
}

extension BatchNorm2d {
    /// The weight [K, Cg, R, S] and bias [K] of `conv` with this BatchNorm's eval-mode transform folded in (see
    /// `ConvBNFold`); the same tensors on every call while the sources are unchanged. Not differentiable.
    public func folded(into conv: Conv2d) -> (weight: Tensor, bias: Tensor) { fold.tensors(conv, self) }
}
