import IsthmusKernels

/// Padding of a 2-D convolution: top, bottom, left, right (asymmetric for TensorFlow "SAME").
public struct Padding2D: Hashable, Codable, Sendable {
    public var top, bottom, left, right: Int
    public init(top: Int, bottom: Int, left: Int, right: Int) {
        self.top = top; self.bottom = bottom; self.left = left; self.right = right
    }
    public init(_ p: Int) { self.init(top: p, bottom: p, left: p, right: p) }
    public static let zero = Padding2D(0)
}

/// 2-D convolution (cross-correlation, as PyTorch) with an optional fused activation:
/// y = activation(conv(x, weight) + bias), activation none (identity), relu = max(., 0) or relu6 = min(max(., 0), 6).
/// x: [N, C, H, W], weight: [K, C/groups, R, S], bias: [K]. Output [N, K, P, Q] with
/// P = (H + top + bottom - R) / stride + 1. The activation runs inside the convolution (one pass over the output);
/// values and gradients are those of `conv2d(...).relu()` / `.relu6()` as PyTorch computes them: the pullback
/// gates dy by the output (relu: 0 where y <= 0, a NaN passes; relu6: dy only where 0 < y < 6), then runs the
/// convolution's backward. hardSwish (x relu6(x + 3) / 6) runs inside the convolution only when no tape
/// differentiates x, weight or bias (sweeps, inference); otherwise as `conv2d(...).hardSwish()`, whose pullback
/// reads the pre-activation.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                   padding: Padding2D = .zero, groups: Int = 1, activation: ConvActivation = .none) -> Tensor {
    if activation == .hardSwish && (x.isTracked || weight.isTracked || (bias?.isTracked ?? false)) {
        return conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, groups: groups).hardSwish()
    }
    precondition(x.rank == 4 && weight.rank == 4, "conv2d: x \(x.shape), weight \(weight.shape)")
    let s = Conv2DShape(N: x.shape[0], C: x.shape[1], H: x.shape[2], W: x.shape[3], K: weight.shape[0],
                        R: weight.shape[2], S: weight.shape[3], strideH: stride.0, strideW: stride.1,
                        padTop: padding.top, padBottom: padding.bottom, padLeft: padding.left, padRight: padding.right,
                        groups: groups)
    precondition(s.isValid && weight.shape[1] == s.Cg, "conv2d: input \(x.shape) does not fit weight \(weight.shape) (groups \(groups))")
    precondition(bias == nil || bias!.count == s.K, "conv2d: bias of \(bias!.count) for \(s.K) channels")
    let out = Tensor(uninitialized: [s.N, s.K, s.P, s.Q])
    conv2dForward(out: out.mutableData, x: x.data, w: weight.data, bias: bias?.data, s, weightsVersion: weight.storage.version,
                  activation: activation)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    let backward = conv2dPullback(x, weight, bias, s)
    if activation == .none { return Tape.record(out, inputs, backward) }
    return Tape.record(out, inputs) { g, needs in backward(gateByOutput(g, out, activation), needs) }
}

