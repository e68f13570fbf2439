import XCTest
import IsthmusCore
import IsthmusNN
@testable import IsthmusLandscape

/// Tiny models on 1x6x6 inputs keep these fast in debug builds.
final class AttackTests: XCTestCase {
    let norm = Normalization(mean: [0.5], std: [0.25])

    func mlp(seed: UInt64 = 1, classes: Int = 3) -> Module {
        var rng = SplitMix64(seed: seed)
        let m = MLP(inputs: 36, hidden: [16], classes: classes, using: &rng)
        m.setTraining(false)
        return m
    }

    /// Normalized images whose pixels are uniform in [0.05, 0.95].
    func images(_ n: Int, seed: UInt64 = 7) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return norm.apply(Tensor.uniform([n, 1, 6, 6], low: 0.05, high: 0.95, using: &rng))
    }

    func pixels(_ x: Tensor) -> [Float] { norm.invert(x).scalars }

    func predictions(_ m: Module, _ x: Tensor) -> [Int] { withoutGradients { m(x) }.argmax(axis: 1) }

    func checkBallAndBox(_ adv: Tensor, _ x: Tensor, eps: Double, norm l: Attacks.Norm, file: StaticString = #filePath, line: UInt = #line) {
        let pa = pixels(adv), px = pixels(x), D = 36
        XCTAssert(pa.allSatisfy { $0 >= -1e-6 && $0 <= 1 + 1e-6 }, "outside the pixel box", file: file, line: line)
        for n in 0..<(pa.count / D) {
            let d = (0..<D).map { pa[n * D + $0] - px[n * D + $0] }
            let size = l == .linf ? d.map(abs).max()! : d.map { $0 * $0 }.reduce(0, +).squareRoot()
            XCTAssertLessThanOrEqual(Double(size), eps + 1e-5, "sample \(n) outside the \(l) ball", file: file, line: line)
        }
    }

    func testPGDStaysInBallAndBoxBothNorms() throws {
        let m = mlp(), x = images(6)
        // Pixels near the box edges so that clipping matters.
        let px = norm.invert(x); let p = px.mutableData
        for i in stride(from: 0, to: px.count, by: 5) { p[i] = i % 2 == 0 ? 0 : 1 }
        let xe = norm.apply(px)
        for l in Attacks.Norm.allCases {
            var c = Attacks.PGDConfig(norm: l)
            c.steps = 5
            let out = try Attacks.run(.pgd(c), model: m, normalization: norm, images: xe, labels: predictions(m, xe))
            checkBallAndBox(out.adversarial, xe, eps: c.eps, norm: l)
            for s in out.result.samples {
                XCTAssertLessThanOrEqual(l == .linf ? s.linf : s.l2, c.eps + 1e-5)
                XCTAssertEqual(s.iterations, 5)
            }
            // Seeded: the same run twice gives the same inputs.
            let again = try Attacks.run(.pgd(c), model: m, normalization: norm, images: xe, labels: predictions(m, xe))
            XCTAssertEqual(again.adversarial.scalars, out.adversarial.scalars)
        }
    }

    func testPGDLinfRaisesTheLossAndTargetedLowersIt() throws {
        let m = mlp(), x = images(8)
        let y = predictions(m, x)
        var c = Attacks.PGDConfig()
        c.eps = 0.3; c.step = 0.05; c.steps = 10
        let ce0 = withoutGradients { crossEntropyPerSample(logits: m(x), labels: y) }.scalars
        let out = try Attacks.run(.pgd(c), model: m, normalization: norm, images: x, labels: y)
        for (s, l0) in zip(out.result.samples, ce0) { XCTAssertGreaterThan(s.loss, Double(l0)) }
        c.targetClass = 2
        let ct0 = withoutGradients { crossEntropyPerSample(logits: m(x), labels: Array(repeating: 2, count: 8)) }.scalars
        let t = try Attacks.run(.pgd(c), model: m, normalization: norm, images: x, labels: y)
        for (s, l0) in zip(t.result.samples, ct0) { XCTAssertLessThan(s.loss, Double(l0)) }
    }

    /// f(x) = W flatten(x) + b with two classes: d CE_0 / dx = p_1 (w_1 - w_0), so the signed step is sign(w_1 - w_0)
    /// (the pixel gradient is the normalized one divided by std > 0, same sign).
    func testFGSMIsOneSignedGradientStep() throws {
        var rng = SplitMix64(seed: 3)
        let lin = Linear(36, 2, using: &rng)
        let m = Sequential(Flatten(), lin)
        let x = images(2)
        let eps = 0.1
        var c = Attacks.FGSMConfig()
        c.eps = eps
        let out = try Attacks.run(.fgsm(c), model: m, normalization: norm, images: x, labels: [0, 0])
        let w = lin.weight.scalars, px = pixels(x), pa = pixels(out.adversarial)
        for n in 0..<2 {
            for i in 0..<36 {
                let d = w[36 + i] - w[i]
                let expected = min(max(px[n * 36 + i] + Float(eps) * (d > 0 ? 1 : (d < 0 ? -1 : 0)), 0), 1)
                XCTAssertEqual(pa[n * 36 + i], expected, accuracy: 1e-5)
            }
        }
        // Targeted toward class 1: the step goes the other way, -sign(grad CE_1) = sign(w_1 - w_0) as well.
        c.targetClass = 1
        let t = try Attacks.run(.fgsm(c), model: m, normalization: norm, images: x, labels: [0, 0])
        XCTAssertEqual(t.adversarial.scalars, out.adversarial.scalars)
        XCTAssertEqual(out.result.samples.map(\.iterations), [1, 1])
        checkBallAndBox(out.adversarial, x, eps: eps, norm: .linf)
    }

    func testCWOutputInBoxAndKeepsSuccessfulIterates() throws {
        let m = mlp(), x = images(6)
        var c = Attacks.CWConfig()
        c.c = 10; c.steps = 60; c.lr = 0.05
        let y = predictions(m, x)
        let out = try Attacks.run(.cw(c), model: m, normalization: norm, images: x, labels: y)
        let pa = pixels(out.adversarial)
        XCTAssert(pa.allSatisfy { $0 >= -1e-6 && $0 <= 1 + 1e-6 })
        let pred = predictions(m, out.adversarial)
        for (s, p) in zip(out.result.samples, pred) {
            XCTAssertEqual(s.prediction, p)
            XCTAssertEqual(s.success, p != s.label)
        }
        XCTAssertGreaterThan(out.result.summary.successRate, 0.5)
    }

    func testPaperAttackLowersTargetLossAndStopsEarly() throws {
        let m = mlp(), x = images(4)
        let y = predictions(m, x)
        let target = 1
        let ce0 = withoutGradients { crossEntropyPerSample(logits: m(x), labels: Array(repeating: target, count: 4)) }.scalars
        var c = Attacks.PaperConfig.statistics
        c.targetClass = target; c.steps = 400; c.lr = 0.05; c.minSteps = 5
        // Demo mode (no thresholds): all steps, target CE lowered.
        var demo = c; demo.steps = 40
        let d = try Attacks.run(.paper(demo), model: m, normalization: norm, images: x, labels: y)
        for (s, l0) in zip(d.result.samples, ce0) {
            XCTAssertLessThan(s.loss, Double(l0))
            XCTAssertEqual(s.iterations, 40)
        }
        // Statistics mode: each sample stops at its own threshold.
        let thresholds = ce0.enumerated().map { $0.element * ($0.offset % 2 == 0 ? 0.5 : 0.7) }
        let out = try Attacks.run(.paper(c), model: m, normalization: norm, images: x, labels: y, thresholds: thresholds)
        for (s, thr) in zip(out.result.samples, thresholds) {
            XCTAssertGreaterThan(s.iterations, c.minSteps + 1)
            XCTAssertLessThan(s.iterations, c.steps)
            XCTAssertEqual(s.threshold!, Double(thr), accuracy: 1e-6)
        }
        // A sample run alone stops at the same step with the same input up to float rounding (samples are not coupled).
        let alone = try Attacks.run(.paper(c), model: m, normalization: norm, images: x.rows(1..<2), labels: [y[1]], thresholds: [thresholds[1]])
        XCTAssertEqual(alone.result.samples[0].iterations, out.result.samples[1].iterations)
        for (a, b) in zip(alone.adversarial.scalars, out.adversarial.rows(1..<2).scalars) { XCTAssertEqual(a, b, accuracy: 1e-4) }
    }

    /// The paper's order: step i computes CE(x_i), takes the Adam step, then stops if i > 32 (minSteps) and
    /// CE(x_i) < L_t(A); the stepped x_(i+1) is returned (iterations = i + 1).
    func testPaperAttackChecksAfterTheStepAndReturnsTheSteppedIterate() throws {
        let m = mlp(), x = images(1)
        let target = 1
        let ce0 = withoutGradients { crossEntropyPerSample(logits: m(x), labels: [target]) }.scalars[0]
        var c = Attacks.PaperConfig.statistics
        c.targetClass = target; c.steps = 400; c.lr = 0.05; c.minSteps = 5
        let y = predictions(m, x)
        let out = try Attacks.run(.paper(c), model: m, normalization: norm, images: x, labels: y, thresholds: [ce0 * 0.5])
        let n = out.result.samples[0].iterations
        XCTAssertLessThan(n, c.steps, "the test needs an early stop")
        /// x after k steps (no early stop).
        func iterate(_ k: Int) throws -> Tensor {
            var d = c; d.steps = k
            return try Attacks.run(.paper(d), model: m, normalization: norm, images: x, labels: y).adversarial
        }
        func ce(_ t: Tensor) -> Float { withoutGradients { crossEntropyPerSample(logits: m(t), labels: [target]) }.scalars[0] }
        XCTAssertEqual(try iterate(n).scalars, out.adversarial.scalars, "the stepped iterate is returned")
        XCTAssertLessThan(ce(try iterate(n - 1)), ce0 * 0.5, "the CE before the last step decided")
        XCTAssertGreaterThan(n - 1, c.minSteps)
        if n - 2 > c.minSteps { XCTAssertGreaterThanOrEqual(ce(try iterate(n - 2)), ce0 * 0.5, "the first such step stops") }
    }

    func testAdaptiveAttackReportsPenaltyNoHigherThanPaper() throws {
        let m = mlp(), x = images(3), anchors = images(3, seed: 11)
        let target = 1, y = predictions(m, x)
        var c = Attacks.AdaptiveConfig()
        c.targetClass = target; c.steps = 80; c.lr = 0.05; c.minSteps = 5; c.barrierWeight = 5
        let out = try Attacks.run(.adaptive(c), model: m, normalization: norm, images: x, labels: y, anchors: anchors)
        let p = c.paper
        let la = ClassLoss(model: m, classIndex: target).losses(anchors)
        let plain = try Attacks.run(.paper(p), model: m, normalization: norm, images: x, labels: y, thresholds: la)
        let plainPen = Attacks.barrierPenalties(c, m, plain.adversarial, anchors: anchors, anchorLosses: la)
        for (s, q) in zip(out.result.samples, plainPen) {
            XCTAssertNotNil(s.barrierPenalty)
            XCTAssertLessThanOrEqual(s.barrierPenalty!, q + 1e-6)
        }
    }

    func testBadConfigurationsAreRefused() {
        let m = mlp(), x = images(2)
        var pgd = Attacks.PGDConfig()
        pgd.eps = -1
        XCTAssertThrowsError(try Attacks.run(.pgd(pgd), model: m, normalization: norm, images: x, labels: [0, 1]))
        var c = Attacks.Config.paper(Attacks.PaperConfig(targetClass: 3))
        XCTAssertThrowsError(try Attacks.run(c, model: m, normalization: norm, images: x, labels: [0, 1])) {
            XCTAssertEqual("\($0)", "target class 3 out of range 0..<3")
        }
        c = .adaptive(Attacks.AdaptiveConfig(targetClass: 1))
        XCTAssertThrowsError(try Attacks.run(c, model: m, normalization: norm, images: x, labels: [0, 1]))
        XCTAssertThrowsError(try Attacks.run(Attacks.Config(method: .fgsm), model: m, normalization: norm, images: x, labels: [0]))
    }
}
