import Foundation

// ONNX files (onnx/onnx.proto, IR versions 3-10): a ModelProto holding one GraphProto of NodeProtos, with the
// weights as TensorProto initializers (inline, or in external data files beside the model). Only the messages an
// inference graph needs are read; unknown fields are skipped, as protobuf requires.

/// Limits of the ONNX reader: a protobuf file is at most 2 GiB, and graphs nest (in If/Loop attributes) at most
/// `maxGraphDepth` deep.
public enum ONNXLimits {
    public static let maxFileBytes = 1 << 31
    public static let maxGraphDepth = 8
}

/// TensorProto.DataType.
public enum ONNXDataType: Int, Sendable, CaseIterable {
    case float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, string = 8, bool = 9
    case float16 = 10, double = 11, uint32 = 12, uint64 = 13, complex64 = 14, complex128 = 15, bfloat16 = 16

    /// Bytes per element in raw_data (nil for strings).
    public var itemSize: Int? {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16, .float16, .bfloat16: return 2
        case .float, .int32, .uint32: return 4
        case .int64, .double, .uint64, .complex64: return 8
        case .complex128: return 16
        case .string: return nil
        }
    }

    public var isFloatingPoint: Bool { [.float, .double, .float16, .bfloat16].contains(self) }

    /// The lower-case name ONNX uses (`float`, `int64`, ...).
    public var name: String { "\(self)" }

    /// The name of a raw data type code, known or not.
    public static func name(_ code: Int) -> String { ONNXDataType(rawValue: code)?.name ?? "type \(code)" }
}

/// TensorProto: a dense tensor with its values in `raw_data` (little-endian) or in the typed field for its type.
public struct ONNXTensorProto: Sendable {
    public var name = ""
    public var dims: [Int] = []
    public var dataType = 0
    public var rawData: [UInt8]?
    public var floatData: [Float] = []
    /// int32_data: int32, int16, int8, uint16, uint8, bool, and the bit patterns of float16 / bfloat16.
    public var int32Data: [Int64] = []
    public var int64Data: [Int64] = []
    public var doubleData: [Double] = []
    /// uint64_data: uint32, uint64.
    public var uint64Data: [Int64] = []
    /// external_data key/value pairs (location, offset, length), resolved into `rawData` when read from a file.
    public var externalData: [String: String] = [:]
    public var isExternal = false

    public init() {}

    /// A float tensor with raw data (tests, fixtures).
    public init(name: String, dims: [Int], floats: [Float]) {
        self.name = name; self.dims = dims; dataType = ONNXDataType.float.rawValue
        var b = [UInt8]()
        for f in floats { withUnsafeBytes(of: f.bitPattern.littleEndian) { b.append(contentsOf: $0) } }
        rawData = b
    }

    /// Number of elements (1 for a scalar); nil when the dims overflow or are negative.
    public var elementCount: Int? { checkedCount(dims) }

    func fail(_ why: String, _ label: String) -> FormatError {
        FormatError(file: label, reason: "tensor '\(name)': \(why)")
    }

