import XCTest
import IsthmusCore
import IsthmusLandscape
import IsthmusNN

/// V(x, y) = (x^2 - 1)^2 + 2 (y - (1 - x^2)/2)^2: minima (+-1, 0), the valley y = (1 - x^2)/2 between them and its
/// saddle at (0, 1/2) with V = 1; the straight segment crosses x = 0 at V = 1.5.
enum DoubleWell {
    static func value(_ x: Double, _ y: Double) -> Double {
        let s = (1 - x * x) / 2
        return (x * x - 1) * (x * x - 1) + 2 * (y - s) * (y - s)
    }

    static func gradient(_ x: Double, _ y: Double) -> (Double, Double) {
        let r = y - (1 - x * x) / 2
        return (4 * x * (x * x - 1) + 4 * r * x, 4 * r)
    }

    static var loss: ClassLoss {
        ClassLoss(values: { pts in
            (0..<pts.shape[0]).map { Float(value(Double(pts[flat: 2 * $0]), Double(pts[flat: 2 * $0 + 1]))) }
        }, valuesAndGradients: { pts in
            let n = pts.shape[0], g = Tensor(uninitialized: pts.shape)
            var v: [Float] = []
            for k in 0..<n {
                let x = Double(pts[flat: 2 * k]), y = Double(pts[flat: 2 * k + 1])
                let (gx, gy) = gradient(x, y)
                g.mutableData[2 * k] = Float(gx); g.mutableData[2 * k + 1] = Float(gy)
                v.append(Float(value(x, y)))
            }
            return (v, g)
        })
    }
}

final class PathTests: XCTestCase {
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

    func testBandIsParametrizedByArcLength() {
        let band = BandPath(images: [a, Tensor(shape: [1, 2, 1, 1], scalars: [-0.5, 0]), c])
        XCTAssertEqual(band.knots, [0, 0.25, 1])
        XCTAssertEqual(band.points([0.625]).scalars, [0.25, 0])
        XCTAssertEqual(band.points([0, 1]).scalars, [-1, 0, 1, 0])
        XCTAssertEqual(band.denseParameters(subsample: 1), [0, 0.125, 0.25, 0.625, 1])
    }

    func testNEBFindsTheSaddleOfADoubleWell() throws {
        for spring in [nil, 1.0] as [Double?] {
            var cfg = ElasticBand.Config()
            cfg.images = 9; cfg.cycles = 2; cfg.stepsPerCycle = 3000; cfg.insertPerCycle = 0
            cfg.optimizer = .sgd; cfg.lr = 0.01; cfg.momentum = 0.9; cfg.forceTolerance = 1e-6; cfg.spring = spring
            let out = try ElasticBand.run(cfg, loss: DoubleWell.loss, from: a, to: c)
            let ci = try XCTUnwrap(out.climbingImage)
            let saddle = out.band.images[ci].scalars
            XCTAssertEqual(Double(saddle[0]), 0, accuracy: 1e-3, "spring \(String(describing: spring))")
            XCTAssertEqual(Double(saddle[1]), 0.5, accuracy: 1e-3, "spring \(String(describing: spring))")
            XCTAssertLessThan(out.maxForce, 1e-4)
            // The climbing image is the highest point of the band, at the saddle energy 1.
            let energies = out.band.images.map { DoubleWell.value(Double($0.scalars[0]), Double($0.scalars[1])) }
            XCTAssertEqual(energies[ci], 1, accuracy: 1e-5)
            XCTAssertEqual(energies.max()!, energies[ci])
        }
    }

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
