import Foundation
import XCTest

/// `barriers --batch K`: the same pairs as the sequential run with rows equal to float32 tolerance; a batched run
/// resumes after a torn line with each unit once, and batched shards merge into the batched single run.
final class BarriersBatchTests: XCTestCase {
    /// pairs.csv as cells: text cells compared exactly, numbers to 1e-4 relative (the attack and bypass tolerance
    /// of AttacksBatchTests / BypassBatchTests, through a few dozen steps and a curve).
    func assertClose(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) {
        let ra = a.split(separator: "\n"), rb = b.split(separator: "\n")
        XCTAssertEqual(ra.count, rb.count, file: file, line: line)
        XCTAssertEqual(ra.first, rb.first, "header", file: file, line: line)
        for (x, y) in zip(ra.dropFirst(), rb.dropFirst()) {
            let cx = x.split(separator: ",", omittingEmptySubsequences: false), cy = y.split(separator: ",", omittingEmptySubsequences: false)
            XCTAssertEqual(cx.count, cy.count, file: file, line: line)
            for (u, v) in zip(cx, cy) {
                if let p = Double(u), let q = Double(v) {
                    XCTAssertEqual(p, q, accuracy: 1e-4 * max(1, abs(q)), "\(x) vs \(y)", file: file, line: line)
                } else {
                    XCTAssertEqual(u, v, file: file, line: line)
                }
            }
        }
    }

    func testBatchedRunEqualsSequentialResumesAndMergesShards() throws {
        let root = tempDir("barriers-batch")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try RunControlTests.writeTinyMNIST(root + "/mnist.csv")
        var (code, _, err) = try isthmus(["train", "--model", "mlp", "--hidden", "32", "--data", "mnist5k:" + root + "/mnist.csv",
                                          "--epochs", "30", "--quiet", "--out", root + "/model"])
        XCTAssertEqual(code, 0, err)
        func barriers(_ out: String, _ extra: [String]) throws -> (Int32, String) {
            let (c, _, e) = try isthmus(["barriers", "--model", "mlp", "--hidden", "32", "--weights", root + "/model/model.safetensors",
                                         "--data", "mnist5k:" + root + "/mnist.csv", "--pairs", "4", "--steps", "20",
                                         "--bypass-iterations", "5", "--attack-steps", "40", "--seed", "3", "--quiet", "--out", out] + extra)
            return (c, e)
        }
        func csv(_ dir: String) throws -> String { try String(contentsOfFile: root + "/" + dir + "/pairs.csv", encoding: .utf8) }
        (code, err) = try barriers(root + "/seq", [])
        XCTAssertEqual(code, 0, err)
        (code, err) = try barriers(root + "/bat", ["--batch", "3"])
        XCTAssertEqual(code, 0, err)
        assertClose(try csv("bat"), try csv("seq"))
        // Keep five finished units and a torn sixth line, then resume.
        let log = root + "/bat/pairs.jsonl"
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 12)
        try (lines.prefix(5).joined(separator: "\n") + "\n" + lines[5].prefix(20)).write(toFile: log, atomically: true, encoding: .utf8)
        for f in ["result.json", "pairs.csv"] { try FileManager.default.removeItem(atPath: root + "/bat/" + f) }
        (code, err) = try barriers(root + "/bat", ["--batch", "3", "--resume"])
        XCTAssertEqual(code, 0, err)
        assertClose(try csv("bat"), try csv("seq"))
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count, 12, "each unit once")
        // Batched shards merged equal the batched single run.
        for i in 0..<2 {
            (code, err) = try barriers(root + "/s\(i)", ["--shard", "\(i)/2", "--batch", "2"])
            XCTAssertEqual(code, 0, err)
        }
        let (mc, _, merr) = try isthmus(["merge", "--out", root + "/merged", root + "/s0", root + "/s1"])
        XCTAssertEqual(mc, 0, merr)
        assertClose(try csv("merged"), try csv("seq"))
        let (bad, _, berr) = try isthmus(["barriers", "--model", "mlp", "--untrained", "--batch", "0", "--out", root + "/x"])
        XCTAssertEqual(bad, 2); XCTAssertTrue(berr.contains("--batch"), berr)
    }
}
