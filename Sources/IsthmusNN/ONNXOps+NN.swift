import Foundation
import IsthmusCore
import IsthmusKernels
import IsthmusFormats

/// Conv attributes, read once: 1-D and 2-D convolutions (1-D runs as 2-D with height 1).
struct ConvSpec {
    var autoPad = "NOTSET"
    var group = 1
    var dilations: [Int]?
    var strides: [Int]?
    var pads: [Int]?
    var kernel: [Int]?
    let dilated = DilatedWeights()

    init(_ a: Attrs) throws {
        try a.only(["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"])
        autoPad = try a.string("auto_pad", "NOTSET")
        guard ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"].contains(autoPad) else { throw a.fail("auto_pad '\(autoPad)' is not supported") }
        group = try a.int("group", 1)
        guard group >= 1 else { throw a.fail("group must be >= 1") }
        dilations = try a.ints("dilations"); strides = try a.ints("strides"); pads = try a.ints("pads"); kernel = try a.ints("kernel_shape")
        for d in dilations ?? [] where d < 1 { throw a.fail("dilations must be >= 1") }
        for s in strides ?? [] where s < 1 { throw a.fail("strides must be >= 1") }
        for p in pads ?? [] where p < 0 { throw a.fail("negative pads are not supported") }
    }
}

/// (begin, end) padding per spatial axis from ONNX pads / auto_pad.
func spatialPads(autoPad: String, pads: [Int]?, input: [Int], kernel: [Int], strides: [Int], dilations: [Int]) throws -> [(Int, Int)] {
    let n = input.count
    switch autoPad {
    case "VALID": return Array(repeating: (0, 0), count: n)
    case "SAME_UPPER", "SAME_LOWER":
        return (0..<n).map { i in
            let out = (input[i] + strides[i] - 1) / strides[i]
            let total = max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - input[i])
            return autoPad == "SAME_UPPER" ? (total / 2, total - total / 2) : (total - total / 2, total / 2)
        }
    default:
        guard let pads else { return Array(repeating: (0, 0), count: n) }
        guard pads.count == 2 * n else { throw ONNXError("pads has \(pads.count) values for \(n) spatial axes") }
        return (0..<n).map { (pads[$0], pads[n + $0]) }
    }
}

/// Kernels with zeros inserted between taps (a dilated convolution as an ordinary one), cached per weight storage.
final class DilatedWeights: @unchecked Sendable {
    private let lock = NSLock()
    private var key: (ObjectIdentifier, UInt64, [Int])?
    private var value: Tensor?

    func get(_ w: Tensor, _ d: (Int, Int)) -> Tensor {
        lock.lock(); defer { lock.unlock() }
        let k = (ObjectIdentifier(w.storage), w.storage.version, [d.0, d.1])
        if let key, let value, key.0 == k.0, key.1 == k.1, key.2 == k.2 { return value }
        let (K, C, R, S) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let R2 = (R - 1) * d.0 + 1, S2 = (S - 1) * d.1 + 1
        let out = Tensor.zeros([K, C, R2, S2])
        let po = out.mutableData, pw = w.data
        for kc in 0..<(K * C) { for r in 0..<R { for s in 0..<S { po[(kc * R2 + r * d.0) * S2 + s * d.1] = pw[(kc * R + r) * S + s] } } }
        key = k; value = out
        return out
    }
}

