import XCTest
import IsthmusCore
import IsthmusNN
import IsthmusReport
@testable import IsthmusLandscape

/// The untrained experiment over input sizes and seeds (beyond the paper): units, one measured row, the summary.
final class DimensionSweepTests: XCTestCase {
    /// A small untrained MLP on 3-channel inputs; a few FVO and bend steps (the numbers are not the point).
    func config() -> DimensionSweep.Config {
        var c = DimensionSweep.Config()
        c.sizes = [4, 6]; c.seeds = [0, 3]
        c.base.model = ModelOptions(name: "mlp", classes: 3, hidden: [16], inputChannels: 3)
        c.base.classIndex = 2; c.base.fvoIterations = 20; c.base.steps = 9; c.base.rounds = 2
        c.base.bypass.iterations = 10
        return c
    }

    func testUnitsAreSizeMajor() {
        let u = DimensionSweep.units(config())
        XCTAssertEqual(u.map(\.size), [4, 4, 6, 6])
        XCTAssertEqual(u.map(\.seed), [0, 3, 0, 3])
    }

    /// A row is the untrained experiment at that input size and seed, with the input dimension C * S * S.
    func testMeasureIsTheUntrainedRunAtThatSizeAndSeed() throws {
        let c = config()
        let row = try DimensionSweep.measure(c, size: 6, seed: 3)
        var u = c.base
        u.model.inputSize = 6; u.seed = 3
        let (r, a, _, _) = try UntrainedConnectivity.run(u)
        XCTAssertEqual(row.size, 6); XCTAssertEqual(row.seed, 3)
        XCTAssertEqual(row.dimension, a.count, "3 x 6 x 6 inputs")
        XCTAssertEqual(row.dimension, 108)
        XCTAssertEqual(row.primaryMax, r.primaryMax)
        XCTAssertEqual(row.primaryGap, r.chain.primaryGap)
        XCTAssertEqual(row.roundMax, r.roundMax)
        XCTAssertEqual(row.roundMax.count, 2)
        XCTAssertEqual(row.roundsNeeded, r.roundsNeeded)
        XCTAssertEqual(row.finalGap, r.chain.finalGap)
        XCTAssertNotEqual(try DimensionSweep.measure(c, size: 6, seed: 0).primaryMax, row.primaryMax, "seeds differ")
    }

    /// A round's bends optimized together (`batch`) give the row of the bend-by-bend run up to float32 rounding.
    func testBatchedBendsEqualSequential() throws {
        var c = config()
        c.base.rounds = 3; c.base.bypass.lr = 0.005
        let seq = try DimensionSweep.measure(c, size: 6, seed: 3, batch: 1)
        let bat = try DimensionSweep.measure(c, size: 6, seed: 3, batch: 4)
        XCTAssertEqual(bat.primaryMax, seq.primaryMax, "no bend before the primary segment")
        XCTAssertEqual(bat.roundMax.count, 3)
        for (x, y) in zip(bat.roundMax, seq.roundMax) { XCTAssertEqual(x, y, accuracy: 1e-5) }
        XCTAssertEqual(bat.roundsNeeded, seq.roundsNeeded)
        XCTAssertEqual(bat.finalGap, seq.finalGap, accuracy: 1e-5)
    }

    /// Per size, sorted: the gaps of every run; rounds needed over the connected runs only, the others counted.
    func testSummaryPerSize() {
        func row(_ size: Int, _ seed: UInt64, gap: Double, rounds: Int?) -> DimensionSweep.Row {
            DimensionSweep.Row(size: size, dimension: 3 * size * size, seed: seed, primaryMax: gap + 1, primaryGap: gap,
                               roundMax: [1], roundsNeeded: rounds, finalGap: gap / 10, seconds: 0)
        }
        let rows = [row(8, 0, gap: 3, rounds: nil), row(4, 0, gap: 1, rounds: 2), row(4, 1, gap: 2, rounds: nil),
                    row(8, 1, gap: 5, rounds: 1), row(4, 2, gap: 6, rounds: 0)]
        let s = DimensionSweep.summarize(rows)
        XCTAssertEqual(s.map(\.size), [4, 8])
        XCTAssertEqual(s.map(\.dimension), [48, 192])
        XCTAssertEqual(s[0].primaryGap.count, 3); XCTAssertEqual(s[0].primaryGap.median, 2); XCTAssertEqual(s[0].primaryGap.mean, 3)
        XCTAssertEqual(s[0].roundsNeeded.count, 2); XCTAssertEqual(s[0].roundsNeeded.mean, 1)
        XCTAssertEqual(s[0].notConnected, 1)
        XCTAssertEqual(s[1].roundsNeeded.count, 1); XCTAssertEqual(s[1].roundsNeeded.median, 1)
        XCTAssertEqual(s[1].notConnected, 1)
        XCTAssertEqual(s[1].finalGap.max, 0.5, accuracy: 1e-12)
        XCTAssertEqual(DimensionSweep.summarize([]).count, 0)
    }
}
