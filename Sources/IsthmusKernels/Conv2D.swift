import CDNNL
// Conv2D kernels. x: [N, C, H, W], w: [K, Cg, R, S], out: [N, K, P, Q]. Every kernel overwrites its outputs.
// `conv2d*` dispatch to oneDNN's blocked-layout primitives (`DNNLConv`, cached per shape) and fall back to the
// im2col + GEMM twins `conv2d*Im2col` on any oneDNN error; `ISTHMUS_CONV=im2col` forces the twins.

/// Activation applied to every output of a convolution, as PyTorch's: a NaN stays NaN.
public enum ConvActivation: Hashable, Sendable {
    /// y
    case none
    /// max(y, 0)
    case relu
    /// min(max(y, 0), 6) = hardtanh(y, 0, 6)
    case relu6
    /// y min(max(y + 3, 0), 6) / 6 (MobileNet-V3's hardswish). Its derivative needs y before the activation, which
    /// a fused convolution does not keep: `conv2d` fuses it only when nothing is differentiated.
    case hardSwish
}

/// y[i] = activation(y[i]) for i in [0, count), in place; a NaN stays NaN.
public func applyActivation(_ y: UnsafeMutablePointer<Float>, count: Int, _ a: ConvActivation) {
    switch a {
    case .none: return
    case .relu: for i in 0..<count { let v = y[i]; y[i] = v < 0 ? 0 : v }
    case .relu6: for i in 0..<count { let v = y[i]; y[i] = v < 0 ? 0 : (v > 6 ? 6 : v) }
    case .hardSwish: for i in 0..<count { let v = y[i]; y[i] = v.isNaN ? v : v * min(max(v + 3, 0), 6) / 6 }
    }
}

/// out = activation(conv(x, w) + bias). `weightsVersion`: a stamp that changes whenever the contents at `w` change
/// (unique over the run); given it, the reordered (blocked) weights are kept per weight buffer and reused until it
/// changes. oneDNN applies the activation as a post-op while it writes `out`, except when x, w or bias hold a NaN
/// or an infinity (its post-ops turn a NaN into 0): then a plain loop applies it after the convolution.
public func conv2dForward(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                          bias: UnsafePointer<Float>?, _ s: Conv2DShape, weightsVersion: UInt64? = nil,
                          activation: ConvActivation = .none) {
    if DNNLConv.enabled {
        let post = activation != .none && DNNLConv.operandsAreFinite(x: x, w: w, bias: bias, s, weightsVersion: weightsVersion)
            ? activation : .none
        if let plan = DNNLConv.plan(s, activation: post),
           (try? plan.forward(out: out, x: x, w: w, bias: bias, weightsVersion: weightsVersion)) != nil {
            if post != activation { applyActivation(out, count: s.outputCount, activation) }
            return
        }
    }
    conv2dForwardIm2col(out: out, x: x, w: w, bias: bias, s)
    applyActivation(out, count: s.outputCount, activation)
}

/// Whether p[0..<count] holds no NaN and no infinity (x * 0 is NaN exactly for those; 16 lanes per step).
public func allFinite(_ p: UnsafePointer<Float>, count: Int) -> Bool {
    let block = 1 << 16, blocks = (count + block - 1) / block
    if blocks <= 1 { return finiteRun(p, count: count) }
    let finite = UnsafeMutablePointer<Bool>.allocate(capacity: blocks)
    defer { finite.deallocate() }
    Threads.parallelFor(blocks, grain: 2) { r in
        for b in r { finite[b] = finiteRun(p + b * block, count: min(block, count - b * block)) }
    }
    return (0..<blocks).allSatisfy { finite[$0] }
}

/// max |p[i]| over count values, or nil when one is not finite (threaded like `allFinite`).
public func maxAbsIfFinite(_ p: UnsafePointer<Float>, count: Int) -> Float? {
    let block = 1 << 16, blocks = (count + block - 1) / block
    if blocks <= 1 { return maxAbsRun(p, count: count) }
    let m = UnsafeMutablePointer<Float>.allocate(capacity: blocks)
    defer { m.deallocate() }
    Threads.parallelFor(blocks, grain: 2) { r in
        for b in r { m[b] = maxAbsRun(p + b * block, count: min(block, count - b * block)) ?? .nan }
    }
    var result: Float = 0
    for b in 0..<blocks {
        guard m[b].isFinite else { return nil }
        result = max(result, m[b])
    }
    return result
}

