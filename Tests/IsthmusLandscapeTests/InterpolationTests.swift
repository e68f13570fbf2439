import XCTest
import IsthmusCore
import IsthmusNN
import IsthmusLandscape

/// The loss along the segment A->C.
final class InterpolationTests: XCTestCase {
    let a = Tensor(shape: [1, 2, 1, 1], scalars: [-1, 0])
    let c = Tensor(shape: [1, 2, 1, 1], scalars: [1, 0])

    func testSegmentReturnsItsEndpoints() {
        let pts = Interpolation.points(from: a, to: c, alphas: Interpolation.alphas(7))
        XCTAssertEqual(Array(pts.scalars.prefix(2)), a.scalars)
        XCTAssertEqual(Array(pts.scalars.suffix(2)), c.scalars)
    }

    func testPrimaryBarrierOnKnownProblem() {
        let r = Interpolation.run(Interpolation.Config(steps: 101, classIndex: 0), model: TwoDimensionalBarrier(), from: a, to: c)
        XCTAssertEqual(r.barrier.alpha, 0.5, accuracy: 1e-9)
        XCTAssertGreaterThan(r.barrier.gap, 1)
        XCTAssertEqual(r.barrier.max, Double(r.losses[50]), accuracy: 1e-6)
    }
}
