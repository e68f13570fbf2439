import XCTest
import IsthmusUtilities

final class QuantilesTests: XCTestCase {
    func testMedianOfOddAndEvenCounts() {
        XCTAssertEqual(Quantiles.median([3, 1, 2]), 2)
        XCTAssertEqual(Quantiles.median([4, 1, 3, 2]), 2.5)
        XCTAssertEqual(Quantiles.median([7]), 7)
        XCTAssertTrue(Quantiles.median([]).isNaN)
    }

    func testMedianDropsNonFiniteValues() {
        XCTAssertEqual(Quantiles.median([.nan, 1, .infinity, 5, -.infinity]), 3)
        XCTAssertTrue(Quantiles.median([.nan]).isNaN)
    }

    /// numpy.quantile([1, 2, 4, 8], [0, 0.1, 0.25, 1]) = [1, 1.3, 1.75, 8].
    func testType7MatchesNumpy() {
        let v: [Double] = [1, 2, 4, 8]
        XCTAssertEqual(Quantiles.type7(sorted: v, 0), 1)
        XCTAssertEqual(Quantiles.type7(sorted: v, 0.1), 1.3, accuracy: 1e-15)
        XCTAssertEqual(Quantiles.type7(sorted: v, 0.25), 1.75)
        XCTAssertEqual(Quantiles.type7(sorted: v, 1), 8)
        XCTAssertTrue(Quantiles.type7(sorted: v, .nan).isNaN)
    }
}
