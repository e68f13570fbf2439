import Foundation
import XCTest
import IsthmusTestSupport
@testable import IsthmusCore
@testable import IsthmusFormats
@testable import IsthmusNN

/// PhotoSet: seeded views of a photo and the coffee crop pair (against PIL, Fixtures/images.json).
final class PhotoSetTests: XCTestCase {
    func testPhotoViewsAreDeterministicForASeed() {
        var rng = SplitMix64(seed: 9)
        let photo = Photo(name: "noise", image: DecodedImage(width: 41, height: 30, channels: 3,
                                                             pixels: (0..<(41 * 30 * 3)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }))
        let a = PhotoSet.plannedViews(of: photo, count: 6, seed: 7), b = PhotoSet.plannedViews(of: photo, count: 6, seed: 7)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, PhotoSet.plannedViews(of: photo, count: 6, seed: 8))
        XCTAssertEqual(Array(a.prefix(2)), [PhotoView(x: 0, y: 0, width: 35, height: 26), PhotoView(x: 6, y: 4, width: 35, height: 26)])
        for v in a.dropFirst(2) {
            XCTAssertTrue(v.width >= 28 && v.width <= 37 && v.x >= 0 && v.x + v.width <= 41, "\(v)")
            XCTAssertTrue(v.height >= 21 && v.height <= 27 && v.y >= 0 && v.y + v.height <= 30, "\(v)")
        }
        let t1 = PhotoSet.views(of: photo, count: 4, size: 16, seed: 7), t2 = PhotoSet.views(of: photo, count: 4, size: 16, seed: 7)
        XCTAssertEqual(t1.map(\.shape), Array(repeating: [1, 3, 16, 16], count: 4))
        XCTAssertEqual(t1.map(\.scalars), t2.map(\.scalars))
        let ds = PhotoSet.dataset([photo, photo], viewsPerPhoto: 3, size: 16)
        XCTAssertEqual(ds.labels, [0, 0, 0, 1, 1, 1])
        XCTAssertEqual(ds.images.shape, [6, 3, 16, 16])
        XCTAssertEqual(ds.image(1).scalars, PhotoSet.cropPair(photo, size: 16).1.scalars)
    }

    /// Two 85% crops of coffee.png (600x400), at (0, 0) and offset by 15% = (90, 60), 510x340, to 224x224.
    func testCoffeeCropPair() throws {
        let path = try TestData.path("photos/coffee.png")
        let photo = Photo(name: "coffee.png", image: try ImageDecode.read(path))
        let (va, vb) = PhotoSet.cropPairViews(width: photo.image.width, height: photo.image.height)
        XCTAssertEqual(va, PhotoView(x: 0, y: 0, width: 510, height: 340))
        XCTAssertEqual(vb, PhotoView(x: 90, y: 60, width: 510, height: 340))
        let (a, b) = PhotoSet.cropPair(photo)
        XCTAssertEqual(a.shape, [1, 3, 224, 224])
        XCTAssertEqual(b.shape, [1, 3, 224, 224])
        XCTAssertTrue(a.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
        XCTAssertNotEqual(a.scalars, b.scalars)
        // Against PIL's crop + resize((224, 224)) (bicubic, 8-bit): within one gray level. Measured over the whole
        // pair: max 0.0080, mean 0.0023 in (x - 0.5) / 0.5 units (one level is 2/255 = 0.0078).
        let pil = ImagePreprocessingTests.fixtures["coffeePIL"] as! [String: [[Int]]]
        for (t, key) in [(a, "a"), (b, "b")] {
            for s in pil[key]! {
                for c in 0..<3 {
                    let want = Float(s[2 + c]) / 255 * 2 - 1, got = t[flat: (c * 224 + s[0]) * 224 + s[1]]
                    XCTAssertEqual(got, want, accuracy: 2.1 / 255, "\(key) \(s)")
                }
            }
        }
    }
}
