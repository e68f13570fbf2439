import Foundation
import XCTest
import IsthmusTestSupport
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

    /// The EfficientNet-Lite0 ImageNet checkpoint exported to ONNX (make_onnx_fixtures.py --full) against PyTorch on
    /// the coffee photo (the fixture of RealWeightsGoldenTests) and against the built-in model with the same weights.
    func testEfficientNetLite0ExportMatchesPyTorchAndTheNativeModel() throws {
        let root = TestData.packageRoot
        let onnxPath = root.appendingPathComponent("data/onnx/efficientnet-lite0.onnx").path
        let weights = root.appendingPathComponent("data/efficientnet-lite0.pth").path
        let photo = root.appendingPathComponent("data/photos/coffee.png").path
        let grad64 = root.appendingPathComponent("data/onnx/efficientnet-lite0-coffee-grad64.npy").path
        let refs = root.appendingPathComponent("data/onnx/efficientnet-lite0-coffee.json").path
        guard [onnxPath, weights, photo, grad64, refs].allSatisfy(FileManager.default.fileExists) else {
            throw XCTSkip("needs data/ from scripts/setup.sh and data/onnx/ from scripts/golden/make_onnx_fixtures.py --full")
        }
        let url = Bundle.module.url(forResource: "efficientnet-lite0-real", withExtension: "json", subdirectory: "Fixtures")!
        let c = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let box = c["box"] as! [Int], image = try ImageDecode.read(photo)
        let (bx, by, bw, bh) = (box[0], box[1], box[2], box[3])
        var pixels = [Float]()
        for ch in 0..<3 {
            for r in by..<(by + bh) {
                for q in bx..<(bx + bw) {
                    let v = Float(image.pixels[(r * image.width + q) * 3 + ch]) / 255
                    pixels.append((v - 0.5) / 0.5)
                }
            }
        }
        let x = Tensor(shape: [1, 3, bh, bw], scalars: pixels)
        let label = c["label"] as! Int
        func run(_ m: Module) -> (Tensor, Tensor) {
            var y: Tensor!
            let (_, g) = valueWithGradient(wrt: [x]) { y = m(x); return crossEntropy(logits: y, labels: [label]) }
            return (y, g[0])
        }
        let onnx = try ONNXModel(path: onnxPath)
        // Every Pad joined its convolution and every Clip(0, 6) runs inside one.
        XCTAssertFalse(onnx.operations.contains { $0.hasPrefix("Pad") || $0.hasPrefix("Clip") }, "\(onnx.operations)")
        let (native, _) = try ModelZoo.make(ModelOptions(name: "efficientnet-lite0"), seed: 0)
        try native.loadWeights(weights)
        let (yo, go) = run(onnx), (yn, gn) = run(native)
        let want = (c["logits"] as! [Double]).map(Float.init), scale = want.map(abs).max()!
        let vsTorch = zip(yo.scalars, want).map { abs($0 - $1) }.max()! / scale
        let vsNative = zip(yo.scalars, yn.scalars).map { abs($0 - $1) }.max()! / scale
        func relL2(_ a: Tensor, _ b: Tensor) -> Double {
            var num = 0.0, den = 0.0
            for i in 0..<a.count { let d = Double(a[flat: i]) - Double(b[flat: i]); num += d * d; den += Double(b[flat: i]) * Double(b[flat: i]) }
            return (num / den).squareRoot()
        }
        let g64 = try Tensor.readNpy(grad64)
        let torchErr = (try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: refs))) as! [String: Double])["torchFloat32GradientError"]!
        let (eOnnx, eNative, eBetween) = (relL2(go, g64), relL2(gn, g64), relL2(go, gn))
        print(String(format: "EfficientNet-Lite0 ONNX: logits vs PyTorch %.2e, vs native %.2e; input gradient rel L2 vs float64 %.2e "
                     + "(native %.2e, PyTorch float32 %.2e), ONNX vs native %.2e", vsTorch, vsNative, eOnnx, eNative, torchErr, eBetween))
        XCTAssertEqual(Array(yo.argmax(axis: 1)), [967])
        XCTAssertLessThan(vsTorch, 1e-4)
        XCTAssertLessThan(vsNative, 1e-4)
        XCTAssertLessThanOrEqual(eOnnx, 1.5 * torchErr)
    }
}
