import XCTest
import IsthmusKernels

/// The input gradient of a one-channel convolution from a blocked output gradient equals its naive twin (Double
/// sums) and oneDNN's backward-data pass, for blocks 8 and 16, odd and even sizes, rectangular kernels and
/// asymmetric padding; a NaN reaches exactly the pixels whose taps read it.
final class ConvOneChannelTests: XCTestCase {
    /// mnist-cnn's conv1 first: 17 samples of 28x28 fill more than one of the kernel's ~2 MB chunks.
    static let shapes: [Conv2DShape] = [
        Conv2DShape(N: 17, C: 1, H: 28, W: 28, K: 32, R: 3, S: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
        Conv2DShape(N: 1, C: 1, H: 7, W: 13, K: 16, R: 3, S: 5, padTop: 0, padBottom: 2, padLeft: 1, padRight: 0),
        Conv2DShape(N: 3, C: 1, H: 9, W: 40, K: 48, R: 2, S: 2),
        Conv2DShape(N: 1, C: 1, H: 5, W: 6, K: 16, R: 1, S: 1, padTop: 2, padBottom: 0, padLeft: 0, padRight: 3),
        Conv2DShape(N: 65, C: 1, H: 4, W: 4, K: 16, R: 3, S: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1),
    ]

    func testEqualsNaiveTwin() {
        for block in [8, 16] {
            for s in Self.shapes where conv2dBackwardDataOneChannelApplies(s, block: block) {
                var rng = TestRNG(UInt64(s.H * 100 + s.W + s.K))
                let dOut = rng.array(s.outputCount), w = rng.array(s.weightCount)
                var dx = [Float](repeating: .nan, count: s.inputCount), naive = dx
                conv2dBackwardDataOneChannel(dX: &dx, dOut: dOut, w: w, s, block: block)
                conv2dBackwardDataOneChannelNaive(dX: &naive, dOut: dOut, w: w, s, block: block)
                // float32 sums of K * R * S products of magnitude <= 1.
                assertClose(dx, naive, rtol: 1e-5, "block \(block), \(s)")
            }
        }
    }

    func testEqualsOneDNNBackwardData() throws {
        var compared = 0
        for s in Self.shapes {
            guard let block = BlockedConv.blockSize(s, weightGradient: false),
                  conv2dBackwardDataOneChannelApplies(s, block: block) else { continue }
            var rng = TestRNG(UInt64(s.K + 7))
            let dOut = rng.array(s.outputCount), w = rng.array(s.weightCount)
            var ours = [Float](repeating: .nan, count: s.inputCount), theirs = ours
            conv2dBackwardDataOneChannel(dX: &ours, dOut: dOut, w: w, s, block: block)
            XCTAssertTrue(BlockedConv.backwardData(dX: &theirs, dOut: dOut, w: w, s), "\(s)")
            assertClose(ours, theirs, rtol: 1e-5, "block \(block), \(s)")
            compared += 1
        }
        if compared == 0 { throw XCTSkip("oneDNN keeps no blocked layout on this CPU (\(KernelSettings.summary))") }
    }

    func testNaNReachesThePixelsThatReadIt() {
        let s = Self.shapes[0], block = 8
        var dOut = [Float](repeating: 0.5, count: s.outputCount)
        let w = [Float](repeating: 1, count: s.weightCount)
        // Channel 3 at output pixel (p, q) = (10, 20), in nChw8c: block 0, lane 3.
        dOut[((0 * s.P + 10) * s.Q + 20) * block + 3] = .nan
        var dx = [Float](repeating: 0, count: s.inputCount)
        conv2dBackwardDataOneChannel(dX: &dx, dOut: dOut, w: w, s, block: block)
        for h in 0..<s.H {
            for x in 0..<s.W {
                // dX[h, x] reads output rows h + 1 - r and columns x + 1 - t, r, t in 0...2.
                let reads = abs(h - 10) <= 1 && abs(x - 20) <= 1
                XCTAssertEqual(dx[h * s.W + x].isNaN, reads, "pixel (\(h), \(x))")
            }
        }
        XCTAssertFalse(dx[s.H * s.W..<s.inputCount].contains { $0.isNaN }, "the other samples are untouched")
    }

    func testAppliesOnlyToOneChannelStrideOne() {
        let s = Self.shapes[0]
        XCTAssertTrue(conv2dBackwardDataOneChannelApplies(s, block: 16))
        var twoChannels = s; twoChannels.C = 2
        var strided = s; strided.strideH = 2
        var narrow = s; narrow.K = 12
        XCTAssertFalse(conv2dBackwardDataOneChannelApplies(twoChannels, block: 16))
        XCTAssertFalse(conv2dBackwardDataOneChannelApplies(strided, block: 16))
        XCTAssertFalse(conv2dBackwardDataOneChannelApplies(narrow, block: 8))
        XCTAssertFalse(conv2dBackwardDataOneChannelApplies(s, block: 4))
    }
}
