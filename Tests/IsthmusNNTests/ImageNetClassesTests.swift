import Foundation
import XCTest
import IsthmusTestSupport
@testable import IsthmusCore
@testable import IsthmusFormats
@testable import IsthmusNN

/// ImageNet class names and synsets in torchvision's index order.
final class ImageNetClassesTests: XCTestCase {
    func testImageNetClassNames() {
        XCTAssertEqual(ImageNetClasses.names.count, 1000)
        XCTAssertEqual(ImageNetClasses.names[0], "tench")
        XCTAssertEqual(ImageNetClasses.names[281], "tabby")
        XCTAssertEqual(ImageNetClasses.names[285], "Egyptian cat")
        XCTAssertEqual(ImageNetClasses.names[665], "moped")
        XCTAssertEqual(ImageNetClasses.names[967], "espresso")
        XCTAssertEqual(ImageNetClasses.names[999], "toilet tissue")
        XCTAssertEqual(ImageNetClasses.name(1000), "class 1000")
    }

    /// Synset ids in torchvision's index order: sorted, unique, and the well-known anchors.
    func testImageNetSynsets() {
        let s = ImageNetClasses.synsets
        XCTAssertEqual(s.count, 1000)
        XCTAssertEqual(s, s.sorted())
        XCTAssertEqual(Set(s).count, 1000)
        XCTAssertTrue(s.allSatisfy { $0.count == 9 && $0.hasPrefix("n") && Int($0.dropFirst()) != nil })
        XCTAssertEqual(s[0], "n01440764")                            // tench
        XCTAssertEqual(ImageNetClasses.indexOfSynset["n02123045"], 281)  // tabby
        XCTAssertEqual(ImageNetClasses.indexOfSynset["n07920052"], 967)  // espresso
        XCTAssertEqual(s[999], "n15075141")                          // toilet tissue
        XCTAssertNil(ImageNetClasses.indexOfSynset["n99999999"])
    }
}
