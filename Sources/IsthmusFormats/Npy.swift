import Foundation

/// NumPy `.npy` files (format versions 1.0, 2.0, 3.0), C order, little-endian.
///
/// Reads `<f4 <f8 <f2 <i8 <i4 |u1 |b1`; big-endian and Fortran-order files are refused.
public enum Npy {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    static let maxHeader = 1 << 20

    public static func read(_ path: String) throws -> RawArray {
        try decode(bytes: readFile(path), label: path)
    }

    /// Parses npy bytes; `label` names the source in errors.
    public static func decode(bytes: [UInt8], label: String = "<npy>") throws -> RawArray {
        let r = ByteReader(bytes: bytes, label: label)
        try r.require(0, 8, "magic and version")
        guard Array(bytes[0..<6]) == magic else { throw FormatError(file: label, reason: "not an npy file (bad magic)") }
        let major = bytes[6]
        let headerLen: Int
        let headerStart: Int
        switch major {
        case 1: headerLen = Int(try r.le(UInt16.self, 8, "header length")); headerStart = 10
        case 2, 3: headerLen = Int(try r.le(UInt32.self, 8, "header length")); headerStart = 12
        default: throw FormatError(file: label, reason: "unsupported npy version \(major).\(bytes[7])")
        }
        guard headerLen <= maxHeader else { throw FormatError(file: label, reason: "header length \(headerLen) exceeds \(maxHeader)") }
        let headerBytes = try r.slice(headerStart, headerLen, "header")
        guard let header = String(bytes: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw FormatError(file: label, reason: "header is not text")
        }
        var p = PyLiteralParser(text: Array(header.unicodeScalars), label: label)
        let dict = try p.parseDict()
        guard case .string(let descr)? = dict["descr"] else { throw FormatError(file: label, reason: "header has no string 'descr'") }
        guard case .bool(let fortran)? = dict["fortran_order"] else { throw FormatError(file: label, reason: "header has no boolean 'fortran_order'") }
        guard case .tuple(let shape)? = dict["shape"] else { throw FormatError(file: label, reason: "header has no tuple 'shape'") }
        if fortran { throw FormatError(file: label, reason: "fortran_order arrays are not supported") }
        let dtype = try dtypeFor(descr, label: label)
        guard let size = checkedByteCount(shape, dtype) else {
            throw FormatError(file: label, reason: "shape \(shape) is negative or too large")
        }
        let dataStart = headerStart + headerLen
        guard size == bytes.count - dataStart else {
            throw FormatError(file: label, reason: "shape \(shape) of \(descr) needs \(size) data bytes but the file has \(bytes.count - dataStart)")
        }
        return RawArray(shape: shape, dtype: dtype, bytes: Array(bytes[dataStart...]))
    }

    static func dtypeFor(_ descr: String, label: String) throws -> DType {
        switch descr {
        case "<f4": return .float32
        case "<f8": return .float64
        case "<f2": return .float16
        case "<i8": return .int64
        case "<i4": return .int32
        case "|u1", "<u1", "u1": return .uint8
        case "|b1", "<b1", "b1": return .bool
        default:
            if descr.hasPrefix(">") { throw FormatError(file: label, reason: "big-endian dtype '\(descr)' is not supported") }
            throw FormatError(file: label, reason: "unsupported dtype '\(descr)'")
        }
    }

    static func descr(_ d: DType) -> String {
        switch d {
        case .float32, .bfloat16: return "<f4"
        case .float64: return "<f8"
        case .float16: return "<f2"
        case .int64: return "<i8"
        case .int32: return "<i4"
        case .uint8: return "|u1"
        case .bool: return "|b1"
        }
    }

