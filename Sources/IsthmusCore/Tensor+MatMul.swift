import IsthmusKernels

/// Matrix product of rank-2 tensors: op(a) [M, K] x op(b) [K, N] -> [M, N], op = transpose when asked.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition(a.rank == 2 && b.rank == 2, "matmul needs rank-2 tensors, got \(a.shape) and \(b.shape)")
    let (M, K) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (K2, N) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    precondition(K == K2, "matmul: inner sizes differ, \(a.shape)\(transposeA ? "^T" : "") x \(b.shape)\(transposeB ? "^T" : "")")
    let out = Tensor(uninitialized: [M, N])
    sgemm(transA: transposeA, transB: transposeB, M: M, N: N, K: K, A: a.data, lda: a.shape[1], B: b.data, ldb: b.shape[1],
          C: out.mutableData, ldc: N)
    return Tape.record(out, [a, b]) { g, needs in
        var da: Tensor?, db: Tensor?
        if needs[0] {
            // dA = g op(B)^T, stored in A's layout.
            let d = Tensor(uninitialized: a.shape)
            if transposeA {   // A^T = [M,K] -> dA [K,M] = op(B) g^T
                sgemm(transA: !transposeB ? false : true, transB: true, M: K, N: M, K: N, A: b.data, lda: b.shape[1],
                      B: g.data, ldb: N, C: d.mutableData, ldc: M)
            } else {
                sgemm(transA: false, transB: !transposeB, M: M, N: K, K: N, A: g.data, lda: N, B: b.data, ldb: b.shape[1],
                      C: d.mutableData, ldc: K)
            }
            da = d
        }
        if needs[1] {
            let d = Tensor(uninitialized: b.shape)
            if transposeB {   // B^T = [K,N] -> dB [N,K] = g^T op(A)
                sgemm(transA: true, transB: transposeA, M: N, N: K, K: M, A: g.data, lda: N, B: a.data, ldb: a.shape[1],
                      C: d.mutableData, ldc: K)
            } else {
                sgemm(transA: !transposeA, transB: false, M: K, N: N, K: M, A: a.data, lda: a.shape[1], B: g.data, ldb: N,
                      C: d.mutableData, ldc: N)
            }
            db = d
        }
        return [da, db]
    }
}

/// Batched matrix product: a [B, M, K] x b [B, K, N] -> [B, M, N] (with optional transposes of the last two axes).
public func batchedMatmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition(a.rank == 3 && b.rank == 3 && a.shape[0] == b.shape[0], "batchedMatmul: \(a.shape) x \(b.shape)")
    let B = a.shape[0]
    let (M, K) = transposeA ? (a.shape[2], a.shape[1]) : (a.shape[1], a.shape[2])
    let (K2, N) = transposeB ? (b.shape[2], b.shape[1]) : (b.shape[1], b.shape[2])
    precondition(K == K2, "batchedMatmul: inner sizes differ, \(a.shape) x \(b.shape)")
    let out = Tensor(uninitialized: [B, M, N])
    let sa = a.shape[1] * a.shape[2], sb = b.shape[1] * b.shape[2]
    for i in 0..<B {
        sgemm(transA: transposeA, transB: transposeB, M: M, N: N, K: K, A: a.data + i * sa, lda: a.shape[2],
              B: b.data + i * sb, ldb: b.shape[2], C: out.mutableData + i * M * N, ldc: N)
    }
    return Tape.record(out, [a, b]) { g, needs in
        var da: Tensor?, db: Tensor?
        if needs[0] {
            let d = Tensor(uninitialized: a.shape)
            for i in 0..<B {
                if transposeA {
                    sgemm(transA: transposeB, transB: true, M: K, N: M, K: N, A: b.data + i * sb, lda: b.shape[2],
                          B: g.data + i * M * N, ldb: N, C: d.mutableData + i * sa, ldc: M)
                } else {
                    sgemm(transA: false, transB: !transposeB, M: M, N: K, K: N, A: g.data + i * M * N, lda: N,
                          B: b.data + i * sb, ldb: b.shape[2], C: d.mutableData + i * sa, ldc: K)
                }
            }
            da = d
        }
        if needs[1] {
            let d = Tensor(uninitialized: b.shape)
            for i in 0..<B {
                if transposeB {
                    sgemm(transA: true, transB: transposeA, M: N, N: K, K: M, A: g.data + i * M * N, lda: N,
                          B: a.data + i * sa, ldb: a.shape[2], C: d.mutableData + i * sb, ldc: K)
                } else {
                    sgemm(transA: !transposeA, transB: false, M: K, N: N, K: M, A: a.data + i * sa, lda: a.shape[2],
                          B: g.data + i * M * N, ldb: N, C: d.mutableData + i * sb, ldc: N)
                }
            }
            db = d
        }
        return [da, db]
    }
}

/// y = x W^T + b, x: [N, in], weight: [out, in], bias: [out] (PyTorch's `F.linear`).
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    let y = matmul(x, weight, transposeB: true)
    guard let bias else { return y }
    return y + bias
}
