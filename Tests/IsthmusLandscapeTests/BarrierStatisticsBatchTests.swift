import XCTest
import IsthmusCore
@testable import IsthmusNN
@testable import IsthmusLandscape

/// Many planned pairs measured with batched attacks and bypasses equal `BarrierStatistics.measure` on each.
final class BarrierStatisticsBatchTests: XCTestCase {
    /// A small MLP on 8x8 inputs where class k's images are bright in quadrant k (most are then classified right).
    func problem() throws -> (Module, Dataset) {
        var rng = SplitMix64(seed: 11)
        let classes = 4, n = 40
        let x = Tensor.normal([n, 1, 8, 8], std: 0.3, using: &rng)
        let p = x.mutableData
        for i in 0..<n {
            let k = i % classes, r0 = (k / 2) * 4, c0 = (k % 2) * 4
            for r in r0..<(r0 + 4) { for c in c0..<(c0 + 4) { p[i * 64 + r * 8 + c] += 1.5 } }
        }
        let model = try ModelZoo.make(ModelOptions(name: "mlp", classes: classes, hidden: [32], inputSize: 8, inputChannels: 1), seed: 3).0
        let data = Dataset(name: "toy", images: x, labels: (0..<n).map { $0 % classes }, classes: classes,
                           normalization: Normalization(mean: [0], std: [1]))
        // A few training steps so that the plan finds correctly classified images of every class.
        var c = Training.Config()
        c.epochs = 30; c.batch = 8; c.lr = 1e-2
        _ = try Training.train(model, on: DataSplit(train: data, test: data), c)
        return (model, data)
    }

    func testBatchedEqualsSequentialForEveryGroup() throws {
        let (model, data) = try problem()
        var c = BarrierStatistics.Config()
        c.pairs = 3; c.steps = 20; c.curvePoints = 8
        c.bypass.iterations = 12
        var attack = Attacks.PaperConfig.statistics(steps: 40); attack.minSteps = 4; c.attack = .paper(attack)
        let plans = try BarrierStatistics.plan(c, data: data, model: model)
        XCTAssertEqual(Set(plans.map(\.group)).count, 3)
        let seq = try plans.map { try BarrierStatistics.measure($0, c, model: model, data: data) }
        for batch in [1, 2, 4] {
            var out = [BarrierStatistics.Unit?](repeating: nil, count: plans.count)
            try BarrierStatistics.measureMany(plans, c, model: model, data: data, batch: batch) { k, u in
                XCTAssertNil(out[k]); out[k] = u
            }
            for (k, (b, s)) in zip(out.map { $0! }, seq).enumerated() {
                XCTAssertEqual(b.plan, s.plan)
                XCTAssertEqual(b.attackSuccess, s.attackSuccess, "pair \(k)")
                XCTAssertEqual(b.attackIterations, s.attackIterations, "pair \(k)")
                for (x, y) in [(b.lossA, s.lossA), (b.lossC, s.lossC), (b.max, s.max), (b.gap, s.gap), (b.blendGap, s.blendGap),
                               (b.bypassedMax, s.bypassedMax)] + zip(b.curve, s.curve).map({ ($0, $1) }) {
                    XCTAssertEqual(x, y, accuracy: 1e-4, "pair \(k), batch \(batch)")
                }
                if let l2 = s.attackL2 { XCTAssertEqual(b.attackL2!, l2, accuracy: 1e-4) }
                for (x, y) in zip(b.logitsC, s.logitsC) { XCTAssertEqual(x, y, accuracy: 1e-4) }
            }
        }
    }
}
