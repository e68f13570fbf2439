import XCTest
import IsthmusCore
@testable import IsthmusLandscape

final class DetectionTests: XCTestCase {
    let pos = [0.9, 0.8, 0.5], neg = [0.5, 0.3, 0.1]

    /// Pairs won: 0.9 -> 3, 0.8 -> 3, 0.5 -> 2 + 1/2 (tie with 0.5); 8.5 of 9.
    func testAUROCWithTiesByHand() {
        XCTAssertEqual(Detection.auroc(positives: pos, negatives: neg), 8.5 / 9, accuracy: 1e-12)
        XCTAssertEqual(Detection.auroc(positives: [1, 1], negatives: [1, 1]), 0.5, accuracy: 1e-12)
        XCTAssertEqual(Detection.auroc(positives: [0, 0.2], negatives: [0.5, 0.7]), 0, accuracy: 1e-12)
        // Brute force on random scores with many ties.
        var rng = SplitMix64(seed: 5)
        let p = (0..<40).map { _ in Double(rng.next() % 7) }, n = (0..<30).map { _ in Double(rng.next() % 5) }
        var wins = 0.0
        for a in p { for b in n { wins += a > b ? 1 : (a == b ? 0.5 : 0) } }
        XCTAssertEqual(Detection.auroc(positives: p, negatives: n), wins / 1200, accuracy: 1e-12)
    }

    func testROCAreaEqualsAUROC() {
        let (fpr, tpr) = Detection.roc(positives: pos, negatives: neg)
        XCTAssertEqual(fpr.first, 0); XCTAssertEqual(tpr.first, 0); XCTAssertEqual(fpr.last, 1); XCTAssertEqual(tpr.last, 1)
        var area = 0.0
        for i in 1..<fpr.count { area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2 }
        XCTAssertEqual(area, 8.5 / 9, accuracy: 1e-12)
    }

    /// 20 negatives 0.0, 0.1, ..., 1.9: floor(0.05 * 20) = 1 may lie above tau, so tau = 1.8 (the second largest);
    /// positives above 1.8: 1.85, 1.9, 2.0 of four.
    func testTPRAt5FPRConstructed() {
        let negatives = (0..<20).map { Double($0) / 10 }
        XCTAssertEqual(Detection.tprAtFPR(positives: [1.85, 1.9, 2.0, 1.0], negatives: negatives), 0.75)
        // 19 negatives: floor(0.95) = 0, tau = the largest negative.
        XCTAssertEqual(Detection.tprAtFPR(positives: [1.85, 1.9, 2.0, 1.0], negatives: Array(negatives.dropLast())), 0.75)
        XCTAssertEqual(Detection.tprAtFPR(positives: [1.85, 1.9, 2.0, 1.0], negatives: Array(negatives.dropLast(2))), 1.0 - 0.25)
        XCTAssertEqual(Detection.tprAtFPR(positives: [1.5, 1.6], negatives: Array(negatives.dropLast(3))), 0)
    }

    /// 20 positives 1.0...2.9: tau = the second smallest positive (1.1); negatives below 1.1.
    func testTNRAt95TPRConstructed() {
        let positives = (0..<20).map { 1 + Double($0) / 10 }
        XCTAssertEqual(Detection.tnrAtTPR(positives: positives, negatives: [0.5, 1.05, 1.1, 2.0]), 0.5)
    }

    func testBestAccuracy() {
        XCTAssertEqual(Detection.bestAccuracy(positives: pos, negatives: neg), 5.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(Detection.bestAccuracy(positives: [2, 3], negatives: [0, 1]), 1)
        XCTAssertEqual(Detection.bestAccuracy(positives: [0], negatives: [1, 2, 3]), 0.75)
    }

    func testBootstrapRepeatableForASeed() {
        var rng = SplitMix64(seed: 9)
        let p = (0..<50).map { _ in Double(rng.nextNormal()) + 1 }, n = (0..<50).map { _ in Double(rng.nextNormal()) }
        let a = Detection.metrics(positives: p, negatives: n, resamples: 200, seed: 4)
        let b = Detection.metrics(positives: p, negatives: n, resamples: 200, seed: 4)
        let c = Detection.metrics(positives: p, negatives: n, resamples: 200, seed: 5)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.aurocCI, c.aurocCI)
        XCTAssertLessThan(a.aurocCI.lower, a.auroc); XCTAssertGreaterThan(a.aurocCI.upper, a.auroc)
        XCTAssertLessThanOrEqual(a.tprAt5FPRCI.lower, a.tprAt5FPR); XCTAssertGreaterThanOrEqual(a.tprAt5FPRCI.upper, a.tprAt5FPR)
    }

