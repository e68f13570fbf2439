import XCTest
import IsthmusCore
import IsthmusNN
import IsthmusLandscape

/// The elastic band's polygon, parametrized by arc length.
final class BandPathTests: XCTestCase {
    let a = Tensor(shape: [1, 2, 1, 1], scalars: [-1, 0])
    let c = Tensor(shape: [1, 2, 1, 1], scalars: [1, 0])

    func testBandIsParametrizedByArcLength() {
        let band = BandPath(images: [a, Tensor(shape: [1, 2, 1, 1], scalars: [-0.5, 0]), c])
        XCTAssertEqual(band.knots, [0, 0.25, 1])
        XCTAssertEqual(band.points([0.625]).scalars, [0.25, 0])
        XCTAssertEqual(band.points([0, 1]).scalars, [-1, 0, 1, 0])
        XCTAssertEqual(band.denseParameters(subsample: 1), [0, 0.125, 0.25, 0.625, 1])
    }
}