@inline(__always)
func maxAbsRun(_ p: UnsafePointer<Float>, count: Int) -> Float? {
    var acc = SIMD16<Float>(repeating: 0), zero = SIMD16<Float>(repeating: 0)
    var i = 0
    while i &+ 16 <= count {
        let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
        zero += v * 0
        let a = v.replacing(with: -v, where: v .< 0)
        acc = acc.replacing(with: a, where: a .> acc)
        i &+= 16
    }
    var tail: Float = 0, m = acc.max()
    while i < count { tail += p[i] * 0; m = max(m, abs(p[i])); i &+= 1 }
    return zero.sum() + tail == 0 ? m : nil
}

/// x * 0 is 0 for finite x and NaN for an infinity or a NaN.
@inline(__always)
func finiteRun(_ p: UnsafePointer<Float>, count: Int) -> Bool {
    var acc = SIMD16<Float>(repeating: 0)
    var i = 0
    while i &+ 16 <= count {
        acc += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self) * 0
        i &+= 16
    }
    var tail: Float = 0
    while i < count { tail += p[i] * 0; i &+= 1 }
    return acc.sum() + tail == 0
}

/// dX = d(out)/dx applied to dOut (`weightsVersion` as in `conv2dForward`).
public func conv2dBackwardData(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                               w: UnsafePointer<Float>, _ s: Conv2DShape, weightsVersion: UInt64? = nil) {
    if !s.hasThinInput, DNNLConv.enabled, let plan = DNNLConv.plan(s),
       (try? plan.backwardData(dX: dX, dOut: dOut, w: w, weightsVersion: weightsVersion)) != nil { return }
    conv2dBackwardDataIm2col(dX: dX, dOut: dOut, w: w, s)
}

/// dW (and dBias if given) from dOut and x.
public func conv2dBackwardWeights(dW: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
                                  dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, _ s: Conv2DShape) {
    if DNNLConv.enabled, let plan = DNNLConv.plan(s),
       (try? plan.backwardWeights(dW: dW, dBias: dBias, dOut: dOut, x: x)) != nil { return }
    conv2dBackwardWeightsIm2col(dW: dW, dBias: dBias, dOut: dOut, x: x, s)
}

// MARK: - im2col + GEMM twin

/// The outputs i in [lo, hi) of one axis whose input index i*stride - pad + k lies in [0, size).
@inline(__always)
func validOutputs(_ k: Int, stride: Int, pad: Int, size: Int, count: Int) -> Range<Int> {
    // ceil(a / b) for b > 0; Swift's division truncates toward zero, which is the ceiling for a <= 0.
    @inline(__always) func ceilDiv(_ a: Int, _ b: Int) -> Int { a > 0 ? (a &+ b &- 1) / b : a / b }
    let lo = min(count, max(0, ceilDiv(pad &- k, stride)))
    return lo..<min(count, max(lo, ceilDiv(size &+ pad &- k, stride)))
}

extension Conv2DShape {
    /// At most 4 input channels and no groups: an image's first layer (grayscale, RGB, RGBA). oneDNN's backward-data
    /// pass vectorizes over the input channels and ran at 7-50 GFLOP/s on such layers, the im2col twin's GEMM over
    /// the output channels at 60-130 (batch 1 on Zen 4, AVX-512 and AVX2; `isthmus _kernels --only stem`): their
    /// input gradient takes the twin (GoogLeNet's 7x7 stem 5.7-5.9 -> 2.0-2.5 ms, mnist-cnn's conv1 63 -> 6 us).
    /// With 8 input channels oneDNN is ahead on AVX2.
    public var hasThinInput: Bool { groups == 1 && C <= 4 }

    /// 1x1, stride 1, no padding: the column matrix of a group is its input channels themselves.
    var isPointwise: Bool {
        R == 1 && S == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padBottom == 0 && padLeft == 0 &&
            padRight == 0
    }
}

