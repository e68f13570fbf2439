// Pooling kernels over NCHW planes, PyTorch semantics. x: [N, C, H, W], out: [N, C, P, Q].
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// The input indices [lo, hi) that window i reads along one axis (padding excluded).
@inline(__always)
func poolWindow(_ i: Int, kernel: Int, stride: Int, pad: Int, size: Int) -> Range<Int> {
    let start = i &* stride &- pad
    let lo = max(start, 0)
    return lo..<max(lo, min(start &+ kernel, size))
}

/// Max pooling; padded positions never win, a NaN does (the last one, as PyTorch). `argmax` receives the flat
/// index h*W + w inside each plane. `relu`: out = relu(maxpool(x)), which equals maxpool(relu(x)) (ReLU is
/// monotone; a NaN stays NaN) and reads x once instead of twice (the conv-ReLU-pool of small CNNs). The vector
/// kernels (2x2 rows, separable windows) equal the naive twin `maxPool2dForwardNaive`, which takes the rows and
/// planes they decline (not finite, too narrow, another CPU).
public func maxPool2dForward(out: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>,
                             x: UnsafePointer<Float>, _ s: Pool2DShape, relu: Bool = false) {
    let (H, W, P, Q) = (s.H, s.W, s.P, s.Q)
    let fast = s.R == 2 && s.S == 2 && s.strideH == 2 && s.strideW == 2 && s.padH == 0 && s.padW == 0
        && 2 * P <= H && 2 * Q <= W
    Threads.parallelFor(s.N * s.C, grain: planeGrain(s)) { planes in
    let scratch = fast ? nil : PoolScratch(s, withIndex: true)
    for plane in planes {
        let xp = x + plane &* H &* W, op = out + plane &* P &* Q, ap = argmax + plane &* P &* Q
        if let scratch, maxPoolPlaneArgmax(out: op, argmax: ap, x: xp, s, scratch) {
            if relu { reluInPlace(op, count: P &* Q) }
            continue
        }
        for p in 0..<P {
            if fast && maxPool2x2Row(out: op + p &* Q, argmax: ap + p &* Q, x: xp, W: W, p: p, Q: Q) { continue }
            maxPoolRowNaive(out: op, argmax: ap, x: xp, s, p: p)
        }
        if relu { reluInPlace(op, count: P &* Q) }
    }
    }
}

/// The naive twin of `maxPool2dForward`: the plain window loops over every plane, same values, argmax and NaN rule.
public func maxPool2dForwardNaive(out: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>,
                                  x: UnsafePointer<Float>, _ s: Pool2DShape, relu: Bool = false) {
    let (H, W, P, Q) = (s.H, s.W, s.P, s.Q)
    for plane in 0..<(s.N * s.C) {
        let xp = x + plane * H * W, op = out + plane * P * Q, ap = argmax + plane * P * Q
        for p in 0..<P { maxPoolRowNaive(out: op, argmax: ap, x: xp, s, p: p) }
        if relu { reluInPlace(op, count: P * Q) }
    }
}

/// Output row p of one plane: the first maximum of each window in scan order (row, then column), padding never
/// winning, the last NaN winning.
@inline(__always)
func maxPoolRowNaive(out op: UnsafeMutablePointer<Float>, argmax ap: UnsafeMutablePointer<Int32>,
                     x xp: UnsafePointer<Float>, _ s: Pool2DShape, p: Int) {
    let (H, W, Q) = (s.H, s.W, s.Q)
    let hs = poolWindow(p, kernel: s.R, stride: s.strideH, pad: s.padH, size: H)
    for q in 0..<Q {
        let ws = poolWindow(q, kernel: s.S, stride: s.strideW, pad: s.padW, size: W)
        var best = -Float.infinity, at = hs.lowerBound &* W &+ ws.lowerBound
        for h in hs {
            let row = xp + h &* W
            for w in ws {
                let v = row[w]
                if v > best || v.isNaN { best = v; at = h &* W &+ w }
            }
        }
        op[p &* Q &+ q] = best
        ap[p &* Q &+ q] = Int32(truncatingIfNeeded: at)
    }
}

