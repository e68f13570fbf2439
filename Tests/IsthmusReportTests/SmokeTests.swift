import XCTest
import IsthmusReport

final class IsthmusReportSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertEqual(IsthmusReportModule.name, "IsthmusReport") }
}