/// ONNX Conv through `conv2d`, with an optional fused activation.
func onnxConv(_ x0: Tensor, _ w0: Tensor, _ b: Tensor?, _ spec: ConvSpec, activation: ConvActivation = .none) throws -> Tensor {
    guard x0.rank == 3 || x0.rank == 4 else { throw ONNXError("only 1-D and 2-D convolutions are supported (input \(x0.shape))") }
    guard w0.rank == x0.rank else { throw ONNXError("weight \(w0.shape) does not match input \(x0.shape)") }
    let oneD = x0.rank == 3
    let x = oneD ? x0.reshaped([x0.shape[0], x0.shape[1], 1, x0.shape[2]]) : x0
    var w = oneD ? w0.reshaped([w0.shape[0], w0.shape[1], 1, w0.shape[2]]) : w0
    let n = x0.rank - 2
    let kernel = Array(w0.shape[2...])
    if let k = spec.kernel, k != kernel { throw ONNXError("kernel_shape \(k) differs from the weight's \(kernel)") }
    let strides = spec.strides ?? Array(repeating: 1, count: n), dil = spec.dilations ?? Array(repeating: 1, count: n)
    guard strides.count == n, dil.count == n else { throw ONNXError("strides / dilations do not match \(n) spatial axes") }
    let K = w.shape[0], g = spec.group
    guard x.shape[1] == w.shape[1] * g, K % g == 0 else {
        throw ONNXError("input of \(x.shape[1]) channels does not fit weight \(w0.shape) with group \(g)")
    }
    if let b, b.count != K { throw ONNXError("bias of \(b.count) values for \(K) output channels") }
    let pads = try spatialPads(autoPad: spec.autoPad, pads: spec.pads, input: Array(x0.shape[2...]), kernel: kernel,
                               strides: strides, dilations: dil)
    let (pt, pb) = oneD ? (0, 0) : pads[0], (pl, pr) = oneD ? pads[0] : pads[1]
    let (sh, sw) = oneD ? (1, strides[0]) : (strides[0], strides[1])
    let (dh, dw) = oneD ? (1, dil[0]) : (dil[0], dil[1])
    if dh > 1 || dw > 1 {
        if w.isTracked { throw ONNXError("dilated convolution with a differentiated weight is not supported") }
        w = spec.dilated.get(w, (dh, dw))
    }
    let (R, S) = (w.shape[2], w.shape[3])
    guard x.shape[2] + pt + pb >= R, x.shape[3] + pl + pr >= S else {
        throw ONNXError("kernel \(kernel) is larger than the padded input \(x0.shape)")
    }
    let y = conv2d(x, weight: w, bias: b, stride: (sh, sw), padding: Padding2D(top: pt, bottom: pb, left: pl, right: pr),
                   groups: g, activation: activation)
    return oneD ? y.reshaped([y.shape[0], y.shape[1], y.shape[3]]) : y
}

/// Pooling attributes.
struct PoolSpec {
    var autoPad = "NOTSET"
    var kernel: [Int]
    var strides: [Int]?
    var pads: [Int]?
    var ceil = false
    var countIncludePad = false
    var dilations: [Int]?

    init(_ a: Attrs, average: Bool) throws {
        try a.only(["auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"]
                   + (average ? ["count_include_pad"] : []))
        try a.outputs(1)
        autoPad = try a.string("auto_pad", "NOTSET")
        guard ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"].contains(autoPad) else { throw a.fail("auto_pad '\(autoPad)' is not supported") }
        guard let k = try a.ints("kernel_shape"), !k.isEmpty, k.allSatisfy({ $0 >= 1 }) else { throw a.fail("kernel_shape is required") }
        kernel = k
        strides = try a.ints("strides"); pads = try a.ints("pads")
        for s in strides ?? [] where s < 1 { throw a.fail("strides must be >= 1") }
        for p in pads ?? [] where p < 0 { throw a.fail("negative pads are not supported") }
        if let d = try a.ints("dilations"), d.contains(where: { $0 != 1 }) {
            guard !average else { throw a.fail("dilations other than 1 are not supported in AveragePool") }
            guard d.allSatisfy({ $0 >= 1 }) else { throw a.fail("dilations must be >= 1") }
            dilations = d
        }
        ceil = try a.int("ceil_mode", 0) != 0
        countIncludePad = try a.int("count_include_pad", 0) != 0
        if ceil && autoPad != "NOTSET" { throw a.fail("ceil_mode with auto_pad is not supported") }
    }
}

