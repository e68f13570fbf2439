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
}