/// `reluMaxPool2d(conv2d(x, weight, bias, padding), kernel: (2, 2))` as one op, same values and gradients. When
/// oneDNN keeps the conv output in a blocked layout (nChw16c with AVX-512, nChw8c with AVX2), the pooling reads it
/// there and writes its gradient there: the
/// largest activation of a small CNN is never reordered to NCHW and back. Otherwise (and when some value is not
/// finite: the NCHW kernels' NaN rule decides) it runs the two ops.
public func conv2dReluMaxPool2x2(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, padding: Padding2D = .zero) -> Tensor {
    let composite = { reluMaxPool2d(conv2d(x, weight: weight, bias: bias, padding: padding), kernel: (2, 2)) }
    guard x.rank == 4, weight.rank == 4, weight.shape[1] == x.shape[1], bias == nil || bias!.count == weight.shape[0]
    else { return composite() }
    let s = Conv2DShape(N: x.shape[0], C: x.shape[1], H: x.shape[2], W: x.shape[3], K: weight.shape[0],
                        R: weight.shape[2], S: weight.shape[3], padTop: padding.top, padBottom: padding.bottom,
                        padLeft: padding.left, padRight: padding.right)
    guard s.isValid, s.P % 2 == 0, s.Q % 2 == 0, let block = BlockedConv.blockSize(s) else { return composite() }
    let y = Tensor(uninitialized: [s.outputCount])            // nChw{block}c
    guard BlockedConv.forward(out: y.mutableData, x: x.data, w: weight.data, bias: bias?.data, s,
                              weightsVersion: weight.storage.version) else { return composite() }
    let out = Tensor(uninitialized: [s.N, s.K, s.P / 2, s.Q / 2])
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    // Without a tape that tracks an input (sweeps, inference) no pullback runs: the pool skips the argmax.
    let tracked = inputs.contains { $0.isTracked }
    let idx = tracked ? IndexBuffer(.allocate(capacity: out.count)) : nil
    // y is only read through a pointer: keep it alive until the kernel returns.
    guard withExtendedLifetime(y, {
        reluMaxPool2x2Blocked(out: out.mutableData, argmax: idx?.pointer, y: y.data, N: s.N, C: s.K, H: s.P, W: s.Q,
                              block: block)
    }) else { return composite() }
    guard let idx else { return out }
    return Tape.record(out, inputs) { g, needs in
        let dy = Tensor(uninitialized: [s.outputCount])
        reluMaxPool2x2BlockedBackward(dY: dy.mutableData, dOut: g.data, argmax: idx.pointer, out: out.data,
                                      N: s.N, C: s.K, H: s.P, W: s.Q, block: block)
        var dx: Tensor?, dw: Tensor?, db: Tensor?
        var plain: Tensor?                                     // dy in NCHW, only if oneDNN refuses a pass
        func nchw() -> Tensor {
            if let plain { return plain }
            let t = Tensor(uninitialized: [s.N, s.K, s.P, s.Q])
            reorderBlocked(t.mutableData, dy.data, N: s.N, C: s.K, HW: s.P * s.Q, block: block, toBlocked: false)
            plain = t
            return t
        }
        if needs[0] {
            let d = Tensor(uninitialized: x.shape)
            if !BlockedConv.backwardData(dX: d.mutableData, dOut: dy.data, w: weight.data, s,
                                         weightsVersion: weight.storage.version) {
                let p = nchw()
                withExtendedLifetime(p) { conv2dBackwardData(dX: d.mutableData, dOut: p.data, w: weight.data, s) }
            }
            dx = d
        }
        let needBias = needs.count > 2 && needs[2]
        if needs[1] || needBias {
            let w = Tensor(uninitialized: weight.shape), b = needBias ? Tensor(uninitialized: [s.K]) : nil
            if !BlockedConv.backwardWeights(dW: w.mutableData, dBias: b?.mutableData, dOutBlocked: dy.data,
                                            x: x.data, s) {
                let p = nchw()
                withExtendedLifetime(p) {
                    conv2dBackwardWeights(dW: w.mutableData, dBias: b?.mutableData, dOut: p.data, x: x.data, s)
                }
            }
            dw = needs[1] ? w : nil
            db = b
        }
        return withExtendedLifetime(dy) { bias == nil ? [dx, dw] : [dx, dw, db] }
    }
}

/// One convolution of a `conv2dChain`: weight [K, C/groups, R, S], optional bias [K], stride, padding, groups and
/// the activation applied to its output.
public struct ChainedConv {
    public var weight: Tensor
    public var bias: Tensor?
    public var stride: (Int, Int)
    public var padding: Padding2D
    public var groups: Int
    public var activation: ConvActivation
    public init(_ weight: Tensor, _ bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: Padding2D = .zero,
                groups: Int = 1, activation: ConvActivation = .none) {
        self.weight = weight; self.bias = bias; self.stride = stride; self.padding = padding; self.groups = groups
        self.activation = activation
    }