    /// The values widened to Double (integers exactly up to 2^53).
    public func doubles(label: String = "<onnx>") throws -> [Double] {
        guard let type = ONNXDataType(rawValue: dataType) else {
            throw fail("unknown data type \(dataType)", label)
        }
        guard let n = elementCount else { throw fail("dims \(dims) are negative or too large", label) }
        func check(_ have: Int, _ field: String) throws {
            guard have == n else { throw fail("dims \(dims) need \(n) values, \(field) holds \(have)", label) }
        }
        if let raw = rawData {
            guard let size = type.itemSize, type != .complex64, type != .complex128 else {
                throw fail("\(type.name) tensors are not supported", label)
            }
            try check(raw.count / size, "raw_data")
            guard raw.count == n * size else { throw fail("raw_data of \(raw.count) bytes for \(n) \(type.name)", label) }
            return raw.withUnsafeBytes { p -> [Double] in
                switch type {
                case .float: return (0..<n).map { Double(Float(bitPattern: p.loadLE(UInt32.self, at: $0 * 4))) }
                case .double: return (0..<n).map { Double(bitPattern: p.loadLE(UInt64.self, at: $0 * 8)) }
                case .float16: return (0..<n).map { Double(Float(Float16(bitPattern: p.loadLE(UInt16.self, at: $0 * 2)))) }
                case .bfloat16: return (0..<n).map { Double(Float(bitPattern: UInt32(p.loadLE(UInt16.self, at: $0 * 2)) << 16)) }
                case .int64: return (0..<n).map { Double(Int64(bitPattern: p.loadLE(UInt64.self, at: $0 * 8))) }
                case .uint64: return (0..<n).map { Double(p.loadLE(UInt64.self, at: $0 * 8)) }
                case .int32: return (0..<n).map { Double(Int32(bitPattern: p.loadLE(UInt32.self, at: $0 * 4))) }
                case .uint32: return (0..<n).map { Double(p.loadLE(UInt32.self, at: $0 * 4)) }
                case .int16: return (0..<n).map { Double(Int16(bitPattern: p.loadLE(UInt16.self, at: $0 * 2))) }
                case .uint16: return (0..<n).map { Double(p.loadLE(UInt16.self, at: $0 * 2)) }
                case .int8: return p.map { Double(Int8(bitPattern: $0)) }
                case .uint8: return p.map { Double($0) }
                case .bool: return p.map { $0 == 0 ? 0 : 1 }
                default: return []
                }
            }
        }
        switch type {
        case .float: try check(floatData.count, "float_data"); return floatData.map(Double.init)
        case .double: try check(doubleData.count, "double_data"); return doubleData
        case .int64: try check(int64Data.count, "int64_data"); return int64Data.map(Double.init)
        case .uint32, .uint64: try check(uint64Data.count, "uint64_data"); return uint64Data.map { Double(UInt64(bitPattern: $0)) }
        case .int32, .int16, .int8, .uint16, .uint8: try check(int32Data.count, "int32_data"); return int32Data.map(Double.init)
        case .bool: try check(int32Data.count, "int32_data"); return int32Data.map { $0 == 0 ? 0 : 1 }
        case .float16:
            try check(int32Data.count, "int32_data")
            return int32Data.map { Double(Float(Float16(bitPattern: UInt16(truncatingIfNeeded: $0)))) }
        case .bfloat16:
            try check(int32Data.count, "int32_data")
            return int32Data.map { Double(Float(bitPattern: UInt32(truncatingIfNeeded: $0) << 16)) }
        default: throw fail("\(type.name) tensors are not supported", label)
        }
    }

    /// The values as Float (rounded from wider types).
    public func floats(label: String = "<onnx>") throws -> [Float] {
        if dataType == ONNXDataType.float.rawValue, rawData == nil, let n = elementCount, floatData.count == n { return floatData }
        return try doubles(label: label).map { Float($0) }
    }

    /// The values of an integer or bool tensor as Int64 (exact for int64; uint64 above 2^63 is refused).
    public func int64s(label: String = "<onnx>") throws -> [Int64] {
        guard let type = ONNXDataType(rawValue: dataType), !type.isFloatingPoint, type != .string else {
            throw fail("expected an integer tensor, found \(ONNXDataType.name(dataType))", label)
        }
        if type == .int64 {
            guard let n = elementCount else { throw fail("dims \(dims) are negative or too large", label) }
            if let raw = rawData {
                guard raw.count == n * 8 else { throw fail("raw_data of \(raw.count) bytes for \(n) int64", label) }
                return raw.withUnsafeBytes { p in (0..<n).map { Int64(bitPattern: p.loadLE(UInt64.self, at: $0 * 8)) } }
            }
            guard int64Data.count == n else { throw fail("dims \(dims) need \(n) values, int64_data holds \(int64Data.count)", label) }
            return int64Data
        }
        return try doubles(label: label).map { d in
            guard let v = Int64(exactly: d) else { throw fail("value \(d) does not fit int64", label) }
            return v
        }
    }

