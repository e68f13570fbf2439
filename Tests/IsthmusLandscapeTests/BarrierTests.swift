import XCTest
import IsthmusCore
import IsthmusNN
import IsthmusLandscape

/// The barrier of a loss curve: the paper's and the parameter-space definitions.
final class BarrierTests: XCTestCase {
    func testBarrierDefinitions() {
        let b = Barrier(losses: [1, 3, 3, 0.5], alphas: [0, 1.0 / 3, 2.0 / 3, 1])
        XCTAssertEqual(b.index, 1)          // first argmax
        XCTAssertEqual(b.max, 3); XCTAssertEqual(b.gap, 2)
        XCTAssertEqual(b.blendGap, 3 - (1 - 2.0 / 3) * 1 - (2.0 / 3) * 0.5, accuracy: 1e-9)
        XCTAssertEqual(Barrier(losses: [2, 1.5, 1], alphas: [0, 0.5, 1]).gap, 0)   // monotone
    }
}
