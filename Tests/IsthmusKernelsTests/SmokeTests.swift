import XCTest
import IsthmusKernels

final class IsthmusKernelsSmokeTests: XCTestCase {
    func testModuleLinks() { XCTAssertEqual(IsthmusKernelsModule.name, "IsthmusKernels") }
}
