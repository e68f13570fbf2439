import XCTest
import IsthmusTestSupport
import IsthmusCore
import IsthmusNN
@testable import IsthmusRuns

final class DataSpecTests: XCTestCase {
    var root: URL!
    let mnist = ModelInfo(name: "mnist-cnn", inputShape: [1, 28, 28], classes: 10, normalization: .mnist)

    override func setUpWithError() throws { root = try TestData.scratchFolder("isthmus-dataspec") }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func npy(_ shape: [Int], _ name: String) throws -> String {
        let path = root.appendingPathComponent(name).path
        try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Float($0 % 7) }).writeNpy(path)
        return path
    }

    func testInputsAreCheckedAgainstTheModel() throws {
        XCTAssertEqual(try DataSpec.input(try npy([1, 28, 28], "a.npy"), info: mnist).shape, [1, 1, 28, 28])
        XCTAssertEqual(try DataSpec.input(try npy([1, 1, 28, 28], "b.npy"), info: mnist).shape, [1, 1, 28, 28])
        XCTAssertEqual(try DataSpec.inputBatch(try npy([3, 1, 28, 28], "c.npy"), info: mnist).shape, [3, 1, 28, 28])
        XCTAssertThrowsError(try DataSpec.input(try npy([3, 32, 32], "d.npy"), info: mnist)) {
            XCTAssertTrue("\($0)".contains("does not fit mnist-cnn"), "\($0)")
        }
        XCTAssertThrowsError(try DataSpec.input(root.appendingPathComponent("none.npy").path, info: mnist)) {
            XCTAssertTrue("\($0)".contains("no such file"), "\($0)")
        }
        let resnet = ModelInfo(name: "resnet18", inputShape: [3, 224, 224], classes: 1000, normalization: .imagenet)
        XCTAssertThrowsError(try DataSpec.input(try npy([3, 32, 32], "e.npy"), info: resnet)) {
            XCTAssertTrue("\($0)".contains("pass --input-size 32"), "a size-configurable model hints at --input-size: \($0)")
        }
    }

    func testLabelsOutsideTheModelsClassesAreRefused() throws {
        let data = Dataset(name: "d", images: Tensor.zeros([2, 1, 28, 28]), labels: [3, 12], classes: 13, normalization: .mnist)
        XCTAssertThrowsError(try DataSpec.checkLabels(data, spec: "d", info: mnist)) {
            XCTAssertTrue("\($0)".contains("image 1 has label 12"), "\($0)")
        }
    }

    func testImageSettingsGoOnlyWithImageFolders() throws {
        XCTAssertThrowsError(try DataSpec.digest("cifar10")) { XCTAssertTrue("\($0)".contains("names no file"), "\($0)") }
        let model = try ModelSpec(options: ModelOptions(name: "mnist-cnn"), seed: 0, untrained: true).load().0
        XCTAssertThrowsError(try DataSpec.evaluationSource("mnist5k", model: model, info: mnist, images: .init(split: "val", given: true))) {
            XCTAssertTrue("\($0)".contains("go with --data imagefolder"), "\($0)")
        }
        XCTAssertThrowsError(try DataSpec.evaluationSource("imagefolder:", model: model, info: mnist)) {
            XCTAssertTrue("\($0)".contains("needs a folder"), "\($0)")
        }
    }

    func testSquareNpyInputsSetTheInputSizeOfSizeConfigurableModels() throws {
        var spec = ModelSpec(options: ModelOptions(name: "mlp"), seed: 0, untrained: true)
        spec.adoptInputSize(fromNpy: try npy([1, 3, 16, 16], "f.npy"))
        XCTAssertEqual(spec.options.inputSize, 16)
        XCTAssertEqual(spec.options.inputChannels, 3)
        var fixed = ModelSpec(options: ModelOptions(name: "mnist-cnn"), seed: 0, untrained: true)
        fixed.adoptInputSize(fromNpy: try npy([1, 16, 16], "g.npy"))
        XCTAssertNil(fixed.options.inputSize, "mnist-cnn's input side is fixed")
        XCTAssertEqual(try spec.load().1.inputShape, [3, 16, 16])
        XCTAssertNil(try spec.weightsDigest(), "untrained: no weights digest")
    }
}
