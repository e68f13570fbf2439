import Foundation
import XCTest
import IsthmusCore
import IsthmusFormats
import IsthmusReport
@testable import IsthmusNN
@testable import IsthmusLandscape

/// Barrier plans over streamed image folders: drawn from the listing alone, over every class, unreadable images
/// replaced and counted, the paper's 7 -> 5 selection, and resident memory bounded over thousands of images.
final class BarrierPlanTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("isthmus-barrierplan-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    static var packageRoot: URL {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) && url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url
    }

    /// A small pattern PNG.
    func writePNG(_ path: String, side: Int, seed: Int) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let px = (0..<(side * side * 3)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed &* 97 &+ ($0 / 3 / side) &* 7) }
        try PNG.write(to: URL(fileURLWithPath: path), width: side, height: side, channels: 3, pixels: px)
    }

    /// A linear classifier of [C, H, W] inputs into `classes` classes (seeded PyTorch init).
    func linearModel(_ shape: [Int], classes: Int, seed: UInt64 = 1) -> Module {
        var rng = SplitMix64(seed: seed)
        return Sequential(Flatten(), Linear(shape.reduce(1, *), classes, using: &rng))
    }

    /// Crops of three photos in their ImageNet synset folders (coffee 967 espresso, chelsea 285 Egyptian cat,
    /// motorcycle_left 665 moped), `views` each, and a corrupt file among the cat crops.
    func photoFolder(views: Int = 5) throws -> String {
        let photos = Self.packageRoot.appendingPathComponent("data/photos").path
        guard FileManager.default.fileExists(atPath: photos + "/coffee.png") else {
            throw XCTSkip("data/photos missing: run scripts/setup.sh to fetch the photos")
        }
        let dir = root.appendingPathComponent("photos").path
        try PhotoFolder.write(photos: try PhotoSet.load(dir: photos), classes: ["coffee.png": 967, "chelsea.png": 285, "motorcycle_left.png": 665],
                              to: dir, viewsPerPhoto: views, seed: 3)
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: dir + "/" + ImageNetClasses.synsets[285] + "/chelsea_bad.png"))
        return dir
    }

    func testPhotoFolderLabelsAreTheSynsetIndicesAndTheCorruptFileIsSkippedAndCounted() throws {
        let dir = try photoFolder(views: 4)
        let folder = try ImageFolder.folder(dir, inputShape: [3, 16, 16], normalization: .imagenet)
        XCTAssertTrue(folder.synsetLabels)
        XCTAssertEqual(folder.classes, 1000, "a subset of synsets keeps the 1000-class indices")
        XCTAssertEqual(folder.classNames, ["n02124075", "n03785016", "n07920052"])   // Egyptian cat, moped, espresso
        XCTAssertEqual(folder.classNames.map { ImageNetClasses.indexOfSynset[$0]! }, [285, 665, 967])
        XCTAssertEqual(folder.labels, [285, 285, 285, 285, 285, 665, 665, 665, 665, 967, 967, 967, 967])
        XCTAssertTrue(folder.entries[4].path.hasSuffix("chelsea_bad.png"))
        let log = WarningLog()
        folder.warn = { log.append($0) }
        let model = linearModel([3, 16, 16], classes: 1000)
        let pool = ImageSelection.lowestLoss.pool(folder, model: model, lowestLossCount: 3, batch: 5)
        XCTAssertEqual(pool.unreadable, [4])
        XCTAssertEqual(Array(folder.skipped.keys), [4])
        XCTAssertEqual(folder.skippedPaths, [folder.entries[4].path])
        let warnings = log.items
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains("chelsea_bad.png"), warnings[0])
        XCTAssertEqual(pool.byClass.mapValues(\.count), [285: 3, 665: 3, 967: 3])
        XCTAssertFalse(pool.byClass[285]!.contains(4))
    }

    /// The paper's protocol on the photo folder: 7 within and 7 adversarial pairs for every class, carriers from the
    /// other classes; per class and group the 5 with the smallest |L(A) - L(C)| are kept, and the kept mask marks
    /// exactly those positions.
    func testPaperProtocolOnThePhotoFolderKeepsFiveOfSevenPerClassAndGroup() throws {
        let dir = try photoFolder(views: 4)
        let folder = try ImageFolder.folder(dir, inputShape: [3, 16, 16], normalization: .imagenet)
        folder.warn = { _ in }
        let model = linearModel([3, 16, 16], classes: 1000)
        var c = BarrierStatistics.Config()
        c.pairProtocol = .paper
        c.selection = .all
        c.steps = 12
        c.bypass.iterations = 2
        c.attack = .paper(.statistics(steps: 40))
        c.curvePoints = 8
        let plans = try BarrierStatistics.plan(c, data: folder, model: model)
        XCTAssertEqual(folder.cacheStats.misses, 0, "the all rule plans from the listing alone")
        XCTAssertEqual(plans.count, 3 * 14)
        let units = try plans.map { try BarrierStatistics.measure($0, c, model: model, data: folder) }
        // The corrupt cat image (index 4) is replaced by the next readable cat image wherever it was drawn.
        for (p, u) in zip(plans, units) {
            let drawn = [p.indexA, p.indexC].contains(4)
            XCTAssertEqual(u.skipped != nil, drawn)
            if drawn { XCTAssertEqual(u.skipped, [4]) }
            XCTAssertFalse([u.plan.indexA, u.plan.indexC].contains(4))
            XCTAssertEqual(folder.labels[u.plan.indexA], p.classIndex)
            if p.group == .within { XCTAssertNotEqual(u.plan.indexA, u.plan.indexC) }
        }
        XCTAssertTrue(plans.contains { [$0.indexA, $0.indexC].contains(4) }, "the plan should draw the corrupt file at least once")
        let kept = BarrierStatistics.selected(units, c)
        let mask = BarrierStatistics.keptMask(units, c)
        XCTAssertEqual(kept.count, 3 * 2 * 5)
        XCTAssertEqual(mask.filter { $0 }.count, kept.count)
        for y in [285, 665, 967] {
            for g in [BarrierStatistics.Group.within, .adversarial] {
                let positions = units.indices.filter { units[$0].plan.classIndex == y && units[$0].plan.group == g }
                XCTAssertEqual(positions.count, 7)
                let d = { (i: Int) in abs(units[i].lossA - units[i].lossC) }
                let keptHere = positions.filter { mask[$0] }, dropped = positions.filter { !mask[$0] }
                XCTAssertEqual(keptHere.count, 5)
                XCTAssertLessThanOrEqual(keptHere.map(d).max()!, dropped.map(d).min()!, "\(g) \(y)")
                if g == .adversarial { for i in positions { XCTAssertNotEqual(folder.labels[units[i].plan.indexC], y) } }
            }
        }
    }

    /// A pair planned twice is kept or dropped once per copy (pairs.csv's kept column reads this mask).
    func testKeptMaskCountsEachCopyOfAPairPlannedTwice() {
        var c = BarrierStatistics.Config()
        c.pairProtocol = .paper
        c.keepPerClass = 2
        func unit(_ a: Int, _ c: Int, _ d: Double) -> BarrierStatistics.Unit {
            BarrierStatistics.Unit(plan: .init(group: .within, classIndex: 0, indexA: a, indexC: c), lossA: 1, lossC: 1 + d, max: 0, gap: 0,
                                   blendGap: 0, bypassedMax: 0, curve: [], logitsC: [])
        }
        // (1, 2) is planned twice; its copies tie, and only the first fits next to the smaller (3, 4).
        let units = [unit(1, 2, 0.5), unit(3, 4, 0.1), unit(1, 2, 0.5), unit(5, 6, 0.9)]
        XCTAssertEqual(BarrierStatistics.keptMask(units, c), [true, true, false, false])
        XCTAssertEqual(BarrierStatistics.selected(units, c).map(\.plan.indexA), [3, 1])
        c.pairProtocol = .free
        XCTAssertEqual(BarrierStatistics.keptMask(units, c), [true, true, true, true])
    }

    /// Thousands of generated images: the plan over every class evaluates them in batches through a 1 MB cache, and
    /// resident memory, current and peak, grows by far less than the decoded set would take.
    func testPlanOverThousandsOfImagesKeepsResidentMemoryBounded() throws {
        let n = 3000, classes = 100, shape = [3, 32, 32]
        for i in 0..<n { try writePNG(root.path + String(format: "/c%03d/%04d.png", i % classes, i), side: 20, seed: i) }
        let folder = try ImageFolder.folder(root.path, inputShape: shape, normalization: .imagenet, cacheBytes: 1 << 20)
        XCTAssertEqual(folder.count, n)
        XCTAssertEqual(folder.classNames.count, classes)
        let whole = n * shape.reduce(1, *) * MemoryLayout<Float>.stride     // 37 MB if every image were held
        func status(_ key: String) throws -> Int {
            let text = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
            let line = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix(key + ":") })
            return Int(line.split(separator: " ").dropFirst().first!)! * 1024
        }
        let model = linearModel(shape, classes: classes)
        var c = BarrierStatistics.Config()
        c.pairProtocol = .paper
        c.selection = .lowestLoss
        c.lowestLossCount = 4
        _ = folder.evaluate(model, indices: [0], batch: 1)
        // The peak (VmHWM) is the whole test process's; writing 5 to clear_refs restarts it at the current size.
        let peakReset = (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
        let before = try status("VmRSS")
        let start = Date()
        let plans = try BarrierStatistics.plan(c, data: folder, model: model)
        let seconds = Date().timeIntervalSince(start)
        let grown = try status("VmRSS") - before, peak = try status("VmHWM")
        print(String(format: "BarrierPlan: %d images 20x20 -> 3x32x32 evaluated in batches in %.2f s (%.0f images/s), resident +%.1f MB, peak %.0f MB%@",
                     n, seconds, Double(n) / seconds, Double(grown) / 1e6, Double(peak) / 1e6, peakReset ? "" : " (peak of the whole process)"))
        XCTAssertEqual(plans.count, classes * 14, "7 within + 7 adversarial pairs for every class")
        XCTAssertEqual(Set(plans.map(\.classIndex)).count, classes)
        XCTAssertEqual(folder.cacheStats.misses, n, "every image decoded once")
        XCTAssertLessThanOrEqual(folder.cachedBytes, 1 << 20)
        XCTAssertLessThan(grown, whole / 4, "resident memory grew by \(grown) bytes; holding every image would take \(whole)")
        if peakReset { XCTAssertLessThan(peak - before, whole / 4, "peak resident memory rose by \(peak - before) bytes during the plan") }
        // The listing alone: the all rule reads nothing.
        let fresh = try ImageFolder.folder(root.path, inputShape: shape, normalization: .imagenet, cacheBytes: 1 << 20)
        c.selection = .all
        XCTAssertEqual(try BarrierStatistics.plan(c, data: fresh, model: model).count, classes * 14)
        XCTAssertEqual(fresh.cacheStats.misses, 0)
    }
}

/// Warnings collected from any thread.
final class WarningLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func append(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
    var items: [String] { lock.lock(); defer { lock.unlock() }; return list }
}
