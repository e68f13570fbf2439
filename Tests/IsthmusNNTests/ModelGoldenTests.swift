import Foundation
import XCTest
import IsthmusCore
import IsthmusNN
import IsthmusTestSupport

/// Logits and input gradients of the three conv models against PyTorch, with deterministic closed-form weights
/// (`pattern` in scripts/golden/make_fixtures.py) and non-trivial BN statistics, in eval mode.
final class ModelGoldenTests: XCTestCase {
    static let fixtures: [String: Any] = {
        let url = Bundle.module.url(forResource: "models", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }()

    /// The same formula as the Python script, in Double, then rounded to Float.
    static func fillPattern(_ model: Module) {
        for (k, e) in model.state.enumerated() {
            let n = e.tensor.count, name = e.name
            let p = e.tensor.mutableData
            for i in 0..<n {
                let s = sin(0.37 * Double(i) + 1.3 * Double(k))
                let v: Double
                if name.hasSuffix("running_var") { v = 0.5 + s * s }
                else if name.hasSuffix("running_mean") { v = 0.1 * s }
                else if name.hasSuffix("num_batches_tracked") { v = 0 }
                else if e.tensor.rank == 1 && (name.contains("bn") || name.contains("shortcut.1") || name.contains("downsample.1")
                                                || isLayerNorm(name)) {
                    v = name.hasSuffix("weight") ? 1 + 0.2 * s : 0.1 * s
                } else if e.tensor.rank == 1 { v = 0.1 * s }
                else { v = s * (6.0 / Double(n / e.tensor.shape[0])).squareRoot() }
                p[i] = Float(v)
            }
        }
    }

    /// LayerNorm entries of the ViT (`ln`, `ln_1`, `ln_2`), filled like BatchNorm affine parameters.
    static func isLayerNorm(_ name: String) -> Bool {
        name.split(separator: ".").contains { $0 == "ln" || $0.hasPrefix("ln_") }
    }

    /// `phase` is chosen by the script so that no ReLU input lies within 1.5e-6 of its kink.
    static func inputPattern(_ shape: [Int], phase: Double) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<n).map { i in Float(sin(0.7 * Double(i) + phase) + 0.5 * cos(0.13 * Double(i))) })
    }

    func check(_ name: String, _ model: Module) throws {
        let c = Self.fixtures[name] as! [String: Any]
        XCTAssertEqual(model.state.map(\.name), c["stateNames"] as! [String], "\(name): state_dict names and order")
        Self.fillPattern(model)
        model.setTraining(false)
        let x = Self.inputPattern(c["inputShape"] as! [Int], phase: c["phase"] as! Double)
        var logits: Tensor!
        let (loss, g) = valueWithGradient(wrt: [x]) {
            logits = model(x)
            return crossEntropy(logits: logits, labels: c["labels"] as! [Int])
        }
        // Logits and the whole input gradient against PyTorch float32 and float64 (see `Float32ErrorModel`).
        try GoldenReference(name).check(model, logits: logits, gradient: g[0], name)
        let (depth, n) = GoldenReference.errorModelTerms(model)
        XCTAssertEqual(loss.scalar, Float(c["loss"] as! Double),
                       accuracy: Float(Float32ErrorModel.bound(depth: depth, summationLength: n)) * max(1, loss.scalar))
    }

    func testMnistCNN() throws { var r = SplitMix64(seed: 0); try check("mnist-cnn", MnistCNN(using: &r)) }
    func testResNet18Cifar() throws {
        var r = SplitMix64(seed: 0); try check("resnet18-cifar", ResNet18Cifar(classes: 10, using: &r))
    }
    func testResNet18Torchvision() throws {
        var r = SplitMix64(seed: 0); try check("resnet18", ResNet18(classes: 10, using: &r))
    }
}