/// col[(c*R + r)*S + t, p*Q + q] = x[c, p*sh - pt + r, q*sw - pl + t] (zero outside), for the channels
/// [c0, c0 + Cg) of one image.
func im2col(_ col: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, c0: Int, _ s: Conv2DShape) {
    let (H, W, P, Q, sw) = (s.H, s.W, s.P, s.Q, s.strideW)
    var dst = col
    for c in c0..<(c0 + s.Cg) {
        let xc = x + c &* H &* W
        for r in 0..<s.R {
            let ps = validOutputs(r, stride: s.strideH, pad: s.padTop, size: H, count: P)
            for t in 0..<s.S {
                let qs = validOutputs(t, stride: sw, pad: s.padLeft, size: W, count: Q)
                let w0 = qs.lowerBound &* sw &- s.padLeft &+ t
                // Rows p outside `ps` read only padding; inside, the columns outside `qs` do.
                dst.update(repeating: 0, count: ps.lowerBound &* Q)
                for p in ps {
                    let h = p &* s.strideH &- s.padTop &+ r
                    let d = dst + p &* Q, xr = xc + (h &* W &+ w0)
                    d.update(repeating: 0, count: qs.lowerBound)
                    if sw == 1 {
                        (d + qs.lowerBound).update(from: xr, count: qs.count)
                    } else {
                        var src = xr
                        for q in qs { d[q] = src.pointee; src += sw }
                    }
                    (d + qs.upperBound).update(repeating: 0, count: Q &- qs.upperBound)
                }
                (dst + ps.upperBound &* Q).update(repeating: 0, count: (P &- ps.upperBound) &* Q)
                dst += P &* Q
            }
        }
    }
}

/// dx[c, h, w] += col[...] for every position the column matrix read it from (adjoint of `im2col`).
func col2im(_ dX: UnsafeMutablePointer<Float>, _ col: UnsafePointer<Float>, c0: Int, _ s: Conv2DShape) {
    let (H, W, P, Q, sw) = (s.H, s.W, s.P, s.Q, s.strideW)
    var src = col
    for c in c0..<(c0 + s.Cg) {
        let xc = dX + c &* H &* W
        for r in 0..<s.R {
            let ps = validOutputs(r, stride: s.strideH, pad: s.padTop, size: H, count: P)
            for t in 0..<s.S {
                let qs = validOutputs(t, stride: sw, pad: s.padLeft, size: W, count: Q)
                let n = qs.count, w0 = qs.lowerBound &* sw &- s.padLeft &+ t
                for p in ps {
                    let h = p &* s.strideH &- s.padTop &+ r
                    let sr = src + (p &* Q &+ qs.lowerBound), xr = xc + (h &* W &+ w0)
                    if sw == 1 {
                        for i in 0..<n { xr[i] += sr[i] }
                    } else {
                        var d = xr
                        for i in 0..<n { d.pointee += sr[i]; d += sw }
                    }
                }
                src += P &* Q
            }
        }
    }
}

public func conv2dForwardIm2col(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                                bias: UnsafePointer<Float>?, _ s: Conv2DShape) {
    let PQ = s.P * s.Q, CRS = s.Cg * s.R * s.S, HW = s.H * s.W
    let col = UnsafeMutablePointer<Float>.allocate(capacity: s.isPointwise ? 0 : CRS * PQ)
    defer { col.deallocate() }
    for n in 0..<s.N {
        for g in 0..<s.groups {
            let xg = x + (n * s.C + g * s.Cg) * HW
            if !s.isPointwise { im2col(col, x + n * s.C * HW, c0: g * s.Cg, s) }
            sgemm(transA: false, transB: false, M: s.Kg, N: PQ, K: CRS, A: w + g * s.Kg * CRS, lda: CRS,
                  B: s.isPointwise ? xg : UnsafePointer(col), ldb: PQ, C: out + (n * s.K + g * s.Kg) * PQ, ldc: PQ)
        }
        if let bias {
            for k in 0..<s.K {
                let o = out + (n * s.K + k) * PQ, b = bias[k]
                for i in 0..<PQ { o[i] += b }
            }
        }
    }
}

public func conv2dBackwardDataIm2col(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                     w: UnsafePointer<Float>, _ s: Conv2DShape) {
    let PQ = s.P * s.Q, CRS = s.Cg * s.R * s.S, HW = s.H * s.W
    if !s.isPointwise { dX.update(repeating: 0, count: s.inputCount) }
    let col = UnsafeMutablePointer<Float>.allocate(capacity: s.isPointwise ? 0 : CRS * PQ)
    defer { col.deallocate() }
    for n in 0..<s.N {
        for g in 0..<s.groups {
            // Pointwise: the GEMM writes the group's input channels directly.
            let target = s.isPointwise ? dX + (n * s.C + g * s.Cg) * HW : col
            sgemm(transA: true, transB: false, M: CRS, N: PQ, K: s.Kg, A: w + g * s.Kg * CRS, lda: CRS,
                  B: dOut + (n * s.K + g * s.Kg) * PQ, ldb: PQ, C: target, ldc: PQ)
            if !s.isPointwise { col2im(dX + n * s.C * HW, col, c0: g * s.Cg, s) }
        }
    }
}

