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
}
