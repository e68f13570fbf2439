import XCTest
import IsthmusCore
@testable import IsthmusNN
@testable import IsthmusLandscape

/// Fig 6's pairing: 7 within-class and 7 real-adversarial pairs per class, carriers from a random other class,
/// the 5 per class and group with the smallest |L(A) - L(C)| kept.
final class BarrierStatisticsTests: XCTestCase {
    func problem() -> (Module, Dataset) { linearProblem() }

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

    /// The free protocol: `pairs` pairs per group, seeded, of correctly classified images with the group's pairing.
    func testFreePlanIsSeededAndPairsEachGroupAsItSays() throws {
        let (model, data) = problem()
        var c = BarrierStatistics.Config()
        c.pairs = 6; c.seed = 5
        let plans = try BarrierStatistics.plan(c, data: data, model: model)
        XCTAssertEqual(plans.count, 3 * 6)
        for g in BarrierStatistics.Group.allCases { XCTAssertEqual(plans.filter { $0.group == g }.count, 6) }
        let preds = data.predictions(of: model)
        for p in plans {
            XCTAssertEqual(data.labels[p.indexA], p.classIndex)
            XCTAssertEqual(preds[p.indexA], p.classIndex, "A is classified correctly")
            XCTAssertEqual(preds[p.indexC], data.labels[p.indexC], "C (or the carrier) is classified correctly")
            if p.group == .within {
                XCTAssertEqual(data.labels[p.indexC], p.classIndex); XCTAssertNotEqual(p.indexA, p.indexC)
            } else {
                XCTAssertNotEqual(data.labels[p.indexC], p.classIndex)
            }
        }
        XCTAssertEqual(try BarrierStatistics.plan(c, data: data, model: model), plans, "the seed fixes the plan")
        c.seed = 6
        XCTAssertNotEqual(try BarrierStatistics.plan(c, data: data, model: model), plans)
    }

    func testPlanNeedsTwoClassesWithTwoCorrectImages() {
        let (model, data) = problem()
        let one = Dataset(name: "one", images: data.images.rows(0..<1), labels: [0], classes: 4, normalization: data.normalization)
        XCTAssertThrowsError(try BarrierStatistics.plan(BarrierStatistics.Config(), data: one, model: model))
    }

    func config() -> BarrierStatistics.Config {
        var c = BarrierStatistics.Config()
        c.steps = 21; c.bypass.iterations = 5; c.curvePoints = 8
        c.attack = .paper(.statistics(steps: 40))
        return c
    }

    /// A within-class pair: the unit is the segment's curve and barrier, its one-round bypass and C's logits.
    func testMeasureWithinPairIsTheSegmentAndItsBypass() throws {
        let (model, data) = problem()
        let c = config()
        let p = BarrierStatistics.Plan(group: .within, classIndex: 1, indexA: 1, indexC: 5)
        let u = try BarrierStatistics.measure(p, c, model: model, data: data)
        let straight = Interpolation.run(Interpolation.Config(steps: c.steps, classIndex: 1), model: model,
                                         from: data.image(1), to: data.image(5))
        XCTAssertEqual(u.plan, p)
        XCTAssertEqual(u.lossA, straight.endpoints.lossA, accuracy: 1e-6)
        XCTAssertEqual(u.lossC, straight.endpoints.lossC, accuracy: 1e-6)
        XCTAssertEqual(u.max, straight.barrier.max, accuracy: 1e-6)
        XCTAssertEqual(u.gap, straight.barrier.max - max(u.lossA, u.lossC), accuracy: 1e-9)
        XCTAssertEqual(u.blendGap, straight.barrier.blendGap, accuracy: 1e-6)
        XCTAssertEqual(u.curve.count, c.curvePoints)
        XCTAssertEqual(u.curve.first!, u.lossA, accuracy: 1e-6); XCTAssertEqual(u.curve.last!, u.lossC, accuracy: 1e-6)
        XCTAssertEqual(u.logitsC, withoutGradients { model(data.image(5)) }.scalars)
        XCTAssertGreaterThanOrEqual(u.bypassedMax, max(u.lossA, u.lossC) - 1e-6, "the bypassed path keeps its ends")
        XCTAssertNil(u.attackSuccess); XCTAssertNil(u.attackL2); XCTAssertNil(u.attackIterations)
    }

    /// An adversarial pair: the carrier is attacked towards class y first; C is the adversarial example.
    func testMeasureAdversarialPairAttacksTheCarrierTowardsTheClass() throws {
        let (model, data) = problem()
        var c = config()
        var pgd = Attacks.PGDConfig(); pgd.steps = 40; pgd.eps = 4; pgd.step = 0.2; c.attack = .pgd(pgd)
        let p = BarrierStatistics.Plan(group: .adversarial, classIndex: 2, indexA: 2, indexC: 3)
        let u = try BarrierStatistics.measure(p, c, model: model, data: data)
        XCTAssertEqual(u.attackSuccess, true)
        XCTAssertGreaterThan(try XCTUnwrap(u.attackL2), 0)
        XCTAssertNotNil(u.attackIterations)
        // C's logits are those of the adversarial example: class 2 wins, not the carrier's class 3.
        XCTAssertEqual(u.logitsC.indices.max { u.logitsC[$0] < u.logitsC[$1] }, 2)
        XCTAssertNotEqual(u.logitsC, withoutGradients { model(data.image(3)) }.scalars)
    }

    /// Group summaries and the attack success rate on hand-made units.
    func testSummarizeGroupsAndSuccessRate() {
        func unit(_ g: BarrierStatistics.Group, _ i: Int, gap: Double, success: Bool? = nil) -> BarrierStatistics.Unit {
            BarrierStatistics.Unit(plan: .init(group: g, classIndex: 0, indexA: i, indexC: i + 100), lossA: 0, lossC: 0,
                                   max: gap + 1, gap: gap, blendGap: 0, bypassedMax: 0.5, curve: [0, gap, 0], logitsC: [0, 1],
                                   attackSuccess: success)
        }
        let units = [unit(.within, 0, gap: 0), unit(.within, 1, gap: 1), unit(.within, 2, gap: 2), unit(.within, 3, gap: 0),
                     unit(.adversarial, 4, gap: 3, success: true), unit(.adversarial, 5, gap: 5, success: false),
                     unit(.adversarial, 6, gap: 4, success: true), unit(.adversarial, 7, gap: 6, success: true)]
        let (r, _) = BarrierStatistics.summarize(units, seed: 1, resamples: 10)
        XCTAssertEqual(Set(r.groups.keys), ["within", "adversarial"], "no different-class units, no such group")
        XCTAssertEqual(r.groups["within"]!.monotoneFraction, 0.5)
        XCTAssertEqual(r.groups["within"]!.gap.median, 0.5)
        XCTAssertEqual(r.groups["within"]!.max.max, 3)
        XCTAssertEqual(r.groups["adversarial"]!.monotoneFraction, 0)
        XCTAssertEqual(r.groups["adversarial"]!.gap.mean, 4.5)
        XCTAssertEqual(r.attackSuccessRate, 0.75)
        XCTAssertEqual(r.detection["barrierGap"]?.auroc, 1, "every adversarial gap exceeds every within-class gap")
    }
}
