import Foundation
import XCTest
import IsthmusCore
import IsthmusFormats
import IsthmusNN

/// PyTorch exports of reduced torchvision classifiers and one network of our own (scripts/golden/make_onnx_fixtures.py):
/// concatenation (DenseNet), depthwise convolutions (MobileNet-V2), squeeze-excite and HardSwish (MobileNet-V3),
/// channel shuffle (ShuffleNet-V2), LayerNorm and GELU (ConvNeXt), attention (ViT), and own-net (reflection pad,
/// dilated and grouped conv, PReLU, InstanceNorm, ELU, SELU, Softplus, HardSigmoid, ceil-mode pooling, a
/// stripped LogSoftmax). Logits must match the float64 reference to 1e-4 of their largest magnitude; the input
/// gradient of sum(logits * probe) must be within 1.5x PyTorch float32's own relative L2 error against float64
/// (plus 2e-6 for summation-order noise at that scale).
final class ONNXGoldenTests: XCTestCase {
    static func pattern(_ n: Int, _ a: Double, _ b: Double) -> [Float] { (0..<n).map { Float(sin(a * Double($0) + b)) } }

    func testExportsMatchPyTorch() throws {
        let url = Bundle.module.url(forResource: "onnx-models", withExtension: "json", subdirectory: "Fixtures")!
        let fixtures = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: [String: Any]]
        XCTAssertEqual(fixtures.count, 7)
        for (name, f) in fixtures.sorted(by: { $0.key < $1.key }) {
            let path = Bundle.module.url(forResource: name, withExtension: "onnx", subdirectory: "Fixtures/onnx")!.path
            let model = try ONNXModel(path: path)
            if name == "own-net" { XCTAssertEqual(model.strippedOutputOp, "LogSoftmax") }
            let shape = f["inputShape"] as! [Int]
            let x = Tensor(shape: shape, scalars: Self.pattern(shape.reduce(1, *), 0.37, 0.5))
            let want = (f["logits"] as! [Double]), wantShape = f["logitsShape"] as! [Int]
            let probe = Tensor(shape: wantShape, scalars: Self.pattern(want.count, 0.91, 0.2))
            var logits: Tensor!
            let (_, g) = valueWithGradient(wrt: [x]) {
                logits = model(x)
                return (logits * probe).sum()
            }
            XCTAssertEqual(logits.shape, wantShape, name)
            let scale = want.map(Swift.abs).max()!
            let err = zip(logits.scalars, want).map { Swift.abs(Double($0) - $1) }.max()! / scale
            let gw = f["gradient"] as! [Double]
            var num = 0.0, den = 0.0
            for (a, b) in zip(g[0].scalars, gw) { num += (Double(a) - b) * (Double(a) - b); den += b * b }
            let gErr = (num / den).squareRoot(), torchErr = f["torchFloat32GradientError"] as! Double
            print(String(format: "%@: logits rel err %.2e (torch f32 %.2e), gradient rel L2 %.2e (torch f32 %.2e)",
                         name, err, f["torchFloat32LogitsError"] as! Double, gErr, torchErr))
            XCTAssertLessThanOrEqual(err, 1e-4, "\(name) logits")
            XCTAssertLessThanOrEqual(gErr, 1.5 * torchErr + 2e-6, "\(name) input gradient")
        }
    }
}
