import Foundation
import IsthmusCore
import IsthmusFormats

/// What a model file holds, without running it: for .onnx the inputs, outputs, opset, parameter count, op
/// histogram and the ops Isthmus does not run; for .pth/.pt and .safetensors the tensors' names, dtypes and shapes.
public enum ModelFileSummary {
    /// Whether `path` has an extension `describe` reads.
    public static func readable(_ path: String) -> Bool {
        let lower = path.lowercased()
        return [".onnx", ".safetensors", ".pth", ".pt"].contains { lower.hasSuffix($0) }
    }

    /// The summary, one fact per line.
    public static func describe(_ path: String) throws -> String {
        let lower = path.lowercased()
        if lower.hasSuffix(".onnx") { return try describeONNX(path) }
        if lower.hasSuffix(".safetensors") { return describeTensors(try Safetensors.read(path)) }
        return describeTensors(try TorchCheckpoint.read(path))
    }

    static func shape(_ dims: [ONNXDimension]?) -> String {
        guard let dims else { return "?" }
        return "[" + dims.map { d -> String in
            switch d {
            case .value(let v): return String(v)
            case .parameter(let p): return p
            case .unknown: return "?"
            }
        }.joined(separator: ", ") + "]"
    }

    static func describeONNX(_ path: String) throws -> String {
        let m = try ONNXModelProto.read(path)
        let g = m.graph
        let inits = Set(g.initializers.map(\.name))
        var s = "\((path as NSString).lastPathComponent): ONNX IR \(m.irVersion), opset \(m.opsetVersion.map(String.init) ?? "none")"
        if !m.producerName.isEmpty { s += ", produced by \(m.producerName) \(m.producerVersion)" }
        s += "\n"
        for v in g.inputs where !inits.contains(v.name) {
            s += "input   \(v.name): \(ONNXDataType.name(v.elementType ?? 0)) \(shape(v.shape))\n"
        }
        for v in g.outputs { s += "output  \(v.name): \(ONNXDataType.name(v.elementType ?? 0)) \(shape(v.shape))\n" }
        let params = g.initializers.filter { ONNXDataType(rawValue: $0.dataType)?.isFloatingPoint == true }
            .map { $0.elementCount ?? 0 }.reduce(0, +)
        s += "parameters \(params) in \(g.initializers.count) initializers; \(g.nodes.count) nodes\n"
        if !m.metadata.isEmpty { s += "metadata " + m.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "\n" }
        var histogram = [String: Int]()
        for n in g.nodes { histogram[n.domain.isEmpty || n.domain == "ai.onnx" ? n.opType : n.domain + "." + n.opType, default: 0] += 1 }
        s += "ops " + histogram.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        let unsupported = ONNXOps.unsupported(in: g)
        if unsupported.isEmpty {
            do {
                let model = try ONNXModel(proto: m)
                s += "supported: every op; logits '\(model.logitsName)'"
                    + (model.strippedOutputOp.map { " (input of the final \($0))" } ?? "") + "\n"
            } catch {
                s += "not runnable: \(error)\n"
            }
        } else {
            s += "unsupported ops " + unsupported.map { "\($0.op) \($0.count)" }.joined(separator: ", ") + "\n"
        }
        return s
    }

    static func describeTensors(_ tensors: [(name: String, array: RawArray)]) -> String {
        var s = ""
        for (name, a) in tensors { s += "\(name)  \(a.dtype.rawValue) [\(a.shape.map(String.init).joined(separator: ", "))]\n" }
        let total = tensors.map { $0.array.count }.reduce(0, +)
        return s + "\(tensors.count) tensors, \(total) elements\n"
    }
}
