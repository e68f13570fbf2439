import XCTest
import IsthmusCore
import IsthmusTestSupport

/// The blocked-weight cache of the convolutions must never serve stale weights: every write through `mutableData`
/// or `assign` renews the storage's version, and a buffer reused for another tensor gets a new version too.
final class WeightCacheTests: XCTestCase {
    func reference(_ x: Tensor, _ w: Tensor) -> Tensor {
        // The same convolution with a fresh copy of the weights (a new buffer, so nothing cached applies).
        conv2d(x, weight: w.copy(), padding: Padding2D(1))
    }

    func assertSame(_ a: Tensor, _ b: Tensor, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.shape, b.shape, file: file, line: line)
        for i in 0..<a.count { XCTAssertEqual(a[flat: i], b[flat: i], accuracy: 1e-5, file: file, line: line) }
    }

    func testWritesInvalidateCachedWeights() {
        let x = randn([1, 16, 8, 8], seed: 1), w = randn([16, 16, 3, 3], seed: 2, std: 0.2)
        let first = conv2d(x, weight: w, padding: Padding2D(1))
        assertSame(first, reference(x, w))
        assertSame(conv2d(x, weight: w, padding: Padding2D(1)), first)          // cached, unchanged
        w.mutableData[7] += 1                                                    // in-place write (an optimizer step)
        let second = conv2d(x, weight: w, padding: Padding2D(1))
        assertSame(second, reference(x, w))
        XCTAssertNotEqual(second.scalars, first.scalars)
        w.assign(randn([16, 16, 3, 3], seed: 3, std: 0.2))                       // loading new weights
        assertSame(conv2d(x, weight: w, padding: Padding2D(1)), reference(x, w))
        // The input gradient (backward-data pass) sees the new weights too.
        let (_, g1) = valueWithGradient(wrt: [x]) { conv2d(x, weight: w, padding: Padding2D(1)).sum() }
        let (_, g2) = valueWithGradient(wrt: [x]) { conv2d(x, weight: w.copy(), padding: Padding2D(1)).sum() }
        assertSame(g1[0], g2[0])
    }

    func testAReusedBufferIsNotMistakenForTheOldWeights() {
        let x = randn([1, 16, 8, 8], seed: 4)
        var outputs: [[Float]] = []
        for seed in 10..<14 {
            // Each weight tensor dies after use, so the buffer pool hands its memory to the next one.
            let w = randn([16, 16, 3, 3], seed: UInt64(seed), std: 0.2)
            let y = conv2d(x, weight: w, padding: Padding2D(1))
            assertSame(y, reference(x, w))
            outputs.append(y.scalars)
        }
        XCTAssertEqual(Set(outputs.map { $0[0] }).count, 4)
    }
}
