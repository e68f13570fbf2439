import XCTest
import IsthmusCore
import IsthmusTestSupport

/// `maximum` / `minimum`: values, broadcasting, NaN and tie rules of torch.maximum, and gradients.
final class ExtremumGradientTests: XCTestCase {
    func testValuesTiesAndNaN() {
        let a = Tensor([1, 5, 2, .nan]), b = Tensor([3, 5, 1, 0])
        XCTAssertEqual(maximum(a, b).scalars.prefix(3), [3, 5, 2])
        XCTAssertTrue(maximum(a, b)[flat: 3].isNaN && minimum(b, a)[flat: 3].isNaN)
        XCTAssertEqual(minimum(a, b).scalars.prefix(3), [1, 5, 1])
        let (_, g) = valueWithGradient(wrt: [a, b]) { maximum(a, b).narrowed(axis: 0, start: 0, length: 3).sum() }
        XCTAssertEqual(g[0].scalars, [0, 0.5, 1, 0])
        XCTAssertEqual(g[1].scalars, [1, 0.5, 0, 0])
    }

    func testGradientsWithBroadcasting() {
        let a = randn([2, 3, 4], seed: 1), b = randn([3, 1], seed: 2), c = randn([4], seed: 3)
        assertGradientsMatchFiniteDifferences([a, b, c]) { probe(maximum(a, b) + minimum(c, a) * 2) }
    }
}
