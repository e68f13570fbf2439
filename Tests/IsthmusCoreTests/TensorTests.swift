import XCTest
import IsthmusCore
import IsthmusTestSupport

/// Construction, seeded random tensors, broadcasting.
final class TensorTests: XCTestCase {
    func testLinspaceEndpoints() {
        let t = Tensor.linspace(0, 1, count: 1000)
        XCTAssertEqual(t[flat: 0], 0); XCTAssertEqual(t[flat: 999], 1); XCTAssertEqual(t.count, 1000)
    }

    func testSeededRandomRepeats() {
        var r1 = SplitMix64(seed: 42), r2 = SplitMix64(seed: 42)
        XCTAssertEqual(Tensor.normal([100], using: &r1).scalars, Tensor.normal([100], using: &r2).scalars)
        var r3 = SplitMix64(seed: 1)
        let u = Tensor.uniform([10_000], using: &r3).scalars
        XCTAssertTrue(u.allSatisfy { $0 >= 0 && $0 < 1 })
        XCTAssertEqual(u.reduce(0, +) / 10_000, 0.5, accuracy: 0.02)
    }

    func testBroadcastShapes() {
        XCTAssertEqual(broadcastShape([2, 1, 4], [3, 1]), [2, 3, 4])
        let a = Tensor(shape: [2, 1], scalars: [1, 2]), b = Tensor(shape: [3], scalars: [10, 20, 30])
        XCTAssertEqual((a + b).scalars, [11, 21, 31, 12, 22, 32])
    }
}
