import Foundation
import XCTest
import IsthmusTestSupport
import IsthmusReport
@testable import IsthmusCore
@testable import IsthmusFormats
@testable import IsthmusNN

/// ImageFolder: labels from the listing (sorted folders, ImageNet synset ids), skip-and-count of corrupt files,
/// preprocessing equal to the single-image path, the byte bound of the cache, imagelist CSVs, bounded memory.
final class ImageFolderTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws { root = try TestData.scratchFolder("isthmus-imagefolder") }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// A deterministic RGB (or gray) pattern image, written as PNG.
    func writePNG(_ url: URL, width: Int, height: Int, channels: Int = 3, seed: Int) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let pixels = (0..<(width * height * channels)).map { i in UInt8(truncatingIfNeeded: (i * 37 + seed * 101) ^ (i / channels / width * 13)) }
        try PNG.write(to: url, width: width, height: height, channels: channels, pixels: pixels)
    }

    /// Three ImageNet synset folders (tench 0, golden retriever 207, espresso 967) given out of order, two images
    /// each, and a corrupt .png in the middle class.
    func makeSynsetFolder(_ dir: URL) throws -> [String] {
        let synsets = [ImageNetClasses.synsets[967], ImageNetClasses.synsets[0], ImageNetClasses.synsets[207]]
        for (k, s) in synsets.enumerated() {
            try writePNG(dir.appendingPathComponent("\(s)/a.png"), width: 40 + k, height: 30, seed: k)
            try writePNG(dir.appendingPathComponent("\(s)/b.png"), width: 25, height: 33, channels: 1, seed: 10 + k)
        }
        try Data("not a png at all".utf8).write(to: dir.appendingPathComponent("\(synsets[2])/broken.png"))
        try Data("ignored".utf8).write(to: dir.appendingPathComponent("\(synsets[2])/notes.txt"))
        return synsets
    }

    func testSynsetFoldersGetImageNetIndicesAndCorruptFilesAreSkippedAndCounted() throws {
        let synsets = try makeSynsetFolder(root)
        let folder = try ImageFolder.folder(root.path, inputShape: [3, 32, 32], normalization: .imagenet)
        XCTAssertTrue(folder.synsetLabels)
        XCTAssertEqual(folder.classes, 1000)
        XCTAssertEqual(folder.classNames, synsets.sorted())
        // Sorted folders n01440764 (0), n02099601 (207), n07920052 (967); files sorted within; notes.txt is not an image.
        XCTAssertEqual(folder.entries.map { ($0.path as NSString).lastPathComponent }, ["a.png", "b.png", "a.png", "b.png", "broken.png", "a.png", "b.png"])
        XCTAssertEqual(folder.labels, [0, 0, 207, 207, 207, 967, 967])
        let warnings = LockedList()
        folder.warn = { warnings.append($0) }
        let (data, kept) = try folder.dataset()
        XCTAssertEqual(kept, [0, 1, 2, 3, 5, 6])
        XCTAssertEqual(data.labels, [0, 0, 207, 207, 967, 967])
        XCTAssertEqual(data.images.shape, [6, 3, 32, 32])
        XCTAssertEqual(Array(folder.skipped.keys), [4])
        _ = folder.image(4)
        XCTAssertEqual(warnings.items.count, 1, "one warning per bad file, however often it is asked for")
        XCTAssertTrue(warnings.items[0].contains("broken.png"), warnings.items[0])
    }

    func testPlainFolderNamesGetSortedIndicesAndSplitPicksTheSubfolder() throws {
        for (k, c) in ["zebra", "apple", "mango"].enumerated() {
            try writePNG(root.appendingPathComponent("val/\(c)/x.png"), width: 20, height: 20, seed: k)
        }
        try writePNG(root.appendingPathComponent("train/apple/y.png"), width: 20, height: 20, seed: 9)
        let val = try ImageFolder.folder(root.path, inputShape: [3, 16, 16], normalization: .imagenet)
        XCTAssertFalse(val.synsetLabels)
        XCTAssertEqual(val.classNames, ["apple", "mango", "zebra"])
        XCTAssertEqual(val.classes, 3)
        XCTAssertEqual(val.entries.map { ($0.path as NSString).deletingLastPathComponent.split(separator: "/").last! }, ["apple", "mango", "zebra"])
        XCTAssertEqual(val.labels, [0, 1, 2])
        let train = try ImageFolder.folder(root.path, split: "train", inputShape: [3, 16, 16], normalization: .imagenet)
        XCTAssertEqual(train.count, 1)
        XCTAssertTrue(train.entries[0].path.hasSuffix("train/apple/y.png"))
        XCTAssertNotEqual(val.listingDigest, train.listingDigest)
        // A mix of synset and other names is not a synset folder.
        try writePNG(root.appendingPathComponent("val/\(ImageNetClasses.synsets[5])/z.png"), width: 20, height: 20, seed: 3)
        let mixed = try ImageFolder.folder(root.path, split: "val", inputShape: [3, 16, 16], normalization: .imagenet)
        XCTAssertFalse(mixed.synsetLabels)
        XCTAssertEqual(mixed.classes, 4)
        XCTAssertThrowsError(try ImageFolder.folder(root.appendingPathComponent("none").path, inputShape: [3, 16, 16], normalization: .imagenet))
        XCTAssertThrowsError(try ImageFolder.folder(root.appendingPathComponent("val/apple").path, inputShape: [3, 16, 16], normalization: .imagenet)) {
            XCTAssertTrue("\($0)".contains("no class folders"), "\($0)")
        }
    }

    /// The folder's images equal the single-image path (`ImagePreprocessing.modelInput`, which `loadInput` uses) bit
    /// for bit, and for a 224 model that path is torchvision's Resize(256) + CenterCrop(224) + Normalize.
    func testPreprocessingEqualsTheSingleImagePath() throws {
        try writePNG(root.appendingPathComponent("cat/wide.png"), width: 300, height: 240, seed: 1)
        try writePNG(root.appendingPathComponent("cat/gray.png"), width: 230, height: 260, channels: 1, seed: 2)
        var paths = [root.appendingPathComponent("cat/gray.png").path, root.appendingPathComponent("cat/wide.png").path]
        if let photo = try? TestData.path("photos/rocket.jpg") {
            try FileManager.default.copyItem(atPath: photo, toPath: root.appendingPathComponent("cat/zrocket.jpg").path)
            paths.append(root.appendingPathComponent("cat/zrocket.jpg").path)
        }
        for (shape, norm) in [([3, 224, 224], Normalization.imagenet), ([3, 192, 160], .halfHalf), ([1, 28, 28], .mnist)] {
            let folder = try ImageFolder.folder(root.path, inputShape: shape, normalization: norm)
            XCTAssertEqual(folder.entries.map(\.path), paths)
            for (i, p) in paths.enumerated() {
                let single = ImagePreprocessing.modelInput(try ImageDecode.read(p), inputShape: shape, normalization: norm)
                let x = try XCTUnwrap(folder.image(i))
                XCTAssertEqual(x.shape, [1] + shape)
                XCTAssertEqual(x.scalars, single.scalars, "\(p) \(shape)")
                if shape == [3, 224, 224] {
                    let tv = ImagePreprocessing.imagenet(try ImageDecode.read(p), resize: 256, crop: 224, normalization: .imagenet)
                    XCTAssertEqual(x.scalars, tv.scalars, p)
                }
            }
        }
    }

    func testCacheStaysWithinItsByteBound() throws {
        for i in 0..<6 { try writePNG(root.appendingPathComponent("c/\(i).png"), width: 24, height: 24, seed: i) }
        let one = 3 * 16 * 16 * MemoryLayout<Float>.stride
        let folder = try ImageFolder.folder(root.path, inputShape: [3, 16, 16], normalization: .imagenet, cacheBytes: 2 * one + one / 2)
        for i in 0..<6 {
            _ = try XCTUnwrap(folder.image(i))
            XCTAssertLessThanOrEqual(folder.cachedBytes, folder.cacheBytes)
        }
        XCTAssertEqual(folder.cachedBytes, 2 * one)
        XCTAssertEqual(folder.cacheStats.misses, 6)
        _ = folder.image(5); _ = folder.image(4)
        XCTAssertEqual(folder.cacheStats.hits, 2, "the two most recent images stay cached")
        _ = folder.image(0)
        XCTAssertEqual(folder.cacheStats.misses, 7, "an evicted image is decoded again")
        let uncached = try ImageFolder.folder(root.path, inputShape: [3, 16, 16], normalization: .imagenet, cacheBytes: 0)
        XCTAssertEqual(uncached.image(2)?.scalars, folder.image(2)?.scalars)
        XCTAssertEqual(uncached.cachedBytes, 0)
    }

    func testImageListParsesRelativePathsAndRefusesBadRows() throws {
        try writePNG(root.appendingPathComponent("imgs/one.png"), width: 20, height: 20, seed: 1)
        try writePNG(root.appendingPathComponent("imgs/two, with comma.png"), width: 20, height: 20, seed: 2)
        let csv = root.appendingPathComponent("list.csv")
        try "path,label\nimgs/one.png,3\r\n\nimgs/two, with comma.png, 7\nimgs/missing.png,1\n".write(to: csv, atomically: true, encoding: .utf8)
        let list = try ImageFolder.list(csv.path, inputShape: [3, 16, 16], normalization: .imagenet)
        XCTAssertEqual(list.entries, [ImageFolder.Entry(path: root.path + "/imgs/one.png", label: 3),
                                      ImageFolder.Entry(path: root.path + "/imgs/two, with comma.png", label: 7),
                                      ImageFolder.Entry(path: root.path + "/imgs/missing.png", label: 1)])
        XCTAssertEqual(list.classes, 8)
        list.warn = { _ in }
        let (data, kept) = try list.dataset()
        XCTAssertEqual(kept, [0, 1])
        XCTAssertEqual(data.labels, [3, 7])
        XCTAssertEqual(list.skipped.count, 1)
        for (text, message) in [("imgs/one.png,3\nimgs/one.png\n", "line 2"), ("imgs/one.png,cat\n", "line 1: label 'cat'"),
                                ("imgs/one.png,-2\n", "line 1: label '-2'"), (",4\n", "line 1: empty path"), ("\n\n", "no rows")] {
            try text.write(to: csv, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try ImageFolder.list(csv.path, inputShape: [3, 16, 16], normalization: .imagenet), text) {
                XCTAssertTrue("\($0)".contains(message), "\($0) lacks \(message)")
            }
        }
        XCTAssertThrowsError(try ImageFolder.list(root.appendingPathComponent("absent.csv").path, inputShape: [3, 16, 16], normalization: .imagenet))
    }

    /// Resident memory (/proc/self/statm) after streaming 400 generated images twice through a 2 MB cache grows by
    /// far less than the decoded set would take held at once; prints the loader's images/s.
    func testStreamingManyImagesKeepsResidentMemoryBounded() throws {
        let n = 400, shape = [3, 96, 96]
        for i in 0..<n { try writePNG(root.appendingPathComponent("c\(i % 50)/\(i).png"), width: 100, height: 90, seed: i) }
        let folder = try ImageFolder.folder(root.path, inputShape: shape, normalization: .imagenet, cacheBytes: 2 << 20)
        XCTAssertEqual(folder.count, n)
        let whole = n * shape.reduce(1, *) * MemoryLayout<Float>.stride  // 44 MB if all were held
        func resident() throws -> Int {
            let fields = try String(contentsOfFile: "/proc/self/statm", encoding: .utf8).split(separator: " ")
            return Int(fields[1])! * Int(sysconf(Int32(_SC_PAGESIZE)))
        }
        _ = folder.image(0)
        let before = try resident()
        let start = Date()
        var sum: Float = 0
        for _ in 0..<2 { for i in 0..<n { sum += try XCTUnwrap(folder.image(i)).scalars[0] } }
        let seconds = Date().timeIntervalSince(start)
        let grown = try resident() - before
        print(String(format: "ImageFolder: %d images 100x90 -> 3x96x96 streamed twice in %.2f s (%.0f images/s), resident +%.1f MB, cache %.1f MB",
                     n, seconds, Double(2 * n) / seconds, Double(grown) / 1e6, Double(folder.cachedBytes) / 1e6))
        XCTAssertTrue(sum.isFinite)
        XCTAssertLessThanOrEqual(folder.cachedBytes, 2 << 20)
        XCTAssertLessThan(grown, whole / 4, "resident memory grew by \(grown) bytes; holding every image would take \(whole)")
    }
}

/// A thread-safe list of warnings.
final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func append(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
    var items: [String] { lock.lock(); defer { lock.unlock() }; return list }
}
