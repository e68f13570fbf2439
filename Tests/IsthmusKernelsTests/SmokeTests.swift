import XCTest
import IsthmusKernels

final class IsthmusKernelsSmokeTests: XCTestCase {
    func testShapeArithmetic() {
        let s = Conv2DShape(N: 2, C: 6, H: 8, W: 8, K: 6, R: 3, S: 3, strideH: 2, strideW: 2,
                            padBottom: 1, padRight: 1, groups: 6)
        XCTAssertEqual(s.P, 4)
        XCTAssertEqual(s.Q, 4)
        XCTAssertEqual(s.weightCount, 54)
        XCTAssertTrue(s.isValid)
    }
}