func onnxPool(_ x0: Tensor, _ spec: PoolSpec, max: Bool) throws -> Tensor {
    guard x0.rank == 3 || x0.rank == 4, spec.kernel.count == x0.rank - 2 else {
        throw ONNXError("only 1-D and 2-D pooling is supported (input \(x0.shape), kernel \(spec.kernel))")
    }
    let oneD = x0.rank == 3, n = x0.rank - 2
    var x = oneD ? x0.reshaped([x0.shape[0], x0.shape[1], 1, x0.shape[2]]) : x0
    let strides = spec.strides ?? Array(repeating: 1, count: n)
    guard strides.count == n else { throw ONNXError("strides do not match the kernel") }
    if let d = spec.dilations {
        guard d.count == n, max, spec.autoPad == "NOTSET" else { throw ONNXError("dilations need NOTSET padding and max pooling") }
        let y = try dilatedMaxPool(x, spec, strides: oneD ? [1] + strides : strides, dilations: oneD ? [1] + d : d,
                                   kernel: oneD ? [1] + spec.kernel : spec.kernel)
        return oneD ? y.reshaped([y.shape[0], y.shape[1], y.shape[3]]) : y
    }
    let pads = try spatialPads(autoPad: spec.autoPad, pads: spec.pads, input: Array(x0.shape[2...]), kernel: spec.kernel,
                               strides: strides, dilations: Array(repeating: 1, count: n))
    let k = oneD ? (1, spec.kernel[0]) : (spec.kernel[0], spec.kernel[1])
    let s = oneD ? (1, strides[0]) : (strides[0], strides[1])
    var (ph, pw) = oneD ? ((0, 0), pads[0]) : (pads[0], pads[1])
    let symmetric = ph.0 == ph.1 && pw.0 == pw.1 && 2 * ph.0 <= k.0 && 2 * pw.0 <= k.1
    var countIncludePad = spec.countIncludePad
    var mask: Tensor?
    if !symmetric {
        guard !spec.ceil else { throw ONNXError("asymmetric or large pads with ceil_mode are not supported") }
        // Pad explicitly (-inf for max, 0 for average) and pool without padding; an average that excludes the
        // padding divides by the pooled share of a 0/1 mask of the valid positions.
        let v: Float = max ? -Float.infinity : 0
        if !max && !countIncludePad {
            let ones = Tensor.ones([1, 1, x.shape[2], x.shape[3]])
            mask = padSpatial(ones, ph, pw, 0)
        }
        x = padSpatial(x, ph, pw, v)
        (ph, pw) = ((0, 0), (0, 0))
        countIncludePad = true
    }
    guard x.shape[2] + 2 * ph.0 >= k.0, x.shape[3] + 2 * pw.0 >= k.1 else {
        throw ONNXError("kernel \(spec.kernel) is larger than the padded input \(x0.shape)")
    }
    var y: Tensor
    if max {
        y = maxPool2d(x, kernel: k, stride: s, padding: (ph.0, pw.0), ceilMode: spec.ceil)
    } else {
        y = avgPool2d(x, kernel: k, stride: s, padding: (ph.0, pw.0), ceilMode: spec.ceil, countIncludePad: countIncludePad)
        if let mask { y = y / avgPool2d(mask, kernel: k, stride: s, countIncludePad: true) }
    }
    return oneD ? y.reshaped([y.shape[0], y.shape[1], y.shape[3]]) : y
}

/// Max pooling with dilated windows: the maximum over the kernel's taps of strided views of the -inf padded input
/// (values exact; on a tie the gradient is shared, where PyTorch gives it to the first).
func dilatedMaxPool(_ x: Tensor, _ spec: PoolSpec, strides: [Int], dilations: [Int], kernel: [Int]) throws -> Tensor {
    let p = spec.pads ?? [0, 0, 0, 0]
    let pads = p.count == 4 ? [(p[0], p[2]), (p[1], p[3])] : (p.count == 2 ? [(0, 0), (p[0], p[1])] : [(0, 0), (0, 0)])
    var out = [Int](), extra = [Int]()
    for i in 0..<2 {
        let span = (kernel[i] - 1) * dilations[i] + 1, size = x.shape[2 + i] + pads[i].0 + pads[i].1
        guard size >= span else { throw ONNXError("kernel \(spec.kernel) is larger than the padded input \(x.shape)") }
        var o = (size - span) / strides[i] + 1
        if spec.ceil, (size - span) % strides[i] != 0, (o * strides[i]) < x.shape[2 + i] + pads[i].0 { o += 1 }
        out.append(o)
        extra.append(max(0, (o - 1) * strides[i] + span - size))
    }
    let padded = padSpatial(x, (pads[0].0, pads[0].1 + extra[0]), (pads[1].0, pads[1].1 + extra[1]), -Float.infinity)
    var y: Tensor?
    for r in 0..<kernel[0] {
        for s in 0..<kernel[1] {
            let rows = strided(padded, axis: 2, start: r * dilations[0], count: out[0], step: strides[0])
            let tap = strided(rows, axis: 3, start: s * dilations[1], count: out[1], step: strides[1])
            y = y.map { maximum($0, tap) } ?? tap
        }
    }
    return y!
}

