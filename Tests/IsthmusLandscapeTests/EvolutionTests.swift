import XCTest
import IsthmusCore
@testable import IsthmusNN
@testable import IsthmusLandscape

final class EvolutionTests: XCTestCase {
    func testConventions() {
        // numpy: np.std([1, 2, 3, 4]) = 1.1180..., with ddof=1 1.2909...; np.trapezoid([1, 3, 2]) = 4.5.
        XCTAssertEqual(BarrierEvolution.std([1, 2, 3, 4], .population), 1.118033988749895, accuracy: 1e-12)
        XCTAssertEqual(BarrierEvolution.std([1, 2, 3, 4], .sample), 1.2909944487358056, accuracy: 1e-12)
        XCTAssertEqual(BarrierEvolution.area([1, 3, 2], alphas: [0, 0.5, 1], .unit), 4.5, accuracy: 1e-12)
        XCTAssertEqual(BarrierEvolution.area([1, 3, 2], alphas: [0, 0.5, 1], .alpha), 2.25, accuracy: 1e-12)
        let p = BarrierEvolution.Config.paper
        XCTAssertEqual(p.model.name, "resnet18"); XCTAssertEqual(p.model.inputSize, 32); XCTAssertEqual(p.runs, 5)
        XCTAssertEqual(p.std, .population); XCTAssertEqual(p.area, .unit)
    }

    func data(_ shape: [Int], classes: Int, n: Int = 8) -> DataSplit {
        var rng = SplitMix64(seed: 4)
        let d = Dataset(name: "random", images: Tensor.normal([n] + shape, using: &rng), labels: (0..<n).map { $0 % classes },
                        classes: classes, normalization: Normalization(mean: Array(repeating: 0, count: shape[0]), std: Array(repeating: 1, count: shape[0])))
        return DataSplit(train: d, test: d)
    }

    /// R runs per class: every checkpoint holds classes x runs curves; run 0 is the single-run experiment.
    func testRunsPerClassPoolCurvesAndRunZeroIsTheSingleRun() throws {
        var c = BarrierEvolution.Config()
        c.model = ModelOptions(name: "mlp", classes: 3, hidden: [8], inputSize: 4, inputChannels: 1)
        c.checkpoints = [0, 2]; c.classes = [0, 2]; c.fvoIterations = 3; c.steps = 5; c.training.batch = 4
        c.std = .population; c.area = .unit
        let split = data([1, 4, 4], classes: 3)
        let one = try BarrierEvolution.run(c, data: split)
        c.runs = 2
        let two = try BarrierEvolution.run(c, data: split)
        XCTAssertEqual(two.map(\.batch), [0, 2])
        for (a, b) in zip(one, two) {
            XCTAssertEqual(b.curves.count, 4)
            XCTAssertEqual(b.curves.map(\.run), [0, 0, 1, 1])
            XCTAssertEqual(Array(b.curves.prefix(2)), a.curves)
            XCTAssertNotEqual(b.curves[2].losses, b.curves[0].losses, "runs differ")
            XCTAssertEqual(b.stdMax, BarrierEvolution.std(b.curves.map(\.max), .population), accuracy: 1e-12)
            XCTAssertEqual(b.curves[0].area, BarrierEvolution.area(b.curves[0].losses, alphas: Interpolation.alphas(5), .unit), accuracy: 1e-9)
        }
    }

    /// The paper's model: torchvision ResNet-18, 10 classes, 3x32x32.
    func testPaperModelRuns() throws {
        var c = BarrierEvolution.Config.paper
        c.runs = 1; c.checkpoints = [0, 1]; c.classes = [1]; c.fvoIterations = 2; c.steps = 3; c.training.batch = 4
        let cps = try BarrierEvolution.run(c, data: data([3, 32, 32], classes: 10))
        XCTAssertEqual(cps.count, 2)
        XCTAssert(cps.allSatisfy { $0.curves.count == 1 && $0.meanMax.isFinite })
    }

