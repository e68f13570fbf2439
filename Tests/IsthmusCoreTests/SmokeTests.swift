import XCTest
import IsthmusCore

final class IsthmusCoreSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertEqual(IsthmusCoreModule.name, "IsthmusCore") }
}
