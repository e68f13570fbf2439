// 2x2 max-pool of a blocked activation nChw{b}c ([N, C/b, H, W, b], oneDNN's layout: b = 16 with AVX-512, 8 with
// AVX2), for the fused conv-ReLU-pool whose convolution output never leaves that layout.
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// out = relu(maxpool2x2(y)) for y in nChw{block}c [N, C/block, H, W, block] (block 8 or 16, C a multiple of it,
/// H and W even), written to NCHW out [N, C, H/2, W/2] with argmax (h*W + w in each plane: the first maximum in scan
/// order, as `maxPool2dForward`); `argmax: nil` (inference) skips it. Returns false when some value is not finite
/// (the caller then takes the NCHW path, whose NaN rule decides); the outputs are then unspecified.
public func reluMaxPool2x2Blocked(out: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?,
                                  y: UnsafePointer<Float>, N: Int, C: Int, H: Int, W: Int, block: Int) -> Bool {
    precondition((block == 8 || block == 16) && C % block == 0, "reluMaxPool2x2Blocked: block \(block), C \(C)")
    let P = H / 2, Q = W / 2, blocks = C / block, portable = KernelSettings.portable
    let finite = UnsafeMutablePointer<Bool>.allocate(capacity: N * blocks)
    defer { finite.deallocate() }
    Threads.parallelFor(N * blocks, grain: max(1, 50_000 / (block * H * W))) { range in
        for nb in range {
            let n = nb / blocks, c0 = nb % blocks * block
            let src = y + nb * H * W * block
            var bad = SIMD8<Int32>()
            let PQ = P &* Q, planes = out + (n &* C &+ c0) &* PQ, indices = argmax.map { $0 + (n &* C &+ c0) &* PQ }
            for p in 0..<P {
                for q in 0..<Q {
                    let a = src + ((2 &* p) &* W &+ 2 &* q) &* block, o = p &* Q &+ q
                    let first = Int32(truncatingIfNeeded: 2 &* p &* W &+ 2 &* q)
                    for half in 0..<(block / 8) {
                        let (best, at, check) = portable
                            ? pool2x2Lanes8Portable(a + half &* 8, column: block, row: W &* block, W: W)
                            : pool2x2Lanes8(a + half &* 8, column: block, row: W &* block, W: W)
                        bad |= unsafeBitCast(check, to: SIMD8<Int32>.self)
                        let lane0 = half &* 8 &* PQ &+ o
                        for l in 0..<8 { planes[lane0 &+ l &* PQ] = best[l] }
                        if let indices {
                            for l in 0..<8 { indices[lane0 &+ l &* PQ] = first &+ at[l] }
                        }
                    }
                }
            }
            finite[nb] = !unsafeBitCast(bad, to: SIMD8<Float>.self).sum().isNaN
        }
    }
    return (0..<(N * blocks)).allSatisfy { finite[$0] }
}

/// relu(max) over the 2x2 window (a, a + column / a + row, a + row + column) of 8 channels, the offset of the first
/// maximum (0, 1, W, W + 1), and sum - sum of the four (0 when they are finite, NaN otherwise; callers OR these bits
/// together and test once). AVX2 on x86-64, else `pool2x2Lanes8Portable`.
@inline(__always)
func pool2x2Lanes8(_ a: UnsafePointer<Float>, column: Int, row: Int, W: Int) -> (SIMD8<Float>, SIMD8<Int32>, SIMD8<Float>) {
#if arch(x86_64)
    let w = Int32(truncatingIfNeeded: W)
    @inline(__always) func greater(_ x: __m256, _ y: __m256) -> __m256 {
        unsafeBitCast(unsafeBitCast(x, to: SIMD8<Float>.self) .> unsafeBitCast(y, to: SIMD8<Float>.self), to: __m256.self)
    }
    let v0 = _mm256_loadu_ps(a), v1 = _mm256_loadu_ps(a + column)
    let v2 = _mm256_loadu_ps(a + row), v3 = _mm256_loadu_ps(a + (row + column))
    var best = v0, at = _mm256_setzero_ps()
    var m = greater(v1, best)
    best = _mm256_blendv_ps(best, v1, m); at = _mm256_blendv_ps(at, _mm256_set1_ps(1), m)
    m = greater(v2, best)
    best = _mm256_blendv_ps(best, v2, m); at = _mm256_blendv_ps(at, _mm256_set1_ps(Float(w)), m)
    m = greater(v3, best)
    best = _mm256_blendv_ps(best, v3, m); at = _mm256_blendv_ps(at, _mm256_set1_ps(Float(w + 1)), m)
    let sum = _mm256_add_ps(_mm256_add_ps(v0, v1), _mm256_add_ps(v2, v3))
    return (unsafeBitCast(_mm256_max_ps(best, _mm256_setzero_ps()), to: SIMD8<Float>.self),
            unsafeBitCast(_mm256_cvtps_epi32(at), to: SIMD8<Int32>.self),
            unsafeBitCast(_mm256_sub_ps(sum, sum), to: SIMD8<Float>.self))
#else
    return pool2x2Lanes8Portable(a, column: column, row: row, W: W)
#endif
}