public func conv2dBackwardWeightsIm2col(dW: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
                                        dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, _ s: Conv2DShape) {
    let PQ = s.P * s.Q, CRS = s.Cg * s.R * s.S, HW = s.H * s.W
    let col = UnsafeMutablePointer<Float>.allocate(capacity: s.isPointwise ? 0 : CRS * PQ)
    defer { col.deallocate() }
    for n in 0..<s.N {
        for g in 0..<s.groups {
            let xg = x + (n * s.C + g * s.Cg) * HW
            if !s.isPointwise { im2col(col, x + n * s.C * HW, c0: g * s.Cg, s) }
            // The first image overwrites dW, the others accumulate.
            sgemm(transA: false, transB: true, M: s.Kg, N: CRS, K: PQ, A: dOut + (n * s.K + g * s.Kg) * PQ, lda: PQ,
                  B: s.isPointwise ? xg : UnsafePointer(col), ldb: PQ, beta: n == 0 ? 0 : 1,
                  C: dW + g * s.Kg * CRS, ldc: CRS)
        }
    }
    if let dBias {
        for k in 0..<s.K {
            var acc: Float = 0
            for n in 0..<s.N {
                let o = dOut + (n * s.K + k) * PQ
                for i in 0..<PQ { acc += o[i] }
            }
            dBias[k] = acc
        }
    }
}

// MARK: - Direct loops (reference for tests)

/// The textbook seven-loop convolution, used only by tests as the ground truth for both fast paths.
public func conv2dForwardDirect(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                                bias: UnsafePointer<Float>?, _ s: Conv2DShape) {
    for n in 0..<s.N {
        for k in 0..<s.K {
            let g = k / s.Kg
            for p in 0..<s.P {
                for q in 0..<s.Q {
                    var acc = Double(bias?[k] ?? 0)
                    for c in 0..<s.Cg {
                        for r in 0..<s.R {
                            let h = p * s.strideH - s.padTop + r
                            if h < 0 || h >= s.H { continue }
                            for t in 0..<s.S {
                                let ww = q * s.strideW - s.padLeft + t
                                if ww < 0 || ww >= s.W { continue }
                                let xv = x[((n * s.C + g * s.Cg + c) * s.H + h) * s.W + ww]
                                acc += Double(xv) * Double(w[((k * s.Cg + c) * s.R + r) * s.S + t])
                            }
                        }
                    }
                    out[((n * s.K + k) * s.P + p) * s.Q + q] = Float(acc)
                }
            }
        }
    }
}

/// Convolutions whose output and/or input (and their gradients) stay in oneDNN's blocked layout nChw{b}c,
/// [N, C/b, H, W, b], with the channel block b the CPU's choice (16 with AVX-512, 8 with AVX2), for a neighbour that
/// reads and writes them there (the fused conv-ReLU-max-pool, two convolutions in a row): the reorders of those
/// activations to NCHW and back, each a pass over memory, disappear. Weights, bias and their gradients stay plain.
public enum BlockedConv {
    /// The channel block b (16 or 8) in which oneDNN runs `s` (with `activation` as post-op) keeping its output
    /// (`output`) and/or its input (`input`) in nChw{b}c in all passes (grouped and depthwise convolutions too);
    /// nil when no block size does (or with `ISTHMUS_CONV=im2col`), and then the caller takes the unfused path. When
    /// both are asked for, they share b. `weightGradient: false` asks for the forward and backward-data passes
    /// alone (frozen weights: `backwardWeights` is then not to be called with the blocked output gradient).
    public static func blockSize(_ s: Conv2DShape, activation: ConvActivation = .none, input: Bool = false,
                                 output: Bool = true, weightGradient: Bool = true) -> Int? {
        guard DNNLConv.enabled, input || output, let plan = DNNLConv.plan(s, activation: activation)
        else { return nil }
        let o = output ? (weightGradient ? plan.blockedOutput : plan.blockedDataOutput) : nil
        let i = input ? plan.blockedInput : nil
        if output && o == nil || input && i == nil { return nil }
        if let o, let i, o != i { return nil }
        return o ?? i
    }

    /// The channel block b in which oneDNN's forward pass of `s` alone (inference) keeps its output, and its input
    /// too unless `plainInput`; nil when it keeps another layout for either (or with `ISTHMUS_CONV=im2col`).
    public static func forwardBlockSize(_ s: Conv2DShape, activation: ConvActivation = .none,
                                        plainInput: Bool = false) -> Int? {
        guard DNNLConv.enabled, let plan = DNNLConv.plan(s, activation: activation) else { return nil }
        let blocks = plan.forwardBlocks
        guard let o = blocks.output, plainInput || blocks.input == o else { return nil }
        return o
    }