/// x = max(x, 0) elementwise, a NaN kept (PyTorch's ReLU).
@inline(__always)
func reluInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { x[i] = x[i] < 0 ? 0 : x[i] }
}

/// Planes per thread worth waking the pool for: about 100k input elements.
func planeGrain(_ s: Pool2DShape) -> Int { max(1, 100_000 / max(1, s.H * s.W)) }

/// Row p of a 2x2 stride-2 max-pool without padding, 8 windows per AVX2 step (4 when Q < 8); the last step
/// overlaps the previous one instead of leaving a scalar tail. Returns false, leaving the row to the general loop,
/// when Q < 4, on a CPU other than x86-64, or when a window sum is not finite (a NaN or an infinity: the
/// general loop's NaN rule then decides).
@inline(__always)
func maxPool2x2Row(out: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>, x: UnsafePointer<Float>,
                   W: Int, p: Int, Q: Int) -> Bool {
#if arch(x86_64)
    guard Q >= 4, !KernelSettings.portable else { return false }
    let r0 = x + (2 &* p) &* W, r1 = r0 + W
    let base = Int32(truncatingIfNeeded: (2 &* p) &* W)
    let offsets = Pool2x2Offsets(W: W)
    var bad = _mm256_setzero_ps()
    let step = Q >= 8 ? 8 : 4
    var q = 0
    while q < Q {
        let q0 = Swift.min(q, Q &- step), w = 2 &* q0
        let t0 = _mm256_loadu_ps(r0 + w), u0 = _mm256_loadu_ps(r1 + w)
        let (best, at) = step == 8
            ? pool2x2Windows(t0, _mm256_loadu_ps(r0 + (w &+ 8)), u0, _mm256_loadu_ps(r1 + (w &+ 8)), offsets, &bad)
            : pool2x2Windows(t0, t0, u0, u0, offsets, &bad)
        let index = unsafeBitCast(_mm256_cvtps_epi32(at), to: SIMD8<Int32>.self)
            &+ SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14) &+ (base &+ Int32(truncatingIfNeeded: w))
        if step == 8 {
            _mm256_storeu_ps(out + q0, best)
            UnsafeMutableRawPointer(argmax + q0).storeBytes(of: index, as: SIMD8<Int32>.self)
        } else {
            UnsafeMutableRawPointer(out + q0).storeBytes(of: unsafeBitCast(best, to: SIMD8<Float>.self).lowHalf,
                                                        as: SIMD4<Float>.self)
            UnsafeMutableRawPointer(argmax + q0).storeBytes(of: index.lowHalf, as: SIMD4<Int32>.self)
        }
        q &+= step
    }
    return !unsafeBitCast(bad, to: SIMD8<Float>.self).sum().isNaN
#else
    return false
#endif
}

#if arch(x86_64)
/// Constants of `pool2x2Windows`: lane permutations and the window offsets 1, W, W + 1 (as floats).
struct Pool2x2Offsets {
    let evens = unsafeBitCast(SIMD8<Int32>(0, 2, 4, 6, 0, 2, 4, 6), to: __m256i.self)
    let odds = unsafeBitCast(SIMD8<Int32>(1, 3, 5, 7, 1, 3, 5, 7), to: __m256i.self)
    let high = unsafeBitCast(SIMD8<Int32>(0, 0, 0, 0, -1, -1, -1, -1), to: __m256.self)
    let one = _mm256_set1_ps(1), w: __m256, w1: __m256
    init(W: Int) { w = _mm256_set1_ps(Float(W)); w1 = _mm256_set1_ps(Float(W + 1)) }
}

