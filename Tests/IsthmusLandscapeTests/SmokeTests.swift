import XCTest
import IsthmusLandscape

final class IsthmusLandscapeSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertEqual(IsthmusLandscapeModule.name, "IsthmusLandscape") }
}
