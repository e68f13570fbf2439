import Foundation
import IsthmusCore

/// U(-bound, bound) with bound = 1/sqrt(fanIn): PyTorch's default for Linear/Conv weights
/// (kaiming_uniform with a = sqrt(5)) and biases.
func pytorchDefaultUniform(_ shape: [Int], fanIn: Int, using rng: inout SplitMix64) -> Tensor {
    let bound = 1 / Float(max(fanIn, 1)).squareRoot()
    return Tensor.uniform(shape, low: -bound, high: bound, using: &rng)
}

/// y = x W^T + b. x: [N, in], weight: [out, in], bias: [out]. Init as PyTorch.
public final class Linear: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, using rng: inout SplitMix64) {
        weight = pytorchDefaultUniform([outFeatures, inFeatures], fanIn: inFeatures, using: &rng)
        self.bias = bias ? pytorchDefaultUniform([outFeatures], fanIn: inFeatures, using: &rng) : nil
    }
    public override var ownParameters: [(String, Tensor)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }
    public override func forward(_ x: Tensor) -> Tensor { linear(x, weight: weight, bias: bias) }
}

/// 2-D convolution. x: [N, C, H, W], weight: [K, C/groups, R, S], bias: [K]. Init as PyTorch.
public final class Conv2d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: (Int, Int)
    public var padding: Padding2D
    public let groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                groups: Int = 1, bias: Bool = true, using rng: inout SplitMix64) {
        let fanIn = inChannels / groups * kernel * kernel
        weight = pytorchDefaultUniform([outChannels, inChannels / groups, kernel, kernel], fanIn: fanIn, using: &rng)
        self.bias = bias ? pytorchDefaultUniform([outChannels], fanIn: fanIn, using: &rng) : nil
        self.stride = (stride, stride)
        self.padding = Padding2D(padding)
        self.groups = groups
    }
    public override var ownParameters: [(String, Tensor)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }
    public override func forward(_ x: Tensor) -> Tensor {
        conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, groups: groups)
    }
    /// Re-initialize the weight with kaiming-normal, fan_out mode, ReLU gain (torchvision ResNet init).
    public func kaimingNormalFanOut(using rng: inout SplitMix64) {
        let fanOut = weight.shape[0] * weight.shape[2] * weight.shape[3]
        weight.assign(Tensor.normal(weight.shape, std: (2 / Float(fanOut)).squareRoot(), using: &rng))
    }
}

/// Batch normalization over channels of NCHW, with buffers `running_mean`, `running_var`, `num_batches_tracked`.
/// Train mode uses batch statistics and updates the buffers; eval mode uses the running statistics.
public final class BatchNorm2d: Module {
    public let weight: Tensor, bias: Tensor
    public let runningMean: Tensor, runningVar: Tensor, numBatchesTracked: Tensor
    public var eps: Float, momentum: Float
    /// The convolution before this layer with it folded in, for `fusedConvBN`.
    let fold = ConvBNFold()
    public init(_ channels: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
        weight = .ones([channels]); bias = .zeros([channels])
        runningMean = .zeros([channels]); runningVar = .ones([channels]); numBatchesTracked = .zeros([])
        self.eps = eps; self.momentum = momentum
    }
    public override var ownParameters: [(String, Tensor)] { [("weight", weight), ("bias", bias)] }
    public override var ownBuffers: [(String, Tensor, isInteger: Bool)] {
        [("running_mean", runningMean, false), ("running_var", runningVar, false), ("num_batches_tracked", numBatchesTracked, true)]
    }
    public override func forward(_ x: Tensor) -> Tensor {
        if training { numBatchesTracked.mutableData[0] += 1 }
        return batchNorm(x, weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                         training: training, momentum: momentum, eps: eps)
    }
}

/// Layer normalization over the last axis of size `features`.
public final class LayerNorm: Module {
    public let weight: Tensor, bias: Tensor
    public let eps: Float
    public init(_ features: Int, eps: Float = 1e-5) {
        weight = .ones([features]); bias = .zeros([features]); self.eps = eps
    }
    public override var ownParameters: [(String, Tensor)] { [("weight", weight), ("bias", bias)] }
    public override func forward(_ x: Tensor) -> Tensor { layerNorm(x, weight: weight, bias: bias, eps: eps) }
}

public final class MaxPool2d: Module {
    let kernel: Int, stride: Int, padding: Int, ceilMode: Bool
    public init(_ kernel: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false) {
        self.kernel = kernel; self.stride = stride ?? kernel; self.padding = padding; self.ceilMode = ceilMode
    }
    public override func forward(_ x: Tensor) -> Tensor {
        maxPool2d(x, kernel: (kernel, kernel), stride: (stride, stride), padding: (padding, padding), ceilMode: ceilMode)
    }
}

public final class AvgPool2d: Module {
    let kernel: Int, stride: Int, padding: Int
    public init(_ kernel: Int, stride: Int? = nil, padding: Int = 0) {
        self.kernel = kernel; self.stride = stride ?? kernel; self.padding = padding
    }
    public override func forward(_ x: Tensor) -> Tensor {
        avgPool2d(x, kernel: (kernel, kernel), stride: (stride, stride), padding: (padding, padding))
    }
}

public final class AdaptiveAvgPool2d: Module {
    let size: (Int, Int)
    public init(_ h: Int, _ w: Int) { size = (h, w) }
    public override func forward(_ x: Tensor) -> Tensor { adaptiveAvgPool2d(x, outputSize: size) }
}

/// Dropout with its own seeded generator; identity in eval mode.
public final class Dropout: Module {
    let p: Float
    var rng: SplitMix64
    public init(_ p: Float, seed: UInt64 = 0) { self.p = p; rng = SplitMix64(seed: seed) }
    public override func forward(_ x: Tensor) -> Tensor { dropout(x, p: p, training: training, using: &rng) }
}
