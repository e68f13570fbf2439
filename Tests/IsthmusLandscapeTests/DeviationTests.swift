import XCTest
import IsthmusCore
import IsthmusNN
import IsthmusLandscape

/// Deviation of a bend from the straight segment.
final class DeviationTests: XCTestCase {
    func testDeviationMetricsOnKnownCase() {
        // A = (0,0), C = (2,0), B = (1,0), B' = (1,1): ||B'-B|| / ||C-A|| = 0.5, orthogonal move, right angle at B'.
        let A = Tensor(shape: [1, 2, 1, 1], scalars: [0, 0]), C = Tensor(shape: [1, 2, 1, 1], scalars: [2, 0])
        let B = Tensor(shape: [1, 2, 1, 1], scalars: [1, 0]), Bp = Tensor(shape: [1, 2, 1, 1], scalars: [1, 1])
        let d = Deviation(a: A, c: C, b: B, bend: Bp, normalization: nil)
        XCTAssertEqual(d.deviationRatio, 0.5, accuracy: 1e-9)
        XCTAssertEqual(d.hyperplaneDistance, 0, accuracy: 1e-9)
        XCTAssertEqual(d.bendAngle, 90, accuracy: 1e-6)
        // Pixel space: std 0.5, mean 0.5: |B'-B| max = 0.5, |A| max = 0.5 -> 1.
        let n = Normalization(mean: [0.5, 0.5], std: [0.5, 0.5])
        XCTAssertEqual(Deviation(a: A, c: C, b: B, bend: Bp, normalization: n).pixelDeviation, 1, accuracy: 1e-6)
    }
}
