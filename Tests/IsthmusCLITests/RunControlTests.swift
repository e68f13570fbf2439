import Foundation
import XCTest
import IsthmusCore
import IsthmusFormats

/// Resume and shard/merge of many-pair runs (the connectivity experiment on a tiny generated MNIST-5k file).
final class RunControlTests: XCTestCase {
    /// A small MNIST-5k-format CSV: 10 images per digit, sorted by class, blobs placed by class so classes differ.
    static func writeTinyMNIST(_ path: String) throws {
        var rng = SplitMix64(seed: 9)
        var text = ""
        for label in 0..<10 {
            for _ in 0..<10 {
                var px = [Int](repeating: 0, count: 784)
                let cy = 6 + (label / 5) * 14, cx = 3 + (label % 5) * 5
                for y in 0..<28 { for x in 0..<28 where abs(y - cy) < 5 && abs(x - cx) < 3 { px[y * 28 + x] = 150 + Int(rng.next() % 100) } }
                text += px.map(String.init).joined(separator: ",") + ",\(label)\n"
            }
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func connectivity(_ csv: String, _ out: String, _ extra: [String] = []) throws -> (Int32, String) {
        let (code, _, err) = try isthmus(["connectivity", "--model", "mlp", "--hidden", "16", "--untrained", "--seed", "4",
                                          "--data", "mnist5k:" + csv, "--pairs", "6", "--all-images", "--steps", "20", "--points", "10",
                                          "--iterations", "5", "--quiet", "--out", out] + extra)
        return (code, err)
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// result.json without the timing fields, which legitimately differ between runs.
    func summary(_ dir: String) throws -> [String: Any] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/result.json"))) as! [String: Any]
        var s = json["summary"] as! [String: Any]
        s["meanSecondsPerPair"] = nil
        return s
    }

    func rowsWithoutTiming(_ dir: String) throws -> [String] {
        try read(dir + "/pairs.csv").split(separator: "\n").map { line in
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells.remove(at: 18)   // the "seconds" column
            return cells.joined(separator: ",")
        }
    }

    func testResumeAfterInterruptionEqualsUninterruptedRun() throws {
        let root = tempDir("resume")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Self.writeTinyMNIST(root + "/mnist.csv")
        var (code, err) = try connectivity(root + "/mnist.csv", root + "/full")
        XCTAssertEqual(code, 0, err)
        // Simulate a kill after three pairs, in the middle of writing the fourth line.
        (code, err) = try connectivity(root + "/mnist.csv", root + "/cut")
        XCTAssertEqual(code, 0, err)
        let lines = try read(root + "/cut/pairs.jsonl").split(separator: "\n")
        try (lines.prefix(3).joined(separator: "\n") + "\n" + lines[3].prefix(20)).write(toFile: root + "/cut/pairs.jsonl", atomically: true, encoding: .utf8)
        for f in ["result.json", "pairs.csv"] { try FileManager.default.removeItem(atPath: root + "/cut/" + f) }
        // Without --resume the folder is refused; with it the run completes.
        (code, err) = try connectivity(root + "/mnist.csv", root + "/cut")
        XCTAssertEqual(code, 2); XCTAssertTrue(err.contains("--resume"), err)
        (code, err) = try connectivity(root + "/mnist.csv", root + "/cut", ["--resume"])
        XCTAssertEqual(code, 0, err)
        XCTAssertEqual(try rowsWithoutTiming(root + "/cut"), try rowsWithoutTiming(root + "/full"))
        XCTAssertEqual(NSDictionary(dictionary: try summary(root + "/cut")), NSDictionary(dictionary: try summary(root + "/full")))
        // A resume with different settings is refused.
        let (c2, _, e2) = try isthmus(["connectivity", "--model", "mlp", "--hidden", "16", "--untrained", "--seed", "4",
                                       "--data", "mnist5k:" + root + "/mnist.csv", "--pairs", "7", "--all-images", "--quiet",
                                       "--out", root + "/cut", "--resume"])
        XCTAssertEqual(c2, 2); XCTAssertFalse(e2.isEmpty)
    }

    func testMergeOfShardsEqualsOneRun() throws {
        let root = tempDir("merge")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Self.writeTinyMNIST(root + "/mnist.csv")
        var (code, err) = try connectivity(root + "/mnist.csv", root + "/one")
        XCTAssertEqual(code, 0, err)
        for i in 0..<2 {
            (code, err) = try connectivity(root + "/mnist.csv", root + "/shard\(i)", ["--shard", "\(i)/2"])
            XCTAssertEqual(code, 0, err)
        }
        let (m, _, merr) = try isthmus(["merge", "--out", root + "/merged", root + "/shard0", root + "/shard1"])
        XCTAssertEqual(m, 0, merr)
        XCTAssertEqual(try rowsWithoutTiming(root + "/merged"), try rowsWithoutTiming(root + "/one"))
        XCTAssertEqual(NSDictionary(dictionary: try summary(root + "/merged")), NSDictionary(dictionary: try summary(root + "/one")))
        let (m2, _, merr2) = try isthmus(["merge", "--out", root + "/partial", root + "/shard0"])
        XCTAssertEqual(m2, 2); XCTAssertTrue(merr2.contains("missing"), merr2)
    }
}
