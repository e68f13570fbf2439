import Foundation

/// safetensors files: u64 little-endian header length N, N bytes of JSON
/// `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {String: String}}`,
/// then the data buffer (offsets are relative to it).
public enum Safetensors {
    static let maxHeader = 100_000_000

    /// Tensors in file (data-offset) order.
    public static func read(_ path: String) throws -> [(name: String, array: RawArray)] {
        try decode(bytes: readFile(path), label: path)
    }

    /// Tensors by name.
    public static func readDictionary(_ path: String) throws -> [String: RawArray] {
        Dictionary(try read(path).map { ($0.name, $0.array) }, uniquingKeysWith: { a, _ in a })
    }

    /// The `__metadata__` string map, empty if absent.
    public static func metadata(_ path: String) throws -> [String: String] {
        try parseHeader(readFile(path), label: path).metadata
    }

    /// Parses safetensors bytes; `label` names the source in errors.
    public static func decode(bytes: [UInt8], label: String = "<safetensors>") throws -> [(name: String, array: RawArray)] {
        let h = try parseHeader(bytes, label: label)
        return h.entries.map { e in
            (e.name, RawArray(shape: e.shape, dtype: e.dtype, bytes: Array(bytes[(h.dataStart + e.begin)..<(h.dataStart + e.end)])))
        }
    }

    struct Entry { let name: String; let dtype: DType; let shape: [Int]; let begin: Int; let end: Int }

    static func parseHeader(_ bytes: [UInt8], label: String) throws -> (entries: [Entry], metadata: [String: String], dataStart: Int) {
        let r = ByteReader(bytes: bytes, label: label)
        let n64 = try r.le(UInt64.self, 0, "header length")
        guard n64 <= UInt64(maxHeader) else { throw FormatError(file: label, reason: "header length \(n64) exceeds \(maxHeader) bytes") }
        let n = Int(n64)
        guard n <= bytes.count - 8 else {
            throw FormatError(file: label, reason: "header length \(n) exceeds the \(bytes.count - 8) bytes after the length field")
        }
        let json = Data(bytes[8..<(8 + n)])
        guard let obj = try? JSONSerialization.jsonObject(with: json), let dict = obj as? [String: Any] else {
            throw FormatError(file: label, reason: "header is not a JSON object")
        }
        let bufferSize = bytes.count - 8 - n
        var entries = [Entry]()
        var metadata = [String: String]()
        for (name, value) in dict {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw FormatError(file: label, reason: "__metadata__ is not an object") }
                for (k, v) in m {
                    guard let s = v as? String else { throw FormatError(file: label, reason: "__metadata__[\(k)] is not a string") }
                    metadata[k] = s
                }
                continue
            }
            func bad(_ why: String) -> FormatError { FormatError(file: label, reason: "tensor '\(name)': \(why)") }
            guard let info = value as? [String: Any] else { throw bad("entry is not an object") }
            guard let ds = info["dtype"] as? String else { throw bad("missing dtype") }
            guard let dtype = DType(rawValue: ds) else { throw bad("unsupported dtype \(ds)") }
            guard let shapeAny = info["shape"] as? [Any], let shape = intList(shapeAny), shape.allSatisfy({ $0 >= 0 }) else {
                throw bad("shape must be a list of non-negative integers")
            }
            guard let offAny = info["data_offsets"] as? [Any], let off = intList(offAny), off.count == 2 else {
                throw bad("data_offsets must be [begin, end]")
            }
            let (begin, end) = (off[0], off[1])
            guard begin >= 0, begin <= end, end <= bufferSize else {
                throw bad("data_offsets [\(begin), \(end)] outside the \(bufferSize)-byte buffer")
            }
            guard let size = checkedByteCount(shape, dtype) else { throw bad("shape \(shape) is too large") }
            guard end - begin == size else { throw bad("shape \(shape) of \(ds) needs \(size) bytes, data_offsets span \(end - begin)") }
            entries.append(Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end))
        }
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        for (a, b) in zip(entries, entries.dropFirst()) where b.begin < a.end {
            throw FormatError(file: label, reason: "tensors '\(a.name)' and '\(b.name)' overlap in the data buffer")
        }
        return (entries, metadata, 8 + n)
    }

    /// JSON numbers that are exact integers (JSONSerialization yields NSNumber; reject bools and fractions).
    static func intList(_ a: [Any]) -> [Int]? {
        var out = [Int]()
        for v in a {
            guard let num = v as? NSNumber, String(cString: num.objCType) != "c" else { return nil }
            let d = num.doubleValue
            guard d == d.rounded(), abs(d) < 9.0e18 else { return nil }
            out.append(num.intValue)
        }
        return out
    }

    /// Layout rank of the Rust/Python library's dtype order; higher ranks are laid out first.
    static func rank(_ d: DType) -> Int {
        switch d {
        case .bool: return 0
        case .uint8: return 1
        case .float16: return 2
        case .bfloat16: return 3
        case .int32: return 4
        case .float32: return 5
        case .float64: return 6
        case .int64: return 7
        }
    }

    /// safetensors bytes, identical to the Python library's `save_file`: entries ordered by dtype
    /// (I64, F64, F32, I32, BF16, F16, U8, BOOL) then by name, laid out in that order, compact JSON header
    /// with `__metadata__` first, padded with spaces to a multiple of 8 bytes.
    public static func encode(_ tensors: [(String, RawArray)], metadata: [String: String]? = nil) throws -> [UInt8] {
        let sorted = tensors.sorted { (-rank($0.1.dtype), $0.0) < (-rank($1.1.dtype), $1.0) }
        if Set(tensors.map(\.0)).count != tensors.count {
            throw FormatError(file: "<safetensors>", reason: "duplicate tensor names")
        }
        var header = "{"
        var first = true
        if let metadata, !metadata.isEmpty {
            header += "\"__metadata__\":{" + metadata.sorted { $0.key < $1.key }
                .map { "\(jsonString($0.key)):\(jsonString($0.value))" }.joined(separator: ",") + "}"
            first = false
        }
        var offset = 0
        for (name, a) in sorted {
            guard a.bytes.count == checkedByteCount(a.shape, a.dtype) else {
                throw FormatError(file: "<safetensors>", reason: "tensor '\(name)': \(a.bytes.count) bytes do not match shape \(a.shape)")
            }
            header += (first ? "" : ",") + jsonString(name) + ":{\"dtype\":\"\(a.dtype.rawValue)\",\"shape\":["
                + a.shape.map(String.init).joined(separator: ",") + "],\"data_offsets\":[\(offset),\(offset + a.bytes.count)]}"
            offset += a.bytes.count
            first = false
        }
        header += "}"
        var h = Array(header.utf8)
        h += [UInt8](repeating: 0x20, count: (8 - h.count % 8) % 8)
        var out = [UInt8]()
        out.reserveCapacity(8 + h.count + offset)
        withUnsafeBytes(of: UInt64(h.count).littleEndian) { out += $0 }
        out += h
        for (_, a) in sorted { out += a.bytes }
        return out
    }

    /// Writes `tensors` atomically as safetensors (see `encode`).
    public static func write(_ tensors: [(String, RawArray)], metadata: [String: String]? = nil, to path: String) throws {
        do {
            try atomicWrite(encode(tensors, metadata: metadata), to: path)
        } catch let e as FormatError where e.file == "<safetensors>" {
            throw FormatError(file: path, reason: e.reason)
        }
    }

    static func jsonString(_ s: String) -> String { JSONString.quote(s) }
}