    /// A checkpoint's statistics over its curves, on known values.
    func testCheckpointStatistics() {
        func curve(_ k: Int, _ losses: [Float]) -> BarrierEvolution.ClassCurve {
            BarrierEvolution.ClassCurve(classIndex: k, run: 0, max: Double(losses.max()!), area: Double(losses.reduce(0, +)), losses: losses)
        }
        var c = BarrierEvolution.Config()
        c.std = .population
        let cp = BarrierEvolution.checkpoint(c, batch: 7, curves: [curve(0, [1, 3, 1]), curve(1, [3, 5, 1])], testAccuracy: 0.25)
        XCTAssertEqual(cp.batch, 7); XCTAssertEqual(cp.testAccuracy, 0.25)
        XCTAssertEqual(cp.meanMax, 4); XCTAssertEqual(cp.stdMax, 1)
        XCTAssertEqual(cp.meanArea, 7); XCTAssertEqual(cp.stdArea, 2)
        XCTAssertEqual(cp.meanCurve, [2, 4, 1]); XCTAssertEqual(cp.stdCurve, [1, 1, 0])
        c.std = .sample
        XCTAssertEqual(BarrierEvolution.checkpoint(c, batch: 7, curves: cp.curves, testAccuracy: 0).stdMax, 2.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(BarrierEvolution.checkpoint(c, batch: 0, curves: [], testAccuracy: 0).meanCurve, [])
    }

    func testRunSeedsAndBadConfigurations() {
        var c = BarrierEvolution.Config()
        c.seed = 42
        XCTAssertEqual(BarrierEvolution.runSeed(c, 0), 42, "run 0 is the single-run experiment")
        XCTAssertNotEqual(BarrierEvolution.runSeed(c, 1), BarrierEvolution.runSeed(c, 2))
        c.model = ModelOptions(name: "mlp", classes: 3, hidden: [8], inputSize: 4, inputChannels: 1)
        c.checkpoints = [0]; c.fvoIterations = 2; c.steps = 3
        c.runs = 0
        XCTAssertThrowsError(try BarrierEvolution.run(c, data: data([1, 4, 4], classes: 3)))
        c.runs = 1
        XCTAssertThrowsError(try BarrierEvolution.run(c, data: data([1, 5, 5], classes: 3)), "the model takes 1x4x4 inputs")
    }

    /// Checkpoints come back sorted, each measured once per run as training proceeds; training changes the curves,
    /// and each curve is the segment's loss between that checkpoint's FVO modes (its max, its area).
    func testCheckpointsFollowTraining() throws {
        var c = BarrierEvolution.Config()
        c.model = ModelOptions(name: "mlp", classes: 3, hidden: [8], inputSize: 4, inputChannels: 1)
        c.checkpoints = [3, 0]; c.classes = [1]; c.fvoIterations = 5; c.steps = 7; c.training.batch = 4; c.training.lr = 0.05
        var calls: [[Int]] = []
        let cps = try BarrierEvolution.run(c, data: data([1, 4, 4], classes: 3)) { calls.append([$0, $1]) }
        XCTAssertEqual(calls, [[0, 0], [0, 3]])
        XCTAssertEqual(cps.map(\.batch), [0, 3])
        XCTAssertNotEqual(cps[0].curves[0].losses, cps[1].curves[0].losses, "three batches of training move the curve")
        for cp in cps {
            let k = cp.curves[0]
            XCTAssertEqual(k.classIndex, 1); XCTAssertEqual(k.losses.count, 7)
            XCTAssertEqual(k.max, Double(k.losses.max()!))
            XCTAssertEqual(k.area, BarrierEvolution.area(k.losses, alphas: Interpolation.alphas(7), c.area), accuracy: 1e-12)
            XCTAssert((0...1).contains(cp.testAccuracy))
        }
    }
}
