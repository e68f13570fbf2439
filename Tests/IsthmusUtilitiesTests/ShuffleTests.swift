import XCTest
import IsthmusUtilities

final class ShuffleTests: XCTestCase {
    /// The permutation of 0..<10 for seed 42, from an independent Python implementation of the historical
    /// loop (`for i in 9...1: j = next() % (i+1); swap`).
    func testMatchesTheHistoricalSequence() {
        var rng = SplitMix64(seed: 42)
        XCTAssertEqual(Array(0..<10).fisherYatesShuffled(using: &rng), [0, 9, 5, 8, 6, 4, 7, 2, 1, 3])
    }

    func testIsAPermutationAndConsumesOneDrawPerSwap() {
        for n in [0, 1, 2, 7, 100] {
            var rng = SplitMix64(seed: UInt64(n))
            var v = Array(0..<n)
            v.fisherYatesShuffle(using: &rng)
            XCTAssertEqual(v.sorted(), Array(0..<n))
            var ref = SplitMix64(seed: UInt64(n))
            for _ in 0..<max(n - 1, 0) { _ = ref.next() }
            XCTAssertEqual(rng.state, ref.state, "n = \(n)")
        }
        var rng = SplitMix64(seed: 3)
        let big = Array(0..<1000).fisherYatesShuffled(using: &rng)
        XCTAssertNotEqual(big, Array(0..<1000))
        XCTAssertEqual(Set(big).count, 1000)
    }
}
