import Foundation
import XCTest
import IsthmusTestSupport
import IsthmusCore
import IsthmusKernels
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

    /// MobileNet-V3's HardSwish after its convolutions runs inside them (oneDNN post-op) when nothing is recorded, as
    /// in a sweep: the logits equal PyTorch's and those of the recorded (unfused) path, the fused plans actually run,
    /// and the frozen weights are reordered into oneDNN's layout on the first call only.
    func testMobileNetV3HardSwishIsFusedWithoutRecording() throws {
        let url = Bundle.module.url(forResource: "onnx-models", withExtension: "json", subdirectory: "Fixtures")!
        let fixtures = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: [String: Any]]
        let f = try XCTUnwrap(fixtures["mobilenet-v3-small-mini"])
        let path = Bundle.module.url(forResource: "mobilenet-v3-small-mini", withExtension: "onnx", subdirectory: "Fixtures/onnx")!.path
        let model = try ONNXModel(path: path)
        // 19 HardSwish nodes: 18 after a convolution, fused; one after the classifier's Gemm, kept.
        XCTAssertEqual(model.operations.filter { $0.hasPrefix("HardSwish") }.count, 1, "\(model.operations)")
        let shape = f["inputShape"] as! [Int]
        let x = Tensor(shape: shape, scalars: Self.pattern(shape.reduce(1, *), 0.37, 0.5))
        let want = f["logits"] as! [Double], scale = want.map(Swift.abs).max()!
        let runs0 = ConvolutionSettings.postOpForwards(.hardSwish)
        let fused = withoutGradients { model(x) }
        XCTAssertEqual(ConvolutionSettings.postOpForwards(.hardSwish) - runs0, 18, "fused convolutions run")
        let reorders = ConvolutionSettings.weightReorders
        let again = withoutGradients { model(x) }
        XCTAssertEqual(ConvolutionSettings.weightReorders, reorders, "frozen weights reordered once")
        var recorded: Tensor!
        let runs1 = ConvolutionSettings.postOpForwards(.hardSwish)
        _ = valueWithGradient(wrt: [x]) { recorded = model(x); return recorded.sum() }
        XCTAssertEqual(ConvolutionSettings.postOpForwards(.hardSwish), runs1, "no fused HardSwish while recording")
        let vsTorch = zip(fused.scalars, want).map { Swift.abs(Double($0) - $1) }.max()! / scale
        let vsRecorded = zip(fused.scalars, recorded.scalars).map { Swift.abs(Double($0 - $1)) }.max()! / scale
        print(String(format: "mobilenet-v3-small-mini fused: logits rel err %.2e vs PyTorch, %.2e vs the recorded path", vsTorch, vsRecorded))
        XCTAssertLessThanOrEqual(vsTorch, 1e-4)
        XCTAssertLessThanOrEqual(vsRecorded, 1e-5)
        XCTAssertEqual(again.scalars, fused.scalars)
    }

    /// The full-size exports of make_onnx_fixtures.py --full: in torchvision ResNet-18 each convolution's Relu runs
    /// inside it and the eight blocks' conv-relu-conv run as pairs; in EfficientNet-Lite0 every Pad joins its
    /// convolution and all 33 Clip(0, 6) run inside one. The -bn exports keep the BatchNormalization nodes (the
    /// default export folds them itself): Isthmus folds every one, with the logits of the folded export. Frozen
    /// weights are reordered once.
    func testFullSizeExportsEngageEveryFusion() throws {
        let dir = TestData.packageRoot.appendingPathComponent("data/onnx")
        let names = ["resnet18", "resnet18-bn", "efficientnet-lite0", "efficientnet-lite0-bn"]
        let paths = names.map { dir.appendingPathComponent($0 + ".onnx").path }
        guard paths.allSatisfy(FileManager.default.fileExists) else {
            throw XCTSkip("needs data/onnx/ from scripts/golden/make_onnx_fixtures.py --full (after scripts/setup.sh)")
        }
        let x = Tensor(shape: [1, 3, 224, 224], scalars: Self.pattern(3 * 224 * 224, 0.37, 0.5))
        var logits = [String: Tensor]()
        for (name, path) in zip(names, paths) {
            let model = try ONNXModel(path: path)
            let ops = model.operations
            XCTAssertFalse(ops.contains { $0.hasPrefix("BatchNormalization") || $0.hasPrefix("Pad") || $0.hasPrefix("Clip") }, "\(name): \(ops)")
            let activation: ConvActivation = name.hasPrefix("resnet") ? .relu : .relu6
            let runs = ConvolutionSettings.postOpForwards(activation)
            logits[name] = withoutGradients { model(x) }
            let fusedRuns = ConvolutionSettings.postOpForwards(activation) - runs
            let reorders = ConvolutionSettings.weightReorders
            _ = withoutGradients { model(x) }
            XCTAssertEqual(ConvolutionSettings.weightReorders, reorders, "\(name): frozen weights reordered once")
            if name.hasPrefix("resnet") {
                // Relu after the stem and after each block's first convolution fused; the 8 after the residual Add stay.
                XCTAssertEqual(fusedRuns, 9, name)
                XCTAssertEqual(ops.filter { $0.hasPrefix("Relu") }.count, 8, "\(name): \(ops)")
                XCTAssertEqual(ops.filter { $0.hasPrefix("Conv") && $0.components(separatedBy: "Conv").count > 3 }.count, 8,
                               "\(name): conv pairs in \(ops)")
            } else {
                XCTAssertEqual(fusedRuns, 33, name)
            }
        }
        for base in ["resnet18", "efficientnet-lite0"] {
            let a = logits[base]!, b = logits[base + "-bn"]!
            let scale = a.scalars.map(abs).max()!
            let err = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max()! / scale
            print(String(format: "%@: logits with Isthmus's BN folding vs the exporter's %.2e", base, err))
            XCTAssertLessThanOrEqual(err, 1e-4, base)
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