    /// The convolution's shape on an input [N, C, H, W]; nil when the weight, bias and input do not fit together.
    public func shape(N: Int, C: Int, H: Int, W: Int) -> Conv2DShape? {
        guard weight.rank == 4, bias == nil || bias!.count == weight.shape[0] else { return nil }
        let s = Conv2DShape(N: N, C: C, H: H, W: W, K: weight.shape[0], R: weight.shape[2], S: weight.shape[3],
                            strideH: stride.0, strideW: stride.1, padTop: padding.top, padBottom: padding.bottom,
                            padLeft: padding.left, padRight: padding.right, groups: groups)
        return s.isValid && weight.shape[1] == s.Cg ? s : nil
    }

    /// conv2d(x) with this layer's weight, bias, geometry and activation (one layer, unfused).
    public func apply(_ x: Tensor) -> Tensor {
        conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, groups: groups, activation: activation)
    }
}

/// `conv2d(conv2d(x, w1, bias: b1, stride: stride1, padding: padding1, activation: a1), w2, bias: b2,
/// padding: padding2, activation: a2)`: `conv2dChain` of the two.
public func conv2dPair(_ x: Tensor, _ w1: Tensor, _ b1: Tensor?, stride1: (Int, Int) = (1, 1),
                       padding1: Padding2D = .zero, activation1: ConvActivation = .none,
                       _ w2: Tensor, _ b2: Tensor?, padding2: Padding2D = .zero,
                       activation2: ConvActivation = .none) -> Tensor {
    conv2dChain(x, [ChainedConv(w1, b1, stride: stride1, padding: padding1, activation: activation1),
                    ChainedConv(w2, b2, padding: padding2, activation: activation2)])
}

