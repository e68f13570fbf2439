import Foundation
import XCTest
import IsthmusTestSupport
@testable import IsthmusFormats

func tempDir(_ name: String) -> String {
    let dir = tempPath(name)
    try? FileManager.default.removeItem(atPath: dir)
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func be32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }

final class IDXTests: XCTestCase {
    func images(_ n: Int) -> [UInt8] {
        be32(0x803) + be32(UInt32(n)) + be32(28) + be32(28) + (0..<(n * 784)).map { UInt8(truncatingIfNeeded: $0 * 7) }
    }
    func labels(_ n: Int) -> [UInt8] { be32(0x801) + be32(UInt32(n)) + (0..<n).map { UInt8($0 % 10) } }

    func testDecode() throws {
        let a = try IDX.decode(bytes: images(2))
        XCTAssertEqual(a.shape, [2, 28, 28])
        XCTAssertEqual(a.dtype, .uint8)
        XCTAssertEqual(a.bytes[5], 35)
        XCTAssertEqual(try IDX.decode(bytes: labels(3)).bytes, [0, 1, 2])
    }

    func testLoadDirectoryPlainAndGzip() throws {
        let dir = tempDir("mnist")
        try atomicWrite(Zlib.deflate(images(3), gzip: true), to: dir + "/train-images-idx3-ubyte.gz")
        try atomicWrite(labels(3), to: dir + "/train-labels-idx1-ubyte")
        try atomicWrite(images(2), to: dir + "/t10k-images-idx3-ubyte")
        try atomicWrite(Zlib.deflate(labels(2), gzip: true), to: dir + "/t10k-labels-idx1-ubyte.gz")
        let m = try IDX.loadDirectory(dir)
        XCTAssertEqual(m.trainImages, try IDX.decode(bytes: images(3)))
        XCTAssertEqual(m.trainLabels.bytes, [0, 1, 2])
        XCTAssertEqual(m.testImages.shape, [2, 28, 28])
        XCTAssertEqual(m.testLabels.shape, [2])
        try atomicWrite(labels(4), to: dir + "/train-labels-idx1-ubyte")
        assertFormatError(try IDX.loadDirectory(dir))  // 3 images, 4 labels
        try FileManager.default.removeItem(atPath: dir + "/t10k-images-idx3-ubyte")
        assertFormatError(try IDX.loadDirectory(dir))
    }

    func testMalformed() throws {
        let good = images(1)
        for n in 0..<good.count { assertFormatError(try IDX.decode(bytes: Array(good[..<n])), "prefix \(n)") }
        assertFormatError(try IDX.decode(bytes: be32(0x0D03) + be32(1) + be32(1) + be32(1) + [0]))  // wrong type
        assertFormatError(try IDX.decode(bytes: be32(0x803) + be32(0xFFFF_FFFF) + be32(0xFFFF_FFFF) + be32(0xFFFF_FFFF)))
        let gz = Zlib.deflate(good, gzip: true)
        let path = tempPath("trunc.gz")
        try atomicWrite(Array(gz[..<(gz.count / 2)]), to: path)
        assertFormatError(try IDX.read(path))
        var corrupt = gz
        corrupt[12] ^= 0xFF
        try atomicWrite(corrupt, to: path)
        assertFormatError(try IDX.read(path))
        // A gzip bomb is cut off at the limit rather than exhausting memory.
        let bomb = Zlib.deflate([UInt8](repeating: 0, count: 1 << 20), gzip: true)
        assertFormatError(try Zlib.inflate(bomb[...], limit: 1 << 16, label: "bomb"))
    }
}

final class CIFARTests: XCTestCase {
    func batch(_ labels: [UInt8]) -> [UInt8] {
        labels.enumerated().flatMap { i, l in [l] + (0..<3072).map { UInt8(truncatingIfNeeded: $0 + i) } }
    }

