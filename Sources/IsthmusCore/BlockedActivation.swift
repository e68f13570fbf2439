import Foundation
import IsthmusKernels

/// An activation [N, C, H, W] held in oneDNN's blocked layout nChw{b}c, [N, C/b, H, W, b], between inference ops
/// that read and write it there: convolutions with frozen weights, max-pools, channel slices and concatenation. A
/// network of branches and concatenations (GoogLeNet's Inception) then reorders its activations once, not at every
/// op. Forward only: nothing goes on the tape, so callers use it when no gradient is asked for. Every op returns
/// nil where the blocked layout does not apply (oneDNN keeps another block, a channel count or slice is not a
/// multiple of b, an operand is not finite); the caller then runs its NCHW ops, whose values these equal.
public struct BlockedActivation {
    /// The values, [N * C * H * W] in nChw{b}c order.
    public let storage: Tensor
    public let N: Int, C: Int, H: Int, W: Int
    /// The channel block b: 16 with AVX-512, 8 with AVX2 (oneDNN's choice for the convolutions).
    public let block: Int
    /// Every value is finite with |value| <= bound (`.infinity`: not known). A convolution on a known bound skips
    /// the finiteness pass over its input (`BlockedConv.forward(..., inputBound:)`).
    public let bound: Float

    init(storage: Tensor, N: Int, C: Int, H: Int, W: Int, block: Int, bound: Float = .infinity) {
        self.storage = storage; self.N = N; self.C = C; self.H = H; self.W = W; self.block = block; self.bound = bound
    }

    /// x (NCHW, C a multiple of `block`) reordered; nil otherwise.
    public init?(_ x: Tensor, block: Int) {
        guard x.rank == 4, block == 8 || block == 16, x.shape[1] % block == 0 else { return nil }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let s = Tensor(uninitialized: [x.count])
        withExtendedLifetime(x) { reorderBlocked(s.mutableData, x.data, N: n, C: c, HW: h * w, block: block, toBlocked: true) }
        self.init(storage: s, N: n, C: c, H: h, W: w, block: block)
    }

    public var shape: [Int] { [N, C, H, W] }

    /// The NCHW tensor.
    public func plain() -> Tensor {
        let t = Tensor(uninitialized: shape)
        withExtendedLifetime(storage) {
            reorderBlocked(t.mutableData, storage.data, N: N, C: C, HW: H * W, block: block, toBlocked: false)
        }
        return t
    }

    /// The block in which oneDNN runs `layer` on an input of `shape` [N, C, H, W] with a blocked output (and a
    /// blocked input unless `plainInput`), forward only; nil when it keeps another layout there.
    public static func block(for layer: ChainedConv, input shape: [Int], plainInput: Bool = false) -> Int? {
        guard let s = convShape(layer, shape) else { return nil }
        return BlockedConv.forwardBlockSize(s, activation: layer.activation, plainInput: plainInput)
    }

    /// activation(conv(x, weight) + bias) of `layer` (frozen weights), read and written blocked.
    public func conv(_ layer: ChainedConv) -> BlockedActivation? {
        Self.run(layer, storage, shape: shape, block: block, plainInput: false, inputBound: bound)
    }

    /// `layer` on the NCHW tensor x (a network's first convolution: C need not be a multiple of the block), its
    /// output blocked in `block`.
    public static func conv(plain x: Tensor, _ layer: ChainedConv, block: Int) -> BlockedActivation? {
        guard x.rank == 4, !x.isTracked else { return nil }
        return run(layer, x, shape: x.shape, block: block, plainInput: true, inputBound: .infinity)
    }

