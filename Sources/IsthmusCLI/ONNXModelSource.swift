import Foundation
import IsthmusRuns

/// `--model PATH.onnx [--logits NAME] [--input-size S] [--normalization imagenet|cifar10|mnist|half|none]
/// [--classes N]`. Its weights come from the file, so --weights / --untrained are refused.
extension ONNXModelSpec {
    /// The options only ONNX models take (`--input-size` and `--classes` are shared with the built-in models).
    static let options: [Option] = [
        .text("--logits", "NAME", "ONNX: the tensor taken as logits (default: the first output, or the input of a final Softmax)"),
        .text("--normalization", "N", "ONNX: imagenet | cifar10 | mnist | half | none (default: the model's `normalization` metadata)"),
    ]

    static func parse(_ path: String, _ args: inout Arguments, requireWeights: Bool) throws -> ONNXModelSpec {
        if try args.string("--weights") != nil { throw CLIError("--weights does not apply to an ONNX model: its weights are in \(path)") }
        if args.flag("--untrained") { throw CLIError("--untrained does not apply to an ONNX model: its weights are in \(path)") }
        if !requireWeights { throw CLIError("an ONNX model cannot be trained here (its weights are frozen constants); use a built-in model") }
        var s = ONNXModelSpec(path: path, logits: try args.string("--logits"), inputSize: try args.optionalInt("--input-size"),
                              classes: try args.optionalInt("--classes"))
        if let n = try args.string("--normalization") {
            guard n == "none" || normalizations[n] != nil else {
                throw CLIError("--normalization must be one of imagenet, cifar10, mnist, half, none; got '\(n)'")
            }
            s.normalization = n
        }
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("\(path): no such file") }
        return s
    }
}
