import XCTest
import IsthmusCore
import IsthmusNN
import IsthmusLandscape

/// The adaptive sweep (beyond the paper) must give the dense grid's answer.
final class AdaptiveInterpolationTests: XCTestCase {
    func testAdaptiveSweepFindsTheDenseBarrier() {
        var matched = 0
        for seed in 0..<8 {
            var rng = SplitMix64(seed: 100 + UInt64(seed))
            let model = MLP(inputs: 16, hidden: [32, 32], classes: 3, using: &rng)
            let a = Tensor.normal([1, 1, 4, 4], std: 2, using: &rng), c = Tensor.normal([1, 1, 4, 4], std: 2, using: &rng)
            let dense = Interpolation.run(Interpolation.Config(steps: 500, classIndex: seed % 3), model: model, from: a, to: c)
            let fast = AdaptiveInterpolation.run(AdaptiveInterpolation.Config(steps: 500, classIndex: seed % 3, coarse: 40),
                                                 model: model, from: a, to: c)
            XCTAssertLessThan(fast.evaluations, 500)
            XCTAssertEqual(fast.indices.first, 0); XCTAssertEqual(fast.indices.last, 499)
            // Every evaluated point carries the dense grid's value.
            for (i, l) in zip(fast.indices, fast.losses) { XCTAssertEqual(l, dense.losses[i], accuracy: 1e-5) }
            if abs(fast.barrier.max - dense.barrier.max) <= 1e-6 && abs(fast.barrier.alpha - dense.barrier.alpha) <= 1e-9 { matched += 1 }
        }
        XCTAssertEqual(matched, 8, "the adaptive sweep must find the dense barrier on these smooth curves")
    }
}
