import XCTest
import IsthmusCore
import IsthmusNN
import IsthmusLandscape

/// Every path method through one entry point, on a model or on a potential.
final class PathsTests: XCTestCase {
    let a = Tensor(shape: [1, 2, 1, 1], scalars: [-1, 0])
    let c = Tensor(shape: [1, 2, 1, 1], scalars: [1, 0])

    func testEveryMethodLowersTheSyntheticBarrier() throws {
        let model = TwoDimensionalBarrier()
        let straight = Interpolation.run(Interpolation.Config(steps: 101, classIndex: 0), model: model, from: a, to: c)
        var cfg = PathConfig()
        cfg.chain.primarySteps = 101; cfg.chain.pointsPerSegment = 51
        cfg.chain.bypass.iterations = 300; cfg.chain.bypass.lr = 0.05; cfg.chain.bypass.mseWeight = 0; cfg.chain.bypass.tvWeight = 0
        cfg.curve.iterations = 300; cfg.curve.lr = 0.05
        cfg.neb.stepsPerCycle = 100; cfg.neb.lr = 0.05; cfg.neb.cycles = 3
        for method in PathMethod.allCases {
            let out = try Paths.connect(method, cfg, model: model, from: a, to: c)
            let r = out.result
            XCTAssertEqual(r.method, method)
            XCTAssertLessThan(r.max, straight.barrier.max - 0.5, "\(method) must lower the barrier")
            XCTAssertEqual(r.lossA, straight.endpoints.lossA, accuracy: 1e-5)
            XCTAssertEqual(r.lossC, straight.endpoints.lossC, accuracy: 1e-5)
            XCTAssertEqual(r.positions.first, 0); XCTAssertEqual(r.positions.last, 1)
            XCTAssertEqual(r.positions, r.positions.sorted())
            XCTAssertEqual(r.connected.keys.sorted(), ["0.01", "0.05", "0.1", "0.5"])
            XCTAssertGreaterThan(r.pathLengthRatio, 1)
            XCTAssertGreaterThan(r.maxDistanceFromSegment, 0.05)
            XCTAssertGreaterThan(r.gradientEvaluations, 0)
            XCTAssertEqual(r.evaluations, Double(r.gradientEvaluations) + Double(r.forwardEvaluations) / 3, accuracy: 1e-9)
            XCTAssertEqual(out.vertices.first!.scalars, a.scalars)
            XCTAssertEqual(out.vertices.last!.scalars, c.scalars)
            if method == .polychain || method == .bezier {
                XCTAssertEqual(r.gradientEvaluations, cfg.curve.iterations * cfg.curve.tBatch)
                XCTAssertEqual(r.forwardEvaluations, r.positions.count)
            }
        }
    }

    /// Bypass and chain run on any loss, a potential included: both lower the double well's straight barrier
    /// (1.5 at x = 0) towards its saddle (1).
    func testBypassAndChainRunOnAPotential() throws {
        var cfg = PathConfig()
        cfg.chain.primarySteps = 101; cfg.chain.pointsPerSegment = 51
        cfg.chain.bypass.iterations = 200; cfg.chain.bypass.lr = 0.02; cfg.chain.bypass.mseWeight = 0; cfg.chain.bypass.tvWeight = 0
        for method in [PathMethod.bypass, .chain] {
            let r = try Paths.connect(method, cfg, loss: DoubleWell.loss, from: a, to: c).result
            XCTAssertEqual(r.lossA, 0); XCTAssertEqual(r.lossC, 0)
            XCTAssertLessThan(r.max, 1.3, "\(method)")
            XCTAssertGreaterThanOrEqual(r.max, 0.95, "\(method): a path between the minima crosses the saddle (1)")
        }
    }
}
