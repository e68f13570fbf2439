import XCTest
import IsthmusCore
import IsthmusNN
@testable import IsthmusLandscape

final class FeatureVisualizationTests: XCTestCase {
    /// A seeded MLP on 1x6x6 with 3 classes.
    func mlp(seed: UInt64 = 1) -> Module {
        var rng = SplitMix64(seed: seed)
        let m = MLP(inputs: 36, hidden: [16], classes: 3, using: &rng)
        m.setTraining(false)
        return m
    }

    /// A seeded conv net on 3x8x8 (conv, relu, global average pool, linear).
    func convNet(seed: UInt64 = 2) -> Module {
        var rng = SplitMix64(seed: seed)
        let m = Sequential(Conv2d(3, 8, kernel: 3, padding: 1, using: &rng), ReLU(), AdaptiveAvgPool2d(1, 1), Flatten(),
                           Linear(8, 4, using: &rng))
        m.setTraining(false)
        return m
    }

    func ce(_ model: Module, _ x: Tensor, _ k: Int) -> Float {
        withoutGradients { crossEntropy(logits: model(x), labels: [k]) }.scalar
    }

    func testReachesThresholdAndReturnsTheBestIterate() throws {
        let model = mlp()
        let config = FeatureVisualization.Config(classIndex: 2, tvWeight: 2.5e-7, maxIterations: 3000, seed: 7)
        let (r, x) = try FeatureVisualization.run(config, model: model, inputShape: [1, 6, 6])
        XCTAssertTrue(r.stoppedEarly)
        XCTAssertLessThan(r.loss, 5e-4)
        XCTAssertLessThan(r.iterations, 3000)
        XCTAssertEqual(r.trace.count, r.iterations)
        XCTAssertEqual(x.shape, [1, 1, 6, 6])
        XCTAssertEqual(ce(model, x, 2), r.loss)
        XCTAssertEqual(r.trace[r.bestIteration - 1], r.loss)
        for v in r.trace { XCTAssertLessThanOrEqual(r.loss, v) }
        XCTAssertGreaterThan(r.initialLoss, r.loss)
    }

    func testBestIterateWhenTheLossGoesUp() throws {
        // A large learning rate makes the trace non-monotone; the returned input is still the minimum.
        let model = convNet()
        var config = FeatureVisualization.Config(classIndex: 1, lr: 3, maxIterations: 40, lossThreshold: 0, seed: 3)
        config.weightDecay = 0
        let (r, x) = try FeatureVisualization.run(config, model: model, inputShape: [3, 8, 8])
        XCTAssertFalse(r.stoppedEarly)
        XCTAssertEqual(r.iterations, 40)
        XCTAssertEqual(r.loss, r.trace.min())
        XCTAssertEqual(ce(model, x, 1), r.loss)
    }

    func testSeededRunsRepeatAndSeedsDiffer() throws {
        let model = convNet()
        let config = FeatureVisualization.Config(classIndex: 0, maxIterations: 25, seed: 11, jitter: 1, scales: [1, 1.1])
        let (r1, x1) = try FeatureVisualization.run(config, model: model, inputShape: [3, 8, 8])
        let (r2, x2) = try FeatureVisualization.run(config, model: model, inputShape: [3, 8, 8])
        XCTAssertEqual(x1.scalars, x2.scalars)
        XCTAssertEqual(r1, r2)
        var other = config
        other.seed = 12
        let (_, x3) = try FeatureVisualization.run(other, model: model, inputShape: [3, 8, 8])
        XCTAssertNotEqual(x1.scalars, x3.scalars)
    }

    func testTransformsStillLowerTheLoss() throws {
        let model = convNet()
        let config = FeatureVisualization.Config(classIndex: 3, maxIterations: 100, seed: 5, jitter: 2, pad: 1,
                                                 scales: [0.9, 1, 1.1], rotations: [-10, 0, 10])
        let (r, x) = try FeatureVisualization.run(config, model: model, inputShape: [3, 8, 8])
        XCTAssertLessThan(r.loss, 0.8 * r.initialLoss)
        XCTAssertEqual(ce(model, x, 3), r.loss)
        let fourier = FeatureVisualization.Config(classIndex: 3, maxIterations: 100, seed: 5, jitter: 1,
                                                  parameterization: .fourier, decorrelateColors: true)
        let (rf, xf) = try FeatureVisualization.run(fourier, model: model, inputShape: [3, 8, 8])
        XCTAssertLessThan(rf.loss, 0.9 * rf.initialLoss)
        XCTAssertEqual(ce(model, xf, 3), rf.loss)
    }

