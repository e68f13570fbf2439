import Foundation

/// IsthmusFormats: readers and writers for npy, safetensors, PyTorch checkpoints, MNIST/CIFAR and images.
public enum IsthmusFormatsModule { public static let name = "IsthmusFormats" }

/// Element type of a `RawArray`; raw values are the safetensors dtype names.
public enum DType: String, Codable, Sendable, CaseIterable {
    case float32 = "F32", float64 = "F64", float16 = "F16", bfloat16 = "BF16"
    case int64 = "I64", int32 = "I32", uint8 = "U8", bool = "BOOL"

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16: return 2
        case .uint8, .bool: return 1
        }
    }
}

/// A dense C-order array read from or written to disk.
public struct RawArray: Equatable, Sendable {
    public var shape: [Int]
    public var dtype: DType
    /// Little-endian element bytes, `count * dtype.itemSize` of them.
    public var bytes: [UInt8]

    public init(shape: [Int], dtype: DType, bytes: [UInt8]) {
        self.shape = shape
        self.dtype = dtype
        self.bytes = bytes
    }

    /// A float32 array; `floats.count` must equal the product of `shape`.
    public init(shape: [Int], floats: [Float]) {
        precondition(shape.reduce(1, *) == floats.count, "RawArray: shape \(shape) does not match \(floats.count) values")
        var b = [UInt8]()
        b.reserveCapacity(floats.count * 4)
        for f in floats { withUnsafeBytes(of: f.bitPattern.littleEndian) { b.append(contentsOf: $0) } }
        self.init(shape: shape, dtype: .float32, bytes: b)
    }

    /// An int64 array; `int64s.count` must equal the product of `shape`.
    public init(shape: [Int], int64s: [Int64]) {
        precondition(shape.reduce(1, *) == int64s.count, "RawArray: shape \(shape) does not match \(int64s.count) values")
        var b = [UInt8]()
        b.reserveCapacity(int64s.count * 8)
        for v in int64s { withUnsafeBytes(of: v.littleEndian) { b.append(contentsOf: $0) } }
        self.init(shape: shape, dtype: .int64, bytes: b)
    }

    /// Number of elements (product of `shape`; 1 for a scalar).
    public var count: Int { shape.reduce(1, *) }

    /// The elements converted to Float (I64/I32 may round; BOOL gives 0 or 1).
    public func floats() throws -> [Float] {
        let n = count
        guard bytes.count == n * dtype.itemSize else {
            throw FormatError(file: "RawArray", reason: "\(bytes.count) bytes do not hold \(n) \(dtype.rawValue) elements")
        }
        return bytes.withUnsafeBytes { raw -> [Float] in
            switch dtype {
            case .float32: return (0..<n).map { Float(bitPattern: raw.loadLE(UInt32.self, at: $0 * 4)) }
            case .float64: return (0..<n).map { Float(Double(bitPattern: raw.loadLE(UInt64.self, at: $0 * 8))) }
            case .float16: return (0..<n).map { Float(Float16(bitPattern: raw.loadLE(UInt16.self, at: $0 * 2))) }
            case .bfloat16: return (0..<n).map { Float(bitPattern: UInt32(raw.loadLE(UInt16.self, at: $0 * 2)) << 16) }
            case .int64: return (0..<n).map { Float(Int64(bitPattern: raw.loadLE(UInt64.self, at: $0 * 8))) }
            case .int32: return (0..<n).map { Float(Int32(bitPattern: raw.loadLE(UInt32.self, at: $0 * 4))) }
            case .uint8: return raw.map { Float($0) }
            case .bool: return raw.map { $0 == 0 ? 0 : 1 }
            }
        }
    }

    /// The elements of an I64 array.
    public func int64s() throws -> [Int64] {
        guard dtype == .int64, bytes.count == count * 8 else {
            throw FormatError(file: "RawArray", reason: "expected I64 data, found \(dtype.rawValue) with \(bytes.count) bytes")
        }
        return bytes.withUnsafeBytes { raw in (0..<count).map { Int64(bitPattern: raw.loadLE(UInt64.self, at: $0 * 8)) } }
    }
}