    private static func run(_ layer: ChainedConv, _ input: Tensor, shape: [Int], block: Int,
                            plainInput: Bool, inputBound: Float) -> BlockedActivation? {
        guard !layer.weight.isTracked, !(layer.bias?.isTracked ?? false), let s = convShape(layer, shape),
              s.K % block == 0,
              BlockedConv.forwardBlockSize(s, activation: layer.activation, plainInput: plainInput) == block
        else { return nil }
        let out = Tensor(uninitialized: [s.outputCount])
        let bound = withExtendedLifetime((input, layer.weight, layer.bias)) {
            BlockedConv.forward(out: out.mutableData, x: input.data, w: layer.weight.data, bias: layer.bias?.data, s,
                                activation: layer.activation, weightsVersion: layer.weight.storage.version,
                                inputBound: inputBound, blockedInput: !plainInput, blockedOutput: true)
        }
        return bound.map { BlockedActivation(storage: out, N: s.N, C: s.K, H: s.P, W: s.Q, block: block, bound: $0) }
    }

    private static func convShape(_ l: ChainedConv, _ shape: [Int]) -> Conv2DShape? {
        shape.count == 4 ? l.shape(N: shape[0], C: shape[1], H: shape[2], W: shape[3]) : nil
    }

    /// `maxPool2d` (PyTorch semantics: padding never wins, `ceilMode` as `ceil_mode`), blocked; nil when an input is
    /// not finite (the NCHW pool's NaN rule decides) or the window does not fit.
    public func maxPool(kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int) = (0, 0),
                        ceilMode: Bool = false) -> BlockedActivation? {
        let s = Pool2DShape(N: N, C: C, H: H, W: W, R: kernel.0, S: kernel.1, strideH: stride.0, strideW: stride.1,
                            padH: padding.0, padW: padding.1, ceilMode: ceilMode)
        guard s.isValid else { return nil }
        let out = Tensor(uninitialized: [s.outputCount])
        let finite = withExtendedLifetime(storage) {
            maxPool2dBlocked(out: out.mutableData, x: storage.data, s, block: block, checkFinite: !(bound < .infinity))
        }
        return finite ? BlockedActivation(storage: out, N: N, C: C, H: s.P, W: s.Q, block: block, bound: bound) : nil
    }

    /// Channels start ..< start + length (both multiples of the block; nil otherwise), copied.
    public func channels(_ start: Int, _ length: Int) -> BlockedActivation? {
        guard start >= 0, length > 0, start + length <= C, start % block == 0, length % block == 0 else { return nil }
        if start == 0 && length == C { return self }
        let HW = H * W, out = Tensor(uninitialized: [N * length * HW])
        withExtendedLifetime(storage) {
            let src = storage.data, dst = out.mutableData
            Threads.parallelFor(N, grain: max(1, 100_000 / max(1, length * HW))) { samples in
                for n in samples { (dst + n * length * HW).update(from: src + (n * C + start) * HW, count: length * HW) }
            }
        }
        return BlockedActivation(storage: out, N: N, C: length, H: H, W: W, block: block, bound: bound)
    }

    /// The parts side by side on the channels (`concat(axis: 1)`); nil unless they share N, H, W and the block.
    public static func concat(_ parts: [BlockedActivation]) -> BlockedActivation? {
        guard let first = parts.first,
              parts.allSatisfy({ ($0.N, $0.H, $0.W, $0.block) == (first.N, first.H, first.W, first.block) })
        else { return nil }
        if parts.count == 1 { return first }
        let (N, HW) = (first.N, first.H * first.W), C = parts.reduce(0) { $0 + $1.C }
        let out = Tensor(uninitialized: [N * C * HW])
        withExtendedLifetime(parts.map(\.storage)) {
            let dst = out.mutableData
            let sources = parts.map { ($0.storage.data, $0.C) }
            Threads.parallelFor(N, grain: max(1, 100_000 / max(1, C * HW))) { samples in
                for n in samples {
                    var offset = n * C * HW
                    for (src, c) in sources {
                        (dst + offset).update(from: src + n * c * HW, count: c * HW)
                        offset += c * HW
                    }
                }
            }
        }
        return BlockedActivation(storage: out, N: N, C: C, H: first.H, W: first.W, block: first.block,
                                 bound: parts.map(\.bound).max() ?? .infinity)
    }
}
