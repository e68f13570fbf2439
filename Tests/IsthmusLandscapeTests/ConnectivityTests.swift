import XCTest
import IsthmusCore
import IsthmusLandscape
import IsthmusNN

/// A hand-built 2-D problem with a known barrier: class 0 has logit 4|x| + 4 relu(y + 0.3), class 1 the constant 2.
/// Class 0 wins near (+-1, 0); class 1 wins in a band around x = 0 for small y, so the straight segment
/// (-1,0) -> (1,0) crosses a barrier at x = 0, while a detour through y > 0.2 stays in class 0.
final class TwoDimensionalBarrier: Module {
    let w1 = Tensor(shape: [3, 2], scalars: [0, 0, 1, 0, -1, 0])
    let b1 = Tensor([1, 0, 0])
    let yGate = Tensor(shape: [1, 2], scalars: [0, 1])
    override func forward(_ x: Tensor) -> Tensor {
        let flat = x.reshaped([x.shape[0], 2])
        let h = linear(flat, weight: w1, bias: b1).relu()              // [1, relu(x), relu(-x)]
        let side = h.narrowed(axis: 1, start: 1, length: 2).sum(axis: 1, keepDims: true)   // |x|
        let y = (matmul(flat, yGate, transposeB: true) + 0.3).relu()    // relu(y + 0.3)
        let class0 = side * 4 + y * 4
        let class1 = Tensor.full([x.shape[0], 1], 2)
        return concat([class0, class1], axis: 1)
    }
}

final class ConnectivityTests: XCTestCase {
    let a = Tensor(shape: [1, 2, 1, 1], scalars: [-1, 0])
    let c = Tensor(shape: [1, 2, 1, 1], scalars: [1, 0])

    func testSegmentReturnsItsEndpoints() {
        let pts = Interpolation.points(from: a, to: c, alphas: Interpolation.alphas(7))
        XCTAssertEqual(Array(pts.scalars.prefix(2)), a.scalars)
        XCTAssertEqual(Array(pts.scalars.suffix(2)), c.scalars)
    }

    func testPrimaryBarrierOnKnownProblem() {
        let r = Interpolation.run(Interpolation.Config(steps: 101, classIndex: 0), model: TwoDimensionalBarrier(), from: a, to: c)
        XCTAssertEqual(r.barrier.alpha, 0.5, accuracy: 1e-9)
        XCTAssertGreaterThan(r.barrier.gap, 1)
        XCTAssertEqual(r.barrier.max, Double(r.losses[50]), accuracy: 1e-6)
    }

    func testBarrierDefinitions() {
        let b = Barrier(losses: [1, 3, 3, 0.5], alphas: [0, 1.0 / 3, 2.0 / 3, 1])
        XCTAssertEqual(b.index, 1)          // first argmax
        XCTAssertEqual(b.max, 3); XCTAssertEqual(b.gap, 2)
        XCTAssertEqual(b.blendGap, 3 - (1 - 2.0 / 3) * 1 - (2.0 / 3) * 0.5, accuracy: 1e-9)
        XCTAssertEqual(Barrier(losses: [2, 1.5, 1], alphas: [0, 0.5, 1]).gap, 0)   // monotone
    }