    static func decode(_ r: ProtoReader) throws -> ONNXTensorProto {
        var r = r
        var t = ONNXTensorProto()
        var dims = [Int64]()
        var location = 0
        while let f = try r.next() {
            switch f.number {
            case 1: try r.appendInt64s(f, to: &dims)
            case 2: t.dataType = try r.int(f, "data_type")
            case 4: try r.appendFloats(f, to: &t.floatData)
            case 5: try r.appendInt64s(f, to: &t.int32Data)
            case 7: try r.appendInt64s(f, to: &t.int64Data)
            case 8: t.name = try r.string(f)
            case 9: t.rawData = try r.bytes(f)
            case 10: try r.appendDoubles(f, to: &t.doubleData)
            case 11: try r.appendInt64s(f, to: &t.uint64Data)
            case 13:
                let (k, v) = try decodeEntry(r.message(f))
                t.externalData[k] = v
            case 14: location = try r.int(f, "data_location")
            default: break
            }
        }
        t.dims = try dims.map { d in
            guard d >= 0, let i = Int(exactly: d) else { throw t.fail("negative dimension \(d)", r.label) }
            return i
        }
        guard t.elementCount != nil else { throw t.fail("dims \(t.dims) overflow", r.label) }
        t.isExternal = location == 1
        return t
    }

    /// Reads a standalone serialized TensorProto (the `.pb` files of ONNX test cases).
    public static func read(_ path: String) throws -> ONNXTensorProto {
        let bytes = try readFile(path, limit: ONNXLimits.maxFileBytes)
        return try decode(bytes: bytes, label: path)
    }

    public static func decode(bytes: [UInt8], label: String = "<tensor>") throws -> ONNXTensorProto {
        let t = try decode(ProtoReader(bytes, label: label))
        if t.isExternal { throw t.fail("external data is not supported in a standalone tensor file", label) }
        return t
    }
}

func decodeEntry(_ r: ProtoReader) throws -> (String, String) {
    var r = r
    var k = "", v = ""
    while let f = try r.next() {
        if f.number == 1 { k = try r.string(f) } else if f.number == 2 { v = try r.string(f) }
    }
    return (k, v)
}

/// One dimension of a ValueInfoProto's shape.
public enum ONNXDimension: Equatable, Sendable {
    case value(Int)
    /// A named symbolic dimension (`batch`, `N`).
    case parameter(String)
    case unknown
}

/// ValueInfoProto of a tensor: its name, element type and (possibly symbolic) shape; `shape` is nil when the
/// type states none, `elementType` nil when the value is not a tensor.
public struct ONNXValueInfoProto: Sendable {
    public var name = ""
    public var elementType: Int?
    public var shape: [ONNXDimension]?

    public init(name: String = "", elementType: Int? = nil, shape: [ONNXDimension]? = nil) {
        self.name = name; self.elementType = elementType; self.shape = shape
    }

    static func decode(_ r: ProtoReader) throws -> ONNXValueInfoProto {
        var r = r
        var v = ONNXValueInfoProto()
        while let f = try r.next() {
            switch f.number {
            case 1: v.name = try r.string(f)
            case 2:  // TypeProto; only tensor_type (1) is read
                var tp = try r.message(f)
                while let g = try tp.next() {
                    guard g.number == 1 else { continue }
                    var tt = try tp.message(g)
                    while let h = try tt.next() {
                        if h.number == 1 { v.elementType = try tt.int(h, "elem_type") }
                        if h.number == 2 {
                            var dims = [ONNXDimension]()
                            var sp = try tt.message(h)
                            while let d = try sp.next() {
                                guard d.number == 1 else { continue }
                                var dr = try sp.message(d)
                                var dim = ONNXDimension.unknown
                                while let e = try dr.next() {
                                    if e.number == 1 { dim = .value(try dr.int(e, "dim_value")) }
                                    if e.number == 2 { dim = .parameter(try dr.string(e)) }
                                }
                                dims.append(dim)
                            }
                            v.shape = dims
                        }
                    }
                }
            default: break
            }
        }
        return v
    }
}