    func testTransformsKeepShapeAndMoveContent() {
        let x = Tensor(shape: [1, 1, 4, 4], scalars: (0..<16).map(Float.init))
        XCTAssertEqual(RobustnessTransform(roll: (1, 0)).apply(x).scalars.prefix(4), [12, 13, 14, 15])
        XCTAssertEqual(RobustnessTransform(shift: (0, -1)).apply(x).scalars.prefix(4), [1, 2, 3, 0])
        // The identity resampling and a quarter turn are exact permutations.
        XCTAssertEqual(RobustnessTransform.resampled(x, scale: 1, degrees: 0).scalars, x.scalars)
        let q = RobustnessTransform.resampled(x, scale: 1, degrees: 90).scalars
        for (a, b) in zip(q, [3, 7, 11, 15, 2, 6, 10, 14, 1, 5, 9, 13, 0, 4, 8, 12] as [Float]) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        // Gradient of sum(w * T(x)) flows back to the sampled pixels.
        let w = Tensor.uniform([1, 1, 4, 4], using: &rngForTest)
        let (_, g) = valueWithGradient(wrt: [x]) { (RobustnessTransform(scale: 1.3, degrees: 20).apply(x) * w).sum() }
        XCTAssertGreaterThan(g[0].scalars.map(abs).reduce(0, +), 0)
    }

    func testFourierBasisRoundTrip() {
        var rng = SplitMix64(seed: 9)
        for (h, w) in [(6, 6), (7, 5), (8, 4)] {
            let basis = FourierBasis(height: h, width: w)
            let x = Tensor.normal([2, 3, h, w], using: &rng)
            let back = basis.image(from: basis.coefficients(from: x))
            for (a, b) in zip(back.scalars, x.scalars) { XCTAssertEqual(a, b, accuracy: 1e-4) }
            let z = Tensor.normal([1, 1, h, w], using: &rng)
            let z2 = basis.coefficients(from: basis.image(from: z))
            for (a, b) in zip(z2.scalars, z.scalars) { XCTAssertEqual(a, b, accuracy: 1e-4) }
        }
        // The DC coefficient is a constant image, scaled by max(H, W) / 4 / sqrt(HW).
        let basis = FourierBasis(height: 4, width: 4)
        let dc = Tensor.zeros([1, 1, 4, 4])
        dc.mutableData[0] = 1
        for v in basis.image(from: dc).scalars { XCTAssertEqual(v, 4 * 0.25 / 4, accuracy: 1e-6) }
    }

    func testNaNModelOutputIsAClearError() {
        var rng = SplitMix64(seed: 0)
        let lin = Linear(36, 3, using: &rng)
        lin.parameters[0].tensor.mutableData[5] = .nan
        let model = Sequential(Flatten(), lin)
        let config = FeatureVisualization.Config(classIndex: 0, maxIterations: 5)
        XCTAssertThrowsError(try FeatureVisualization.run(config, model: model, inputShape: [1, 6, 6])) { e in
            XCTAssertEqual(e as? FeatureVisualizationError, .nonFinite(step: 0, what: "cross-entropy"))
            XCTAssertTrue("\(e)".contains("step 0"))
        }
    }

    func testInvalidConfigs() {
        let model = mlp()
        for c in [FeatureVisualization.Config(classIndex: 3), FeatureVisualization.Config(classIndex: 0, lr: 0),
                  FeatureVisualization.Config(classIndex: 0, jitter: 6), FeatureVisualization.Config(classIndex: 0, scales: [0]),
                  FeatureVisualization.Config(classIndex: 0, decorrelateColors: true)] {
            XCTAssertThrowsError(try FeatureVisualization.run(c, model: model, inputShape: [1, 6, 6]))
        }
    }

    func testAllClasses() throws {
        let model = mlp()
        let config = FeatureVisualization.Config(classIndex: 0, maxIterations: 3000, seed: 4)
        let all = try FeatureVisualization.allClasses(config, model: model, inputShape: [1, 6, 6], classes: 3)
        XCTAssertEqual(all.map(\.result.classIndex), [0, 1, 2])
        for (k, (r, x)) in all.enumerated() {
            XCTAssertTrue(r.stoppedEarly)
            XCTAssertEqual(ce(model, x, k), r.loss)
        }
    }
}

nonisolated(unsafe) private var rngForTest = SplitMix64(seed: 99)