/// Elements start, start + step, ... (count of them) along `axis`, by copies of contiguous runs (no permutation).
func strided(_ x: Tensor, axis a: Int, start: Int, count: Int, step: Int) -> Tensor {
    if step == 1 { return x.narrowed(axis: a, start: start, length: count) }
    let available = min(count * step, x.shape[a] - start)
    var v = x.narrowed(axis: a, start: start, length: available)
    if available < count * step { v = padAxis(v, axis: a, before: 0, after: count * step - available, value: Tensor(scalar: 0)) }
    var s = v.shape
    s[a] = count
    s.insert(step, at: a + 1)
    var out = s
    out.remove(at: a + 1)
    return v.reshaped(s).narrowed(axis: a + 1, start: 0, length: 1).reshaped(out)
}

/// x [N, C, H, W] padded by (top, bottom) and (left, right) with the constant v.
func padSpatial(_ x: Tensor, _ ph: (Int, Int), _ pw: (Int, Int), _ v: Float) -> Tensor {
    var t = x
    t = padAxis(t, axis: 2, before: ph.0, after: ph.1, value: Tensor(scalar: v))
    t = padAxis(t, axis: 3, before: pw.0, after: pw.1, value: Tensor(scalar: v))
    return t
}

/// Pads (or crops, for negative amounts) one axis with a scalar `value` tensor (broadcast).
func padAxis(_ x: Tensor, axis a: Int, before: Int, after: Int, value: Tensor) -> Tensor {
    var t = x
    if before < 0 { t = t.narrowed(axis: a, start: -before, length: t.shape[a] + before) }
    if after < 0 { t = t.narrowed(axis: a, start: 0, length: t.shape[a] + after) }
    var parts = [Tensor]()
    func block(_ n: Int) -> Tensor {
        var s = t.shape
        s[a] = n
        return value.reshaped([]) + Tensor.zeros(s)
    }
    if before > 0 { parts.append(block(before)) }
    parts.append(t)
    if after > 0 { parts.append(block(after)) }
    return parts.count == 1 ? t : concat(parts, axis: a)
}

