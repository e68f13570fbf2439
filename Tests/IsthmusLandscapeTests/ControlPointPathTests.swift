import XCTest
import IsthmusCore
import IsthmusNN
import IsthmusLandscape

/// Polychain and Bezier curves through control points.
final class ControlPointPathTests: XCTestCase {
    let a = Tensor(shape: [1, 2, 1, 1], scalars: [-1, 0])
    let c = Tensor(shape: [1, 2, 1, 1], scalars: [1, 0])

    func testBezierPassesThroughEndpointsAndDerivativeMatchesFiniteDifferences() {
        var rng = SplitMix64(seed: 5)
        let controls = (0..<4).map { _ in Tensor.normal([1, 1, 4, 4], using: &rng) }
        let path = ControlPointPath(basis: .bezier, controls: controls)
        let ends = path.points([0, 1])
        XCTAssertEqual(Array(ends.scalars.prefix(16)), controls[0].scalars)
        XCTAssertEqual(Array(ends.scalars.suffix(16)), controls[3].scalars)
        for t in [0.0, 0.2, 0.5, 0.83, 1.0] {
            XCTAssertEqual(path.weights(t).reduce(0, +), 1, accuracy: 1e-12)
            // Central differences in double from the weights (one-sided at the ends).
            let h = 1e-5, lo = max(0, t - h), hi = min(1, t + h)
            let wl = path.weights(lo), wh = path.weights(hi), dw = path.weightDerivatives(t)
            for j in 0..<4 { XCTAssertEqual(dw[j], (wh[j] - wl[j]) / (hi - lo), accuracy: 1e-4) }
            // And on the points themselves (float, interior t): dx/dt against (x(t + h) - x(t - h)) / 2h.
            guard t > 0 && t < 1 else { continue }
            let fd = path.points([t + 1e-2, t - 1e-2]).scalars, dx = path.derivatives([t]).scalars
            for i in 0..<16 { XCTAssertEqual(Double(dx[i]), Double(fd[i] - fd[16 + i]) / 2e-2, accuracy: 1e-2) }
        }
        // Degree elevation: controls equally spaced on A->C give the segment with uniform speed.
        let line = ControlPointPath(basis: .bezier, from: a, to: c, bends: 2)
        XCTAssertEqual(line.points([0.25]).scalars[0], -0.5, accuracy: 1e-6)
        XCTAssertEqual(line.derivatives([0.7]).scalars[0], 2, accuracy: 1e-5)
    }

    func testPolychainIsThePolygonThroughItsBends() {
        let bend = Tensor(shape: [1, 2, 1, 1], scalars: [0, 1])
        let path = ControlPointPath(basis: .polychain, controls: [a, bend, c])
        XCTAssertEqual(path.points([0.5]).scalars, [0, 1])
        XCTAssertEqual(path.points([0.25]).scalars, [-0.5, 0.5])
        XCTAssertEqual(path.derivatives([0.25]).scalars, [2, 2])
        XCTAssertEqual(path.derivatives([0.75]).scalars, [2, -2])
        XCTAssertEqual(path.knots, [0, 0.5, 1])
    }
}