    /// npy 1.0 bytes (2.0 if the header needs it), header padded with spaces and '\n' to a multiple of 64.
    /// BF16 is widened to `<f4`, since numpy has no bfloat16. `a.bytes` must match `a.shape`.
    public static func encode(_ a: RawArray) -> [UInt8] {
        precondition(a.bytes.count == checkedByteCount(a.shape, a.dtype), "Npy.encode: bytes do not match shape \(a.shape)")
        var data = a.bytes
        if a.dtype == .bfloat16 {
            data = []
            data.reserveCapacity(a.bytes.count * 2)
            for k in stride(from: 0, to: a.bytes.count, by: 2) { data += [0, 0, a.bytes[k], a.bytes[k + 1]] }
        }
        let shape = a.shape.count == 1 ? "(\(a.shape[0]),)" : "(" + a.shape.map(String.init).joined(separator: ", ") + ")"
        var header = Array("{'descr': '\(descr(a.dtype))', 'fortran_order': False, 'shape': \(shape), }".utf8)
        let v1 = header.count + 11 < 65536
        let prefix = v1 ? 10 : 12
        let total = (prefix + header.count + 1 + 63) / 64 * 64
        header += [UInt8](repeating: 0x20, count: total - prefix - header.count - 1) + [0x0A]
        var out = magic + [v1 ? 1 : 2, 0]
        if v1 {
            out += [UInt8(header.count & 0xFF), UInt8(header.count >> 8)]
        } else {
            withUnsafeBytes(of: UInt32(header.count).littleEndian) { out += $0 }
        }
        return out + header + data
    }

    /// Writes `a` atomically as npy.
    public static func write(_ a: RawArray, to path: String) throws {
        try atomicWrite(encode(a), to: path)
    }
}

/// The Python literal subset of npy headers: dicts of string keys to strings, booleans and int tuples.
struct PyLiteralParser {
    enum Value { case string(String), bool(Bool), tuple([Int]) }
    let text: [Unicode.Scalar]
    let label: String
    var i = 0

    init(text: [Unicode.Scalar], label: String) {
        self.text = text
        self.label = label
    }

    func fail(_ why: String) -> FormatError { FormatError(file: label, reason: "bad npy header: \(why) at character \(i)") }

    mutating func skipSpace() { while i < text.count, text[i] == " " || text[i] == "\n" || text[i] == "\t" { i += 1 } }

    mutating func expect(_ c: Unicode.Scalar) throws {
        skipSpace()
        guard i < text.count, text[i] == c else { throw fail("expected '\(c)'") }
        i += 1
    }

    mutating func peek() -> Unicode.Scalar? {
        skipSpace()
        return i < text.count ? text[i] : nil
    }

    mutating func parseDict() throws -> [String: Value] {
        try expect("{")
        var d = [String: Value]()
        while peek() != "}" {
            guard case .string(let key) = try parseValue() else { throw fail("non-string key") }
            try expect(":")
            d[key] = try parseValue()
            if peek() == "," { i += 1 } else { break }
        }
        try expect("}")
        return d
    }

    mutating func parseValue() throws -> Value {
        guard let c = peek() else { throw fail("unexpected end") }
        if c == "'" || c == "\"" {
            i += 1
            var s = ""
            while i < text.count, text[i] != c { s.unicodeScalars.append(text[i]); i += 1 }
            guard i < text.count else { throw fail("unterminated string") }
            i += 1
            return .string(s)
        }
        if c == "(" {
            i += 1
            var dims = [Int]()
            while peek() != ")" {
                var digits = ""
                while i < text.count, (48...57).contains(text[i].value), digits.count < 19 { digits.unicodeScalars.append(text[i]); i += 1 }
                if peek() == "L" { i += 1 }
                guard let v = Int(digits) else { throw fail("expected a non-negative integer dimension") }
                dims.append(v)
                if peek() == "," { i += 1 } else { break }
            }
            try expect(")")
            return .tuple(dims)
        }
        for (word, v) in [("True", true), ("False", false)] where text[i...].starts(with: word.unicodeScalars) {
            i += word.unicodeScalars.count
            return .bool(v)
        }
        throw fail("unexpected '\(c)'")
    }
}
