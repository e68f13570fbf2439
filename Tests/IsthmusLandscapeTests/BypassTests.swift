import XCTest
import IsthmusCore
import IsthmusNN
@testable import IsthmusLandscape

final class BypassTests: XCTestCase {
    /// The paper's free-bend stop: compute CE and its gradient, take the Adam step, then stop if that CE was below
    /// the threshold; the stepped point is returned.
    func testFreeBendStopsAfterTheStepAndReturnsTheSteppedPoint() throws {
        let model = MLPProbe.make()
        let p = randomInput(seed: 1), q = randomInput(seed: 2)
        let b = Interpolation.points(from: p, to: q, alphas: [0.5])
        let loss = ClassLoss(model: model, classIndex: 1)
        var cfg = Bypass.Config.untrained
        cfg.iterations = 2000
        let full = try Bypass.optimize(loss, from: p, to: q, start: b, { var c = cfg; c.stopLoss = nil; c.iterations = 300; return c }())
        // A threshold the run crosses within its first 300 steps.
        cfg.stopLoss = (Double(full.trace[0]) + Double(full.trace.min()!)) / 2
        let out = try Bypass.optimize(loss, from: p, to: q, start: b, cfg)
        let n = out.iterations
        XCTAssertEqual(out.trace.count, n, "one CE per step taken")
        XCTAssertLessThan(Double(out.trace[n - 1]), cfg.stopLoss!)
        XCTAssert(out.trace[..<(n - 1)].allSatisfy { Double($0) >= cfg.stopLoss! })
        // The returned point is the iterate after n steps.
        var fixed = cfg; fixed.stopLoss = nil; fixed.iterations = n
        XCTAssertEqual(try Bypass.optimize(loss, from: p, to: q, start: b, fixed).bend.scalars, out.bend.scalars)
    }

    /// `optimize` is its `Stepper` in a loop: n steps by hand give the same trace and bend, in every mode, and
    /// the stepper's own iterate stays on the hyperplane in exact mode.
    func testStepperIsOneIterationOfOptimize() throws {
        let model = MLPProbe.make()
        let p = randomInput(seed: 3), q = randomInput(seed: 4)
        let b = Interpolation.points(from: p, to: q, alphas: [0.5])
        let loss = ClassLoss(model: model, classIndex: 2)
        for mode in Bypass.Mode.allCases {
            var cfg = mode == .free ? Bypass.Config.untrained : Bypass.Config()
            cfg.mode = mode; cfg.iterations = 25; cfg.stopLoss = nil
            let out = try Bypass.optimize(loss, from: p, to: q, start: b, cfg)
            let stepper = Bypass.Stepper(loss, from: p, to: q, start: b, cfg)
            var trace: [Float] = []
            for k in 1...25 { trace.append(try stepper.step(k)) }
            XCTAssertEqual(trace, out.trace, "\(mode)")
            XCTAssertEqual(stepper.x.scalars, out.bend.scalars, "\(mode)")
            XCTAssertNotEqual(stepper.x.scalars, b.scalars, "\(mode): the bend moved")
            if mode == .exact {
                let v = (q - p).scalars, d = zip(stepper.x.scalars, b.scalars).map { $0 - $1 }
                let dot = zip(d, v).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                let norms = (d.reduce(0.0) { $0 + Double($1 * $1) } * v.reduce(0.0) { $0 + Double($1 * $1) }).squareRoot()
                XCTAssertLessThan(abs(dot) / norms, 1e-4, "exact mode leaves the hyperplane")
            }
        }
    }

    func testExactModeStaysOnTheHyperplane() throws {
        let model = MLPProbe.make()
        let p = randomInput(seed: 1), q = randomInput(seed: 2)
        let b = Interpolation.points(from: p, to: q, alphas: [0.4])
        var cfg = Bypass.Config()
        cfg.mode = .exact; cfg.iterations = 50; cfg.lr = 0.05
        let out = try Bypass.optimize(ClassLoss(model: model, classIndex: 1), from: p, to: q, start: b, cfg)
        var dot = 0.0, vv = 0.0
        for i in 0..<p.count {
            let v = Double(q[flat: i] - p[flat: i])
            dot += Double(out.bend[flat: i] - b[flat: i]) * v; vv += v * v
        }
        XCTAssertLessThan(abs(dot) / vv.squareRoot(), 1e-5)
        XCTAssertLessThan(out.trace.last!, out.trace.first!)
        XCTAssertEqual(Deviation(a: p, c: q, b: b, bend: out.bend, normalization: nil).hyperplaneFraction, 0, accuracy: 1e-4)
    }

    func testCertifiedEarlyStopEndsWithAConnectedPath() throws {
        let model = TwoDimensionalBarrier()
        let a = Tensor(shape: [1, 2, 1, 1], scalars: [-1, 0]), c = Tensor(shape: [1, 2, 1, 1], scalars: [1, 0])
        let b = Tensor(shape: [1, 2, 1, 1], scalars: [0, 0])
        var cfg = Bypass.Config()
        cfg.iterations = 1000; cfg.lr = 0.05; cfg.mseWeight = 0; cfg.tvWeight = 0
        cfg.certifyEvery = 10; cfg.certifyPoints = 50; cfg.certifyTolerance = 0.05
        let loss = ClassLoss(model: model, classIndex: 0)
        let out = try Bypass.optimize(loss, from: a, to: c, start: b, cfg)
        XCTAssertLessThan(out.iterations, 1000, "stops once certified")
        let al = Interpolation.alphas(50)
        let path = concat([Interpolation.points(from: a, to: out.bend, alphas: al), Interpolation.points(from: out.bend, to: c, alphas: al)], axis: 0)
        let ends = loss.losses(concat([a, c], axis: 0)).max()!
        XCTAssertLessThanOrEqual(loss.losses(path).max()!, ends + 0.05 + 1e-6)
    }
}