/// `pool2x2Lanes8` in plain Swift (any CPU; forced on x86-64 by `KernelSettings.portable`).
@inline(__always)
func pool2x2Lanes8Portable(_ a: UnsafePointer<Float>, column: Int, row: Int,
                           W: Int) -> (SIMD8<Float>, SIMD8<Int32>, SIMD8<Float>) {
    let w = Int32(truncatingIfNeeded: W)
    var best = SIMD8<Float>(), at = SIMD8<Int32>(), bad = SIMD8<Float>()
    for l in 0..<8 {
        let v = (a[l], a[column + l], a[row + l], a[row + column + l])
        var b = v.0, o: Int32 = 0
        if v.1 > b { b = v.1; o = 1 }
        if v.2 > b { b = v.2; o = w }
        if v.3 > b { b = v.3; o = w + 1 }
        let sum = (v.0 + v.1) + (v.2 + v.3)
        bad[l] = sum - sum
        best[l] = Swift.max(b, 0); at[l] = o
    }
    return (best, at, bad)
}

/// dY (nChw{block}c, every element written) of `reluMaxPool2x2Blocked`: dOut (NCHW) at each window's argmax where
/// the pooled output is not <= 0 (PyTorch's ReLU backward), 0 elsewhere.
public func reluMaxPool2x2BlockedBackward(dY: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                          argmax: UnsafePointer<Int32>, out: UnsafePointer<Float>,
                                          N: Int, C: Int, H: Int, W: Int, block: Int) {
    precondition((block == 8 || block == 16) && C % block == 0, "reluMaxPool2x2BlockedBackward: block \(block), C \(C)")
    let P = H / 2, Q = W / 2, blocks = C / block
    let w32 = Int32(truncatingIfNeeded: W)
    Threads.parallelFor(N * blocks, grain: max(1, 50_000 / (block * H * W))) { range in
        for nb in range {
            let n = nb / blocks, c0 = nb % blocks * block
            let dst = dY + nb * H * W * block
            let PQ = P &* Q, first0 = (n &* C &+ c0) &* PQ
            for p in 0..<P {
                for q in 0..<Q {
                    let o = p &* Q &+ q, first = Int32(truncatingIfNeeded: 2 &* p &* W &+ 2 &* q)
                    let a = dst + ((2 &* p) &* W &+ 2 &* q) &* block
                    for half in 0..<(block / 8) {
                        var g = SIMD8<Float>(), y = SIMD8<Float>(), offset = SIMD8<Int32>()
                        let lane0 = first0 &+ half &* 8 &* PQ &+ o
                        for l in 0..<8 {
                            let i = lane0 &+ l &* PQ
                            g[l] = dOut[i]; y[l] = out[i]; offset[l] = argmax[i] &- first
                        }
                        // PyTorch's ReLU backward: no gradient where the output is <= 0.
                        g = unsafeBitCast(unsafeBitCast(g, to: SIMD8<Int32>.self)
                                          & ~unsafeBitCast(y .<= SIMD8<Float>(), to: SIMD8<Int32>.self), to: SIMD8<Float>.self)
                        let bits = unsafeBitCast(g, to: SIMD8<Int32>.self), base = a + half &* 8
                        // g where the offset matches, 0 elsewhere (a comparison lane is all ones or all zeros).
                        @inline(__always) func pick(_ k: Int32) -> SIMD8<Float> {
                            unsafeBitCast(bits & unsafeBitCast(offset .== SIMD8<Int32>(repeating: k), to: SIMD8<Int32>.self),
                                          to: SIMD8<Float>.self)
                        }
                        UnsafeMutableRawPointer(base).storeBytes(of: pick(0), as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(base + block).storeBytes(of: pick(1), as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(base + W &* block).storeBytes(of: pick(w32), as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(base + (W &* block &+ block)).storeBytes(of: pick(w32 &+ 1),
                                                                                         as: SIMD8<Float>.self)
                    }
                }
            }
        }
    }
}

/// Max pooling without the argmax (inference) on nChw{block}c activations: x [N, C/b, H, W, b] -> out
/// [N, C/b, P, Q, b], any window, stride, padding and ceil mode of `s` (padded positions never win). The same values
/// as `maxPool2dForward(out:x:_:relu:)` on the NCHW tensor (the first maximum of each window), b lanes at a time.
/// False (out unusable) when an input is not finite: the NCHW kernels' NaN rule then decides. `checkFinite: false`
/// is for an input already known to be finite (a magnitude bound): it skips that check, which costs about as much
/// as the maxima, and returns true.
public func maxPool2dBlocked(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, _ s: Pool2DShape,
                             block: Int, checkFinite: Bool = true) -> Bool {
    precondition((block == 8 || block == 16) && s.C % block == 0, "maxPool2dBlocked: block \(block), C \(s.C)")
    let (H, W, P, Q) = (s.H, s.W, s.P, s.Q), groups = s.N * (s.C / block)
    let portable = KernelSettings.portable
    let finite = UnsafeMutablePointer<Bool>.allocate(capacity: groups)
    defer { finite.deallocate() }
    Threads.parallelFor(groups, grain: max(1, 50_000 / (block * H * W))) { range in
        for g in range {
            let src = x + g &* H &* W &* block, dst = out + g &* P &* Q &* block
            finite[g] = switch (portable, checkFinite, block == 16) {
            case (true, _, _): maxPoolGroup(dst, src, s, block: block, PortableChecked.self)
            case (false, true, true): maxPoolGroup(dst, src, s, block: 16, VectorChecked.self)
            case (false, true, false): maxPoolGroup(dst, src, s, block: 8, VectorChecked.self)
            case (false, false, true): maxPoolGroup(dst, src, s, block: 16, VectorUnchecked.self)
            case (false, false, false): maxPoolGroup(dst, src, s, block: 8, VectorUnchecked.self)
            }
        }
    }
    return (0..<groups).allSatisfy { finite[$0] }
}

/// The compile-time flags of one `maxPoolGroup` specialization: the AVX2 maximum or the portable one, and whether
/// the finiteness check runs.
private protocol PoolGroupFlags { static var vector: Bool { get }; static var check: Bool { get } }
private enum PortableChecked: PoolGroupFlags { static var vector: Bool { false }; static var check: Bool { true } }
private enum VectorChecked: PoolGroupFlags { static var vector: Bool { true }; static var check: Bool { true } }
private enum VectorUnchecked: PoolGroupFlags { static var vector: Bool { true }; static var check: Bool { false } }

/// One [H, W, block] group of `maxPool2dBlocked`: each output vector is the first maximum over its window, the block's
/// 8-lane halves in one pass (independent chains, so their loads overlap), and with `F.check` the window's x - x,
/// whose NaN marks a non-finite input.
private func maxPoolGroup<F: PoolGroupFlags>(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>,
                                             _ s: Pool2DShape, block: Int, _ flags: F.Type) -> Bool {
    let (H, W, P, Q) = (s.H, s.W, s.P, s.Q)
    let two = block == 16
    var bad = SIMD8<Float>()
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
    @inline(__always) func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }
    @inline(__always) func maxOf(_ v: SIMD8<Float>, _ best: SIMD8<Float>) -> SIMD8<Float> {
        F.vector ? firstMax(v, best) : firstMaxPortable(v, best)
    }
    for p in 0..<P {
        let hs = poolWindow(p, kernel: s.R, stride: s.strideH, pad: s.padH, size: H)
        for q in 0..<Q {
            let ws = poolWindow(q, kernel: s.S, stride: s.strideW, pad: s.padW, size: W)
            var best0 = SIMD8<Float>(repeating: -.infinity), best1 = best0
            var row = src + (hs.lowerBound &* W &+ ws.lowerBound) &* block
            for _ in hs {
                var a = row
                for _ in ws {
                    let v0 = load(a)
                    best0 = maxOf(v0, best0)
                    if F.check { bad += v0 - v0 }
                    if two {
                        let v1 = load(a + 8)
                        best1 = maxOf(v1, best1)
                        if F.check { bad += v1 - v1 }
                    }
                    a += block
                }
                row += W &* block
            }
            let o = dst + (p &* Q &+ q) &* block
            store(best0, o)
            if two { store(best1, o + 8) }
        }
    }
    return !bad.sum().isNaN
}

/// v where v > best, else best (the earlier maximum wins ties): vmaxps(v, best) on x86-64.
@inline(__always)
func firstMax(_ v: SIMD8<Float>, _ best: SIMD8<Float>) -> SIMD8<Float> {
#if arch(x86_64)
    unsafeBitCast(_mm256_max_ps(unsafeBitCast(v, to: __m256.self), unsafeBitCast(best, to: __m256.self)),
                  to: SIMD8<Float>.self)
#else
    firstMaxPortable(v, best)
#endif
}

/// `firstMax` in plain Swift.
@inline(__always)
func firstMaxPortable(_ v: SIMD8<Float>, _ best: SIMD8<Float>) -> SIMD8<Float> {
    best.replacing(with: v, where: v .> best)
}

/// The naive twin of `maxPool2dBlocked`: the window loops per element, PyTorch's rule (the first maximum, a NaN
/// winning), on the blocked layout.
public func maxPool2dBlockedNaive(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, _ s: Pool2DShape,
                                  block: Int) {
    let (H, W, P, Q) = (s.H, s.W, s.P, s.Q)
    for g in 0..<(s.N * (s.C / block)) {
        for p in 0..<P {
            let hs = poolWindow(p, kernel: s.R, stride: s.strideH, pad: s.padH, size: H)
            for q in 0..<Q {
                let ws = poolWindow(q, kernel: s.S, stride: s.strideW, pad: s.padW, size: W)
                for lane in 0..<block {
                    var best = -Float.infinity
                    for h in hs {
                        for w in ws {
                            let v = x[((g * H + h) * W + w) * block + lane]
                            if v > best || v.isNaN { best = v }
                        }
                    }
                    out[((g * P + p) * Q + q) * block + lane] = best
                }
            }
        }
    }
}
