import Foundation
import IsthmusCore
import IsthmusFormats
import IsthmusNN

/// `isthmus inspect PATH`: what a model file holds, without running it.
struct InspectCommand: Command {
    static let name = "inspect", summary = "what an .onnx, .pth/.pt or .safetensors file holds (ops, unsupported ops, tensors)"
    static let usage = "usage: isthmus inspect PATH"
    static let options = OptionTable()
    static let notes = """
      PATH.onnx             inputs, outputs, opset, parameter count, op histogram and the ops Isthmus does not run
      PATH.pth | .pt        the state dict: names, shapes, dtypes
      PATH.safetensors      names, shapes, dtypes
    """

    static func run(_ args: inout Arguments) throws {
        guard let path = args.positional() else { throw CLIError("give the file to inspect: isthmus inspect PATH") }
        try args.finish()
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("\(path): no such file") }
        guard ModelFileSummary.readable(path) else { throw CLIError("\(path): inspect reads .onnx, .pth, .pt and .safetensors files") }
        do { print(try ModelFileSummary.describe(path), terminator: "") } catch let e as FormatError { throw CLIError(e.description) }
    }
}
