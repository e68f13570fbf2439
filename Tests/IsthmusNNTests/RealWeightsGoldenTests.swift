import Foundation
import XCTest
import IsthmusCore
import IsthmusFormats
import IsthmusNN

/// EfficientNet-Lite0 with the official ImageNet weights on a real photo against PyTorch
/// (scripts/golden/make_real_efficientnet_fixture.py). The weights and the photo are not committed: the test runs
/// when `scripts/setup.sh` has fetched them into data/, and checks nothing otherwise.
final class RealWeightsGoldenTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testEfficientNetLite0RealWeightsOnCoffeeCrop() throws {
        let weights = Self.root.appendingPathComponent("data/efficientnet-lite0.pth").path
        let photo = Self.root.appendingPathComponent("data/photos/coffee.png").path
        guard FileManager.default.fileExists(atPath: weights), FileManager.default.fileExists(atPath: photo) else { return }
        let url = Bundle.module.url(forResource: "efficientnet-lite0-real", withExtension: "json", subdirectory: "Fixtures")!
        let c = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let box = c["box"] as! [Int]
        let (x0, y0, w, h) = (box[0], box[1], box[2], box[3])
        let image = try ImageDecode.read(photo)
        var pixelSum = 0
        let x = Tensor(uninitialized: [1, 3, h, w])
        for ch in 0..<3 {
            for yy in 0..<h {
                for xx in 0..<w {
                    let v = Int(image.pixels[((y0 + yy) * image.width + (x0 + xx)) * 3 + ch])
                    pixelSum += v
                    x.mutableData[(ch * h + yy) * w + xx] = (Float(v) / 255 - 0.5) / 0.5
                }
            }
        }
        XCTAssertEqual(pixelSum, c["pixelSum"] as! Int, "PNG decoding differs from Pillow")

        let (model, _) = try ModelZoo.make(ModelOptions(name: "efficientnet-lite0"), seed: 0)
        try model.loadWeights(weights)
        var logits: Tensor!
        let (loss, g) = valueWithGradient(wrt: [x]) {
            logits = model(x)
            return crossEntropy(logits: logits, labels: [c["label"] as! Int])
        }
        let expected = (c["logits"] as! [Double]).map(Float.init)
        let scale = expected.map(abs).max()!
        var worst: Float = 0
        for (i, e) in expected.enumerated() { worst = max(worst, abs(logits[flat: i] - e)) }
        XCTAssertLessThan(worst / scale, 1e-4, "logits: max error \(worst) at scale \(scale)")
        XCTAssertEqual(Array(logits.argmax(axis: 1)), [967])
        XCTAssertEqual(loss.scalar, Float(c["loss"] as! Double), accuracy: 1e-4 * max(1, loss.scalar) + 1e-5)
        let gradScale = (c["gradAtIndex"] as! [Double]).map { abs(Float($0)) }.max()!
        var gradWorst: Float = 0
        for (i, e) in zip(c["gradIndex"] as! [Int], c["gradAtIndex"] as! [Double]) { gradWorst = max(gradWorst, abs(g[0][flat: i] - Float(e))) }
        XCTAssertLessThan(gradWorst / gradScale, 1e-4, "input gradient: max error \(gradWorst) at scale \(gradScale)")
        let absSum = (0..<g[0].count).map { abs(g[0][flat: $0]) }.reduce(0, +)
        XCTAssertEqual(absSum, Float(c["gradAbsSum"] as! Double), accuracy: 1e-3 * absSum)
        print(String(format: "EfficientNet-Lite0 real weights: logits rel err %.2e, sampled gradient rel err %.2e", worst / scale, gradWorst / gradScale))
    }
}