/// The 8 windows of row pairs (t0 t1 / u0 u1), 16 floats each: lane-wise max and the offset (0, 1, W, W + 1, as
/// a float) of its first occurrence in scan order, the general loop's tie rule. `bad` collects (sum - sum) of
/// each window: NaN bits when a window is not finite.
@inline(__always)
func pool2x2Windows(_ t0: __m256, _ t1: __m256, _ u0: __m256, _ u1: __m256, _ k: Pool2x2Offsets,
                    _ bad: inout __m256) -> (best: __m256, at: __m256) {
    @inline(__always) func split(_ lo: __m256, _ hi: __m256, _ lanes: __m256i) -> __m256 {
        _mm256_blendv_ps(_mm256_permutevar8x32_ps(lo, lanes), _mm256_permutevar8x32_ps(hi, lanes), k.high)
    }
    @inline(__always) func greater(_ x: __m256, _ y: __m256) -> __m256 {
        unsafeBitCast(unsafeBitCast(x, to: SIMD8<Float>.self) .> unsafeBitCast(y, to: SIMD8<Float>.self),
                      to: __m256.self)
    }
    let a = split(t0, t1, k.evens), b = split(t0, t1, k.odds), c = split(u0, u1, k.evens), d = split(u0, u1, k.odds)
    var best = a, at = _mm256_setzero_ps()
    var m = greater(b, best)
    best = _mm256_blendv_ps(best, b, m); at = _mm256_blendv_ps(at, k.one, m)
    m = greater(c, best)
    best = _mm256_blendv_ps(best, c, m); at = _mm256_blendv_ps(at, k.w, m)
    m = greater(d, best)
    best = _mm256_blendv_ps(best, d, m); at = _mm256_blendv_ps(at, k.w1, m)
    let sum = _mm256_add_ps(_mm256_add_ps(a, b), _mm256_add_ps(c, d))
    bad = _mm256_or_ps(bad, _mm256_sub_ps(sum, sum))
    return (best, at)
}
#endif

/// Max pooling without the argmax (inference: nothing to backpropagate), same values as `maxPool2dForward`.
/// Separable and vectorized per plane: a sliding maximum along each padded input row, sampled at the stride,
/// then the maximum over each window's rows. A plane holding a NaN or an infinity takes the general loop (NaN
/// propagation is the general loop's rule).
public func maxPool2dForward(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, _ s: Pool2DShape,
                             relu: Bool = false) {
    let (H, W, P, Q) = (s.H, s.W, s.P, s.Q)
    var one = s
    one.N = 1; one.C = 1
    Threads.parallelFor(s.N * s.C, grain: planeGrain(s)) { planes in
    let scratch = PoolScratch(s, withIndex: false)
    let argmax = UnsafeMutablePointer<Int32>.allocate(capacity: P * Q)
    defer { argmax.deallocate() }
    for plane in planes {
        let xp = x + plane * H * W, op = out + plane * P * Q
        if !maxPoolPlaneValues(out: op, x: xp, s, scratch) {
            maxPool2dForward(out: op, argmax: argmax, x: xp, one)
        }
        if relu { reluInPlace(op, count: P * Q) }
    }
    }
}

/// Per-call buffers of the separable max-pools: a padded input row, the sliding maxima of one row (and their
/// column), and the sampled row maxima of a whole plane (and their columns), with room for vector overruns.
final class PoolScratch {
    let span: Int, rowLength: Int, stride: Int
    let row, slide, rowMax: UnsafeMutablePointer<Float>
    let slideAt, rowAt: UnsafeMutablePointer<Float>?

    init(_ s: Pool2DShape, withIndex: Bool) {
        span = (s.Q - 1) * s.strideW + 1
        rowLength = max(s.W + 2 * s.padW, span + s.S - 1) + 8
        stride = s.Q + 8
        row = .allocate(capacity: rowLength)
        slide = .allocate(capacity: span + 8)
        rowMax = .allocate(capacity: s.H * stride)
        slideAt = withIndex ? .allocate(capacity: span + 8) : nil
        rowAt = withIndex ? .allocate(capacity: s.H * stride) : nil
    }
    deinit {
        for p in [row, slide, rowMax, slideAt, rowAt] { p?.deallocate() }
    }
}

