import XCTest
import IsthmusCore
import IsthmusKernels
import IsthmusTestSupport

/// `BlockedActivation`'s ops (convolution, max-pool, channel slices, concatenation) equal the NCHW ops.
final class BlockedActivationTests: XCTestCase {
    func conv(_ k: Int, _ c: Int, _ r: Int, stride: Int = 1, seed: UInt64) -> ChainedConv {
        ChainedConv(randn([k, c, r, r], seed: seed, std: (2 / Float(c * r * r)).squareRoot()), randn([k], seed: seed + 9, std: 0.1),
                    stride: (stride, stride), padding: Padding2D(r / 2), activation: .relu)
    }

    func testOpsEqualNCHWOps() throws {
        let x = randn([2, 3, 15, 13], seed: 3)
        let first = conv(32, 3, 7, stride: 2, seed: 1), second = conv(16, 32, 3, seed: 2), third = conv(16, 32, 1, seed: 5)
        let block = try XCTUnwrap(BlockedActivation.block(for: first, input: x.shape, plainInput: true),
                                  "oneDNN keeps the first convolution's output blocked (\(KernelSettings.summary))")
        XCTAssertTrue([8, 16].contains(block))
        let h = try XCTUnwrap(BlockedActivation.conv(plain: x, first, block: block))
        let h0 = withoutGradients { first.apply(x) }
        XCTAssertEqual(h.shape, h0.shape)
        assertClose(h.plain(), h0, rtol: 1e-5, "conv from NCHW")
        let round = try XCTUnwrap(BlockedActivation(h0, block: block))
        XCTAssertEqual(round.plain().scalars, h0.scalars, "reorder there and back")

        let y = try XCTUnwrap(h.conv(second))
        assertClose(y.plain(), withoutGradients { second.apply(h0) }, rtol: 1e-5, "conv blocked to blocked")
        let p = try XCTUnwrap(h.maxPool(kernel: (3, 3), stride: (1, 1), padding: (1, 1), ceilMode: true))
        XCTAssertEqual(p.plain().scalars,
                       withoutGradients { maxPool2d(h0, kernel: (3, 3), stride: (1, 1), padding: (1, 1), ceilMode: true) }.scalars,
                       "max-pool")
        let z = try XCTUnwrap(p.conv(third))
        let slice = try XCTUnwrap(h.channels(block, 16))
        XCTAssertEqual(slice.plain().scalars, h0.narrowed(axis: 1, start: block, length: 16).scalars, "channel slice")
        XCTAssertNil(h.channels(1, block), "a slice off the block declines")
        let joined = try XCTUnwrap(BlockedActivation.concat([y, slice, z]))
        XCTAssertEqual(joined.plain().scalars, withoutGradients { concat([y.plain(), slice.plain(), z.plain()], axis: 1) }.scalars,
                       "concatenation")

        let bad = h0.copy()
        bad.mutableData[5] = .nan
        let b = try XCTUnwrap(BlockedActivation(bad, block: block))
        XCTAssertNil(b.conv(second), "a NaN input declines the post-op convolution")
        XCTAssertNil(b.maxPool(kernel: (3, 3), stride: (2, 2), ceilMode: true), "and the max-pool")
    }
}