extension ONNXOps {
    static let nnOps: [String: Maker] = [
        "Conv": { a in
            let spec = try ConvSpec(a)
            return { xs in
                let b = input(xs, 2) == nil ? nil : try floatInput(xs, 2)
                return [.float(try onnxConv(try floatInput(xs, 0), try floatInput(xs, 1), b, spec))]
            }
        },
        "Gemm": { a in
            try a.only(["alpha", "beta", "transA", "transB", "broadcast"])
            let alpha = try a.float("alpha", 1), beta = try a.float("beta", 1)
            let ta = try a.int("transA", 0) != 0, tb = try a.int("transB", 0) != 0
            return { xs in
                let x = try floatInput(xs, 0), w = try floatInput(xs, 1)
                guard x.rank == 2, w.rank == 2 else { throw ONNXError("Gemm needs matrices, got \(x.shape) and \(w.shape)") }
                guard x.shape[ta ? 0 : 1] == w.shape[tb ? 1 : 0] else { throw ONNXError("Gemm shapes \(x.shape) and \(w.shape) do not fit") }
                var y = matmul(x, w, transposeA: ta, transposeB: tb)
                if alpha != 1 { y = y * alpha }
                if input(xs, 2) != nil {
                    let c = try floatInput(xs, 2)
                    guard try checkBroadcast(y.shape, c.shape) == y.shape else { throw ONNXError("Gemm C \(c.shape) does not broadcast to \(y.shape)") }
                    y = y + (beta == 1 ? c : c * beta)
                }
                return [.float(y)]
            }
        },
        "MatMul": { a in
            try a.only([])
            return { xs in [.float(try onnxMatMul(try floatInput(xs, 0), try floatInput(xs, 1)))] }
        },
        "Softmax": softmaxOp(log: false),
        "LogSoftmax": softmaxOp(log: true),
        "MaxPool": { a in
            let spec = try PoolSpec(a, average: false)
            if try a.int("storage_order", 0) != 0 { throw a.fail("storage_order 1 is not supported") }
            return { xs in [.float(try onnxPool(try floatInput(xs, 0), spec, max: true))] }
        },
        "AveragePool": { a in
            let spec = try PoolSpec(a, average: true)
            return { xs in [.float(try onnxPool(try floatInput(xs, 0), spec, max: false))] }
        },
        "GlobalAveragePool": { a in
            try a.only([])
            return { xs in
                let x = try floatInput(xs, 0)
                guard x.rank >= 3 else { throw ONNXError("GlobalAveragePool needs [N, C, ...], got \(x.shape)") }
                if x.rank == 4 { return [.float(adaptiveAvgPool2d(x, outputSize: (1, 1)))] }
                return [.float(x.mean(axes: Array(2..<x.rank), keepDims: true))]
            }
        },
        "GlobalMaxPool": { a in
            try a.only([])
            return { xs in
                var x = try floatInput(xs, 0)
                guard x.rank >= 3 else { throw ONNXError("GlobalMaxPool needs [N, C, ...], got \(x.shape)") }
                for ax in 2..<x.rank { x = x.max(axis: ax, keepDims: true) }
                return [.float(x)]
            }
        },
        "BatchNormalization": { a in
            try a.only(["epsilon", "momentum", "spatial", "training_mode", "is_test", "consumed_inputs"])
            try a.outputs(1)
            if try a.int("spatial", 1) != 1 { throw a.fail("spatial 0 is not supported") }
            if try a.int("training_mode", 0) != 0 { throw a.fail("training_mode 1 is not supported (inference only)") }
            let eps = try a.float("epsilon", 1e-5)
            return { xs in
                let x = try floatInput(xs, 0)
                let p = try (1...4).map { try floatInput(xs, $0) }
                guard x.rank >= 2, p.allSatisfy({ $0.count == x.shape[1] }) else {
                    throw ONNXError("BatchNormalization of \(x.shape) with parameters \(p.map(\.shape))")
                }
                return [.float(batchNorm(x, weight: p[0].reshaped([x.shape[1]]), bias: p[1].reshaped([x.shape[1]]),
                                         runningMean: p[2].reshaped([x.shape[1]]), runningVar: p[3].reshaped([x.shape[1]]),
                                         training: false, eps: eps))]
            }
        },
        "LayerNormalization": { a in
            try a.only(["axis", "epsilon", "stash_type"])
            try a.outputs(1)
            let ax0 = try a.int("axis", -1), eps = try a.float("epsilon", 1e-5)
            if try a.int("stash_type", 1) != 1 { throw a.fail("stash_type other than 1 is not supported") }
            return { xs in
                let x = try floatInput(xs, 0)
                let ax = try axis(ax0, rank: x.rank)
                let inner = Array(x.shape[ax...]), D = inner.reduce(1, *)
                func param(_ i: Int) throws -> Tensor? {
                    guard input(xs, i) != nil else { return nil }
                    let p = try floatInput(xs, i)
                    guard try checkBroadcast(inner, p.shape) == inner else { throw ONNXError("LayerNormalization parameter \(p.shape) for \(inner)") }
                    return (p.shape == inner ? p : p + Tensor.zeros(inner)).reshaped([D])
                }
                let y = layerNorm(x.reshaped([x.count / max(D, 1), D]), weight: try param(1), bias: try param(2), eps: eps)
                return [.float(y.reshaped(x.shape))]
            }
        },
        "InstanceNormalization": { a in
            try a.only(["epsilon"])
            let eps = try a.float("epsilon", 1e-5)
            return { xs in
                let x = try floatInput(xs, 0), scale = try floatInput(xs, 1), bias = try floatInput(xs, 2)
                guard x.rank >= 3, scale.count == x.shape[1], bias.count == x.shape[1] else {
                    throw ONNXError("InstanceNormalization of \(x.shape) with scale \(scale.shape)")
                }
                let (N, C) = (x.shape[0], x.shape[1]), HW = x.count / max(N * C, 1)
                let y = layerNorm(x.reshaped([N * C, HW]), weight: nil, bias: nil, eps: eps).reshaped([N, C, HW])
                return [.float((y * scale.reshaped([C, 1]) + bias.reshaped([C, 1])).reshaped(x.shape))]
            }
        },
        "LRN": { a in
            try a.only(["alpha", "beta", "bias", "size"])
            let alpha = try a.float("alpha", 1e-4), beta = try a.float("beta", 0.75), bias = try a.float("bias", 1)
            let size = try a.int("size", 0)
            guard size >= 1 else { throw a.fail("size is required") }
            return { xs in
                let x = try floatInput(xs, 0)
                guard x.rank >= 3 else { throw ONNXError("LRN needs [N, C, ...], got \(x.shape)") }
                let (N, C) = (x.shape[0], x.shape[1]), HW = x.count / max(N * C, 1)
                // sum over channels c - floor((size-1)/2) ... c + ceil((size-1)/2) as an average pool over the
                // zero-padded channel axis.
                let sq = x.squared().reshaped([N, 1, C, HW])
                let before = (size - 1) / 2, after = size - 1 - before
                let padded = padAxis(sq, axis: 2, before: before, after: after, value: Tensor(scalar: 0))
                let mean = avgPool2d(padded, kernel: (size, 1), stride: (1, 1))
                let denom = (mean * alpha + bias).pow(beta)
                return [.float(x / denom.reshaped(x.shape))]
            }
        },
        "Dropout": { a in
            try a.only(["ratio", "is_test", "seed"])
            return { xs in
                guard let x = input(xs, 0) else { throw ONNXError("Dropout needs an input") }
                if case .int(let t)? = input(xs, 2), t.values.first ?? 0 != 0 { throw ONNXError("training_mode true is not supported") }
                let mask = ONNXValue.int(ONNXInts(shape: x.shape, values: [Int64](repeating: 1, count: x.shape.reduce(1, *)), isBool: true))
                return [x, mask]
            }
        },
    ]

