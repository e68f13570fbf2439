import XCTest
import IsthmusPercolation

final class IsthmusPercolationSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertEqual(IsthmusPercolationModule.name, "IsthmusPercolation") }
}
