import XCTest
import IsthmusCLI

final class IsthmusCLISmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertEqual(IsthmusCLIModule.name, "IsthmusCLI") }
}
