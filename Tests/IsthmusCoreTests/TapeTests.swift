import XCTest
import IsthmusCore
import IsthmusTestSupport

/// Reverse-mode autodiff on the tape: accumulation, untracked tensors, detach, custom ops.
final class TapeTests: XCTestCase {
    func testTensorUsedTwiceAccumulates() {
        let x = randn([4], seed: 6)
        let (_, g) = valueWithGradient(wrt: [x]) { (x * x + x).sum() }
        for i in 0..<4 { XCTAssertEqual(g[0][flat: i], 2 * x[flat: i] + 1, accuracy: 1e-6) }
    }

    func testUntrackedTensorsGetNoWork() {
        let x = randn([3], seed: 7), w = randn([3], seed: 8)
        let (_, g) = valueWithGradient(wrt: [x]) { (x * w).sum() }
        XCTAssertEqual(g[0].scalars, w.scalars)
    }

    func testReshapeIsAViewAndDetachCutsTheTape() {
        let x = Tensor([1, 2, 3, 4])
        let v = x.reshaped([2, 2])
        x.mutableData[0] = 9
        XCTAssertEqual(v[flat: 0], 9)
        let (_, g) = valueWithGradient(wrt: [x]) { (x.detached * x).sum() }
        XCTAssertEqual(g[0].scalars, x.scalars)
    }

    func testCustomOpIsRecordedWithItsPullback() {
        // f(x) = x^3 elementwise, given from outside the tape: f'(x) = 3 x^2.
        let x = Tensor([1, -2, 0.5])
        func cube(_ x: Tensor) -> Tensor {
            let value = Tensor(x.scalars.map { $0 * $0 * $0 })
            return customOp(x, value: value) { g in Tensor((0..<x.count).map { 3 * x[flat: $0] * x[flat: $0] * g[flat: $0] }) }
        }
        let (v, g) = valueWithGradient(wrt: [x]) { (cube(x) * 2 + x).sum() }
        let expected: Float = 2 * (1 - 8 + 0.125) + (1 - 2 + 0.5)
        XCTAssertEqual(v.scalar, expected)
        XCTAssertEqual(g[0].scalars, [7, 25, 2.5], "2 * 3 x^2 + 1")
        // Off the tape the value is returned as is.
        XCTAssertEqual(withoutGradients { cube(x) }.scalars, [1, -8, 0.125])
    }
}
