import XCTest
import IsthmusCore
@testable import IsthmusNN
@testable import IsthmusLandscape

/// Per-class selection rules: all images, correctly classified ones, the lowest-loss ones; batched evaluation.
final class ImageSelectionTests: XCTestCase {
    /// 3 classes x 8 images [1, 2, 2]; image i of class k is s_i e_k plus noise with s_i from -1 to 3, so the
    /// weakest ones are misclassified and the losses are spread out. The model reads the first 3 pixels as logits.
    func problem() -> (Module, Dataset) {
        var rng = SplitMix64(seed: 4)
        let classes = 3, n = 24
        let x = Tensor.normal([n, 1, 2, 2], std: 0.3, using: &rng)
        let p = x.mutableData
        for i in 0..<n { p[i * 4 + i % classes] += Float(i / classes) * 0.6 - 1 }
        let lin = Linear(4, classes, using: &rng)
        let w = lin.weight.mutableData, b = lin.bias!.mutableData
        for i in 0..<(4 * classes) { w[i] = i / 4 == i % 4 ? 2 : 0 }
        for k in 0..<classes { b[k] = 0 }
        return (Sequential(Flatten(), lin), Dataset(name: "toy", images: x, labels: (0..<n).map { $0 % classes }, classes: classes,
                                                    normalization: Normalization(mean: [0], std: [1])))
    }

    func testEvaluationIsTheSameForEveryBatchSizeAndMatchesTheModel() {
        let (model, data) = problem()
        let one = data.evaluate(model, batch: 1)
        let logits = withoutGradients { model(data.images) }
        let ce = crossEntropyPerSample(logits: logits, labels: data.labels).scalars
        XCTAssertEqual(one.map { $0!.prediction }, logits.argmax(axis: 1))
        for (e, l) in zip(one, ce) { XCTAssertEqual(e!.loss, Double(l), accuracy: 1e-6) }
        for batch in [3, 7, 64] {
            let e = data.evaluate(model, batch: batch)
            XCTAssertEqual(e.map { $0!.prediction }, one.map { $0!.prediction }, "batch \(batch)")
            for (a, b) in zip(e, one) { XCTAssertEqual(a!.loss, b!.loss, accuracy: 1e-6) }
        }
        XCTAssertEqual(data.evaluate(model, indices: [5, 2], batch: 4).map { $0!.prediction }, [one[5]!.prediction, one[2]!.prediction])
    }

    func testRulesAdmitAllCorrectOrLowestLossImagesPerClass() {
        let (model, data) = problem()
        let e = data.evaluate(model).map { $0! }
        let all = ImageSelection.all.pool(data, model: model)
        XCTAssertNil(all.evaluations, "the all rule reads no image")
        for k in 0..<3 { XCTAssertEqual(all.byClass[k], data.indices(ofClass: k)) }
        let correct = ImageSelection.correct.pool(data, model: model)
        let wrong = (0..<data.count).filter { e[$0].prediction != data.labels[$0] }
        XCTAssertFalse(wrong.isEmpty, "the toy problem must have misclassified images")
        XCTAssertLessThan(wrong.count, data.count / 2)
        for k in 0..<3 { XCTAssertEqual(correct.byClass[k], data.indices(ofClass: k).filter { !wrong.contains($0) }) }
        let lowest = ImageSelection.lowestLoss.pool(data, model: model, lowestLossCount: 3)
        for k in 0..<3 {
            let members = data.indices(ofClass: k)
            let expected = members.sorted { e[$0].loss < e[$1].loss }.prefix(3).sorted()
            XCTAssertEqual(lowest.byClass[k], Array(expected))
            let worstKept = lowest.byClass[k]!.map { e[$0].loss }.max()!
            for i in members where !expected.contains(i) { XCTAssertGreaterThanOrEqual(e[i].loss, worstKept) }
        }
    }

    func testPlansAndPairsUseOnlyTheSelectedImages() throws {
        let (model, data) = problem()
        for rule in ImageSelection.allCases {
            var c = BarrierStatistics.Config()
            c.pairProtocol = .paper
            c.selection = rule
            c.lowestLossCount = 3
            let pool = rule.pool(data, model: model, lowestLossCount: 3)
            let eligible = Set(pool.byClass.values.joined())
            let plans = try BarrierStatistics.plan(c, data: data, model: model)
            XCTAssertEqual(plans.count, 3 * 2 * 7, rule.rawValue)
            for p in plans { XCTAssertTrue(eligible.contains(p.indexA) && eligible.contains(p.indexC), "\(rule) \(p)") }
            XCTAssertEqual(try BarrierStatistics.plan(c, pool: pool), plans)
            var cc = Connectivity.Config()
            cc.selection = rule
            let pairs = try Connectivity.samplePairs(data, model: model, count: 30, seed: 2, selection: rule, lowestLossCount: 3)
            for p in pairs {
                XCTAssertTrue(eligible.contains(p.indexA) && eligible.contains(p.indexC))
                XCTAssertNotEqual(p.indexA, p.indexC)
                XCTAssertEqual(data.labels[p.indexA], p.classIndex)
                XCTAssertEqual(data.labels[p.indexC], p.classIndex)
            }
            XCTAssertEqual(cc.requireCorrect, rule != .all)
        }
        // requireCorrect is the correct / all rule.
        XCTAssertEqual(try Connectivity.samplePairs(data, model: model, count: 12, seed: 5, requireCorrect: true),
                       try Connectivity.samplePairs(data, model: model, count: 12, seed: 5, selection: .correct))
        XCTAssertEqual(try Connectivity.samplePairs(data, model: model, count: 12, seed: 5, requireCorrect: false),
                       try Connectivity.samplePairs(data, model: model, count: 12, seed: 5, selection: .all))
        // The rule is part of the config (its JSON, so of a run's identity).
        var c = BarrierStatistics.Config()
        c.selection = .lowestLoss
        let json = String(decoding: try JSONEncoder().encode(c), as: UTF8.self)
        XCTAssertTrue(json.contains("\"selection\":\"lowestLoss\""), json)
        XCTAssertEqual(try JSONDecoder().decode(BarrierStatistics.Config.self, from: Data(json.utf8)), c)
    }
}