    /// Whether `blockSize` finds a block size.
    public static func available(_ s: Conv2DShape, activation: ConvActivation = .none, input: Bool = false,
                                 output: Bool = true) -> Bool {
        blockSize(s, activation: activation, input: input, output: output) != nil
    }

    /// out = activation(conv(x, w) + bias), x and/or out blocked as flagged. Requires `available`; false
    /// (nothing written) if oneDNN fails, or with an activation when an operand is not finite (the post-op would
    /// map a NaN to 0: the caller takes the unfused ops, whose NaN propagates as PyTorch's).
    public static func forward(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>?, _ s: Conv2DShape, activation: ConvActivation = .none,
                               weightsVersion: UInt64? = nil, blockedInput: Bool = false,
                               blockedOutput: Bool = true) -> Bool {
        guard let plan = DNNLConv.plan(s, activation: activation) else { return false }
        if activation != .none
            && !DNNLConv.operandsAreFinite(x: x, w: w, bias: bias, s, weightsVersion: weightsVersion) { return false }
        return (try? plan.forward(out: out, x: x, w: w, bias: bias, weightsVersion: weightsVersion,
                                  blockedInput: blockedInput, blockedOutput: blockedOutput)) != nil
    }

    /// `forward` on an input free of NaN and infinities with |x| <= `inputBound` (`.infinity`: not known), returning
    /// a bound on |out| (`.infinity`: none known), or nil when nothing ran (`forward`'s false). With a finite
    /// bound, |conv(x, w) + b| <= inputBound * max_k sum |w_k| + max |b| < 1e30, so no sum overflows and no NaN
    /// can reach the post-op: the pass over x that `forward` makes before an activation is skipped. Where the
    /// bound is unknown, x is checked as `forward` does, and measured (max |x|) on the way. ReLU6 bounds its
    /// output by 6; ReLU and hardswish keep the bound.
    public static func forward(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>?, _ s: Conv2DShape, activation: ConvActivation = .none,
                               weightsVersion: UInt64? = nil, inputBound: Float, blockedInput: Bool = false,
                               blockedOutput: Bool = true) -> Float? {
        guard let plan = DNNLConv.plan(s, activation: activation) else { return nil }
        let wb = DNNLConv.weightBound(w, s, weightsVersion: weightsVersion)
        let bb = DNNLConv.biasBound(bias, count: s.K)
        func outputBound(_ xb: Float) -> Float {
            guard let wb, let bb else { return .infinity }
            let b = xb * wb + bb
            return b < 1e30 ? b : .infinity
        }
        var bound = outputBound(inputBound)
        if activation != .none && bound == .infinity {
            guard wb != nil, bb != nil, let xb = maxAbsIfFinite(x, count: s.inputCount) else { return nil }
            bound = outputBound(xb)
        }
        guard (try? plan.forward(out: out, x: x, w: w, bias: bias, weightsVersion: weightsVersion,
                                 blockedInput: blockedInput, blockedOutput: blockedOutput)) != nil else { return nil }
        // ReLU6 of finite operands lies in [0, 6] even where the bound is not known.
        return activation == .relu6 ? min(bound, 6) : bound
    }

    /// dX from dOut, dX and/or dOut blocked as flagged. A thin input (`hasThinInput`: never blocked) takes the
    /// im2col twin, after a reorder of a blocked dOut to NCHW.
    public static func backwardData(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                    w: UnsafePointer<Float>, _ s: Conv2DShape, activation: ConvActivation = .none,
                                    weightsVersion: UInt64? = nil, blockedInput: Bool = false,
                                    blockedOutput: Bool = true) -> Bool {
        guard let plan = DNNLConv.plan(s, activation: activation) else { return false }
        if s.hasThinInput && !blockedInput {
            guard blockedOutput else { conv2dBackwardDataIm2col(dX: dX, dOut: dOut, w: w, s); return true }
            // The layout the data pass keeps dOut in (`native` below).
            if let block = plan.blockedDataOutput {
                let plain = UnsafeMutablePointer<Float>.allocate(capacity: s.outputCount)
                defer { plain.deallocate() }
                reorderBlocked(plain, dOut, N: s.N, C: s.K, HW: s.P * s.Q, block: block, toBlocked: false)
                conv2dBackwardDataIm2col(dX: dX, dOut: plain, w: w, s)
                return true
            }
        }
        return (try? plan.backwardData(dX: dX, dOut: dOut, w: w, weightsVersion: weightsVersion,
                                       blockedInput: blockedInput, blockedOutput: blockedOutput)) != nil
    }

