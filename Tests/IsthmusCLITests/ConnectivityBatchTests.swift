import Foundation
import XCTest

/// `connectivity --batch K`: the same pairs as the sequential run, rows equal to float32 tolerance, and a resumed
/// batched run (torn last line) keeps its units and completes.
final class ConnectivityBatchTests: XCTestCase {
    func run(_ csv: String, _ out: String, _ extra: [String]) throws -> (Int32, String) {
        let (code, _, err) = try isthmus(["connectivity", "--model", "mlp", "--hidden", "16", "--untrained", "--seed", "4",
                                          "--data", "mnist5k:" + csv, "--pairs", "7", "--all-images", "--steps", "20", "--points", "10",
                                          "--iterations", "8", "--quiet", "--out", out] + extra)
        return (code, err)
    }

    /// pairs.csv rows as numbers (the header dropped, the "seconds" column 18 removed).
    func rows(_ dir: String) throws -> [[Double]] {
        try String(contentsOfFile: dir + "/pairs.csv", encoding: .utf8).split(separator: "\n").dropFirst().map { line in
            var cells = line.split(separator: ",", omittingEmptySubsequences: false).map { Double($0)! }
            cells.remove(at: 18)
            return cells
        }
    }

    /// Tolerance: see BypassBatchTests.tolerance (1e-5 on pixels and losses after a few steps at lr 0.005).
    func assertClose(_ a: [[Double]], _ b: [[Double]], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        for (x, y) in zip(a, b) {
            XCTAssertEqual(x.count, y.count, file: file, line: line)
            XCTAssertEqual(Array(x.prefix(4)), Array(y.prefix(4)), "pair, class, indexA, indexC", file: file, line: line)
            for (u, v) in zip(x, y) { XCTAssertEqual(u, v, accuracy: 1e-5 * max(1, abs(v)), file: file, line: line) }
        }
    }

    func testBatchedRunEqualsSequentialAndResumes() throws {
        let root = tempDir("batch")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try RunControlTests.writeTinyMNIST(root + "/mnist.csv")
        var (code, err) = try run(root + "/mnist.csv", root + "/seq", ["--batch", "1"])
        XCTAssertEqual(code, 0, err)
        (code, err) = try run(root + "/mnist.csv", root + "/bat", ["--batch", "3"])
        XCTAssertEqual(code, 0, err)
        assertClose(try rows(root + "/bat"), try rows(root + "/seq"))
        // Keep three finished units and a torn fourth line, then resume.
        let log = root + "/bat/pairs.jsonl"
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 7)
        try (lines.prefix(3).joined(separator: "\n") + "\n" + lines[3].prefix(20)).write(toFile: log, atomically: true, encoding: .utf8)
        for f in ["result.json", "pairs.csv"] { try FileManager.default.removeItem(atPath: root + "/bat/" + f) }
        (code, err) = try run(root + "/mnist.csv", root + "/bat", ["--batch", "3", "--resume"])
        XCTAssertEqual(code, 0, err)
        assertClose(try rows(root + "/bat"), try rows(root + "/seq"))
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count, 7, "each unit once")
        let (bad, _, berr) = try isthmus(["connectivity", "--model", "mlp", "--untrained", "--batch", "0", "--out", root + "/x"])
        XCTAssertEqual(bad, 2); XCTAssertTrue(berr.contains("--batch"), berr)
    }
}