    func testBypassFindsALowerPath() throws {
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

    func testDeviationMetricsOnKnownCase() {
        // A = (0,0), C = (2,0), B = (1,0), B' = (1,1): ||B'-B|| / ||C-A|| = 0.5, orthogonal move, right angle at B'.
        let A = Tensor(shape: [1, 2, 1, 1], scalars: [0, 0]), C = Tensor(shape: [1, 2, 1, 1], scalars: [2, 0])
        let B = Tensor(shape: [1, 2, 1, 1], scalars: [1, 0]), Bp = Tensor(shape: [1, 2, 1, 1], scalars: [1, 1])
        let d = Deviation(a: A, c: C, b: B, bend: Bp, normalization: nil)
        XCTAssertEqual(d.deviationRatio, 0.5, accuracy: 1e-9)
        XCTAssertEqual(d.hyperplaneDistance, 0, accuracy: 1e-9)
        XCTAssertEqual(d.bendAngle, 90, accuracy: 1e-6)
        // Pixel space: std 0.5, mean 0.5: |B'-B| max = 0.5, |A| max = 0.5 -> 1.
        let n = Normalization(mean: [0.5, 0.5], std: [0.5, 0.5])
        XCTAssertEqual(Deviation(a: A, c: C, b: B, bend: Bp, normalization: n).pixelDeviation, 1, accuracy: 1e-6)
    }
}

/// A small random MLP on [1, 1, 4, 4] inputs with 3 classes.
enum MLPProbe {
    static func make() -> Module {
        var rng = SplitMix64(seed: 11)
        return MLP(inputs: 16, hidden: [12], classes: 3, using: &rng)
    }
}

func randomInput(seed: UInt64) -> Tensor {
    var rng = SplitMix64(seed: seed)
    return Tensor.normal([1, 1, 4, 4], using: &rng)
}

/// Sec 4.3 on a small untrained net: FVO modes A and C, then free bends; the final path is lower than the primary.
final class UntrainedConnectivityTests: XCTestCase {
    func testFinalPathMaxIsBelowPrimaryMaxOnASmallNet() throws {
        var c = UntrainedConnectivity.Config()
        // A configuration whose two FVO modes have a barrier between them (found by scanning seeds and classes).
        c.model = ModelOptions(name: "mlp", classes: 4, hidden: [256, 256], inputSize: 8, inputChannels: 1)
        c.seed = 1
        c.classIndex = 2
        c.steps = 40
        c.fvoIterations = 3000
        c.bypass.iterations = 600
        c.rounds = 2
        let (r, a, z, path) = try UntrainedConnectivity.run(c)
        XCTAssertLessThan(r.endpointLoss[0], 1e-2)
        XCTAssertLessThan(r.endpointLoss[1], 1e-2)
        XCTAssertGreaterThan(r.primaryMax, max(r.endpointLoss[0], r.endpointLoss[1]), "the two modes are separated by a barrier")
        XCTAssertLessThan(r.roundMax.last!, r.primaryMax, "bypassing lowers the path")
        XCTAssertEqual(path.vertices.first!.scalars, a.scalars)
        XCTAssertEqual(path.vertices.last!.scalars, z.scalars)
        // Seeded: the same run again gives the same numbers.
        let (again, _, _, _) = try UntrainedConnectivity.run(c)
        XCTAssertEqual(again.roundMax, r.roundMax)
    }
}

/// Modes A and C of a seed come from one stream: consecutive seeds share no start (the old seeds s+1, s+2 made
/// mode C of seed s the start of mode A of seed s+1).
final class UntrainedSeedTests: XCTestCase {
    func testModesOfOneSeedComeFromOneStreamAndSeedsDoNotOverlap() throws {
        var c = UntrainedConnectivity.Config()
        c.model = ModelOptions(name: "mlp", classes: 4, hidden: [16], inputSize: 8, inputChannels: 1)
        c.fvoIterations = 3; c.rounds = 0; c.steps = 5
        let shape = [1, 8, 8]
        for seed: UInt64 in [0, 1] {
            c.seed = seed
            let (_, a, z, _) = try UntrainedConnectivity.run(c)
            let (model, _) = try ModelZoo.make(c.model, seed: seed)
            let starts = FeatureVisualization.pairStarts(seed: seed, inputShape: shape)
            var fa = FeatureVisualization.Config.paper(classIndex: c.classIndex, modeA: true); fa.maxIterations = 3
            var fc = FeatureVisualization.Config.paper(classIndex: c.classIndex, modeA: false); fc.maxIterations = 3
            let modes = try FeatureVisualization.runMany([fa, fc], model: model, inputShape: shape, starts: [starts.a, starts.c], batch: 2)
            XCTAssertEqual(modes[0].input.scalars, a.scalars)
            XCTAssertEqual(modes[1].input.scalars, z.scalars)
        }
        let s0 = FeatureVisualization.pairStarts(seed: 0, inputShape: shape), s1 = FeatureVisualization.pairStarts(seed: 1, inputShape: shape)
        for (u, v) in [(s0.c, s1.a), (s0.a, s0.c), (s0.a, s1.a), (s0.c, s1.c)] { XCTAssertNotEqual(u.scalars, v.scalars) }
    }
}

/// Algorithmic speed-ups (beyond the paper): they must give the dense grid's answer, or a certified path.
final class FastPathTests: XCTestCase {
    func testAdaptiveSweepFindsTheDenseBarrier() {
        var matched = 0
        for seed in 0..<8 {
            var rng = SplitMix64(seed: 100 + UInt64(seed))
            let model = MLP(inputs: 16, hidden: [32, 32], classes: 3, using: &rng)
            let a = Tensor.normal([1, 1, 4, 4], std: 2, using: &rng), c = Tensor.normal([1, 1, 4, 4], std: 2, using: &rng)
            let dense = Interpolation.run(Interpolation.Config(steps: 500, classIndex: seed % 3), model: model, from: a, to: c)
            let fast = AdaptiveInterpolation.run(AdaptiveInterpolation.Config(steps: 500, classIndex: seed % 3, coarse: 40),
                                                 model: model, from: a, to: c)
            XCTAssertLessThan(fast.evaluations, 500)
            XCTAssertEqual(fast.indices.first, 0); XCTAssertEqual(fast.indices.last, 499)
            // Every evaluated point carries the dense grid's value.
            for (i, l) in zip(fast.indices, fast.losses) { XCTAssertEqual(l, dense.losses[i], accuracy: 1e-5) }
            if abs(fast.barrier.max - dense.barrier.max) <= 1e-6 && abs(fast.barrier.alpha - dense.barrier.alpha) <= 1e-9 { matched += 1 }
        }
        XCTAssertEqual(matched, 8, "the adaptive sweep must find the dense barrier on these smooth curves")
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