/// AttributeProto: a named constant of one of the types in `AttributeType`.
public struct ONNXAttributeProto: Sendable {
    public enum Kind: Int, Sendable {
        case undefined = 0, float = 1, int = 2, string = 3, tensor = 4, graph = 5, floats = 6, ints = 7, strings = 8
        case tensors = 9, graphs = 10, sparseTensor = 11, sparseTensors = 12, typeProto = 13, typeProtos = 14
    }
    public var name = ""
    /// The declared type (`type` field), or inferred from the field that is set when absent (old IR versions).
    public var kind = Kind.undefined
    public var f: Float = 0
    public var i: Int64 = 0
    public var s: [UInt8] = []
    public var t: ONNXTensorProto?
    public var g: ONNXGraphProto?
    public var floats: [Float] = []
    public var ints: [Int64] = []
    public var strings: [[UInt8]] = []
    public var tensors: [ONNXTensorProto] = []
    public var graphs: [ONNXGraphProto] = []
    /// Set when the attribute refers to an attribute of an enclosing function (not supported in graphs).
    public var refAttrName = ""

    public init() {}

    public var string: String { String(decoding: s, as: UTF8.self) }

    static func decode(_ r: ProtoReader, depth: Int) throws -> ONNXAttributeProto {
        var r = r
        var a = ONNXAttributeProto()
        var declared: Int?
        var seen = Set<Int>()
        while let f = try r.next() {
            seen.insert(f.number)
            switch f.number {
            case 1: a.name = try r.string(f)
            case 2: a.f = try r.float(f)
            case 3: a.i = try r.int64(f)
            case 4: a.s = try r.bytes(f)
            case 5: a.t = try ONNXTensorProto.decode(r.message(f))
            case 6: a.g = try ONNXGraphProto.decode(r.message(f), depth: depth + 1)
            case 7: try r.appendFloats(f, to: &a.floats)
            case 8: try r.appendInt64s(f, to: &a.ints)
            case 9: a.strings.append(try r.bytes(f))
            case 10: a.tensors.append(try ONNXTensorProto.decode(r.message(f)))
            case 11: a.graphs.append(try ONNXGraphProto.decode(r.message(f), depth: depth + 1))
            case 20: declared = try r.int(f, "attribute type")
            case 21: a.refAttrName = try r.string(f)
            default: break
            }
        }
        if let declared {
            guard let k = Kind(rawValue: declared) else {
                throw FormatError(file: r.label, reason: "attribute '\(a.name)' has unknown type \(declared)")
            }
            a.kind = k
        } else {
            let order: [(Int, Kind)] = [(2, .float), (3, .int), (4, .string), (5, .tensor), (6, .graph), (7, .floats),
                                        (8, .ints), (9, .strings), (10, .tensors), (11, .graphs)]
            a.kind = order.first { seen.contains($0.0) }?.1 ?? .undefined
        }
        return a
    }
}

/// NodeProto: one operator application. `domain` is "" (or "ai.onnx") for the standard operators.
public struct ONNXNodeProto: Sendable {
    public var inputs: [String] = []
    public var outputs: [String] = []
    public var name = ""
    public var opType = ""
    public var domain = ""
    public var attributes: [ONNXAttributeProto] = []

    public init(opType: String = "", inputs: [String] = [], outputs: [String] = [], name: String = "",
                attributes: [ONNXAttributeProto] = []) {
        self.opType = opType; self.inputs = inputs; self.outputs = outputs; self.name = name; self.attributes = attributes
    }