    func testLoadDirectory() throws {
        let dir = tempDir("cifar")
        try atomicWrite(batch([1, 2]), to: dir + "/data_batch_1.bin")
        try atomicWrite(batch([9]), to: dir + "/data_batch_3.bin")
        try atomicWrite(batch([0, 5, 7]), to: dir + "/test_batch.bin")
        let c = try CIFAR10.loadDirectory(dir)
        XCTAssertEqual(c.trainImages.shape, [3, 3, 32, 32])
        XCTAssertEqual(c.trainLabels, [1, 2, 9])
        XCTAssertEqual(c.trainImages.bytes[3072], 1)  // second record, first pixel
        XCTAssertEqual(c.testImages.shape, [3, 3, 32, 32])
        XCTAssertEqual(c.testLabels, [0, 5, 7])
    }

    func testMalformed() {
        assertFormatError(try CIFAR10.decode(bytes: Array(batch([1])[..<3072])))
        assertFormatError(try CIFAR10.decode(bytes: batch([1, 10])))
        assertFormatError(try CIFAR10.loadDirectory(tempDir("cifar-empty")))
    }
}

final class MNIST5kTests: XCTestCase {
    func csv(_ rows: Int) -> String {
        (0..<rows).map { r in (0..<784).map { String(($0 + r) % 256) }.joined(separator: ",") + ",\(r % 10)" }
            .joined(separator: "\n") + "\n"
    }

    func testParsesPlainAndGzip() throws {
        let text = Array(csv(20).utf8)
        let (img, lab) = try MNIST5k.decode(bytes: text)
        XCTAssertEqual(img.shape, [20, 28, 28])
        XCTAssertEqual(lab, (0..<20).map { $0 % 10 })
        XCTAssertEqual(img.bytes[784 + 255], 0)  // row 1, pixel 255: (255 + 1) % 256
        XCTAssertEqual(img.bytes[784 + 3], 4)
        let path = tempPath("mnist_5k.csv.gz")
        try atomicWrite(Zlib.deflate(text, gzip: true), to: path)
        let g = try MNIST5k.read(path)
        XCTAssertEqual(g.images, img)
        XCTAssertEqual(g.labels, lab)
        XCTAssertEqual(try MNIST5k.decode(bytes: Array(csv(2).replacingOccurrences(of: "\n", with: "\r\n").utf8)).labels, [0, 1])
    }

    func testMalformedNamesLineAndColumn() {
        let row = (0..<784).map { _ in "1" }.joined(separator: ",")
        func message(_ s: String) -> String {
            do { _ = try MNIST5k.decode(bytes: Array(s.utf8), label: "m.csv"); return "accepted" } catch { return "\(error)" }
        }
        XCTAssertEqual(message(row + ",3\n" + row + ",12\n"), "m.csv: line 2, column 785: label out of 0...9")
        XCTAssertEqual(message(row + "\n"), "m.csv: line 1, column 784: line has 784 fields, expected 785")
        XCTAssertEqual(message(row + ",3,4\n"), "m.csv: line 1, column 785: more than 785 fields")
        XCTAssertTrue(message("256," + row).hasPrefix("m.csv: line 1, column 1: pixel value"))
        XCTAssertTrue(message("1,x," + row).hasPrefix("m.csv: line 1, column 2: expected an integer"))
        XCTAssertTrue(message(row + ",").contains("end of file"))
        XCTAssertTrue(message(String(repeating: "9", count: 40) + "," + row).contains("column 1"))
    }

    func testSplitIsStratifiedAndDeterministic() {
        let labels = (0..<10).flatMap { [Int](repeating: $0, count: 50) }
        let (train, test) = MNIST5k.split(labels: labels, seed: 0, trainPerClass: 40)
        XCTAssertEqual(train.count, 400)
        XCTAssertEqual(test.count, 100)
        XCTAssertEqual(Set(train).union(test), Set(0..<500))
        XCTAssertTrue(Set(train).isDisjoint(with: test))
        XCTAssertEqual(train, train.sorted())
        for c in 0..<10 { XCTAssertEqual(train.filter { labels[$0] == c }.count, 40) }
        XCTAssertEqual(MNIST5k.split(labels: labels, seed: 0, trainPerClass: 40).train, train)
        XCTAssertNotEqual(MNIST5k.split(labels: labels, seed: 1, trainPerClass: 40).train, train)
    }

