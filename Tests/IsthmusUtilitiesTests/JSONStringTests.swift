import XCTest
import Foundation
import IsthmusUtilities

final class JSONStringTests: XCTestCase {
    func testEscapes() {
        XCTAssertEqual(JSONString.quote(""), "\"\"")
        XCTAssertEqual(JSONString.quote("a\"b\\c"), #""a\"b\\c""#)
        XCTAssertEqual(JSONString.quote("\n\r\t"), #""\n\r\t""#)
        XCTAssertEqual(JSONString.quote("\u{0}\u{1}\u{1f}"), #""\u0000\u0001\u001f""#)
        XCTAssertEqual(JSONString.quote("\u{7f} é 猫 🐈"), "\"\u{7f} é 猫 🐈\"")
    }

    /// Every scalar, quoted, decodes back to itself with Foundation's JSON parser.
    func testRoundTripsThroughFoundation() throws {
        let s = String(String.UnicodeScalarView((0..<0x80).compactMap(Unicode.Scalar.init))) + "é猫🐈/"
        let data = Data(("[" + JSONString.quote(s) + "]").utf8)
        let back = try JSONSerialization.jsonObject(with: data) as? [String]
        XCTAssertEqual(back, [s])
    }
}