/// The convolutions of `layers` applied in turn, each conv2d(h, weight, bias, stride, padding, groups, activation),
/// with every intermediate kept in oneDNN's blocked layout (nChw16c or nChw8c, one block for the whole chain): it is
/// never reordered to NCHW and back, in the forward pass nor in the gradient with respect to x. x [N, C, H, W] ->
/// NCHW output of the last layer. For frozen weights (a ResNet block's main path, an inverted bottleneck's expand,
/// depthwise and project convolutions in input-space experiments); when a weight or bias is differentiated, or
/// oneDNN keeps another layout, or an operand is not finite, the convolutions one by one (`conv2d`).
public func conv2dChain(_ x: Tensor, _ layers: [ChainedConv]) -> Tensor {
    let composite = {
        layers.reduce(x) { h, l in l.apply(h) }
    }
    guard layers.count >= 2, x.rank == 4 else { return composite() }
    let frozen = !layers.contains { $0.weight.isTracked || ($0.bias?.isTracked ?? false) }
    // The pullback gates by the outputs, which hardswish does not allow (see conv2d).
    let gated = !x.isTracked || !layers.contains { $0.activation == .hardSwish }
    guard frozen, gated else { return composite() }
    var shapes: [Conv2DShape] = []
    var (C, H, W) = (x.shape[1], x.shape[2], x.shape[3])
    for l in layers {
        guard let s = l.shape(N: x.shape[0], C: C, H: H, W: W) else { return composite() }
        shapes.append(s)
        (C, H, W) = (s.K, s.P, s.Q)
    }
    let n = layers.count
    var block: Int?
    for (i, (s, l)) in zip(shapes, layers).enumerated() {
        guard let b = BlockedConv.blockSize(s, activation: l.activation, input: i > 0, output: i < n - 1,
                                            weightGradient: false),
              block == nil || block == b else { return composite() }
        block = b
    }
    guard let block else { return composite() }
    let last = shapes[n - 1]
    let out = Tensor(uninitialized: [last.N, last.K, last.P, last.Q])
    var hs: [Tensor] = []                                        // the intermediates, nChw{block}c
    for (i, (s, l)) in zip(shapes, layers).enumerated() {
        let input = i == 0 ? x : hs[i - 1], o = i == n - 1 ? out : Tensor(uninitialized: [s.outputCount])
        guard BlockedConv.forward(out: o.mutableData, x: input.data, w: l.weight.data, bias: l.bias?.data, s,
                                  activation: l.activation, weightsVersion: l.weight.storage.version,
                                  blockedInput: i > 0, blockedOutput: i < n - 1)
        else { return composite() }
        if i < n - 1 { hs.append(o) }
    }
    let intermediates = hs
    return Tape.record(out, [x]) { g, _ in
        // Every buffer handed to a kernel is a named tensor, alive until the kernel returns.
        var gi = gateByOutput(g, out, layers[n - 1].activation)
        var blockedDone = true
        for i in stride(from: n - 1, through: 0, by: -1) {
            let s = shapes[i], l = layers[i]
            let d = Tensor(uninitialized: i == 0 ? x.shape : [s.inputCount])
            guard withExtendedLifetime(gi, {
                BlockedConv.backwardData(dX: d.mutableData, dOut: gi.data, w: l.weight.data, s,
                                         activation: l.activation, weightsVersion: l.weight.storage.version,
                                         blockedInput: i > 0, blockedOutput: i < n - 1)
            }) else { blockedDone = false; break }
            if i == 0 { return [d] }
            gi = gateByOutput(d, intermediates[i - 1], layers[i - 1].activation)
        }
        precondition(!blockedDone)
        // oneDNN failed a pass it planned: the same gradient through NCHW.
        gi = gateByOutput(g, out, layers[n - 1].activation)
        for i in stride(from: n - 1, through: 0, by: -1) {
            let s = shapes[i]
            let d = Tensor(uninitialized: [s.N, s.C, s.H, s.W])
            withExtendedLifetime(gi) { conv2dBackwardData(dX: d.mutableData, dOut: gi.data, w: layers[i].weight.data, s) }
            if i == 0 { return [d] }
            let p = shapes[i - 1], plainH = Tensor(uninitialized: [p.N, p.K, p.P, p.Q])
            reorderBlocked(plainH.mutableData, intermediates[i - 1].data, N: p.N, C: p.K, HW: p.P * p.Q, block: block, toBlocked: false)
            gi = gateByOutput(d, plainH, layers[i - 1].activation)
        }
        preconditionFailure("conv2dChain: empty chain")
    }
}

/// The pullback of y = conv(x, weight) + bias: dx (backward data), dweight and dbias (backward weights), each
/// when needed.
private func conv2dPullback(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?,
                            _ s: Conv2DShape) -> (Tensor, [Bool]) -> [Tensor?] {
    { g, needs in
        var dx: Tensor?, dw: Tensor?, db: Tensor?
        if needs[0] {
            dx = Tensor(uninitialized: x.shape)
            conv2dBackwardData(dX: dx!.mutableData, dOut: g.data, w: weight.data, s, weightsVersion: weight.storage.version)
        }
        let needBias = needs.count > 2 && needs[2]
        if needs[1] || needBias {
            let w = Tensor(uninitialized: weight.shape)
            let b = needBias ? Tensor(uninitialized: [s.K]) : nil
            conv2dBackwardWeights(dW: w.mutableData, dBias: b?.mutableData, dOut: g.data, x: x.data, s)
            dw = needs[1] ? w : nil
            db = b
        }
        return bias == nil ? [dx, dw] : [dx, dw, db]
    }
}

