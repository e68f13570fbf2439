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

    /// The inference max-pool on blocked activations equals the NCHW pool for GoogLeNet's windows (3/1/1 and 3/2
    /// and 2/2 in ceil mode, on odd and even sizes), with the AVX2 lanes and the portable ones, and its naive twin;
    /// a NaN makes it decline.
    func testBlockedMaxPoolEqualsNCHWPool() {
        let saved = KernelSettings.portable
        defer { KernelSettings.portable = saved }
        let windows: [(k: Int, stride: Int, pad: Int)] = [(3, 1, 1), (3, 2, 0), (2, 2, 0)]
        for portable in [false, true] {
            KernelSettings.portable = portable
            for block in [8, 16] {
                for (H, W) in [(7, 9), (8, 8), (5, 12)] {
                    for w in windows {
                        let s = Pool2DShape(N: 2, C: 2 * block, H: H, W: W, R: w.k, S: w.k, strideH: w.stride,
                                            strideW: w.stride, padH: w.pad, padW: w.pad, ceilMode: true)
                        check(s, block: block, "block \(block), \(H)x\(W), window \(w), portable \(portable)")
                    }
                }
            }
        }
    }

    func check(_ s: Pool2DShape, block: Int, _ message: String) {
        var rng = TestRNG(UInt64(s.H * 31 + s.W * 7 + s.R))
        let x = (0..<(s.N * s.C * s.H * s.W)).map { _ in Float(Int(rng.next() % 9)) - 4 }     // ties
        var blocked = [Float](repeating: 0, count: x.count)
        reorderBlocked(&blocked, x, N: s.N, C: s.C, HW: s.H * s.W, block: block, toBlocked: true)
        var expected = [Float](repeating: 0, count: s.outputCount)
        maxPool2dForward(out: &expected, x: x, s)
        var out = [Float](repeating: .nan, count: s.outputCount), naive = out
        XCTAssertTrue(maxPool2dBlocked(out: &out, x: blocked, s, block: block), message)
        maxPool2dBlockedNaive(out: &naive, x: blocked, s, block: block)
        XCTAssertEqual(out, naive, "\(message): naive twin")
        var unchecked = [Float](repeating: .nan, count: s.outputCount)
        XCTAssertTrue(maxPool2dBlocked(out: &unchecked, x: blocked, s, block: block, checkFinite: false), message)
        XCTAssertEqual(unchecked, out, "\(message): without the finiteness check")
        var plain = [Float](repeating: .nan, count: s.outputCount)
        reorderBlocked(&plain, out, N: s.N, C: s.C, HW: s.P * s.Q, block: block, toBlocked: false)
        XCTAssertEqual(plain, expected, message)
        blocked[block * 3 + 1] = .nan
        XCTAssertFalse(maxPool2dBlocked(out: &out, x: blocked, s, block: block), "\(message): a NaN declines")
        maxPool2dBlockedNaive(out: &naive, x: blocked, s, block: block)
        XCTAssertTrue(naive.contains { $0.isNaN }, "\(message): the naive twin propagates the NaN")
    }

    /// `reorderBlocked` (threaded, a channel block at a time) equals its naive twin both ways.
    func testReorderEqualsNaiveTwin() {
        var rng = TestRNG(4)
        for block in [8, 16] {
            let (N, C, HW) = (3, 4 * block, 37)
            let x = rng.array(N * C * HW)
            var fast = [Float](repeating: 0, count: x.count), naive = fast
            reorderBlocked(&fast, x, N: N, C: C, HW: HW, block: block, toBlocked: true)
            reorderBlockedNaive(&naive, x, N: N, C: C, HW: HW, block: block, toBlocked: true)
            XCTAssertEqual(fast, naive, "block \(block), to blocked")
            var back = fast, backNaive = fast
            reorderBlocked(&back, fast, N: N, C: C, HW: HW, block: block, toBlocked: false)
            reorderBlockedNaive(&backNaive, fast, N: N, C: C, HW: HW, block: block, toBlocked: false)
            XCTAssertEqual(back, backNaive, "block \(block), to NCHW")
            XCTAssertEqual(back, x, "block \(block): round trip")
        }
    }
}
