import Foundation
import XCTest
import IsthmusTestSupport
@testable import IsthmusCore
@testable import IsthmusFormats
@testable import IsthmusNN

/// Dataset conversions.
final class DatasetTests: XCTestCase {
    func testRenormalizedDataHasTheSamePixels() {
        let x = Tensor(shape: [1, 3, 1, 2], scalars: [0, 1, -1, 0.5, 0.2, -0.4])
        let d = Dataset(name: "t", images: x, labels: [0], classes: 2, normalization: .halfHalf)
        let r = d.renormalized(to: .imagenet)
        XCTAssertEqual(r.normalization, .imagenet)
        let a = Normalization.halfHalf.invert(x), b = Normalization.imagenet.invert(r.images)
        for i in 0..<a.count { XCTAssertEqual(a[flat: i], b[flat: i], accuracy: 1e-6) }
        XCTAssertTrue(d.renormalized(to: .halfHalf).images === d.images)
    }
}
