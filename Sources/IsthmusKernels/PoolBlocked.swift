// 2x2 max-pool of an nChw16c activation ([N, C/16, H, W, 16], oneDNN's blocked layout), for the fused
// conv-ReLU-pool whose convolution output never leaves that layout.
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// out = relu(maxpool2x2(y)) for y in nChw16c [N, C/16, H, W, 16] (C a multiple of 16, H and W even), written to
/// NCHW out [N, C, H/2, W/2] with argmax (h*W + w in each plane: the first maximum in scan order, as
/// `maxPool2dForward`). Returns false when some value is not finite (the caller then takes the NCHW path, whose
/// NaN rule decides); the outputs are then unspecified.
public func reluMaxPool2x2Blocked(out: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>,
                                  y: UnsafePointer<Float>, N: Int, C: Int, H: Int, W: Int) -> Bool {
    let P = H / 2, Q = W / 2, blocks = C / 16
    let finite = UnsafeMutablePointer<Bool>.allocate(capacity: N * blocks)
    defer { finite.deallocate() }
    Threads.parallelFor(N * blocks, grain: max(1, 50_000 / (16 * H * W))) { range in
        for nb in range {
            let n = nb / blocks, c0 = nb % blocks * 16
            let src = y + nb * H * W * 16
            var bad = SIMD8<Int32>()
            let PQ = P &* Q, planes = out + (n &* C &+ c0) &* PQ, indices = argmax + (n &* C &+ c0) &* PQ
            for p in 0..<P {
                for q in 0..<Q {
                    let a = src + ((2 &* p) &* W &+ 2 &* q) &* 16, o = p &* Q &+ q
                    let first = Int32(truncatingIfNeeded: 2 &* p &* W &+ 2 &* q)
                    for half in 0..<2 {
                        let (best, at, check) = pool2x2Lanes8(a + half &* 8, rowStride: W &* 16)
                        bad |= unsafeBitCast(check, to: SIMD8<Int32>.self)
                        let lane0 = half &* 8 &* PQ &+ o
                        for l in 0..<8 {
                            planes[lane0 &+ l &* PQ] = best[l]
                            indices[lane0 &+ l &* PQ] = first &+ at[l]
                        }
                    }
                }
            }
            finite[nb] = !unsafeBitCast(bad, to: SIMD8<Float>.self).sum().isNaN
        }
    }
    return (0..<(N * blocks)).allSatisfy { finite[$0] }
}

/// relu(max) over the window (a, a + 16 / a + rowStride, a + rowStride + 16) of 8 channels, the offset of the
/// first maximum (0, 1, W, W + 1 with W = rowStride / 16), and sum - sum of the four (0 when they are finite,
/// NaN otherwise; callers OR these bits together and test once).
@inline(__always)
func pool2x2Lanes8(_ a: UnsafePointer<Float>, rowStride: Int) -> (SIMD8<Float>, SIMD8<Int32>, SIMD8<Float>) {
    let w = Int32(truncatingIfNeeded: rowStride / 16)
#if arch(x86_64)
    @inline(__always) func greater(_ x: __m256, _ y: __m256) -> __m256 {
        unsafeBitCast(unsafeBitCast(x, to: SIMD8<Float>.self) .> unsafeBitCast(y, to: SIMD8<Float>.self), to: __m256.self)
    }
    let v0 = _mm256_loadu_ps(a), v1 = _mm256_loadu_ps(a + 16)
    let v2 = _mm256_loadu_ps(a + rowStride), v3 = _mm256_loadu_ps(a + (rowStride + 16))
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
    var best = SIMD8<Float>(), at = SIMD8<Int32>(), bad = SIMD8<Float>()
    for l in 0..<8 {
        let v = [a[l], a[16 + l], a[rowStride + l], a[rowStride + 16 + l]], offsets = [0, 1, w, w + 1]
        var b = v[0], o: Int32 = 0
        for k in 1..<4 where v[k] > b { b = v[k]; o = offsets[k] }
        let sum = v[0] + v[1] + v[2] + v[3]
        bad[l] = sum - sum
        best[l] = Swift.max(b, 0); at[l] = o
    }
    return (best, at, bad)
#endif
}

/// dY (nChw16c, every element written) of `reluMaxPool2x2Blocked`: dOut (NCHW) at each window's argmax where
/// the pooled output is not <= 0 (PyTorch's ReLU backward), 0 elsewhere.
public func reluMaxPool2x2BlockedBackward(dY: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                          argmax: UnsafePointer<Int32>, out: UnsafePointer<Float>,
                                          N: Int, C: Int, H: Int, W: Int) {
    let P = H / 2, Q = W / 2, blocks = C / 16
    let w32 = Int32(truncatingIfNeeded: W)
    Threads.parallelFor(N * blocks, grain: max(1, 50_000 / (16 * H * W))) { range in
        for nb in range {
            let n = nb / blocks, c0 = nb % blocks * 16
            let dst = dY + nb * H * W * 16
            let PQ = P &* Q, first0 = (n &* C &+ c0) &* PQ
            for p in 0..<P {
                for q in 0..<Q {
                    let o = p &* Q &+ q, first = Int32(truncatingIfNeeded: 2 &* p &* W &+ 2 &* q)
                    let a = dst + ((2 &* p) &* W &+ 2 &* q) &* 16
                    for half in 0..<2 {
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
                        UnsafeMutableRawPointer(base + 16).storeBytes(of: pick(1), as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(base + W &* 16).storeBytes(of: pick(w32), as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(base + (W &* 16 &+ 16)).storeBytes(of: pick(w32 &+ 1), as: SIMD8<Float>.self)
                    }
                }
            }
        }
    }
}
