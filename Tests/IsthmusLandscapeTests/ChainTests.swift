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

/// Many pairs' chains with their bends optimized together equal the chains run one by one.
final class ChainBatchTests: XCTestCase {
    /// Two rounds (1 + 2 bends per pair) of four pairs through 3 slots: bends of different pairs and rounds share
    /// the batch, pairs finish out of order. Tolerance: see BypassBatchTests.tolerance.
    func testRunManyEqualsRunPerPair() throws {
        let model = BypassBatchTests.cnn()
        var c = Chain.Config()
        c.primarySteps = 21; c.pointsPerSegment = 11; c.rounds = 2; c.bypass.iterations = 12
        let pairs: [(Tensor, Tensor, Int)] = (0..<4).map { (k: Int) -> (Tensor, Tensor, Int) in
            (BypassBatchTests.input(UInt64(300 + k)), BypassBatchTests.input(UInt64(400 + k)), (7 * k) % 10)
        }
        func config(_ k: Int) -> Chain.Config { var x = c; x.classIndex = pairs[k].2; return x }
        let seq = try pairs.indices.map { try Chain.run(config($0), model: model, from: pairs[$0].0, to: pairs[$0].1).0 }
        var got = [Chain.Result?](repeating: nil, count: pairs.count), order: [Int] = []
        try Chain.runMany(count: pairs.count, batch: 3, model: model, bypass: c.bypass, start: { k in
            Chain.Progress(config(k), model: model, from: pairs[k].0, to: pairs[k].1)
        }, finished: { k, chain in
            XCTAssertNil(got[k]); got[k] = chain.result().0; order.append(k)
        })
        XCTAssertEqual(Set(order), Set(pairs.indices))
        for (s, b) in zip(seq, got.compactMap { $0 }) {
            XCTAssertEqual(b.rounds.map(\.bendsAdded), [1, 2])
            XCTAssertEqual(b.bendIterations, s.bendIterations)
            XCTAssertEqual(b.gradientEvaluations, s.gradientEvaluations)
            XCTAssertEqual(b.forwardEvaluations, s.forwardEvaluations)
            XCTAssertEqual(b.primaryLosses, s.primaryLosses, "the primary segment involves no bend")
            XCTAssertEqual(b.pathLosses.count, s.pathLosses.count)
            for (x, y) in zip(b.pathLosses, s.pathLosses) { XCTAssertEqual(x, y, accuracy: BypassBatchTests.tolerance) }
            XCTAssertEqual(b.finalMax, s.finalMax, accuracy: Double(BypassBatchTests.tolerance))
            XCTAssertEqual(b.deviation!.deviationRatio, s.deviation!.deviationRatio, accuracy: 1e-5)
        }
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
