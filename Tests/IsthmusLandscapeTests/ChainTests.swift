import XCTest
import IsthmusCore
import IsthmusNN
@testable import IsthmusLandscape

/// Which segments a round bends (the paper: always) and what the statistics count.
final class ChainTests: XCTestCase {
    /// Both ends on the class-0 side of TwoDimensionalBarrier: the segment is monotone, nothing exceeds its ends.
    let a = Tensor(shape: [1, 2, 1, 1], scalars: [0.5, 0]), c = Tensor(shape: [1, 2, 1, 1], scalars: [1, 0])

    func config(_ bending: Chain.Bending) -> Chain.Config {
        var cfg = Chain.Config()
        cfg.primarySteps = 51; cfg.pointsPerSegment = 21; cfg.bending = bending
        cfg.bypass.iterations = 20; cfg.bypass.lr = 0.05
        return cfg
    }

    func testDefaultIsAlwaysBend() {
        XCTAssertEqual(Chain.Config().bending, .always)
    }

    func testAlwaysBendsAMonotoneSegmentConditionalDoesNot() throws {
        let model = TwoDimensionalBarrier()
        let (always, path) = try Chain.run(config(.always), model: model, from: a, to: c)
        XCTAssertEqual(always.primaryGap, 0, "the test segment must be monotone")
        XCTAssertEqual(always.bendIterations, [20])
        XCTAssertEqual(path.vertices.count, 3)
        XCTAssertNotNil(always.deviation)
        let (conditional, straight) = try Chain.run(config(.conditional), model: model, from: a, to: c)
        XCTAssertEqual(conditional.bendIterations, [])
        XCTAssertEqual(straight.vertices.count, 2)
        XCTAssertNil(conditional.deviation)
    }

    func testAlwaysBendsEverySegmentInRoundTwo() throws {
        var cfg = config(.always)
        cfg.rounds = 2
        let (r, path) = try Chain.run(cfg, model: TwoDimensionalBarrier(), from: a, to: c)
        XCTAssertEqual(r.rounds.map(\.bendsAdded), [1, 2])
        XCTAssertEqual(path.vertices.count, 5)
    }

    /// Deviation statistics use bent pairs only; the unbent count is reported beside them.
    func testSummaryCountsUnbentPairsAndLeavesThemOutOfTheDeviation() throws {
        let model = TwoDimensionalBarrier()
        let pair = Connectivity.Pair(classIndex: 0, indexA: 0, indexC: 1)
        let (bent, _) = try Chain.run(config(.always), model: model, from: a, to: c)
        let (unbent, _) = try Chain.run(config(.conditional), model: model, from: a, to: c)
        let rows = [Connectivity.Row(pair: 0, pair, bent), Connectivity.Row(pair: 1, pair, unbent), Connectivity.Row(pair: 2, pair, unbent)]
        XCTAssertEqual(rows.map(\.bent), [true, false, false])
        let s = Connectivity.summarize(rows, epsilons: [0.05])
        XCTAssertEqual(s.bentPairs, 1); XCTAssertEqual(s.unbentPairs, 2)
        XCTAssertGreaterThan(bent.deviation!.deviationRatio, 0)
        XCTAssertEqual(s.medianDeviationRatio, bent.deviation!.deviationRatio, accuracy: 1e-12)
        XCTAssertEqual(s.medianPixelDeviation, bent.deviation!.pixelDeviation, accuracy: 1e-12)
        XCTAssertEqual(s.deviationRatio.count, 1)
    }
}

/// "Rounds needed" against a tolerance on the scale of the endpoint losses.
final class RoundsNeededTests: XCTestCase {
    func testRelativeToTheEndpointLoss() {
        // Endpoints 5e-4 (FVO modes): an absolute 0.05 would count the primary 0.03 as connected.
        XCTAssertEqual(roundsNeeded(primaryMax: 0.03, roundMax: [0.002, 0.0009], endpoints: 5e-4, relativeTolerance: 1), 2)
        XCTAssertEqual(roundsNeeded(primaryMax: 0.0007, roundMax: [], endpoints: 5e-4, relativeTolerance: 1), 0)
        XCTAssertNil(roundsNeeded(primaryMax: 0.03, roundMax: [0.01], endpoints: 5e-4, relativeTolerance: 1))
    }
}