    func testSplitMix64ReferenceValues() {
        // Reference outputs of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        var g = SplitMix64(seed: 0)
        XCTAssertEqual(g.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(g.next(), 0x6E78_9E6A_A1B9_65F4)
        XCTAssertEqual(g.next(), 0x06C4_5D18_8009_454F)
    }

    func testRealMNIST5k() throws {
        let path = try TestData.path("mnist_5k.csv.gz")
        let (img, lab) = try MNIST5k.read(path)
        XCTAssertEqual(img.shape, [5000, 28, 28])
        for c in 0..<10 { XCTAssertEqual(lab.filter { $0 == c }.count, 500) }
        let (train, test) = MNIST5k.split(labels: lab)
        XCTAssertEqual((train.count, test.count).0, 4000)
        XCTAssertEqual(test.count, 1000)
    }
}

final class ImageDecodeTests: XCTestCase {
    static func value(_ x: Int, _ y: Int, _ c: Int) -> UInt8 { UInt8((x * 7 + y * 13 + c * 50) % 256) }
    static func expected(channels: Int) -> [UInt8] {
        (0..<6).flatMap { y in (0..<7).flatMap { x in (0..<channels).map { value(x, y, $0) } } }
    }

    func testPNGColorTypesDepthsAndFilters() throws {
        let cases: [([UInt8], Int)] = [
            (Golden.pngGray8, 1), (Golden.pngGray16, 1), (Golden.pngGrayAlpha8, 1), (Golden.pngGrayAlpha16, 1),
            (Golden.pngRGB8, 3), (Golden.pngRGB16, 3), (Golden.pngRGBA8, 3), (Golden.pngRGBA16, 3), (Golden.pngPillowRGB, 3),
        ]
        for (i, (bytes, channels)) in cases.enumerated() {
            let img = try ImageDecode.decode(bytes: bytes, label: "case \(i)")
            XCTAssertEqual([img.width, img.height, img.channels], [7, 6, channels], "case \(i)")
            XCTAssertEqual(img.pixels, Self.expected(channels: channels), "case \(i)")
        }
        let interlaced = try ImageDecode.decode(bytes: Golden.pngInterlacedRGB8)
        XCTAssertEqual(interlaced.pixels, Self.expected(channels: 3))
        let gray4 = try ImageDecode.decode(bytes: Golden.pngGray4)
        XCTAssertEqual(gray4.pixels, Self.expected(channels: 1).map { ($0 >> 4) * 17 })
        let pal = try ImageDecode.decode(bytes: Golden.pngPalette)
        let colors: [[UInt8]] = [[0, 0, 0], [255, 0, 0], [0, 255, 0], [10, 20, 30]]
        XCTAssertEqual(pal.pixels, (0..<6).flatMap { y in (0..<7).flatMap { x in colors[(x + y) % 4] } })
    }

    func testJPEG() throws {
        let rgb = try ImageDecode.decode(bytes: Golden.jpegPillowRGB)
        XCTAssertEqual([rgb.width, rgb.height, rgb.channels], [7, 6, 3])
        let exp = Self.expected(channels: 3)
        let maxErr = zip(rgb.pixels, exp).map { abs(Int($0) - Int($1)) }.max() ?? 0
        XCTAssertLessThan(maxErr, 40)  // lossy, and the pattern wraps around at 256
        let gray = try ImageDecode.decode(bytes: Golden.jpegPillowGray)
        XCTAssertEqual([gray.width, gray.height, gray.channels], [7, 6, 1])
        let good = Golden.jpegPillowRGB
        for n in stride(from: 0, to: good.count, by: 9) {
            assertFormatError(try ImageDecode.decode(bytes: Array(good[..<n])), "jpeg prefix \(n)")
        }
    }

