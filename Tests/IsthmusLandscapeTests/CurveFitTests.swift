import XCTest
import IsthmusCore
import IsthmusNN
import IsthmusLandscape

/// Fitting a curve's free controls by the expected loss along it (Garipov et al. 2018).
final class CurveFitTests: XCTestCase {
    let a = Tensor(shape: [1, 2, 1, 1], scalars: [-1, 0])
    let c = Tensor(shape: [1, 2, 1, 1], scalars: [1, 0])

    func config(_ basis: ControlPointPath.Basis) -> CurveFit.Config {
        var cfg = CurveFit.Config()
        cfg.basis = basis; cfg.iterations = 300; cfg.lr = 0.02; cfg.tBatch = 8; cfg.seed = 4
        return cfg
    }

    /// On the double well the fitted curve leaves the segment for the valley y = (1 - x^2)/2: its middle rises
    /// and its max drops from the straight 1.5 towards the saddle's 1.
    func testFitFollowsTheValleyOfTheDoubleWell() throws {
        for basis in ControlPointPath.Basis.allCases {
            let loss = DoubleWell.loss
            let out = try CurveFit.run(config(basis), loss: loss, from: a, to: c)
            XCTAssertEqual(out.trace.count, 300)
            XCTAssertEqual(loss.gradientEvaluations, 300 * 8, "tBatch points per step, one backward pass each")
            XCTAssertEqual(out.path.controls.count, 3)
            XCTAssertEqual(out.path.start.scalars, a.scalars); XCTAssertEqual(out.path.end.scalars, c.scalars)
            let ts = Interpolation.alphas(101), pts = out.path.points(ts)
            let v = (0..<101).map { DoubleWell.value(Double(pts[flat: 2 * $0]), Double(pts[flat: 2 * $0 + 1])) }
            XCTAssertLessThan(v.max()!, 1.3, "\(basis)")
            XCTAssertGreaterThan(Double(out.path.points([0.5])[flat: 1]), 0.2, "\(basis): the middle moves up the valley")
            let early = out.trace.prefix(30).reduce(0, +) / 30, late = out.trace.suffix(30).reduce(0, +) / 30
            XCTAssertLessThan(late, early, "\(basis): the expected loss goes down")
        }
    }

    func testSeededAndWithoutBendsTheSegment() throws {
        let cfg = config(.bezier)
        var short = cfg; short.iterations = 20
        let one = try CurveFit.run(short, loss: DoubleWell.loss, from: a, to: c)
        let two = try CurveFit.run(short, loss: DoubleWell.loss, from: a, to: c)
        XCTAssertEqual(one.path.controls[1].scalars, two.path.controls[1].scalars)
        short.seed = 5
        XCTAssertNotEqual(try CurveFit.run(short, loss: DoubleWell.loss, from: a, to: c).path.controls[1].scalars,
                          one.path.controls[1].scalars)
        var none = cfg; none.bends = 0
        let loss = DoubleWell.loss
        let seg = try CurveFit.run(none, loss: loss, from: a, to: c)
        XCTAssertEqual(seg.trace, [])
        XCTAssertEqual(loss.gradientEvaluations, 0)
        XCTAssertEqual(seg.path.points([0.25]).scalars, [-0.5, 0])
    }
}