/// dy where the activation that produced y passes gradient, 0 elsewhere (PyTorch's threshold / hardtanh backward
/// selects, so a non-finite dy is zeroed too): relu where !(y <= 0), relu6 where 0 < y < 6.
func gateByOutput(_ g: Tensor, _ y: Tensor, _ activation: ConvActivation) -> Tensor {
    let d = Tensor(uninitialized: g.shape)
    let pg = g.data, py = y.data, pd = d.mutableData
    precondition(activation != .hardSwish, "hardswish is not fused when its gradient is recorded")
    withExtendedLifetime((g, y)) {
        parallelElements(g.count) { r in
            switch activation {
            case .none: (pd + r.lowerBound).update(from: pg + r.lowerBound, count: r.count)
            case .relu: for i in r { pd[i] = py[i] <= 0 ? 0 : pg[i] }
            case .relu6: for i in r { let v = py[i]; pd[i] = v > 0 && v < 6 ? pg[i] : 0 }
            case .hardSwish: break
            }
        }
    }
    return d
}

func poolShape(_ x: Tensor, _ k: (Int, Int), _ stride: (Int, Int), _ padding: (Int, Int), _ ceil: Bool) -> Pool2DShape {
    precondition(x.rank == 4, "pooling needs NCHW input, got \(x.shape)")
    let s = Pool2DShape(N: x.shape[0], C: x.shape[1], H: x.shape[2], W: x.shape[3], R: k.0, S: k.1,
                        strideH: stride.0, strideW: stride.1, padH: padding.0, padW: padding.1, ceilMode: ceil)
    precondition(s.isValid, "pooling window \(k) stride \(stride) padding \(padding) does not fit input \(x.shape)")
    return s
}

/// Max pooling 2-D, PyTorch semantics (padding is -inf, `ceilMode` as `ceil_mode`).
public func maxPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                      ceilMode: Bool = false) -> Tensor {
    maxPool(x, kernel, stride, padding, ceilMode, relu: false)
}

/// `maxPool2d(x.relu(), ...)` in one pass, with the same values and gradients: ReLU is monotone, so it is applied
/// to the pooled output (a quarter of the elements for 2x2) and its gate to the scattered gradient.
public func reluMaxPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                          ceilMode: Bool = false) -> Tensor {
    maxPool(x, kernel, stride, padding, ceilMode, relu: true)
}

private func maxPool(_ x: Tensor, _ kernel: (Int, Int), _ stride: (Int, Int)?, _ padding: (Int, Int), _ ceilMode: Bool,
                     relu: Bool) -> Tensor {
    let s = poolShape(x, kernel, stride ?? kernel, padding, ceilMode)
    let out = Tensor(uninitialized: [s.N, s.C, s.P, s.Q])
    if !x.isTracked {                       // nothing to backpropagate: no argmax
        maxPool2dForward(out: out.mutableData, x: x.data, s, relu: relu)
        return out
    }
    let arg = UnsafeMutablePointer<Int32>.allocate(capacity: s.outputCount)
    maxPool2dForward(out: out.mutableData, argmax: arg, x: x.data, s, relu: relu)
    let idx = IndexBuffer(arg)
    return Tape.record(out, [x]) { g, _ in
        let d = Tensor(uninitialized: x.shape)
        maxPool2dBackward(dX: d.mutableData, dOut: g.data, argmax: idx.pointer, s, reluOut: relu ? out.data : nil)
        return [d]
    }
}

/// Owns the argmax indices of a max-pool for its pullback.
final class IndexBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int32>
    init(_ p: UnsafeMutablePointer<Int32>) { pointer = p }
    deinit { pointer.deallocate() }
}

/// Average pooling 2-D, PyTorch semantics (`count_include_pad` default true).
public func avgPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                      ceilMode: Bool = false, countIncludePad: Bool = true) -> Tensor {
    let s = poolShape(x, kernel, stride ?? kernel, padding, ceilMode)
    let out = Tensor(uninitialized: [s.N, s.C, s.P, s.Q])
    avgPool2dForward(out: out.mutableData, x: x.data, s, countIncludePad: countIncludePad)
    return Tape.record(out, [x]) { g, _ in
        let d = Tensor(uninitialized: x.shape)
        avgPool2dBackward(dX: d.mutableData, dOut: g.data, s, countIncludePad: countIncludePad)
        return [d]
    }
}