    func testMalformedPNG() {
        let good = Golden.pngRGB8
        for n in 0..<good.count { assertFormatError(try ImageDecode.decode(bytes: Array(good[..<n])), "png prefix \(n)") }
        for i in 8..<good.count {  // any flipped byte breaks a CRC, the zlib stream, or the header
            var c = good
            c[i] ^= 0x01
            assertFormatError(try ImageDecode.decode(bytes: c), "flip \(i)")
        }
        // A huge declared size with a valid CRC is refused before allocating.
        var ihdr: [UInt8] = Array("IHDR".utf8) + be32(1 << 24) + be32(1 << 24) + [8, 2, 0, 0, 0]
        let crc = Zlib.crc32(ihdr)
        ihdr = be32(13) + ihdr + be32(crc)
        assertFormatError(try ImageDecode.decode(bytes: PNG.signature + ihdr))
        assertFormatError(try ImageDecode.decode(bytes: Array("GIF89a".utf8)))
    }

    /// A gray 8-bit PNG of width x height zero pixels, its IDAT deflated from one zero-filled row at a time.
    static func zeroPNG(width: Int, height: Int) -> [UInt8] {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return be32(UInt32(data.count)) + body + be32(Zlib.crc32(body))
        }
        let raw = [UInt8](repeating: 0, count: height * (width + 1))
        return PNG.signature + chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 0, 0, 0, 0])
            + chunk("IDAT", Zlib.deflate(raw)) + chunk("IEND", [])
    }

    /// Pillow's decompression-bomb limit: a small valid file declaring more pixels is refused before anything is inflated.
    func testPixelCountLimitIsPillows() throws {
        XCTAssertEqual(ImageDecode.maxPixels, 178_956_970)
        for (w, h) in [(20000, 20000), (13400, 13400)] {
            var ihdr: [UInt8] = Array("IHDR".utf8) + be32(UInt32(w)) + be32(UInt32(h)) + [8, 0, 0, 0, 0]
            ihdr = be32(13) + ihdr + be32(Zlib.crc32(ihdr))
            XCTAssertThrowsError(try ImageDecode.decode(bytes: PNG.signature + ihdr + [0, 0, 0, 0] + Array("IDAT".utf8) + [0, 0, 0, 0])) {
                XCTAssertTrue("\($0)".contains("more than 178956970 pixels"), "\($0)")
            }
        }
        let ok = try ImageDecode.decode(bytes: Self.zeroPNG(width: 3000, height: 2000))
        XCTAssertEqual([ok.width, ok.height, ok.channels], [3000, 2000, 1])
    }

    func testDownscaledAveragesWholeAndPartialBlocks() {
        // 5 x 3 gray, shrunk to <= 6 pixels: factor 2 gives 3 x 2 blocks (the last column and row partial).
        let img = DecodedImage(width: 5, height: 3, channels: 1, pixels: (0..<15).map { UInt8($0 * 10) })
        let d = img.downscaled(maxPixels: 6)
        XCTAssertEqual([d.width, d.height], [3, 2])
        // Blocks: (0,10,50,60) -> 30, (20,30,70,80) -> 50, (40,90) -> 65, (100,110) -> 105, (120,130) -> 125, (140) -> 140.
        XCTAssertEqual(d.pixels, [30, 50, 65, 105, 125, 140])
        XCTAssertEqual(img.downscaled(maxPixels: 15), img)
        let rgb = DecodedImage(width: 4, height: 4, channels: 3, pixels: [UInt8](repeating: 200, count: 48))
        XCTAssertEqual(rgb.downscaled(maxPixels: 1), DecodedImage(width: 1, height: 1, channels: 3, pixels: [200, 200, 200]))
    }

    func testRealPhotos() throws {
        let dir = try TestData.path("photos") + "/"
        _ = try TestData.path("photos/chelsea.png")
        let c = try ImageDecode.read(dir + "chelsea.png")
        XCTAssertEqual([c.width, c.height, c.channels], [451, 300, 3])
        XCTAssertEqual(Array(c.pixels.prefix(6)), [143, 120, 104, 143, 120, 104])  // as Pillow decodes it
        let j = try ImageDecode.read(dir + "rocket.jpg")
        XCTAssertEqual(j.pixels.count, j.width * j.height * j.channels)
    }
}