    func testMetricsJSONKeys() throws {
        let m = Detection.metrics(positives: pos, negatives: neg, resamples: 10)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(m)) as! [String: Any]
        XCTAssertEqual(Set(json.keys), ["auroc", "tprAt5FPR", "tnrAt95TPR", "accuracy", "aurocCI", "tprAt5FPRCI"])
    }

    func testStratifiedSplit() {
        let labels = (0..<30).map { $0 % 3 == 0 }
        let (train, test) = Detection.stratifiedSplit(labels: labels, testFraction: 0.3, seed: 2)
        XCTAssertEqual(Set(train).union(test), Set(0..<30))
        XCTAssertTrue(Set(train).isDisjoint(with: test))
        XCTAssertEqual(test.filter { labels[$0] }.count, 3)
        XCTAssertEqual(test.filter { !labels[$0] }.count, 6)
        XCTAssertEqual(Detection.stratifiedSplit(labels: labels, testFraction: 0.3, seed: 2).test, test)
    }

    /// Two Gaussian blobs separated along a direction no single coordinate shows well.
    func separable(_ n: Int, seed: UInt64) -> ([[Double]], [Bool]) {
        var rng = SplitMix64(seed: seed)
        var x: [[Double]] = [], y: [Bool] = []
        for i in 0..<n {
            let label = i % 2 == 0
            let a = Double(rng.nextNormal()), b = Double(rng.nextNormal()), s = label ? 1.0 : -1.0
            x.append([a + s, -a + s, b * 3]); y.append(label)
        }
        return (x, y)
    }

    func testLogisticRegressionSeparatesSeparableData() {
        let (x, y) = separable(80, seed: 1)
        var lr = LogisticRegression()
        lr.fit(features: x, labels: y)
        let s = x.map { lr.score($0) }
        XCTAssertEqual(Detection.metrics(scores: s, labels: y, resamples: 10).auroc, 1)
    }

    /// The Woodbury (dual) Newton step reaches the primal optimum: with more features than rows (an ImageNet curve
    /// plus 1000 logits on a few pairs) and with more rows than features.
    func testLogisticRegressionDualSolverEqualsPrimal() {
        var rng = SplitMix64(seed: 5)
        for (n, d) in [(12, 300), (40, 6)] {
            let x = (0..<n).map { _ in (0..<d).map { _ in Double(rng.nextNormal()) } }
            let y = (0..<n).map { i in i % 3 == 0 || x[i][0] > 0.5 }
            var primal = LogisticRegression(), dual = LogisticRegression(), auto = LogisticRegression()
            primal.fit(features: x, labels: y, solver: .primal)
            dual.fit(features: x, labels: y, solver: .dual)
            auto.fit(features: x, labels: y)
            let scale = primal.weights.map(abs).max()! + abs(primal.bias)
            XCTAssertGreaterThan(scale, 1e-3)
            for (p, q) in zip(primal.weights + [primal.bias], dual.weights + [dual.bias]) {
                XCTAssertEqual(p, q, accuracy: 1e-8 * scale, "n \(n), d \(d)")
            }
            XCTAssertEqual(auto.weights, n < d + 1 ? dual.weights : primal.weights)
            // The optimum: the penalized gradient vanishes.
            let z = x.map { primal.standardizer.apply($0) }
            var g = primal.weights.map { primal.l2 * $0 }, gb = 0.0
            for (zi, yi) in zip(z, y) {
                let r = 1 / (1 + exp(-(zip(primal.weights, zi).map(*).reduce(primal.bias, +)))) - (yi ? 1 : 0)
                for a in 0..<d { g[a] += r * zi[a] }
                gb += r
            }
            XCTAssertLessThan(max(g.map(abs).max()!, abs(gb)), 1e-7, "n \(n), d \(d)")
        }
    }

    func testMLPDetectorLearnsAndIsSeeded() {
        let (x, y) = separable(60, seed: 2)
        var a = MLPDetector(hidden: 8, epochs: 40, lr: 0.05, seed: 3), b = a
        a.fit(features: x, labels: y); b.fit(features: x, labels: y)
        XCTAssertEqual(x.map { a.score($0) }, x.map { b.score($0) })
        XCTAssertGreaterThan(Detection.auroc(positives: zip(x, y).filter { $0.1 }.map { a.score($0.0) },
                                             negatives: zip(x, y).filter { !$0.1 }.map { a.score($0.0) }), 0.98)
    }

    func testEvaluateReportsEveryScoreOnTheTestSplit() {
        let (x, y) = separable(40, seed: 3)
        let fixed = ["barrierMax": x.map { $0[0] }, "barrierGap": x.map { $0[1] }, "bypassedMax": x.map { $0[2] }]
        let r = Detection.evaluate(fixedScores: fixed, features: x, labels: y, detector: LogisticRegression(), resamples: 50)
        XCTAssertEqual(Set(r.detection.keys), Set(Detection.scoreNames))
        XCTAssertEqual(r.trainCount + r.testCount, 40)
        XCTAssertEqual(r.rows.filter { $0.split == "test" }.count, r.testCount)
        XCTAssertGreaterThan(r.detection["learned"]!.auroc, 0.95)
    }

    func testResampleAndFeatures() {
        XCTAssertEqual(Detection.resample([0, 1, 2], points: 5), [0, 0.5, 1, 1.5, 2])
        XCTAssertEqual(Detection.features(curve: [1, 3], logits: [7], points: 3), [1, 2, 3, 7])
    }
}
