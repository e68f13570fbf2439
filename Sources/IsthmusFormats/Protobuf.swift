import Foundation

/// A reader of the protobuf wire format over a byte range: a message is a sequence of fields, each a varint key
/// `(number << 3) | wireType` then a varint (type 0), 8 bytes (1), a varint length and that many bytes (2), or
/// 4 bytes (5). Groups (types 3, 4) are refused. Every read is bounds-checked and throws `FormatError`.
public struct ProtoReader {
    public enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        /// A length-delimited payload: bytes `range` of the buffer.
        case bytes(Range<Int>)
    }

    public struct Field {
        public let number: Int
        public let value: Value
    }

    public let buffer: [UInt8]
    public let label: String
    public private(set) var position: Int
    public let end: Int

    public init(_ buffer: [UInt8], range: Range<Int>? = nil, label: String) {
        self.buffer = buffer
        self.label = label
        let r = range ?? 0..<buffer.count
        position = r.lowerBound
        end = r.upperBound
    }

    func error(_ what: String) -> FormatError { FormatError(file: label, reason: what) }

    public var isAtEnd: Bool { position >= end }

    mutating func readVarint(_ what: String) throws -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw error("truncated varint (\(what)) at offset \(position)") }
            let b = buffer[position]
            position += 1
            if shift == 63 && b > 1 { throw error("varint longer than 64 bits (\(what)) at offset \(position - 1)") }
            v |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return v }
            shift += 7
            if shift > 63 { throw error("varint longer than 10 bytes (\(what)) at offset \(position - 1)") }
        }
    }

    mutating func readFixed(_ n: Int, _ what: String) throws -> UInt64 {
        guard end - position >= n else { throw error("truncated \(n)-byte field (\(what)) at offset \(position)") }
        var v: UInt64 = 0
        for i in 0..<n { v |= UInt64(buffer[position + i]) << (8 * UInt64(i)) }
        position += n
        return v
    }

    /// The next field, or nil at the end of the range.
    public mutating func next() throws -> Field? {
        if position >= end { return nil }
        let keyAt = position
        let key = try readVarint("field key")
        let number = key >> 3
        guard number >= 1, number <= 536_870_911 else { throw error("invalid field number \(number) at offset \(keyAt)") }
        switch key & 7 {
        case 0: return Field(number: Int(number), value: .varint(try readVarint("field \(number)")))
        case 1: return Field(number: Int(number), value: .fixed64(try readFixed(8, "field \(number)")))
        case 5: return Field(number: Int(number), value: .fixed32(UInt32(try readFixed(4, "field \(number)"))))
        case 2:
            let n = try readVarint("length of field \(number)")
            guard n <= UInt64(end - position) else {
                throw error("field \(number) at offset \(keyAt) claims \(n) bytes, only \(end - position) remain")
            }
            let r = position..<(position + Int(n))
            position += Int(n)
            return Field(number: Int(number), value: .bytes(r))
        default:
            throw error("unsupported wire type \(key & 7) for field \(number) at offset \(keyAt)")
        }
    }

    // MARK: - Typed views of a field's value

    public func int64(_ f: Field) throws -> Int64 {
        guard case .varint(let v) = f.value else { throw error("field \(f.number) should be a varint") }
        return Int64(bitPattern: v)
    }

    public func int(_ f: Field, _ what: String) throws -> Int {
        let v = try int64(f)
        guard let i = Int(exactly: v) else { throw error("\(what) \(v) out of range") }
        return i
    }

    public func float(_ f: Field) throws -> Float {
        guard case .fixed32(let v) = f.value else { throw error("field \(f.number) should be a 32-bit float") }
        return Float(bitPattern: v)
    }

    public func range(_ f: Field) throws -> Range<Int> {
        guard case .bytes(let r) = f.value else { throw error("field \(f.number) should be length-delimited") }
        return r
    }

    public func bytes(_ f: Field) throws -> [UInt8] { Array(buffer[try range(f)]) }

    public func string(_ f: Field) throws -> String {
        String(decoding: buffer[try range(f)], as: UTF8.self)
    }

    /// A reader over a nested message.
    public func message(_ f: Field) throws -> ProtoReader { ProtoReader(buffer, range: try range(f), label: label) }

    /// Repeated int64 (int32, uint64): one varint, or a packed run of them.
    public func appendInt64s(_ f: Field, to out: inout [Int64]) throws {
        switch f.value {
        case .varint(let v): out.append(Int64(bitPattern: v))
        case .bytes(let r):
            var sub = ProtoReader(buffer, range: r, label: label)
            while !sub.isAtEnd { out.append(Int64(bitPattern: try sub.readVarint("packed field \(f.number)"))) }
        default: throw error("field \(f.number) should hold varints")
        }
    }

    /// Little-endian fixed-width values: one fixed field, or a packed run of them.
    func appendFixed<T: FixedWidthInteger>(_ f: Field, _: T.Type, _ what: String, _ append: (T) -> Void) throws {
        let width = MemoryLayout<T>.size
        switch (f.value, width) {
        case (.fixed32(let v), 4): append(T(truncatingIfNeeded: v))
        case (.fixed64(let v), 8): append(T(truncatingIfNeeded: v))
        case (.bytes(let r), _):
            guard r.count % width == 0 else {
                throw error("packed \(what) of field \(f.number): \(r.count) bytes is not a multiple of \(width)")
            }
            var i = r.lowerBound
            while i < r.upperBound {
                var v: T = 0
                for k in 0..<width { v |= T(buffer[i + k]) << (8 * k) }
                append(v)
                i += width
            }
        default: throw error("field \(f.number) should hold \(what)")
        }
    }

    /// Repeated float: one fixed32, or a packed run of them.
    public func appendFloats(_ f: Field, to out: inout [Float]) throws {
        var v = [Float]()
        try appendFixed(f, UInt32.self, "32-bit floats") { v.append(Float(bitPattern: $0)) }
        out += v
    }

    /// Repeated double: one fixed64, or a packed run of them.
    public func appendDoubles(_ f: Field, to out: inout [Double]) throws {
        var v = [Double]()
        try appendFixed(f, UInt64.self, "64-bit floats") { v.append(Double(bitPattern: $0)) }
        out += v
    }
}

