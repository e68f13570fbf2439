import XCTest
import IsthmusCore
import IsthmusNN
@testable import IsthmusLandscape

/// The whole-run rows of `isthmus bench`: their plans at the benchmark's settings, and their runs on tiny ones.
final class WorkloadsTests: XCTestCase {
    /// Both whole-run rows and their sequential twins are listed, with a unit naming the pairs they run.
    func testManyPairRowsAreListedWithTheirPairCounts() {
        let units = Dictionary(uniqueKeysWithValues: Workloads.all.map { ($0.name, $0) })
        for (name, pairs, batch) in [("connectivity-efficientnet-8pairs", 8, 8), ("barriers-mnist-64pairs", 64, 16)] {
            XCTAssertEqual(units[name]?.unit, "ms per run of \(pairs) pairs, batch \(batch)")
            XCTAssertEqual(units[name + "-sequential"]?.unit, "ms per run of \(pairs) pairs, batch 1")
            XCTAssertEqual(units[name]?.warmups, 0)
        }
        XCTAssert(Workloads.help.contains("connectivity-efficientnet-8pairs, connectivity-efficientnet-8pairs-sequential: "))
    }

    /// At the benchmark's settings the plans have the pairs the names claim, drawn from the labels alone.
    func testBenchmarkSettingsPlanTheClaimedPairs() throws {
        let lite = Workloads.ManyPair.connectivity(quick: true)
        XCTAssertEqual(lite.data().images.shape, [16, 3, 224, 224])
        let model = try ModelZoo.make(ModelOptions(name: "mnist-cnn"), seed: 0).0   // not evaluated with selection .all
        let pairs = try Connectivity.samplePairs(lite.data(), model: model, count: lite.pairs, seed: lite.seed, selection: .all)
        XCTAssertEqual(pairs.count, 8)
        for quick in [true, false] {
            let b = Workloads.ManyPair.barriers(quick: quick), data = b.data()
            let plans = try b.barrierPlans(model: try b.makeModel(), data: data)
            XCTAssertEqual(plans.filter { $0.group == .within }.count, 32)
            XCTAssertEqual(plans.filter { $0.group == .adversarial }.count, 32)
            XCTAssertEqual(plans.count, 64)
            XCTAssertEqual(b.barriersConfig.bypass.iterations, quick ? 256 : 1024)
            XCTAssertEqual(b.barriersConfig.attack, .paper(.statistics))
        }
        XCTAssertEqual(Workloads.ManyPair.connectivity(quick: false).connectivityConfig.chain.bypass.iterations, 256)
    }

    /// Tiny connectivity run: one row per pair, each bent with the configured steps; batched rows equal sequential ones.
    func testConnectivityRunDoesEveryPairBatchedAsSequential() throws {
        var s = Workloads.ManyPair.connectivity(quick: true)
        s.model = "mnist-cnn"; s.modelClasses = 10; s.imageShape = [1, 28, 28]; s.normalization = .mnist
        s.pairs = 3; s.bypassSteps = 4; s.primaryPoints = 9; s.segmentPoints = 5
        let model = try s.makeModel(), data = s.data()
        let batched = try s.runConnectivity(model: model, data: data, batch: 2)
        let sequential = try s.runConnectivity(model: model, data: data, batch: 1)
        XCTAssertEqual(batched.map(\.pair), [0, 1, 2])
        XCTAssertEqual(sequential.map(\.pair), [0, 1, 2])
        for (b, q) in zip(batched, sequential) {
            XCTAssertEqual(data.labels[b.indexA], b.classIndex); XCTAssertEqual(data.labels[b.indexC], b.classIndex)
            XCTAssertNotEqual(b.indexA, b.indexC)
            XCTAssert(b.bent)
            XCTAssertEqual(b.gradientEvaluations, 4)
            XCTAssertEqual([b.indexA, b.indexC], [q.indexA, q.indexC])
            XCTAssertEqual(b.primaryMax, q.primaryMax, accuracy: 1e-5 * max(1, abs(q.primaryMax)))
            XCTAssertEqual(b.finalMax, q.finalMax, accuracy: 1e-4 * max(1, abs(q.finalMax)))
        }
    }

    /// Tiny barrier run: every planned pair measured, adversarial ones attacked within the step budget and the
    /// paper's early-stop rule (more than 32 steps); batched units equal sequential ones.
    func testBarrierRunMeasuresEveryPairBatchedAsSequential() throws {
        var s = Workloads.ManyPair.barriers(quick: true)
        s.pairs = 3; s.bypassSteps = 3; s.primaryPoints = 7; s.segmentPoints = 7; s.attackSteps = 40; s.batch = 4
        let model = try s.makeModel(), data = s.data()
        let batched = try s.runBarriers(model: model, data: data, batch: 4)
        let sequential = try s.runBarriers(model: model, data: data, batch: 1)
        XCTAssertEqual(batched.map(\.plan), try s.barrierPlans(model: model, data: data))
        XCTAssertEqual(batched.count, 6)
        for (b, q) in zip(batched, sequential) {
            XCTAssertEqual(b.plan, q.plan)
            if b.plan.group == .adversarial {
                let its = try XCTUnwrap(b.attackIterations)
                XCTAssert((34...40).contains(its), "\(its) attack steps")
                XCTAssertEqual(its, q.attackIterations)
            } else {
                XCTAssertNil(b.attackIterations)
            }
            XCTAssertEqual(b.curve.count, 32)
            XCTAssertEqual(b.max, q.max, accuracy: 1e-4 * max(1, abs(q.max)))
            XCTAssertEqual(b.bypassedMax, q.bypassedMax, accuracy: 1e-4 * max(1, abs(q.bypassedMax)))
        }
    }
}