/// A malformed or unsupported file: `description` is one line naming the file and the problem.
public struct FormatError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let reason: String
    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }
    public var description: String { "\(file): \(reason)" }
}

/// Writes `data` to `path + ".tmp-<pid>"` and renames it over `path`, so readers never see a partial file.
public func atomicWrite(_ data: Data, to path: String) throws {
    let tmp = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
    do {
        try data.write(to: URL(fileURLWithPath: tmp))
    } catch {
        unlink(tmp)
        throw FormatError(file: path, reason: "cannot write: \(error.localizedDescription)")
    }
    guard rename(tmp, path) == 0 else {
        let reason = String(cString: strerror(errno))
        unlink(tmp)
        throw FormatError(file: path, reason: "cannot rename temporary file into place: \(reason)")
    }
}

/// Writes `bytes` atomically (see `atomicWrite(_:to:)` for `Data`).
public func atomicWrite(_ bytes: [UInt8], to path: String) throws {
    try atomicWrite(Data(bytes), to: path)
}

// MARK: - Internal helpers

/// Reads a whole file, refusing files larger than `limit` bytes.
func readFile(_ path: String, limit: Int = 1 << 34) throws -> [UInt8] {
    guard let attrs = try? FileManager.default.attributesOfItem(atPath: path) else {
        throw FormatError(file: path, reason: "no such file or not readable")
    }
    if attrs[.type] as? FileAttributeType == .typeDirectory { throw FormatError(file: path, reason: "is a folder, not a file") }
    if let size = attrs[.size] as? NSNumber, size.int64Value > Int64(limit) {
        throw FormatError(file: path, reason: "file is \(size.int64Value) bytes, more than the \(limit)-byte limit")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw FormatError(file: path, reason: "cannot read file")
    }
    return [UInt8](data)
}

/// Product of `shape` with sign and overflow checks; nil if a dimension is negative or the product overflows.
func checkedCount(_ shape: [Int]) -> Int? {
    var n = 1
    for d in shape {
        guard d >= 0 else { return nil }
        let (p, o) = n.multipliedReportingOverflow(by: d)
        if o { return nil }
        n = p
    }
    return n
}

/// Byte size of `shape` elements of `dtype`, checked for overflow.
func checkedByteCount(_ shape: [Int], _ dtype: DType) -> Int? {
    guard let n = checkedCount(shape) else { return nil }
    let (b, o) = n.multipliedReportingOverflow(by: dtype.itemSize)
    return o ? nil : b
}

extension UnsafeRawBufferPointer {
    @inline(__always) func loadLE<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

/// Bounds-checked little/big-endian reads from a byte array.
struct ByteReader {
    let bytes: [UInt8]
    let label: String

    func require(_ offset: Int, _ length: Int, _ what: String) throws {
        guard offset >= 0, length >= 0, offset <= bytes.count, length <= bytes.count - offset else {
            throw FormatError(file: label, reason: "truncated: \(what) needs \(length) bytes at offset \(offset) but the file has \(bytes.count)")
        }
    }
    func le<T: FixedWidthInteger>(_: T.Type, _ offset: Int, _ what: String) throws -> T {
        try require(offset, MemoryLayout<T>.size, what)
        var v: T = 0
        for i in 0..<MemoryLayout<T>.size { v |= T(truncatingIfNeeded: bytes[offset + i]) << (8 * i) }
        return v
    }
    func be<T: FixedWidthInteger>(_: T.Type, _ offset: Int, _ what: String) throws -> T {
        try require(offset, MemoryLayout<T>.size, what)
        var v: T = 0
        for i in 0..<MemoryLayout<T>.size { v = (v << 8) | T(truncatingIfNeeded: bytes[offset + i]) }
        return v
    }
    func slice(_ offset: Int, _ length: Int, _ what: String) throws -> ArraySlice<UInt8> {
        try require(offset, length, what)
        return bytes[offset..<(offset + length)]
    }
}
