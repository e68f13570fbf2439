import XCTest
import IsthmusNN

final class IsthmusNNSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertEqual(IsthmusNNModule.name, "IsthmusNN") }
}
