import Foundation

/// MNIST IDX files, plain or gzipped: idx3-ubyte images (magic 0x00000803, big-endian N, rows, cols)
/// and idx1-ubyte labels (magic 0x00000801, big-endian N).
public enum IDX {
    /// A u8 array: [N, rows, cols] for images, [N] for labels.
    public static func read(_ path: String) throws -> RawArray {
        try decode(bytes: Zlib.readMaybeGzip(path), label: path)
    }

    /// Parses (already decompressed) IDX bytes of unsigned-byte data with 1 to 3 dimensions.
    public static func decode(bytes: [UInt8], label: String = "<idx>") throws -> RawArray {
        let r = ByteReader(bytes: bytes, label: label)
        let magic = try r.be(UInt32.self, 0, "magic")
        guard magic >> 8 == 0x08, (1...3).contains(magic & 0xFF) else {
            throw FormatError(file: label, reason: String(format: "bad magic 0x%08x (expected 0x00000801 or 0x00000803)", magic))
        }
        let rank = Int(magic & 0xFF)
        var shape = [Int]()
        for k in 0..<rank { shape.append(Int(try r.be(UInt32.self, 4 + 4 * k, "dimension \(k)"))) }
        let start = 4 + 4 * rank
        guard let n = checkedCount(shape), n == bytes.count - start else {
            throw FormatError(file: label, reason: "dimensions \(shape) need \(checkedCount(shape).map(String.init) ?? "too many") bytes of data, file has \(bytes.count - start)")
        }
        return RawArray(shape: shape, dtype: .uint8, bytes: Array(bytes[start...]))
    }

    /// Loads `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
    /// `t10k-labels-idx1-ubyte` (each optionally `.gz`) from `dir`; images are [N,28,28] u8, labels [N] u8.
    public static func loadDirectory(_ dir: String) throws
        -> (trainImages: RawArray, trainLabels: RawArray, testImages: RawArray, testLabels: RawArray) {
        func load(_ base: String, rank: Int) throws -> RawArray {
            let path = (dir as NSString).appendingPathComponent(base)
            let found = [path, path + ".gz"].first { FileManager.default.fileExists(atPath: $0) }
            guard let found else { throw FormatError(file: path, reason: "missing (also looked for \(base).gz)") }
            let a = try read(found)
            guard a.shape.count == rank, rank == 1 || Array(a.shape.dropFirst()) == [28, 28] else {
                throw FormatError(file: found, reason: "expected \(rank == 1 ? "[N] labels" : "[N,28,28] images"), found shape \(a.shape)")
            }
            if rank == 1, let bad = a.bytes.firstIndex(where: { $0 > 9 }) {
                throw FormatError(file: found, reason: "label \(a.bytes[bad]) at index \(bad) is not a digit 0...9")
            }
            return a
        }
        let trI = try load("train-images-idx3-ubyte", rank: 3), trL = try load("train-labels-idx1-ubyte", rank: 1)
        let teI = try load("t10k-images-idx3-ubyte", rank: 3), teL = try load("t10k-labels-idx1-ubyte", rank: 1)
        for (i, l, name) in [(trI, trL, "train"), (teI, teL, "t10k")] where i.shape[0] != l.shape[0] {
            throw FormatError(file: dir, reason: "\(name) has \(i.shape[0]) images but \(l.shape[0]) labels")
        }
        return (trI, trL, teI, teL)
    }
}
