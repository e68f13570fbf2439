import Foundation
import XCTest
import IsthmusCore
import IsthmusFormats
import IsthmusNN
import IsthmusTestSupport

/// PyTorch's float32 and float64 logits and whole input gradients of one golden case
/// (Fixtures/references, scripts/golden/make_reference_gradients.py), and the parity checks against them.
struct GoldenReference {
    let logits32, logits64, grad32, grad64: [Float]

    init(_ name: String) throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "npy",
                                                  subdirectory: "Fixtures/references"), "no reference for \(name)")
        let rows = try Npy.read(url.path)
        let values = try rows.floats(), width = rows.shape[1]
        let summaryURL = try XCTUnwrap(Bundle.module.url(forResource: "summary", withExtension: "json",
                                                         subdirectory: "Fixtures/references"))
        let summary = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(contentsOf: summaryURL))
                                     as? [String: Any])?[name] as? [String: Any])
        let logitCount = try XCTUnwrap(summary["logitCount"] as? Int)
        logits32 = Array(values[0..<logitCount]); grad32 = Array(values[logitCount..<width])
        logits64 = Array(values[width..<(width + logitCount)]); grad64 = Array(values[(width + logitCount)...])
    }

    /// Layers (weights of rank >= 2) and the longest dot product (largest fan-in) of `model`: the terms of
    /// `Float32ErrorModel.bound`.
    static func errorModelTerms(_ model: Module) -> (depth: Int, summationLength: Int) {
        let weights = model.state.filter { $0.tensor.rank >= 2 }
        return (weights.count, weights.map { $0.tensor.count / $0.tensor.shape[0] }.max() ?? 1)
    }

    /// Logits and input gradient of `model` (eval mode, already loaded) against both references: the logits within
    /// the error model's forward bound, the gradient within twice it (forward and backward), each or within 1.5x
    /// PyTorch float32's own error against float64.
    /// `kinkAllowance`: see `assertParity` (for BatchNorm folded into the convolution, which rounds differently).
    func check(_ model: Module, logits: Tensor, gradient: Tensor, kinkAllowance: Double? = nil, _ name: String,
               file: StaticString = #filePath, line: UInt = #line) {
        let (depth, n) = Self.errorModelTerms(model)
        let floor = Float32ErrorModel.bound(depth: depth, summationLength: n)
        assertParity(logits.scalars, float32: logits32, float64: logits64, floor: floor, "\(name) logits",
                     file: file, line: line)
        assertParity(gradient.scalars, float32: grad32, float64: grad64, floor: 2 * floor, kinkAllowance: kinkAllowance,
                     "\(name) input gradient", file: file, line: line)
    }

    /// Runs `body` with eval-mode BatchNorm folded into the convolutions (the default) and unfused (PyTorch's order
    /// of operations), passing the kink allowance each is judged with: none unfused, `folded` folded.
    static func withAndWithoutFolding(folded: Double, _ body: (_ label: String, _ kinkAllowance: Double?) throws -> Void) rethrows {
        let saved = BatchNormFolding.enabled
        defer { BatchNormFolding.enabled = saved }
        BatchNormFolding.enabled = false
        try body("unfused", nil)
        BatchNormFolding.enabled = true
        try body("BatchNorm folded", folded)
    }
}
