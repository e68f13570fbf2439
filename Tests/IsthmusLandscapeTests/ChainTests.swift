import XCTest
import IsthmusCore
import IsthmusNN
@testable import IsthmusLandscape

/// Which segments a round bends (the paper: always), and what a chain finds on known problems.
final class ChainTests: XCTestCase {
    /// Both ends on the class-0 side of TwoDimensionalBarrier: the segment is monotone, nothing exceeds its ends.
    let a = Tensor(shape: [1, 2, 1, 1], scalars: [0.5, 0]), c = Tensor(shape: [1, 2, 1, 1], scalars: [1, 0])

    static func config(_ bending: Chain.Bending) -> Chain.Config {
        var cfg = Chain.Config()
        cfg.primarySteps = 51; cfg.pointsPerSegment = 21; cfg.bending = bending
        cfg.bypass.iterations = 20; cfg.bypass.lr = 0.05
        return cfg
    }

    /// Per-bend CE traces of the chain with its bends optimized one by one (the `Chain.run` procedure, batch 1).
    static func sequentialTraces(_ c: Chain.Config, model: Module, from a: Tensor, to z: Tensor) throws -> [[Float]] {
        let loss = ClassLoss(model: model, classIndex: c.classIndex)
        let chain = Chain.Progress(c, loss: loss, from: a, to: z)
        var traces: [[Float]] = []
        while !chain.isFinished {
            let outs = try chain.jobs.map { try Bypass.optimize(loss, from: $0.p, to: $0.q, start: $0.start, c.bypass) }
            traces += outs.map(\.trace)
            chain.complete(outs)
        }
        return traces
    }

    /// `batch` > 1 optimizes a round's bends together (Sec 4.3's free bends, 1 + 2 + 4 over three rounds, through 3
    /// slots so the fourth bend of round 3 joins when one leaves), with the loss stop crossed at different steps:
    /// equal to the chain run bend by bend up to float32 rounding (tolerance: see BypassBatchTests.tolerance).
    func testBatchedRoundsEqualTheSequentialChainWithEarlyStops() throws {
        let model = BypassBatchTests.cnn()
        let (a, z) = (BypassBatchTests.input(31), BypassBatchTests.input(32))
        var c = Chain.Config()
        c.classIndex = 3; c.primarySteps = 21; c.pointsPerSegment = 11; c.rounds = 3
        c.bypass = .untrained
        c.bypass.iterations = 16; c.bypass.lr = 0.005
        let free = try Self.sequentialTraces(c, model: model, from: a, to: z)
        let (t, distinct) = BypassBatchTests.splittingThreshold(free.flatMap { $0.map(Double.init) }) { t in
            free.map { tr in (tr.firstIndex { Double($0) < t } ?? c.bypass.iterations) + 1 }
        }
        XCTAssertGreaterThanOrEqual(distinct, 2, "the bends must stop at different steps")
        c.bypass.stopLoss = t
        // Stopped bends move later rounds' starts: no CE of the stopped run may be near the threshold either.
        let stopped = try Self.sequentialTraces(c, model: model, from: a, to: z).flatMap { $0 }
        XCTAssertGreaterThan(stopped.map { abs(Double($0) - t) }.min()!, BypassBatchTests.thresholdMargin / 2)
        let (seq, seqPath) = try Chain.run(c, model: model, from: a, to: z)
        let (bat, batPath) = try Chain.run(c, model: model, from: a, to: z, batch: 3)
        XCTAssertEqual(seq.rounds.map(\.bendsAdded), [1, 2, 4])
        XCTAssertGreaterThanOrEqual(Set(seq.bendIterations).count, 2, "stops at different steps")
        XCTAssertTrue(seq.bendIterations.contains { $0 < c.bypass.iterations }, "some bend stops early")
        ChainBatchTests.assertEqual(bat, seq)
        for (x, y) in zip(bat.roundMax, seq.roundMax) { XCTAssertEqual(x, y, accuracy: Double(BypassBatchTests.tolerance)) }
        XCTAssertEqual(batPath.vertices.count, seqPath.vertices.count)
        for (u, v) in zip(batPath.vertices, seqPath.vertices) {
            XCTAssertLessThanOrEqual(zip(u.scalars, v.scalars).map { abs($0 - $1) }.max()!, BypassBatchTests.tolerance)
        }
        // Batch 1 is the sequential procedure, bit for bit.
        XCTAssertEqual(try Chain.run(c, model: model, from: a, to: z, batch: 1).0.pathLosses, seq.pathLosses)
    }