/// One plane of `maxPool2dForward(out:x:_:relu:)`; false when the plane is not finite.
@inline(__always)
func maxPoolPlaneValues(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, _ s: Pool2DShape,
                        _ k: PoolScratch) -> Bool {
    let (H, W, P, Q) = (s.H, s.W, s.P, s.Q)
    k.row.update(repeating: -.infinity, count: k.rowLength)
    for h in 0..<H {
        if !copyFinite(k.row + s.padW, x + h * W, count: W) { return false }
        slidingMax(k.slide, k.row, count: k.span, window: s.S)
        let dst = k.rowMax + h * k.stride
        for q in 0..<Q { dst[q] = k.slide[q * s.strideW] }
    }
    for p in 0..<P {
        let hs = poolWindow(p, kernel: s.R, stride: s.strideH, pad: s.padH, size: H)
        let o = out + p * Q
        guard !hs.isEmpty else { o.update(repeating: -.infinity, count: Q); continue }
        o.update(from: k.rowMax + hs.lowerBound * k.stride, count: Q)
        for h in (hs.lowerBound + 1)..<hs.upperBound { elementwiseMax(o, k.rowMax + h * k.stride, count: Q) }
    }
    return true
}

/// One plane of the max-pool with argmax, separable: the first maximum of each row window (leftmost on ties),
/// then the first row holding the window's maximum (topmost on ties) is the general loop's first maximum in scan
/// order. False (nothing usable written) when the plane is not finite or the CPU is not x86-64.
@inline(__always)
func maxPoolPlaneArgmax(out: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>,
                        x: UnsafePointer<Float>, _ s: Pool2DShape, _ k: PoolScratch) -> Bool {
#if arch(x86_64)
    let (H, W, P, Q) = (s.H, s.W, s.P, s.Q)
    // Columns travel as floats: exact below 2^24.
    guard let slideAt = k.slideAt, let rowAt = k.rowAt, H * W < 1 << 24, !KernelSettings.portable else { return false }
    let lanes = _mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7)
    @inline(__always) func greater(_ a: __m256, _ b: __m256) -> __m256 {
        unsafeBitCast(unsafeBitCast(a, to: SIMD8<Float>.self) .> unsafeBitCast(b, to: SIMD8<Float>.self), to: __m256.self)
    }
    k.row.update(repeating: -.infinity, count: k.rowLength)
    for h in 0..<H {
        if !copyFinite(k.row + s.padW, x + h * W, count: W) { return false }
        var j = 0
        while j < k.span {               // column (in the input row) of the first maximum of each window
            var m = _mm256_loadu_ps(k.row + j)
            let first = _mm256_add_ps(lanes, _mm256_set1_ps(Float(j - s.padW)))
            var at = first
            for t in 1..<max(s.S, 1) {
                let v = _mm256_loadu_ps(k.row + (j + t)), g = greater(v, m)
                m = _mm256_blendv_ps(m, v, g)
                at = _mm256_blendv_ps(at, _mm256_add_ps(first, _mm256_set1_ps(Float(t))), g)
            }
            _mm256_storeu_ps(k.slide + j, m)
            _mm256_storeu_ps(slideAt + j, at)
            j += 8
        }
        let dst = k.rowMax + h * k.stride, dstAt = rowAt + h * k.stride
        for q in 0..<Q { dst[q] = k.slide[q * s.strideW]; dstAt[q] = slideAt[q * s.strideW] + Float(h * W) }
    }
    for p in 0..<P {
        let hs = poolWindow(p, kernel: s.R, stride: s.strideH, pad: s.padH, size: H)
        if hs.isEmpty { return false }
        var q = 0
        while q < Q {                    // the last step overlaps the previous one instead of a scalar tail
            let q0 = Q >= 8 ? min(q, Q - 8) : q
            var best = _mm256_loadu_ps(k.rowMax + (hs.lowerBound * k.stride + q0))
            var at = _mm256_loadu_ps(rowAt + (hs.lowerBound * k.stride + q0))
            for h in (hs.lowerBound + 1)..<hs.upperBound {
                let v = _mm256_loadu_ps(k.rowMax + (h * k.stride + q0)), g = greater(v, best)
                best = _mm256_blendv_ps(best, v, g)
                at = _mm256_blendv_ps(at, _mm256_loadu_ps(rowAt + (h * k.stride + q0)), g)
            }
            let index = unsafeBitCast(_mm256_cvtps_epi32(at), to: SIMD8<Int32>.self)
            let values = unsafeBitCast(best, to: SIMD8<Float>.self)
            for i in 0..<min(8, Q - q0) {
                out[p * Q + q0 + i] = values[i]
                argmax[p * Q + q0 + i] = index[i]
            }
            q = q0 + 8
        }
    }
    return true
