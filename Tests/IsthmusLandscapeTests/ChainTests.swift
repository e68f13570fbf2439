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