    func testDefaultIsAlwaysBend() {
        XCTAssertEqual(Chain.Config().bending, .always)
    }

    func testAlwaysBendsAMonotoneSegmentConditionalDoesNot() throws {
        let model = TwoDimensionalBarrier()
        let (always, path) = try Chain.run(Self.config(.always), model: model, from: a, to: c)
        XCTAssertEqual(always.primaryGap, 0, "the test segment must be monotone")
        XCTAssertEqual(always.bendIterations, [20])
        XCTAssertEqual(path.vertices.count, 3)
        XCTAssertNotNil(always.deviation)
        let (conditional, straight) = try Chain.run(Self.config(.conditional), model: model, from: a, to: c)
        XCTAssertEqual(conditional.bendIterations, [])
        XCTAssertEqual(straight.vertices.count, 2)
        XCTAssertNil(conditional.deviation)
    }

    func testAlwaysBendsEverySegmentInRoundTwo() throws {
        var cfg = Self.config(.always)
        cfg.rounds = 2
        let (r, path) = try Chain.run(cfg, model: TwoDimensionalBarrier(), from: a, to: c)
        XCTAssertEqual(r.rounds.map(\.bendsAdded), [1, 2])
        XCTAssertEqual(path.vertices.count, 5)
    }

    func testBypassFindsALowerPath() throws {
        let a = Tensor(shape: [1, 2, 1, 1], scalars: [-1, 0]), c = Tensor(shape: [1, 2, 1, 1], scalars: [1, 0])
        var cfg = Chain.Config()
        cfg.primarySteps = 101; cfg.pointsPerSegment = 51
        cfg.bypass.iterations = 300; cfg.bypass.lr = 0.05; cfg.bypass.mseWeight = 0; cfg.bypass.tvWeight = 0
        let (r, path) = try Chain.run(cfg, model: TwoDimensionalBarrier(), from: a, to: c)
        XCTAssertLessThan(r.finalMax, r.primaryMax - 0.5, "the bypass must lower the barrier")
        XCTAssertEqual(path.vertices.count, 3)
        XCTAssertEqual(path.vertices.first!.scalars, a.scalars)
        XCTAssertEqual(path.vertices.last!.scalars, c.scalars)
        // The gradient is projected off v = (2, 0): the bend moves in y only (faithful mode, 2-D: exactly).
        XCTAssertEqual(path.firstBend![flat: 0], 0, accuracy: 1e-4)
        XCTAssertGreaterThan(abs(path.firstBend![flat: 1]), 0.1)
    }

    func testChainPolygonStartsAtAAndEndsAtC() throws {
        let model = MLPProbe.make()
        let p = randomInput(seed: 3), q = randomInput(seed: 4)
        var cfg = Chain.Config()
        cfg.classIndex = 0; cfg.primarySteps = 40; cfg.pointsPerSegment = 20; cfg.rounds = 2
        cfg.bypass = .untrained; cfg.bypass.iterations = 30
        let (r, path) = try Chain.run(cfg, model: model, from: p, to: q)
        XCTAssertEqual(path.vertices.first!.scalars, p.scalars)
        XCTAssertEqual(path.vertices.last!.scalars, q.scalars)
        XCTAssertEqual(r.pathLosses.first!, r.primaryLosses.first!, accuracy: 1e-5)
        XCTAssertEqual(r.pathLosses.last!, r.primaryLosses.last!, accuracy: 1e-5)
        XCTAssertEqual(r.pathPositions.first!, 0); XCTAssertEqual(r.pathPositions.last!, 1)
        XCTAssertEqual(r.roundMax.count, r.rounds.count)
    }
}