#else
    return false
#endif
}

/// out[j] = max(x[j ..< j + window]) for j < count (x readable up to count + window - 1 + 8).
@inline(__always)
func slidingMax(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int, window: Int) {
#if arch(x86_64)
    if !KernelSettings.portable {
        var j = 0
        while j < count {
            var m = _mm256_loadu_ps(x + j)
            for k in 1..<max(window, 1) { m = _mm256_max_ps(m, _mm256_loadu_ps(x + (j + k))) }
            _mm256_storeu_ps(out + j, m)
            j += 8
        }
        return
    }
#endif
    for j in 0..<count {
        var m = x[j]
        for k in 1..<max(window, 1) { m = Swift.max(m, x[j + k]) }
        out[j] = m
    }
}

/// dst[i] = src[i]; false when some value is not finite.
@inline(__always)
func copyFinite(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, count: Int) -> Bool {
    var i = 0
    var finite = true
#if arch(x86_64)
    var bad = _mm256_setzero_ps()
    let vector = !KernelSettings.portable
    while vector && i + 8 <= count {
        let v = _mm256_loadu_ps(src + i)
        bad = _mm256_or_ps(bad, _mm256_sub_ps(v, v))      // v - v: 0 when finite, NaN otherwise
        _mm256_storeu_ps(dst + i, v)
        i += 8
    }
    finite = !unsafeBitCast(bad, to: SIMD8<Float>.self).sum().isNaN
#endif
    while i < count { let v = src[i]; dst[i] = v; finite = finite && v.isFinite; i += 1 }
    return finite
}

/// a[i] = max(a[i], b[i]) for finite values.
@inline(__always)
func elementwiseMax(_ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, count: Int) {
    var i = 0
#if arch(x86_64)
    let vector = !KernelSettings.portable
    while vector && i + 8 <= count {
        _mm256_storeu_ps(a + i, _mm256_max_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)))
        i += 8
    }
#endif
    while i < count { a[i] = Swift.max(a[i], b[i]); i += 1 }
}

/// dX = scatter of dOut to the argmax positions (overwrites dX). `reluOut`: the output of a fused
/// `maxPool2dForward(relu: true)`; dOut passes only where it is not <= 0 (PyTorch's ReLU backward).
public func maxPool2dBackward(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                              argmax: UnsafePointer<Int32>, _ s: Pool2DShape,
                              reluOut: UnsafePointer<Float>? = nil) {
    let HW = s.H * s.W, PQ = s.P * s.Q
    let tiles = s.R == 2 && s.S == 2 && s.strideH == 2 && s.strideW == 2 && s.padH == 0 && s.padW == 0
        && 2 * s.P == s.H && 2 * s.Q == s.W && s.Q >= 8
    Threads.parallelFor(s.N * s.C, grain: planeGrain(s)) { planes in
    for plane in planes {
        let dp = dX + plane * HW, gp = dOut + plane * PQ, ap = argmax + plane * PQ
        if tiles && maxPool2x2Backward(dX: dp, dOut: gp, argmax: ap, reluOut: reluOut.map { $0 + plane * PQ },
                                       P: s.P, Q: s.Q) { continue }
        maxPoolScatterPlane(dX: dp, dOut: gp, argmax: ap, reluOut: reluOut.map { $0 + plane * PQ }, HW: HW, PQ: PQ)
    }
    }
}

