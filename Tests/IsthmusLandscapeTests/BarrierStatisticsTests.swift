import XCTest
import IsthmusCore
@testable import IsthmusNN
@testable import IsthmusLandscape

/// Fig 6's pairing: 7 within-class and 7 real-adversarial pairs per class, carriers from a random other class,
/// the 5 per class and group with the smallest |L(A) - L(C)| kept.
final class BarrierStatisticsTests: XCTestCase {
    /// A linear model that gets every image right: image i of class k is 3 e_k plus noise.
    func problem() -> (Module, Dataset) {
        var rng = SplitMix64(seed: 9)
        let classes = 4, n = 24
        let x = Tensor.normal([n, 1, 2, 2], std: 0.2, using: &rng)
        let p = x.mutableData
        for i in 0..<n { p[i * 4 + i % classes] += 3 }
        let lin = Linear(4, classes, using: &rng)
        let w = lin.weight.mutableData
        for i in 0..<16 { w[i] = i / 4 == i % 4 ? 2 : 0 }
        let model = Sequential(Flatten(), lin)
        return (model, Dataset(name: "toy", images: x, labels: (0..<n).map { $0 % classes }, classes: classes,
                               normalization: Normalization(mean: [0], std: [1])))
    }

    func testPaperPlanIsSevenPerClassAndGroupWithCarriersOfOtherClasses() throws {
        let (model, data) = problem()
        var c = BarrierStatistics.Config()
        c.pairProtocol = .paper
        let plans = try BarrierStatistics.plan(c, data: data, model: model)
        XCTAssertEqual(plans.count, 4 * 2 * 7)
        for y in 0..<4 {
            for g in [BarrierStatistics.Group.within, .adversarial] {
                let p = plans.filter { $0.classIndex == y && $0.group == g }
                XCTAssertEqual(p.count, 7)
                for q in p {
                    XCTAssertEqual(data.labels[q.indexA], y)
                    if g == .within { XCTAssertEqual(data.labels[q.indexC], y); XCTAssertNotEqual(q.indexA, q.indexC) }
                    else { XCTAssertNotEqual(data.labels[q.indexC], y) }
                }
            }
        }
        XCTAssertFalse(plans.contains { $0.group == .differentClass })
    }

    func testSelectionKeepsTheFiveWithTheSmallestEndpointDifference() {
        var c = BarrierStatistics.Config()
        c.pairProtocol = .paper
        func unit(_ g: BarrierStatistics.Group, _ y: Int, _ i: Int, _ la: Double, _ lc: Double) -> BarrierStatistics.Unit {
            BarrierStatistics.Unit(plan: .init(group: g, classIndex: y, indexA: i, indexC: i + 100), lossA: la, lossC: lc, max: 0, gap: 0,
                                   blendGap: 0, bypassedMax: 0, curve: [], logitsC: [])
        }
        let diffs = [0.9, 0.1, 0.5, 0.05, 2.0, 0.3, 0.2]     // the two largest are 2.0 (index 4) and 0.9 (index 0)
        var units: [BarrierStatistics.Unit] = []
        for y in 0..<2 { for g in [BarrierStatistics.Group.within, .adversarial] { for (i, d) in diffs.enumerated() { units.append(unit(g, y, i, 1, 1 + d)) } } }
        let kept = BarrierStatistics.selected(units, c)
        XCTAssertEqual(kept.count, 2 * 2 * 5)
        for y in 0..<2 {
            for g in [BarrierStatistics.Group.within, .adversarial] {
                XCTAssertEqual(Set(kept.filter { $0.plan.classIndex == y && $0.plan.group == g }.map(\.plan.indexA)), [1, 2, 3, 5, 6])
            }
        }
        c.pairProtocol = .free
        XCTAssertEqual(BarrierStatistics.selected(units, c).count, units.count)
    }

    /// The detection `isthmus detect` runs: single scores and a learned detector on curve + logits, adversarial
    /// against within-class pairs only; `summarize` reports the same with the logistic regression.
    func testDetectionUsesWithinAndAdversarialPairsOnly() {
        var rng = SplitMix64(seed: 21)
        func unit(_ g: BarrierStatistics.Group, _ i: Int, height: Double) -> BarrierStatistics.Unit {
            let noise = { Double(rng.nextUniform()) * 0.5 }
            return BarrierStatistics.Unit(plan: .init(group: g, classIndex: 0, indexA: i, indexC: i + 100), lossA: 0, lossC: 0,
                                          max: height + noise(), gap: height / 2 + noise(), blendGap: 0, bypassedMax: height + noise(),
                                          curve: [noise(), height + noise(), noise()], logitsC: [Float(noise()), Float(height)])
        }
        let pairs = (0..<20).map { unit(.within, $0, height: 1) } + (0..<20).map { unit(.adversarial, $0, height: 5) }
        // Different-class pairs that would ruin every score if they counted as within-class negatives.
        let units = pairs + (0..<20).map { unit(.differentClass, $0, height: 9) }
        let report = BarrierStatistics.detection(units, detector: LogisticRegression(), seed: 3)
        for key in ["barrierMax", "barrierGap", "bypassedMax", "learned"] {
            XCTAssertEqual(report.detection[key]?.auroc, 1, key)
        }
        let withoutDifferent = BarrierStatistics.detection(pairs, detector: LogisticRegression(), seed: 3)
        XCTAssertEqual(report.detection.mapValues(\.auroc), withoutDifferent.detection.mapValues(\.auroc))
        XCTAssertEqual(BarrierStatistics.summarize(units, seed: 3).1.detection.mapValues(\.auroc), report.detection.mapValues(\.auroc))
        let mlp = BarrierStatistics.detection(units, detector: MLPDetector(seed: 3), testFraction: 0.3, seed: 3)
        XCTAssertEqual(mlp.detection["learned"]?.auroc, 1)
    }
}