/// Adaptive average pooling to `outputSize` (PyTorch's window rule).
public func adaptiveAvgPool2d(_ x: Tensor, outputSize: (Int, Int)) -> Tensor {
    precondition(x.rank == 4, "adaptiveAvgPool2d needs NCHW, got \(x.shape)")
    let (N, C, H, W) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]), (P, Q) = outputSize
    let out = Tensor(uninitialized: [N, C, P, Q])
    adaptiveAvgPool2dForward(out: out.mutableData, x: x.data, planes: N * C, H: H, W: W, P: P, Q: Q)
    return Tape.record(out, [x]) { g, _ in
        let d = Tensor(uninitialized: x.shape)
        adaptiveAvgPool2dBackward(dX: d.mutableData, dOut: g.data, planes: N * C, H: H, W: W, P: P, Q: Q)
        return [d]
    }
}

/// Batch normalization over the channel axis 1 of [N, C, ...].
/// Training: batch statistics (biased variance), and the running buffers are updated in place as PyTorch:
/// r = (1 - momentum) r + momentum * stat, with the unbiased variance. Eval: running statistics.
public func batchNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, runningMean: Tensor, runningVar: Tensor,
                      training: Bool, momentum: Float = 0.1, eps: Float = 1e-5) -> Tensor {
    precondition(x.rank >= 2 && runningMean.count == x.shape[1], "batchNorm: input \(x.shape), \(runningMean.count) channels")
    let s = ChannelShape(N: x.shape[0], C: x.shape[1], HW: x.shape[2...].reduce(1, *))
    let C = s.C
    let out = Tensor(uninitialized: x.shape)
    let mean = Tensor(uninitialized: [C]), invstd = Tensor(uninitialized: [C])
    if training {
        let uvar = Tensor(uninitialized: [C])
        batchNormForwardTrain(y: out.mutableData, mean: mean.mutableData, invstd: invstd.mutableData,
                              unbiasedVar: uvar.mutableData, x: x.data, gamma: weight?.data, beta: bias?.data, eps: eps, s)
        let rm = runningMean.mutableData, rv = runningVar.mutableData
        for c in 0..<C {
            rm[c] = (1 - momentum) * rm[c] + momentum * mean[flat: c]
            rv[c] = (1 - momentum) * rv[c] + momentum * uvar[flat: c]
        }
    } else {
        let pm = mean.mutableData, pi = invstd.mutableData
        for c in 0..<C {
            pm[c] = runningMean[flat: c]
            pi[c] = 1 / (runningVar[flat: c] + eps).squareRoot()
        }
        let px = x.data, po = out.mutableData
        for n in 0..<s.N {
            for c in 0..<C {
                let a = pi[c] * (weight?[flat: c] ?? 1), b = (bias?[flat: c] ?? 0) - pm[c] * a
                let off = (n * C + c) * s.HW
                for i in 0..<s.HW { po[off + i] = px[off + i] * a + b }
            }
        }
    }
    var inputs = [x]
    if let weight { inputs.append(weight) }
    if let bias { inputs.append(bias) }
    return Tape.record(out, inputs) { g, needs in
        let needW = weight != nil && needs[1], needB = bias != nil && needs[weight == nil ? 1 : 2]
        let dg = needW ? Tensor(uninitialized: [C]) : nil, db = needB ? Tensor(uninitialized: [C]) : nil
        var dx: Tensor?
        if training {
            dx = needs[0] ? Tensor(uninitialized: x.shape) : nil
            batchNormBackwardTrain(dX: dx?.mutableData, dGamma: dg?.mutableData, dBeta: db?.mutableData, dY: g.data,
                                   x: x.data, mean: mean.data, invstd: invstd.data, gamma: weight?.data, s)
        } else {
            // y = a x + b per channel: dx = a g; dgamma = sum(g xhat); dbeta = sum(g).
            batchNormBackwardTrain(dX: nil, dGamma: dg?.mutableData, dBeta: db?.mutableData, dY: g.data,
                                   x: x.data, mean: mean.data, invstd: invstd.data, gamma: weight?.data, s)
            if needs[0] {
                let d = Tensor(uninitialized: x.shape)
                let pg = g.data, pd = d.mutableData
                for n in 0..<s.N {
                    for c in 0..<C {
                        let a = invstd[flat: c] * (weight?[flat: c] ?? 1), off = (n * C + c) * s.HW
                        for i in 0..<s.HW { pd[off + i] = pg[off + i] * a }
                    }
                }
                dx = d
            }
        }
        var r: [Tensor?] = [dx]
        if weight != nil { r.append(dg) }
        if bias != nil { r.append(db) }
        return r
    }
}

