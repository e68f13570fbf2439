import Foundation
import XCTest
import IsthmusCore

/// Golden values from PyTorch, written by `scripts/golden/make_fixtures.py` into Fixtures/ops.json.
final class GoldenOpTests: XCTestCase {
    static let fixtures: [String: Any] = {
        let url = Bundle.module.url(forResource: "ops", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }()

    func tensor(_ c: [String: Any], _ key: String) -> Tensor {
        let o = c[key] as! [String: Any]
        return Tensor(shape: o["shape"] as! [Int], scalars: (o["data"] as! [Double]).map(Float.init))
    }

    func assertClose(_ a: Tensor, _ b: Tensor, rtol: Float = 1e-5, atol: Float = 1e-5, _ what: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.shape, b.shape, what, file: file, line: line)
        var worst: Float = 0
        for i in 0..<min(a.count, b.count) {
            let err = abs(a[flat: i] - b[flat: i]) - rtol * abs(b[flat: i])
            worst = max(worst, err)
        }
        XCTAssertLessThanOrEqual(worst, atol, "\(what): worst excess error \(worst)", file: file, line: line)
    }

    /// Runs `f` on the fixture inputs and compares output and gradients of sum(out * probe).
    func check(_ name: String, inputs: [String], grads: [String], _ f: ([Tensor]) -> Tensor) {
        let c = Self.fixtures[name] as! [String: Any]
        let xs = inputs.map { tensor(c, $0) }
        let probe = tensor(c, "probe")
        var out: Tensor!
        let (_, g) = valueWithGradient(wrt: xs) {
            out = f(xs)
            return (out * probe).sum()
        }
        assertClose(out, tensor(c, "out"), "\(name) forward")
        for (i, k) in grads.enumerated() { assertClose(g[i], tensor(c, k), "\(name) \(k)") }
    }

    func testConv2dStride2Pad1() {
        check("conv2d_s2p1", inputs: ["x", "w", "b"], grads: ["dx", "dw", "db"]) {
            conv2d($0[0], weight: $0[1], bias: $0[2], stride: (2, 2), padding: Padding2D(1))
        }
    }

    func testPooling() {
        check("maxpool_k3s2p1_ceil", inputs: ["x"], grads: ["dx"]) {
            maxPool2d($0[0], kernel: (3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true)
        }
        check("maxpool_k2", inputs: ["x"], grads: ["dx"]) { maxPool2d($0[0], kernel: (2, 2)) }
        check("avgpool_k3s2p1_ceil", inputs: ["x"], grads: ["dx"]) {
            avgPool2d($0[0], kernel: (3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true)
        }
        check("adaptive_avgpool_4x3", inputs: ["x"], grads: ["dx"]) { adaptiveAvgPool2d($0[0], outputSize: (4, 3)) }
    }

    func testBatchNormEvalAndTrain() {
        for mode in ["eval", "train"] {
            let c = Self.fixtures["batchnorm_" + mode] as! [String: Any]
            let rm = tensor(c, "running_mean"), rv = tensor(c, "running_var")
            check("batchnorm_" + mode, inputs: ["x", "weight", "bias"], grads: ["dx", "dweight", "dbias"]) {
                batchNorm($0[0], weight: $0[1], bias: $0[2], runningMean: rm, runningVar: rv, training: mode == "train")
            }
            assertClose(rm, tensor(c, "running_mean_after"), "\(mode) running mean")
            assertClose(rv, tensor(c, "running_var_after"), "\(mode) running var")
        }
    }

    func testLayerNormAndGELU() {
        check("layernorm", inputs: ["x", "weight", "bias"], grads: ["dx", "dweight", "dbias"]) {
            layerNorm($0[0], weight: $0[1], bias: $0[2])
        }
        check("gelu", inputs: ["x"], grads: ["dx"]) { $0[0].gelu() }
    }

    func testCrossEntropy() {
        let c = Self.fixtures["cross_entropy"] as! [String: Any]
        let logits = tensor(c, "logits")
        let (loss, g) = valueWithGradient(wrt: [logits]) { crossEntropy(logits: logits, labels: c["labels"] as! [Int]) }
        XCTAssertEqual(loss.scalar, Float(c["loss"] as! Double), accuracy: 1e-5)
        assertClose(g[0], tensor(c, "dlogits"), "cross-entropy gradient")
    }
}