/// The naive twin of `maxPool2dBackward`: zero, then scatter each plane's dOut to its argmax positions.
public func maxPool2dBackwardNaive(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                   argmax: UnsafePointer<Int32>, _ s: Pool2DShape,
                                   reluOut: UnsafePointer<Float>? = nil) {
    let HW = s.H * s.W, PQ = s.P * s.Q
    for plane in 0..<(s.N * s.C) {
        maxPoolScatterPlane(dX: dX + plane * HW, dOut: dOut + plane * PQ, argmax: argmax + plane * PQ,
                            reluOut: reluOut.map { $0 + plane * PQ }, HW: HW, PQ: PQ)
    }
}

/// One plane of the max-pool backward: dX = 0, then dX[argmax] += dOut (where reluOut is not <= 0, if given).
@inline(__always)
func maxPoolScatterPlane(dX dp: UnsafeMutablePointer<Float>, dOut gp: UnsafePointer<Float>, argmax ap: UnsafePointer<Int32>,
                         reluOut yp: UnsafePointer<Float>?, HW: Int, PQ: Int) {
    dp.update(repeating: 0, count: HW)     // per plane, so the scatter finds it in cache
    if let yp {
        for i in 0..<PQ where ap[i] >= 0 && !(yp[i] <= 0) { dp[Int(ap[i])] += gp[i] }
    } else {
        for i in 0..<PQ where ap[i] >= 0 { dp[Int(ap[i])] += gp[i] }
    }
}

/// One plane of the backward of a 2x2 stride-2 max-pool whose windows tile the input (H = 2P, W = 2Q, Q >= 8):
/// every input element is written once, the gradient where it was its window's argmax and 0 elsewhere, 8 windows
/// (16 columns of two rows) per AVX2 step. False on a CPU other than x86-64.
@inline(__always)
func maxPool2x2Backward(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, argmax: UnsafePointer<Int32>,
                        reluOut: UnsafePointer<Float>?, P: Int, Q: Int) -> Bool {
#if arch(x86_64)
    if KernelSettings.portable { return false }
    let W = 2 * Q
    let spread = unsafeBitCast(SIMD8<Int32>(0, 1, 4, 5, 2, 3, 6, 7), to: __m256i.self)
    @inline(__always) func equal(_ a: SIMD8<Int32>, _ b: Int32) -> __m256 {
        unsafeBitCast(a .== SIMD8<Int32>(repeating: b), to: __m256.self)
    }
    @inline(__always) func interleave(_ even: __m256, _ odd: __m256, to out: UnsafeMutablePointer<Float>) {
        let e = _mm256_permutevar8x32_ps(even, spread), o = _mm256_permutevar8x32_ps(odd, spread)
        _mm256_storeu_ps(out, _mm256_unpacklo_ps(e, o))
        _mm256_storeu_ps(out + 8, _mm256_unpackhi_ps(e, o))
    }
    for p in 0..<P {
        var q = 0
        while q < Q {
            let q0 = min(q, Q - 8), o = p * Q + q0
            var g = _mm256_loadu_ps(dOut + o)
            if let reluOut {               // PyTorch's ReLU backward: no gradient where y <= 0
                let y = unsafeBitCast(_mm256_loadu_ps(reluOut + o), to: SIMD8<Float>.self)
                g = _mm256_andnot_ps(unsafeBitCast(y .<= SIMD8<Float>(repeating: 0), to: __m256.self), g)
            }
            let first = Int32(truncatingIfNeeded: 2 * p * W + 2 * q0)
            let offset = UnsafeRawPointer(argmax + o).loadUnaligned(as: SIMD8<Int32>.self)
                &- SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14) &- first
            let w32 = Int32(truncatingIfNeeded: W)
            let top = dX + 2 * p * W + 2 * q0
            interleave(_mm256_and_ps(g, equal(offset, 0)), _mm256_and_ps(g, equal(offset, 1)), to: top)
            interleave(_mm256_and_ps(g, equal(offset, w32)), _mm256_and_ps(g, equal(offset, w32 + 1)), to: top + W)
            q = q0 + 8
        }
    }
    return true
#else
    return false
#endif
}