    static func softmaxOp(log: Bool) -> Maker {
        return { a in
            try a.only(["axis"])
            let ax0 = try a.int("axis", a.opset < 13 ? 1 : -1)
            let legacy = a.opset < 13
            return { xs in
                let x = try floatInput(xs, 0)
                let ax = try axis(ax0, rank: max(x.rank, 1))
                if legacy {  // coerced to 2-D [prod(shape[..<axis]), prod(shape[axis...])]
                    let flat = x.reshaped([x.shape[..<ax].reduce(1, *), x.shape[ax...].reduce(1, *)])
                    return [.float((log ? flat.logSoftmax(axis: 1) : flat.softmax(axis: 1)).reshaped(x.shape))]
                }
                return [.float(log ? x.logSoftmax(axis: ax) : x.softmax(axis: ax))]
            }
        }
    }
}

/// numpy.matmul: 1-D operands are promoted and the promoted axis removed; batch axes broadcast.
func onnxMatMul(_ a0: Tensor, _ b0: Tensor) throws -> Tensor {
    guard a0.rank >= 1, b0.rank >= 1 else { throw ONNXError("MatMul of scalars") }
    let a = a0.rank == 1 ? a0.reshaped([1, a0.count]) : a0
    let b = b0.rank == 1 ? b0.reshaped([b0.count, 1]) : b0
    let (M, K) = (a.shape[a.rank - 2], a.shape[a.rank - 1]), (K2, N) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
    guard K == K2 else { throw ONNXError("MatMul inner sizes differ: \(a0.shape) x \(b0.shape)") }
    var y: Tensor
    let ab = Array(a.shape.dropLast(2)), bb = Array(b.shape.dropLast(2))
    if ab.isEmpty && bb.isEmpty {
        y = matmul(a, b)
    } else if bb.isEmpty {
        y = matmul(a.reshaped([ab.reduce(1, *) * M, K]), b).reshaped(ab + [M, N])
    } else {
        let batch = try checkBroadcast(ab, bb), B = batch.reduce(1, *)
        let ae = ab == batch ? a : a + Tensor.zeros(batch + [M, K])
        let be = bb == batch ? b : b + Tensor.zeros(batch + [K, N])
        y = batchedMatmul(ae.reshaped([B, M, K]), be.reshaped([B, K, N])).reshaped(batch + [M, N])
    }
    var shape = y.shape
    if b0.rank == 1 { shape.removeLast() }
    if a0.rank == 1 { shape.remove(at: shape.count - (b0.rank == 1 ? 1 : 2)) }
    return y.reshaped(shape)
}
