import Foundation

/// CIFAR-10 binary batches: records of 1 label byte (0-9) and 3072 pixel bytes (3x32x32, channel-major).
public enum CIFAR10 {
    static let recordSize = 1 + 3 * 32 * 32

    /// Images [N,3,32,32] u8 and labels of one batch file.
    public static func read(_ path: String) throws -> (images: RawArray, labels: [Int]) {
        try decode(bytes: readFile(path), label: path)
    }

    public static func decode(bytes: [UInt8], label: String = "<cifar>") throws -> (images: RawArray, labels: [Int]) {
        guard bytes.count % recordSize == 0 else {
            throw FormatError(file: label, reason: "size \(bytes.count) is not a multiple of the \(recordSize)-byte record")
        }
        let n = bytes.count / recordSize
        var labels = [Int](), pixels = [UInt8]()
        labels.reserveCapacity(n)
        pixels.reserveCapacity(n * (recordSize - 1))
        for i in 0..<n {
            let o = i * recordSize
            guard bytes[o] < 10 else { throw FormatError(file: label, reason: "record \(i): label \(bytes[o]) is not in 0...9") }
            labels.append(Int(bytes[o]))
            pixels += bytes[(o + 1)..<(o + recordSize)]
        }
        return (RawArray(shape: [n, 3, 32, 32], dtype: .uint8, bytes: pixels), labels)
    }

    /// Train: every present `data_batch_1.bin`...`data_batch_5.bin` in order (at least one); test: `test_batch.bin`.
    public static func loadDirectory(_ dir: String) throws
        -> (trainImages: RawArray, trainLabels: [Int], testImages: RawArray, testLabels: [Int]) {
        let path = { (name: String) in (dir as NSString).appendingPathComponent(name) }
        let batches = (1...5).map { path("data_batch_\($0).bin") }.filter { FileManager.default.fileExists(atPath: $0) }
        guard !batches.isEmpty else { throw FormatError(file: dir, reason: "no data_batch_N.bin files") }
        var train = RawArray(shape: [0, 3, 32, 32], dtype: .uint8, bytes: [])
        var trainLabels = [Int]()
        for b in batches {
            let (img, lab) = try read(b)
            train.shape[0] += img.shape[0]
            train.bytes += img.bytes
            trainLabels += lab
        }
        let test = try read(path("test_batch.bin"))
        return (train, trainLabels, test.images, test.labels)
    }
}
