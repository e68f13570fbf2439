import XCTest
import IsthmusCore

/// Dot products and distances in Double, on known values.
final class EuclideanTests: XCTestCase {
    func testKnownValues() {
        let a = Tensor([1, 2, 3]), b = Tensor([4, 5, 6])
        XCTAssertEqual(Euclidean.dot(a, b), 32)
        XCTAssertEqual(Euclidean.norm(Tensor([3, 4])), 5)
        XCTAssertEqual(Euclidean.distance(Tensor([1, 1]), Tensor([4, 5])), 5)
        XCTAssertEqual(Euclidean.distance(a, a), 0)
        // Rows of a batch through the pointer forms.
        let rows = Tensor(shape: [2, 2], scalars: [0, 0, 6, 8])
        XCTAssertEqual(Euclidean.distance(rows.data + 2, rows.data, count: 2), 10)
        XCTAssertEqual(Euclidean.squaredDistance(rows.data + 2, rows.data, count: 2), 100)
    }

    /// Differences are taken in Double: 1e8 - 1 is not a float (the float difference rounds to 1e8).
    func testDifferencesAreExact() {
        let big = Tensor([100_000_000]), one = Tensor([1])
        XCTAssertEqual(Float(100_000_000) - Float(1), 100_000_000, "the float difference rounds")
        XCTAssertEqual(Euclidean.distance(big, one), 99_999_999)
        // Accumulation in Double: 2^24 + 1 + 1 is exact (float32 would stay at 2^24).
        XCTAssertEqual(Euclidean.dot(Tensor([16_777_216, 1, 1]), Tensor([1, 1, 1])), 16_777_218)
    }

    func testDistanceFromSegment() {
        let a = Tensor([-1, 0]), c = Tensor([1, 0])
        XCTAssertEqual(Euclidean.distanceFromSegment(Tensor([0, 1]), a, c), 1, "above the middle")
        XCTAssertEqual(Euclidean.distanceFromSegment(Tensor([0.25, -2]), a, c), 2, "below an inner point")
        XCTAssertEqual(Euclidean.distanceFromSegment(Tensor([4, 4]), a, c), 5, "beyond C: from C")
        XCTAssertEqual(Euclidean.distanceFromSegment(Tensor([-4, -4]), a, c), 5, "before A: from A")
        XCTAssertEqual(Euclidean.distanceFromSegment(Tensor([0.5, 0]), a, c), 0, "on the segment")
        XCTAssertEqual(Euclidean.distanceFromSegment(Tensor([2, 4]), a, a), 5, "A = C: from A")
    }
}
