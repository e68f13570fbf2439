import XCTest
import IsthmusFormats

final class IsthmusFormatsSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertEqual(IsthmusFormatsModule.name, "IsthmusFormats") }
}
