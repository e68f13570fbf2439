import XCTest
import IsthmusKernels

final class GEMMTests: XCTestCase {
    func testAllTransposesOddSizesAndStrides() {
        var rng = TestRNG(10)
        for (M, N, K) in [(7, 5, 3), (33, 17, 65), (1, 9, 4)] {
            for transA in [false, true] {
                for transB in [false, true] {
                    for (alpha, beta): (Float, Float) in [(1, 0), (1, 1), (0.5, 1)] {
                        // Leading dimensions exceed the minimum by 3 so strides matter.
                        let lda = (transA ? M : K) + 3, ldb = (transB ? K : N) + 3, ldc = N + 3
                        let a = rng.array((transA ? K : M) * lda), b = rng.array((transB ? N : K) * ldb)
                        let c0 = rng.array(M * ldc)
                        var fast = c0, naive = c0
                        sgemm(transA: transA, transB: transB, M: M, N: N, K: K, alpha: alpha, A: a, lda: lda,
                              B: b, ldb: ldb, beta: beta, C: &fast, ldc: ldc)
                        sgemmNaive(transA: transA, transB: transB, M: M, N: N, K: K, alpha: alpha, A: a, lda: lda,
                                   B: b, ldb: ldb, beta: beta, C: &naive, ldc: ldc)
                        let tag = "M\(M) N\(N) K\(K) tA \(transA) tB \(transB) alpha \(alpha) beta \(beta)"
                        assertClose(fast, naive, tag)
                        // The padding columns of C stay untouched.
                        for i in 0..<M { for j in N..<ldc { XCTAssertEqual(fast[i * ldc + j], c0[i * ldc + j], tag) } }
                    }
                }
            }
        }
    }

    func testNaiveAgainstHandComputed() {
        // [[1, 2], [3, 4]] * [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
        var c = [Float](repeating: 0, count: 4)
        sgemmNaive(transA: false, transB: false, M: 2, N: 2, K: 2, A: [1, 2, 3, 4], lda: 2, B: [5, 6, 7, 8], ldb: 2,
                   C: &c, ldc: 2)
        XCTAssertEqual(c, [19, 22, 43, 50])
        sgemm(transA: true, transB: true, M: 2, N: 2, K: 2, A: [1, 3, 2, 4], lda: 2, B: [5, 7, 6, 8], ldb: 2,
              C: &c, ldc: 2)
        XCTAssertEqual(c, [19, 22, 43, 50])
    }
}
