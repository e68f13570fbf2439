import XCTest
import IsthmusUtilities

final class SplitMix64Tests: XCTestCase {
    /// Reference outputs of Vigna's splitmix64.c for seed 0, and for seed 1234567.
    func testKnownOutputs() {
        var a = SplitMix64(seed: 0)
        XCTAssertEqual([a.next(), a.next(), a.next()], [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
        var b = SplitMix64(seed: 1_234_567)
        XCTAssertEqual([b.next(), b.next()], [0x599E_D017_FB08_FC85, 0x2C73_F084_5854_0FA5])
    }

    func testStateAdvancesByTheGoldenGamma() {
        var r = SplitMix64(seed: 5)
        _ = r.next(); _ = r.next()
        XCTAssertEqual(r.state, 5 &+ 2 &* 0x9E37_79B9_7F4A_7C15)
    }
}
