import XCTest
import IsthmusCore
import IsthmusNN
import IsthmusTestSupport
@testable import IsthmusRuns

final class AttackInputsTests: XCTestCase {
    var root: URL!
    let info = ModelInfo(name: "mnist-cnn", inputShape: [1, 28, 28], classes: 10, normalization: .mnist)

    override func setUpWithError() throws { root = try TestData.scratchFolder("isthmus-attackinputs") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func npy(_ n: Int, _ name: String) throws -> String {
        let path = root.appendingPathComponent(name).path
        try Tensor(shape: [n, 1, 28, 28], scalars: (0..<(n * 784)).map { Float($0 % 5) }).writeNpy(path)
        return path
    }

    func testFileInputsCarryTheirLabelAndBroadcastOneAnchor() throws {
        let model = try ModelSpec(options: ModelOptions(name: "mnist-cnn"), seed: 0, untrained: true).load().0
        let (inputs, source) = try AttackInputs.load(.file(path: try npy(3, "x.npy"), label: 4, pair: try npy(1, "a.npy")), model: model,
                                                     info: info, targetClass: 2, paired: true, seed: 0)
        XCTAssertEqual(inputs.images.shape, [3, 1, 28, 28])
        XCTAssertEqual(inputs.labels, [4, 4, 4])
        XCTAssertEqual(inputs.anchors?.shape, [3, 1, 28, 28])
        XCTAssertNil(source.indices)
        XCTAssertThrowsError(try AttackInputs.load(.file(path: try npy(3, "y.npy"), label: 4, pair: try npy(2, "b.npy")), model: model,
                                                   info: info, targetClass: 2, paired: true, seed: 0)) {
            XCTAssertTrue("\($0)".contains("has 2 images for 3 inputs"), "\($0)")
        }
        XCTAssertThrowsError(try AttackInputs.load(.file(path: try npy(1, "z.npy"), label: 4, pair: try npy(1, "c.npy")), model: model,
                                                   info: info, targetClass: nil, paired: false, seed: 0)) {
            XCTAssertTrue("\($0)".contains("--pair goes with"), "\($0)")
        }
    }
}
