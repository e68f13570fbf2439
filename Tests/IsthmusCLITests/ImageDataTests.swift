import Foundation
import XCTest
import IsthmusCore
import IsthmusReport

/// `--data imagefolder:DIR` / `imagelist:FILE.csv` end to end: barriers under the paper protocol and connectivity
/// run on a tiny folder with a corrupt file, which is warned about by name and counted in result.json.
final class ImageDataTests: XCTestCase {
    /// The tiny MNIST blobs of `RunControlTests.writeTinyMNIST` for digits 0-2 as 28x28 gray PNGs in DIR/<digit>/,
    /// six per class, plus DIR/1/broken.png (not an image); the same images as rows of a path,label CSV.
    static func writeTinyFolder(_ dir: String) throws {
        var rng = SplitMix64(seed: 9)
        var csv = "path,label\n"
        for label in 0..<3 {
            try FileManager.default.createDirectory(atPath: dir + "/\(label)", withIntermediateDirectories: true)
            for k in 0..<6 {
                var px = [UInt8](repeating: 0, count: 784)
                let cy = 6 + (label / 5) * 14, cx = 3 + (label % 5) * 5
                for y in 0..<28 { for x in 0..<28 where abs(y - cy) < 5 && abs(x - cx) < 3 { px[y * 28 + x] = UInt8(150 + Int(rng.next() % 100)) } }
                try PNG.write(to: URL(fileURLWithPath: dir + "/\(label)/\(k).png"), width: 28, height: 28, channels: 1, pixels: px)
                csv += "\(label)/\(k).png,\(label)\n"
            }
        }
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: dir + "/1/broken.png"))
        csv += "1/broken.png,1\n"
        try csv.write(toFile: dir + "/list.csv", atomically: true, encoding: .utf8)
    }

    func result(_ dir: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/result.json"))) as! [String: Any]
    }

    /// A fresh folder ROOT with ROOT/images (`writeTinyFolder`) and ROOT/model/model.safetensors, mlp (`hidden`, or
    /// its default widths) trained on the same tiny digits.
    func tinyFolderAndModel(_ name: String, hidden: String? = "32") throws -> String {
        let root = tempDir(name)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try RunControlTests.writeTinyMNIST(root + "/mnist.csv")
        try Self.writeTinyFolder(root + "/images")
        let (code, _, err) = try isthmus(["train", "--model", "mlp"] + (hidden.map { ["--hidden", $0] } ?? []) + ["--data", "mnist5k:" + root + "/mnist.csv",
                                          "--epochs", "30", "--quiet", "--out", root + "/model"])
        XCTAssertEqual(code, 0, err)
        return root
    }

    func testBarriersPaperProtocolOnAnImageFolderCountsTheCorruptFile() throws {
        let root = try tinyFolderAndModel("imagefolder")
        var (code, _, err) = try isthmus(["barriers", "--model", "mlp", "--hidden", "32", "--weights", root + "/model/model.safetensors",
                                      "--data", "imagefolder:" + root + "/images", "--protocol", "paper", "--steps", "20",
                                      "--bypass-iterations", "5", "--attack-steps", "40", "--seed", "3", "--quiet", "--cache-mb", "1",
                                      "--out", root + "/b"])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(err.contains("broken.png"), err)
        XCTAssertEqual(err.components(separatedBy: "broken.png").count - 1, 1, "one warning for the one bad file: \(err)")
        let json = try result(root + "/b")
        XCTAssertEqual(json["skippedImages"] as? Int, 1)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/b/config.json"))) as! [String: Any]
        XCTAssertEqual(config["data"] as? String, "imagefolder:" + root + "/images")
        // Paper protocol: 7 planned pairs per class and group, 5 kept.
        let rows = try String(contentsOfFile: root + "/b/pairs.csv", encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        let classes = Set(rows.map { $0[1] })
        XCTAssertGreaterThanOrEqual(classes.count, 2)
        for c in classes {
            for g in ["within", "adversarial"] {
                let r = rows.filter { $0[0] == Substring(g) && $0[1] == c }
                XCTAssertEqual(r.count, 7, "\(g) \(c)")
            }
        }
        // pairs.csv's kept flag is one per kept copy (a pair planned twice counts twice), as result.json's counts.
        XCTAssertEqual(rows.filter { $0.last == "1" }.count, 2 * 5 * classes.count)
        let groups = json["groups"] as! [String: Any]
        for g in ["within", "adversarial"] {
            let max = (groups[g] as! [String: Any])["max"] as! [String: Any]
            XCTAssertEqual((max["count"] as! Int) + (max["dropped"] as! Int), 5 * classes.count, g)
        }
        // The same images as an imagelist; the lowest-loss rule evaluates every image, so it meets the corrupt one.
        (code, _, err) = try isthmus(["connectivity", "--model", "mlp", "--hidden", "16", "--untrained", "--seed", "4",
                                      "--data", "imagelist:" + root + "/images/list.csv", "--pairs", "3", "--select", "lowest-loss",
                                      "--images-per-class", "3", "--steps", "10", "--points", "5", "--iterations", "3", "--quiet", "--out", root + "/c"])
        XCTAssertEqual(code, 0, err)
        XCTAssertEqual(try result(root + "/c")["skippedImages"] as? Int, 1)
        XCTAssertEqual((try result(root + "/c")["config"] as? [String: Any])?["selection"] as? String, "lowestLoss")
        (code, _, err) = try isthmus(["connectivity", "--model", "mlp", "--hidden", "16", "--untrained", "--data", "imagelist:" + root + "/images/list.csv",
                                      "--select", "all", "--images-per-class", "3", "--quiet", "--out", root + "/c2"])
        XCTAssertNotEqual(code, 0)
        XCTAssertTrue(err.contains("--images-per-class goes with --select lowest-loss"), err)
        // Bad input: a clear one-line error, no run folder.
        (code, _, err) = try isthmus(["connectivity", "--model", "mlp", "--hidden", "16", "--untrained", "--data", "imagefolder:" + root + "/none",
                                      "--pairs", "3", "--quiet", "--out", root + "/x"])
        XCTAssertNotEqual(code, 0)
        XCTAssertTrue(err.contains("cannot list the image folder"), err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/x"))
        (code, _, err) = try isthmus(["barriers", "--model", "mlp", "--hidden", "16", "--untrained", "--data", "imagefolder:" + root + "/images",
                                      "--split", "test", "--quiet", "--out", root + "/y"])
        XCTAssertNotEqual(code, 0)
        XCTAssertTrue(err.contains("--split must be val or train"), err)
        (code, _, err) = try isthmus(["connectivity", "--model", "mlp", "--hidden", "16", "--untrained", "--data", "mnist5k:" + root + "/mnist.csv",
                                      "--cache-mb", "8", "--quiet", "--out", root + "/z"])
        XCTAssertNotEqual(code, 0)
        XCTAssertTrue(err.contains("--split and --cache-mb go with --data imagefolder"), err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/z"))
        try? FileManager.default.removeItem(atPath: root)
    }

    /// `photo-folder` crops of the photos plus a corrupt file: barriers --protocol paper over every
    /// class, run whole, as two shards merged, and interrupted then resumed; all three agree on pairs.csv and on the
    /// summary, and carry the skipped file.
    func testPaperProtocolOnPhotoCropsResumesAndMergesToTheSameRun() throws {
        let photos = TestPaths.packageRoot + "/data/photos"
        guard FileManager.default.fileExists(atPath: photos + "/coffee.png") else {
            throw XCTSkip("data/photos missing: run scripts/setup.sh to fetch the photos")
        }
        let root = tempDir("photo-crops")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var (code, out, err) = try isthmus(["photo-folder", "--photos", photos, "--views", "3", "--seed", "2", "--out", root + "/crops"])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("wrote 15 crops of 5 photos in 4 class folders"), out)
        // Synset folders (labels up to 967) would need a 1000-class model, whose learned detector (Newton steps on
        // 1000 logits) is slow in a debug build: the class folders are renamed class0..class3 in their sorted order.
        let synsets = try FileManager.default.contentsOfDirectory(atPath: root + "/crops").sorted()
        XCTAssertEqual(synsets, ["n02123159", "n03773504", "n03785016", "n07920052"])
        for (k, s) in synsets.enumerated() { try FileManager.default.moveItem(atPath: root + "/crops/" + s, toPath: root + "/crops/class\(k)") }
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: root + "/crops/class3/zz_broken.png"))
        let base = ["barriers", "--model", "mlp", "--hidden", "16", "--classes", "4", "--input-size", "16", "--untrained", "--seed", "5",
                    "--data", "imagefolder:" + root + "/crops", "--protocol", "paper", "--select", "all", "--steps", "12",
                    "--bypass-iterations", "3", "--attack-steps", "40", "--quiet"]
        (code, _, err) = try isthmus(base + ["--out", root + "/whole"])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(err.contains("zz_broken.png"), err)
        for s in 0..<2 {
            (code, _, err) = try isthmus(base + ["--shard", "\(s)/2", "--out", root + "/shard\(s)"])
            XCTAssertEqual(code, 0, err)
        }
        (code, out, err) = try isthmus(["merge", "--out", root + "/merged", root + "/shard0", root + "/shard1"])
        XCTAssertEqual(code, 0, err)
        // Interrupted after half of the pairs: the log keeps its first lines; --resume measures the rest.
        try FileManager.default.copyItem(atPath: root + "/whole", toPath: root + "/resumed")
        let log = try String(contentsOfFile: root + "/resumed/pairs.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(log.count, 4 * 14, "7 within + 7 adversarial pairs for each of the 4 classes")
        try (log.prefix(log.count / 2).joined(separator: "\n") + "\n").write(toFile: root + "/resumed/pairs.jsonl", atomically: true, encoding: .utf8)
        for f in ["pairs.csv", "result.json"] { try FileManager.default.removeItem(atPath: root + "/resumed/" + f) }
        (code, _, err) = try isthmus(base + ["--resume", "--out", root + "/resumed"])
        XCTAssertEqual(code, 0, err)
        let whole = try String(contentsOfFile: root + "/whole/pairs.csv", encoding: .utf8)
        let rows = whole.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertEqual(rows.count, 56)
        XCTAssertEqual(rows.filter { $0.last == "1" }.count, 4 * 2 * 5, "5 of 7 kept per class and group")
        let json = try result(root + "/whole")
        XCTAssertEqual(json["skippedImages"] as? Int, 1)
        XCTAssertEqual(json["plannedPairs"] as? Int, 56)
        for other in ["merged", "resumed"] {
            XCTAssertEqual(try String(contentsOfFile: root + "/\(other)/pairs.csv", encoding: .utf8), whole, other)
            let o = try result(root + "/" + other)
            for key in ["groups", "detection", "skippedImages", "skippedFiles", "plannedPairs"] {
                XCTAssertEqual(o[key] as? NSObject, json[key] as? NSObject, "\(other): \(key)")
            }
        }
    }

    /// `reproduce --data imagefolder:DIR --model M` runs the image-folder stage only: Fig 6 over every class with
    /// per-class figures (highest and lowest barriers) and connectivity; `plot` rebuilds its report.
    func testReproduceOnAnImageFolderReportsPerClassBarriers() throws {
        let root = try tinyFolderAndModel("repro-folder", hidden: nil)   // reproduce takes --model and --weights only
        defer { try? FileManager.default.removeItem(atPath: root) }
        var (code, out, err) = try isthmus(["reproduce", "--smoke", "--data", "imagefolder:" + root + "/images", "--quiet", "--out", root + "/r"])
        XCTAssertNotEqual(code, 0)
        XCTAssertTrue(err.contains("needs --model"), err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/r"))
        (code, out, err) = try isthmus(["reproduce", "--smoke", "--data", "imagefolder:" + root + "/images", "--model", "mlp",
                                        "--weights", root + "/model/model.safetensors", "--quiet", "--out", root + "/r"])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.contains("report:"), out)
        let fm = FileManager.default
        XCTAssertFalse(fm.fileExists(atPath: root + "/r/model"), "no MNIST stage on an image folder")
        for f in ["barriers/pairs.csv", "barriers/classes.csv", "barriers/classes.svg", "barriers/barriers.svg", "connectivity/pairs.csv"] {
            XCTAssertTrue(fm.fileExists(atPath: root + "/r/imagefolder/" + f), f)
        }
        let classes = try String(contentsOfFile: root + "/r/imagefolder/barriers/classes.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(classes.first, "class,name,withinPairs,adversarialPairs,withinMax,withinGap,adversarialMax,adversarialGap")
        XCTAssertGreaterThanOrEqual(classes.count - 1, 2)
        XCTAssertTrue(classes.dropFirst().allSatisfy { $0.split(separator: ",")[2] == "5" && $0.split(separator: ",")[3] == "5" }, "\(classes)")
        let html = try String(contentsOfFile: root + "/r/index.html", encoding: .utf8)
        for text in ["highest median within-class barrier max", "lowest median within-class barrier max", "AUROC", "Fig 6 on the folder"] {
            XCTAssertTrue(html.contains(text), text)
        }
        XCTAssertEqual(try result(root + "/r/imagefolder/barriers")["skippedImages"] as? Int, 1)
        try fm.removeItem(atPath: root + "/r/index.html")
        (code, out, err) = try isthmus(["plot", root + "/r"])
        XCTAssertEqual(code, 0, err)
        XCTAssertEqual(try String(contentsOfFile: root + "/r/index.html", encoding: .utf8), html)
    }
}

/// The package root (the folder holding Package.swift), from this file's path.
enum TestPaths {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) && url.path != "/" { url.deleteLastPathComponent() }
        return url.path
    }()
}