    public func attribute(_ name: String) -> ONNXAttributeProto? { attributes.first { $0.name == name } }

    static func decode(_ r: ProtoReader, depth: Int) throws -> ONNXNodeProto {
        var r = r
        var n = ONNXNodeProto()
        while let f = try r.next() {
            switch f.number {
            case 1: n.inputs.append(try r.string(f))
            case 2: n.outputs.append(try r.string(f))
            case 3: n.name = try r.string(f)
            case 4: n.opType = try r.string(f)
            case 5: n.attributes.append(try ONNXAttributeProto.decode(r.message(f), depth: depth))
            case 7: n.domain = try r.string(f)
            default: break
            }
        }
        return n
    }
}

/// GraphProto: nodes in topological order, initializers (weights), and the declared inputs and outputs.
public struct ONNXGraphProto: Sendable {
    public var name = ""
    public var nodes: [ONNXNodeProto] = []
    public var initializers: [ONNXTensorProto] = []
    public var inputs: [ONNXValueInfoProto] = []
    public var outputs: [ONNXValueInfoProto] = []
    public var valueInfo: [ONNXValueInfoProto] = []
    /// Sparse initializers are not supported; their count is kept to refuse them with a clear message.
    public var sparseInitializerCount = 0

    public init() {}

    static func decode(_ r: ProtoReader, depth: Int) throws -> ONNXGraphProto {
        guard depth <= ONNXLimits.maxGraphDepth else {
            throw FormatError(file: r.label, reason: "graphs nested more than \(ONNXLimits.maxGraphDepth) deep")
        }
        var r = r
        var g = ONNXGraphProto()
        while let f = try r.next() {
            switch f.number {
            case 1: g.nodes.append(try ONNXNodeProto.decode(r.message(f), depth: depth))
            case 2: g.name = try r.string(f)
            case 5: g.initializers.append(try ONNXTensorProto.decode(r.message(f)))
            case 11: g.inputs.append(try ONNXValueInfoProto.decode(r.message(f)))
            case 12: g.outputs.append(try ONNXValueInfoProto.decode(r.message(f)))
            case 13: g.valueInfo.append(try ONNXValueInfoProto.decode(r.message(f)))
            case 15: g.sparseInitializerCount += 1
            default: break
            }
        }
        return g
    }

    /// Every tensor of this graph and its subgraphs that keeps its data in an external file.
    mutating func resolveExternal(_ load: (inout ONNXTensorProto) throws -> Void) throws {
        for i in initializers.indices where initializers[i].isExternal { try load(&initializers[i]) }
        for n in nodes.indices {
            for a in nodes[n].attributes.indices {
                if nodes[n].attributes[a].t?.isExternal == true { try load(&nodes[n].attributes[a].t!) }
                for k in nodes[n].attributes[a].tensors.indices where nodes[n].attributes[a].tensors[k].isExternal {
                    try load(&nodes[n].attributes[a].tensors[k])
                }
                if nodes[n].attributes[a].g != nil { try nodes[n].attributes[a].g!.resolveExternal(load) }
                for k in nodes[n].attributes[a].graphs.indices { try nodes[n].attributes[a].graphs[k].resolveExternal(load) }
            }
        }
    }
}

/// ModelProto: the IR version, the operator sets the graph uses, and the graph.
public struct ONNXModelProto: Sendable {
    public var irVersion: Int64 = 0
    /// (domain, version) pairs; the standard domain is "" or "ai.onnx".
    public var opsetImports: [(domain: String, version: Int)] = []
    public var producerName = ""
    public var producerVersion = ""
    public var graph = ONNXGraphProto()
    public var metadata: [String: String] = [:]
    public var functionCount = 0

    public init() {}

    /// The version of the standard operator set (nil if the model imports none).
    public var opsetVersion: Int? {
        opsetImports.first { $0.domain == "" || $0.domain == "ai.onnx" }?.version
    }

