import CDNNL

/// Row-major single-precision GEMM: C = alpha * op(A) * op(B) + beta * C,
/// op(A): [M, K], op(B): [K, N], C: [M, N]; lda/ldb/ldc are row strides of the stored matrices.
/// Runs oneDNN's `dnnl_sgemm` (JIT AVX2/AVX-512 picked at run time).
@inline(__always)
public func sgemm(transA: Bool, transB: Bool, M: Int, N: Int, K: Int, alpha: Float = 1,
                  A: UnsafePointer<Float>, lda: Int, B: UnsafePointer<Float>, ldb: Int,
                  beta: Float = 0, C: UnsafeMutablePointer<Float>, ldc: Int) {
    if M == 0 || N == 0 { return }
    if K == 0 {
        for i in 0..<M { for j in 0..<N { C[i * ldc + j] = beta == 0 ? 0 : beta * C[i * ldc + j] } }
        return
    }
    Threads.forWork(2 * Double(M) * Double(N) * Double(K))
    let status = dnnl_sgemm(transA ? 84 : 78, transB ? 84 : 78, Int64(M), Int64(N), Int64(K), alpha,
                            A, Int64(lda), B, Int64(ldb), beta, C, Int64(ldc))
    precondition(status == dnnl_success, "dnnl_sgemm failed with status \(status)")
}

/// The naive twin of `sgemm`, triple loop in Double accumulation; tests compare the two.
public func sgemmNaive(transA: Bool, transB: Bool, M: Int, N: Int, K: Int, alpha: Float = 1,
                       A: UnsafePointer<Float>, lda: Int, B: UnsafePointer<Float>, ldb: Int,
                       beta: Float = 0, C: UnsafeMutablePointer<Float>, ldc: Int) {
    for i in 0..<M {
        for j in 0..<N {
            var acc = 0.0
            for p in 0..<K {
                let a = transA ? A[p * lda + i] : A[i * lda + p]
                let b = transB ? B[j * ldb + p] : B[p * ldb + j]
                acc += Double(a) * Double(b)
            }
            let old = beta == 0 ? 0 : beta * C[i * ldc + j]
            C[i * ldc + j] = alpha * Float(acc) + old
        }
    }
}
