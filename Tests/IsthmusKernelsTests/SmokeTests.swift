import XCTest
import IsthmusKernels

final class IsthmusKernelsSmokeTests: XCTestCase {
    func testShapeArithmetic() { XCTAssertEqual(Conv2DShape(N: 1, C: 1, H: 5, W: 5, K: 1, R: 3, S: 3).P, 3) }
}
