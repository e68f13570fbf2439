// Element-wise optimizer updates.
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Lane-wise square root as one instruction (the standard library's goes through `sqrtf` per lane).
@inline(__always)
func squareRoot(_ v: SIMD8<Float>) -> SIMD8<Float> {
#if arch(x86_64)
    unsafeBitCast(_mm256_sqrt_ps(unsafeBitCast(v, to: __m256.self)), to: SIMD8<Float>.self)
#else
    v.squareRoot()
#endif
}

/// One Adam step over `count` elements, in place (torch.optim.Adam, amsgrad off): g = grad + wd * p;
/// m += (1 - b1) (g - m); v = b2 v + (1 - b2) g^2; p -= stepSize * m / (sqrt(v) / bc2Sqrt + eps), with
/// stepSize = lr / (1 - b1^t) and bc2Sqrt = sqrt(1 - b2^t). Eight lanes at a time, the same float operations in
/// the same order per element as the scalar formula.
public func adamUpdate(_ pp: UnsafeMutablePointer<Float>, _ pg: UnsafePointer<Float>, _ pm: UnsafeMutablePointer<Float>,
                       _ pv: UnsafeMutablePointer<Float>, count: Int, beta1: Float, beta2: Float, eps: Float,
                       weightDecay: Float, stepSize: Float, bc2Sqrt: Float) {
    typealias V = SIMD8<Float>
    let portable = KernelSettings.portable
    @inline(__always) func lanes(_ g0: V, _ p: V, _ m: inout V, _ v: inout V) -> V {
        let g = weightDecay != 0 ? g0 + weightDecay * p : g0
        m += (1 - beta1) * (g - m)                      // torch: m.lerp_(g, 1 - b1)
        v = beta2 * v + (1 - beta2) * g * g
        return p - stepSize * m / ((portable ? v.squareRoot() : squareRoot(v)) / bc2Sqrt + eps)
    }
    // Chunks of whole vectors, one per thread of the pool for large tensors.
    Threads.parallelFor((count + 7) / 8, grain: 8192) { vectors in
    let end = Swift.min(count, vectors.upperBound * 8)
    let full = end / V.scalarCount * V.scalarCount
    let rp = UnsafeMutableRawPointer(pp), rg = UnsafeRawPointer(pg), rm = UnsafeMutableRawPointer(pm)
    let rv = UnsafeMutableRawPointer(pv)
    var i = vectors.lowerBound * 8
    while i < full {
        let o = i &* 4
        var m = rm.loadUnaligned(fromByteOffset: o, as: V.self), v = rv.loadUnaligned(fromByteOffset: o, as: V.self)
        let p = lanes(rg.loadUnaligned(fromByteOffset: o, as: V.self), rp.loadUnaligned(fromByteOffset: o, as: V.self),
                      &m, &v)
        rm.storeBytes(of: m, toByteOffset: o, as: V.self)
        rv.storeBytes(of: v, toByteOffset: o, as: V.self)
        rp.storeBytes(of: p, toByteOffset: o, as: V.self)
        i &+= V.scalarCount
    }
    while i < end {
        var m = V(repeating: pm[i]), v = V(repeating: pv[i])
        let p = lanes(V(repeating: pg[i]), V(repeating: pp[i]), &m, &v)
        pm[i] = m[0]; pv[i] = v[0]; pp[i] = p[0]
        i &+= 1
    }
    }
}