/// The window of output (p, q) and its divisor, as PyTorch's avg_pool2d.
@inline(__always)
func avgWindow(_ p: Int, _ q: Int, _ s: Pool2DShape, countIncludePad: Bool) -> (Int, Int, Int, Int, Float) {
    var h0 = p * s.strideH - s.padH, w0 = q * s.strideW - s.padW
    var h1 = min(h0 + s.R, s.H + s.padH), w1 = min(w0 + s.S, s.W + s.padW)
    let padded = (h1 - h0) * (w1 - w0)
    h0 = max(h0, 0); w0 = max(w0, 0); h1 = min(h1, s.H); w1 = min(w1, s.W)
    let divisor = countIncludePad ? padded : (h1 - h0) * (w1 - w0)
    return (h0, h1, w0, w1, divisor > 0 ? 1 / Float(divisor) : 0)
}

/// Average pooling (count_include_pad as PyTorch, default true).
public func avgPool2dForward(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, _ s: Pool2DShape,
                             countIncludePad: Bool = true) {
    let (H, W, P, Q) = (s.H, s.W, s.P, s.Q)
    for plane in 0..<(s.N * s.C) {
        let xp = x + plane * H * W, op = out + plane * P * Q
        for p in 0..<P {
            for q in 0..<Q {
                let (h0, h1, w0, w1, scale) = avgWindow(p, q, s, countIncludePad: countIncludePad)
                var acc: Float = 0
                for h in h0..<max(h1, h0) {
                    let row = xp + h &* W
                    for w in w0..<max(w1, w0) { acc += row[w] }
                }
                op[p &* Q &+ q] = acc * scale
            }
        }
    }
}

public func avgPool2dBackward(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, _ s: Pool2DShape,
                              countIncludePad: Bool = true) {
    let (H, W, P, Q) = (s.H, s.W, s.P, s.Q)
    dX.update(repeating: 0, count: s.N * s.C * H * W)
    for plane in 0..<(s.N * s.C) {
        let dp = dX + plane * H * W, gp = dOut + plane * P * Q
        for p in 0..<P {
            for q in 0..<Q {
                let (h0, h1, w0, w1, scale) = avgWindow(p, q, s, countIncludePad: countIncludePad)
                let g = gp[p &* Q &+ q] * scale
                for h in h0..<max(h1, h0) {
                    let row = dp + h &* W
                    for w in w0..<max(w1, w0) { row[w] += g }
                }
            }
        }
    }
}

/// Adaptive average pooling to [P, Q]: window i covers [floor(i*H/P), ceil((i+1)*H/P)).
public func adaptiveAvgPool2dForward(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
                                     planes: Int, H: Int, W: Int, P: Int, Q: Int) {
    for plane in 0..<planes {
        let xp = x + plane * H * W, op = out + plane * P * Q
        for p in 0..<P {
            let h0 = (p * H) / P, h1 = ((p + 1) * H + P - 1) / P
            for q in 0..<Q {
                let w0 = (q * W) / Q, w1 = ((q + 1) * W + Q - 1) / Q
                var acc: Float = 0
                for h in h0..<h1 { for w in w0..<w1 { acc += xp[h * W + w] } }
                op[p * Q + q] = acc / Float((h1 - h0) * (w1 - w0))
            }
        }
    }
}

public func adaptiveAvgPool2dBackward(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                      planes: Int, H: Int, W: Int, P: Int, Q: Int) {
    dX.update(repeating: 0, count: planes * H * W)
    for plane in 0..<planes {
        let dp = dX + plane * H * W, gp = dOut + plane * P * Q
        for p in 0..<P {
            let h0 = (p * H) / P, h1 = ((p + 1) * H + P - 1) / P
            for q in 0..<Q {
                let w0 = (q * W) / Q, w1 = ((q + 1) * W + Q - 1) / Q
                let g = gp[p * Q + q] / Float((h1 - h0) * (w1 - w0))
                for h in h0..<h1 { for w in w0..<w1 { dp[h * W + w] += g } }
            }
        }
    }
}