    /// dW (and dBias) from dOutBlocked (blocked) and x (NCHW).
    public static func backwardWeights(dW: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
                                       dOutBlocked: UnsafePointer<Float>, x: UnsafePointer<Float>,
                                       _ s: Conv2DShape) -> Bool {
        guard let plan = DNNLConv.plan(s) else { return false }
        return (try? plan.backwardWeights(dW: dW, dBias: dBias, dOutBlocked: dOutBlocked, x: x)) != nil
    }
}

/// NCHW [N, C, H, W] -> nChw{block}c [N, C/block, H, W, block] (C a multiple of block), and back with
/// `toBlocked: false`. One channel block of one sample per task, on the compute threads.
public func reorderBlocked(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, N: Int, C: Int, HW: Int,
                           block: Int, toBlocked: Bool) {
    precondition(block > 0 && C % block == 0, "reorderBlocked: C = \(C) is not a multiple of the block \(block)")
    Threads.parallelFor(N * (C / block), grain: max(1, 100_000 / max(1, block * HW))) { groups in
        for g in groups {
            let base = g &* block &* HW          // the group's first element, in either layout
            if toBlocked {
                let d = dst + base, p = src + base
                for lane in 0..<block {
                    let row = p + lane &* HW
                    for i in 0..<HW { d[i &* block &+ lane] = row[i] }
                }
            } else {
                let d = dst + base, b = src + base
                for lane in 0..<block {
                    let row = d + lane &* HW
                    for i in 0..<HW { row[i] = b[i &* block &+ lane] }
                }
            }
        }
    }
}

/// The naive twin of `reorderBlocked`: one element at a time, from the layouts' index formulas.
public func reorderBlockedNaive(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, N: Int, C: Int,
                                HW: Int, block: Int, toBlocked: Bool) {
    precondition(block > 0 && C % block == 0, "reorderBlocked: C = \(C) is not a multiple of the block \(block)")
    for n in 0..<N {
        for c in 0..<C {
            let plain = (n * C + c) * HW, blocked = (n * C + c / block * block) * HW, lane = c % block
            for i in 0..<HW {
                if toBlocked { dst[blocked + i * block + lane] = src[plain + i] } else {
                    dst[plain + i] = src[blocked + i * block + lane]
                }
            }
        }
    }
}

/// Process-wide convolution choices.
public enum ConvolutionSettings {
    /// 3x3 stride-1 convolutions of batches of 16 or more use oneDNN's Winograd F(4x4, 3x3) algorithm: about 1.4x
    /// faster ResNet-18 sweeps and 1.2x GoogLeNet sweeps, but not bit-compatible with PyTorch's direct convolution
    /// (logits differ by about 2e-5 relative). Off by default; `ISTHMUS_CONV=winograd` turns it on. oneDNN has
    /// Winograd only with AVX-512: elsewhere (`winogradAvailable` false) a request warns once on stderr and every
    /// convolution stays direct.
    public static var winograd: Bool {
        get { DNNLConv.winograd }
        set { DNNLConv.winograd = newValue }
    }

    /// Whether oneDNN implements Winograd on this CPU (probed once on a 16x64x32x32 3x3 convolution).
    public static var winogradAvailable: Bool { DNNLConv.winogradAvailable }

    /// oneDNN forward convolutions run so far with `activation` as an eltwise post-op (all shapes and threads): how
    /// a caller sees that a fusion engaged.
    public static func postOpForwards(_ activation: ConvActivation) -> Int { DNNLConv.forwardRuns(activation: activation) }

    /// Weight buffers reordered so far into oneDNN's blocked layout (all convolution passes and threads). Frozen
    /// weights are reordered once per pass and buffer, then served from the cache while their version holds.
    public static var weightReorders: Int {
        DNNLArena.lock.lock(); defer { DNNLArena.lock.unlock() }
        return DNNLPass.cachedReorders
    }

    /// Whether the cached plan of `s` runs Winograd (true only when asked for, available and applicable to `s`).
    public static func usesWinograd(_ s: Conv2DShape) -> Bool {
        DNNLConv.plan(s).map { $0.algorithm == dnnl_convolution_winograd } ?? false
    }
}