    /// Reads `path`, with external tensor data resolved from files in the model's folder.
    public static func read(_ path: String) throws -> ONNXModelProto {
        let bytes = try readFile(path, limit: ONNXLimits.maxFileBytes)
        let dir = (path as NSString).deletingLastPathComponent
        return try decode(bytes: bytes, label: path, directory: dir.isEmpty ? "." : dir)
    }

    /// Parses ModelProto bytes. External data is read from `directory` (refused when it is nil).
    public static func decode(bytes: [UInt8], label: String = "<onnx>", directory: String? = nil) throws -> ONNXModelProto {
        var r = ProtoReader(bytes, label: label)
        var m = ONNXModelProto()
        var sawGraph = false
        while let f = try r.next() {
            switch f.number {
            case 1: m.irVersion = try r.int64(f)
            case 2: m.producerName = try r.string(f)
            case 3: m.producerVersion = try r.string(f)
            case 7: m.graph = try ONNXGraphProto.decode(r.message(f), depth: 0); sawGraph = true
            case 8:
                var o = try r.message(f)
                var domain = "", version = 0
                while let g = try o.next() {
                    if g.number == 1 { domain = try o.string(g) }
                    if g.number == 2 { version = try o.int(g, "opset version") }
                }
                m.opsetImports.append((domain, version))
            case 14:
                let (k, v) = try decodeEntry(r.message(f))
                m.metadata[k] = v
            case 25: m.functionCount += 1
            default: break
            }
        }
        guard sawGraph else { throw FormatError(file: label, reason: "not an ONNX model: no graph (field 7)") }
        var files = [String: FileHandle]()
        defer { for h in files.values { try? h.close() } }
        try m.graph.resolveExternal { t in
            guard let directory else { throw t.fail("external data needs the model's folder", label) }
            try loadExternal(&t, directory: directory, label: label, files: &files)
        }
        return m
    }

    static func loadExternal(_ t: inout ONNXTensorProto, directory: String, label: String,
                             files: inout [String: FileHandle]) throws {
        guard let location = t.externalData["location"], !location.isEmpty else { throw t.fail("external data without a location", label) }
        let parts = location.split(separator: "/")
        guard !location.hasPrefix("/"), !parts.contains(".."), !location.contains("\\") else {
            throw t.fail("external data location '\(location)' must be a relative path inside the model's folder", label)
        }
        guard let type = ONNXDataType(rawValue: t.dataType), let size = type.itemSize,
              let n = t.elementCount, case let (bytes, o) = n.multipliedReportingOverflow(by: size), !o else {
            throw t.fail("external data of type \(ONNXDataType.name(t.dataType)) is not supported", label)
        }
        let offset = Int(t.externalData["offset"] ?? "0") ?? -1
        let length = t.externalData["length"].map { Int($0) ?? -1 } ?? bytes
        guard offset >= 0, length == bytes else {
            throw t.fail("external data offset \(t.externalData["offset"] ?? "") / length \(t.externalData["length"] ?? "") invalid for \(bytes) bytes", label)
        }
        let path = directory + "/" + location
        if files[location] == nil {
            guard let h = FileHandle(forReadingAtPath: path) else { throw t.fail("cannot open external data file \(path)", label) }
            files[location] = h
        }
        let h = files[location]!
        let fileSize = (try? h.seekToEnd()).map { Int($0) } ?? 0
        guard offset <= fileSize, bytes <= fileSize - offset else {
            throw t.fail("external data [\(offset), \(offset + bytes)) lies outside \(path) (\(fileSize) bytes)", label)
        }
        do {
            try h.seek(toOffset: UInt64(offset))
            let data = try h.read(upToCount: bytes) ?? Data()
            guard data.count == bytes else { throw t.fail("short read of external data from \(path)", label) }
            t.rawData = [UInt8](data)
        } catch let e as FormatError { throw e } catch {
            throw t.fail("cannot read external data from \(path): \(error.localizedDescription)", label)
        }
        t.isExternal = false
    }
}
