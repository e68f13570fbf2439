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

    func testBarriersPaperProtocolOnAnImageFolderCountsTheCorruptFile() throws {
        let root = tempDir("imagefolder")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try RunControlTests.writeTinyMNIST(root + "/mnist.csv")
        try Self.writeTinyFolder(root + "/images")
        var (code, _, err) = try isthmus(["train", "--model", "mlp", "--hidden", "32", "--data", "mnist5k:" + root + "/mnist.csv",
                                          "--epochs", "30", "--quiet", "--out", root + "/model"])
        XCTAssertEqual(code, 0, err)
        (code, _, err) = try isthmus(["barriers", "--model", "mlp", "--hidden", "32", "--weights", root + "/model/model.safetensors",
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
}