/// Writes the protobuf wire format (for tests and small fixtures).
public struct ProtoWriter {
    public private(set) var bytes: [UInt8] = []
    public init() {}

    public mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { bytes.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }
    mutating func key(_ number: Int, _ type: UInt64) { varint(UInt64(number) << 3 | type) }

    public mutating func int(_ number: Int, _ v: Int64) { key(number, 0); varint(UInt64(bitPattern: v)) }
    public mutating func float(_ number: Int, _ v: Float) {
        key(number, 5)
        withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }
    public mutating func bytes(_ number: Int, _ b: [UInt8]) { key(number, 2); varint(UInt64(b.count)); bytes.append(contentsOf: b) }
    public mutating func string(_ number: Int, _ s: String) { bytes(number, Array(s.utf8)) }
    public mutating func message(_ number: Int, _ build: (inout ProtoWriter) -> Void) {
        var w = ProtoWriter()
        build(&w)
        bytes(number, w.bytes)
    }
    public mutating func packedInts(_ number: Int, _ vs: [Int64]) {
        var w = ProtoWriter()
        for v in vs { w.varint(UInt64(bitPattern: v)) }
        bytes(number, w.bytes)
    }
    public mutating func packedFloats(_ number: Int, _ vs: [Float]) {
        var b = [UInt8]()
        for v in vs { withUnsafeBytes(of: v.bitPattern.littleEndian) { b.append(contentsOf: $0) } }
        bytes(number, b)
    }
}
