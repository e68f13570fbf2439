import XCTest
import IsthmusCore
import IsthmusNN
@testable import IsthmusLandscape

/// FVO runs stepped together in one batch equal `FeatureVisualization.run` on each, stops included.
final class FeatureVisualizationBatchTests: XCTestCase {
    /// Batched kernels change only summation orders (a few float32 ulps); the batch also reads a run's check CE
    /// from the next step's forward instead of a separate one (the same input and kernels). Over 30 Adam steps at
    /// lr 0.05 that stays far below 1e-5 on inputs and CEs of this small MLP.
    static let tolerance: Float = 1e-5
    static let margin: Float = 1e-4
    static let shape = [1, 8, 8]

    static func model() throws -> Module {
        try ModelZoo.make(ModelOptions(name: "mlp", classes: 4, hidden: [32], inputSize: 8, inputChannels: 1), seed: 2).0
    }

    /// Four runs: classes, TV, L1/L2 weights and starts differ.
    static func configs() -> [FeatureVisualization.Config] {
        var cs = (0..<4).map { k in FeatureVisualization.Config.paper(classIndex: k, modeA: k % 2 == 0, seed: UInt64(40 + k)) }
        cs[1].l1Weight = 1e-3; cs[3].l2Weight = 1e-2
        for k in cs.indices { cs[k].maxIterations = 30; cs[k].tvWeight *= 1e4 }
        return cs
    }

    /// A threshold kept `margin` from every value of `trace` whose first crossing is as close as possible to `target`.
    static func threshold(_ trace: [Float], near target: Int) -> Float? {
        let v = Array(Set(trace)).sorted()
        var best: (Float, Int)?
        for i in 1..<v.count where v[i] - v[i - 1] > 2 * margin {
            let t = (v[i] + v[i - 1]) / 2
            guard let s = trace.firstIndex(where: { $0 < t }) else { continue }
            if best == nil || abs(s - target) < abs(best!.1 - target) { best = (t, s) }
        }
        return best?.0
    }

    func testBatchedEqualsSequentialWithStopsAtDifferentSteps() throws {
        let model = try Self.model()
        var cs = Self.configs()
        for k in cs.indices { cs[k].lossThreshold = 0 }
        let free = try cs.map { try FeatureVisualization.run($0, model: model, inputShape: Self.shape) }
        // Three runs stop early at different steps; the last runs all 30 steps.
        for k in 0..<3 { cs[k].lossThreshold = try XCTUnwrap(Self.threshold(free[k].result.trace, near: 5 + 8 * k)) }
        let seq = try cs.map { try FeatureVisualization.run($0, model: model, inputShape: Self.shape) }
        XCTAssertGreaterThanOrEqual(Set(seq.map(\.result.iterations)).count, 3, "runs must stop at different steps")
        XCTAssertEqual(seq.filter(\.result.stoppedEarly).count, 3)
        for capacity in [1, 2, 4] {
            let bat = try FeatureVisualization.runMany(cs, model: model, inputShape: Self.shape, batch: capacity)
            for (k, (b, s)) in zip(bat, seq).enumerated() {
                XCTAssertEqual(b.result.iterations, s.result.iterations, "run \(k), batch \(capacity)")
                XCTAssertEqual(b.result.bestIteration, s.result.bestIteration)
                XCTAssertEqual(b.result.stoppedEarly, s.result.stoppedEarly)
                XCTAssertEqual(b.result.classIndex, s.result.classIndex)
                XCTAssertEqual(b.result.loss, s.result.loss, accuracy: Self.tolerance)
                XCTAssertEqual(b.result.initialLoss, s.result.initialLoss, accuracy: Self.tolerance)
                XCTAssertEqual(b.result.trace.count, s.result.trace.count)
                for (x, y) in zip(b.result.trace, s.result.trace) { XCTAssertEqual(x, y, accuracy: Self.tolerance) }
                let d = zip(b.input.scalars, s.input.scalars).map { abs($0 - $1) }.max()!
                XCTAssertLessThanOrEqual(d, Self.tolerance, "run \(k), batch \(capacity): max |batched - sequential|")
            }
        }
    }

    func testStartsAndRefusedConfigs() throws {
        let model = try Self.model()
        var c = Self.configs()[0]
        c.maxIterations = 3
        let starts = FeatureVisualization.pairStarts(seed: 7, inputShape: Self.shape)
        let b = try FeatureVisualization.runMany([c, c], model: model, inputShape: Self.shape, starts: [starts.a, starts.c], batch: 2)
        let s = try FeatureVisualization.run(c, model: model, inputShape: Self.shape, start: starts.c)
        XCTAssertEqual(b[1].result.iterations, 3)
        for (x, y) in zip(b[1].input.scalars, s.input.scalars) { XCTAssertEqual(x, y, accuracy: Self.tolerance) }
        var fourier = c; fourier.parameterization = .fourier
        var jitter = c; jitter.jitter = 1
        var outOfRange = c; outOfRange.classIndex = 9
        for bad in [fourier, jitter, outOfRange] {
            XCTAssertThrowsError(try FeatureVisualization.runMany([bad], model: model, inputShape: Self.shape, batch: 2))
        }
    }
}
