import XCTest
import IsthmusKernels

/// The 2x2 max-pool reading a blocked activation (nChw16c and nChw8c, whichever this CPU's oneDNN uses) equals the
/// NCHW kernel on the same values, with the AVX2 lanes and with the portable ones.
final class BlockedPoolTests: XCTestCase {
    func testBlockedPoolEqualsNCHWPool() {
        let saved = KernelSettings.portable
        defer { KernelSettings.portable = saved }
        for portable in [false, true] {
            KernelSettings.portable = portable
            for block in [8, 16] { check(block: block, "block \(block), portable \(portable)") }
        }
    }

    func check(block: Int, _ message: String) {
        let (N, C, H, W) = (2, 32, 6, 10)
        var rng = TestRNG(9)
        let x = (0..<(N * C * H * W)).map { _ in Float(Int(rng.next() % 7)) - 3 }      // ties and values <= 0
        var blocked = [Float](repeating: 0, count: x.count)
        reorderBlocked(&blocked, x, N: N, C: C, HW: H * W, block: block, toBlocked: true)
        XCTAssertEqual(blocked[1], x[H * W], "\(message): channel 1 of pixel 0 sits in lane 1")
        XCTAssertEqual(blocked[block], x[1], "\(message): pixel 1 of channel 0 follows the first block")
        var back = [Float](repeating: 0, count: x.count)
        reorderBlocked(&back, blocked, N: N, C: C, HW: H * W, block: block, toBlocked: false)
        XCTAssertEqual(back, x, message)
        let s = Pool2DShape(N: N, C: C, H: H, W: W, R: 2, S: 2, strideH: 2, strideW: 2)
        var expected = [Float](repeating: 0, count: s.outputCount), expectedArg = [Int32](repeating: 0, count: s.outputCount)
        maxPool2dForward(out: &expected, argmax: &expectedArg, x: x, s, relu: true)
        var out = [Float](repeating: 9, count: s.outputCount), arg = [Int32](repeating: -1, count: s.outputCount)
        XCTAssertTrue(reluMaxPool2x2Blocked(out: &out, argmax: &arg, y: blocked, N: N, C: C, H: H, W: W, block: block))
        XCTAssertEqual(out, expected, message)
        for o in 0..<s.outputCount where expected[o] > 0 { XCTAssertEqual(arg[o], expectedArg[o], message) }
        let g = (0..<s.outputCount).map { Float($0 % 11) - 5 }
        var dx = [Float](repeating: 0, count: x.count)
        maxPool2dBackward(dX: &dx, dOut: g, argmax: arg, s, reluOut: out)
        var dyBlocked = [Float](repeating: .nan, count: x.count), dy = [Float](repeating: 0, count: x.count)
        reluMaxPool2x2BlockedBackward(dY: &dyBlocked, dOut: g, argmax: arg, out: out, N: N, C: C, H: H, W: W,
                                      block: block)
        reorderBlocked(&dy, dyBlocked, N: N, C: C, HW: H * W, block: block, toBlocked: false)
        XCTAssertEqual(dy, dx, message)
        blocked[37] = .nan
        XCTAssertFalse(reluMaxPool2x2Blocked(out: &out, argmax: &arg, y: blocked, N: N, C: C, H: H, W: W, block: block),
                       message)
    }
}