/// Layer normalization over the last axis: y = (x - mean) / sqrt(var + eps) * weight + bias.
public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) -> Tensor {
    let D = x.shape.last ?? 1, rows = x.count / Swift.max(D, 1)
    let out = Tensor(uninitialized: x.shape)
    var means = [Float](repeating: 0, count: rows), invs = [Float](repeating: 0, count: rows)
    let px = x.data, po = out.mutableData
    for r in 0..<rows {
        let row = px + r * D
        var sum = 0.0
        for i in 0..<D { sum += Double(row[i]) }
        let mu = sum / Double(D)
        var sq = 0.0
        for i in 0..<D { let d = Double(row[i]) - mu; sq += d * d }
        let inv = Float(1 / (sq / Double(D) + Double(eps)).squareRoot())
        means[r] = Float(mu); invs[r] = inv
        for i in 0..<D {
            po[r * D + i] = (row[i] - Float(mu)) * inv * (weight?[flat: i] ?? 1) + (bias?[flat: i] ?? 0)
        }
    }
    var inputs = [x]
    if let weight { inputs.append(weight) }
    if let bias { inputs.append(bias) }
    return Tape.record(out, inputs) { g, needs in
        let pg = g.data
        let dw = weight != nil && needs[1] ? Tensor.zeros([D]) : nil
        let db = bias != nil && needs[weight == nil ? 1 : 2] ? Tensor.zeros([D]) : nil
        let dx = needs[0] ? Tensor(uninitialized: x.shape) : nil
        for r in 0..<rows {
            let row = px + r * D, gr = pg + r * D, mu = means[r], inv = invs[r]
            var sumG: Float = 0, sumGX: Float = 0
            for i in 0..<D {
                let xhat = (row[i] - mu) * inv, gi = gr[i] * (weight?[flat: i] ?? 1)
                sumG += gi; sumGX += gi * xhat
                if let dw { dw.mutableData[i] += gr[i] * xhat }
                if let db { db.mutableData[i] += gr[i] }
            }
            if let dx {
                let pd = dx.mutableData + r * D, k = inv / Float(D)
                for i in 0..<D {
                    let xhat = (row[i] - mu) * inv, gi = gr[i] * (weight?[flat: i] ?? 1)
                    pd[i] = k * (Float(D) * gi - sumG - xhat * sumGX)
                }
            }
        }
        var res: [Tensor?] = [dx]
        if weight != nil { res.append(dw) }
        if bias != nil { res.append(db) }
        return res
    }
}

/// Dropout: zero each element with probability p and scale the rest by 1/(1-p); identity when not training.
public func dropout(_ x: Tensor, p: Float, training: Bool, using rng: inout SplitMix64) -> Tensor {
    guard training && p > 0 else { return x }
    let mask = Tensor(uninitialized: x.shape)
    let pm = mask.mutableData, scale = 1 / (1 - p)
    for i in 0..<x.count { pm[i] = rng.nextUniform() < p ? 0 : scale }
    return x * mask
}
