import Foundation
import XCTest
import IsthmusCore
import IsthmusLandscape

/// Defaults shown by --help are the ones the command runs with.
final class HelpDefaultTests: XCTestCase {
    func help(_ command: String) throws -> String {
        let (code, out, err) = try isthmus([command, "--help"])
        XCTAssertEqual(code, 0, err)
        return out
    }

    func line(_ text: String, _ option: String) -> String {
        text.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(option + " ") }.map(String.init) ?? ""
    }

    func testChainAndBypassShowTheRoundsTheyUse() throws {
        let chain = line(try help("chain"), "--rounds"), bypass = try help("bypass")
        XCTAssertTrue(chain.contains("(default 2"), chain)
        XCTAssertTrue(line(bypass, "--rounds").contains("(default 1"), line(bypass, "--rounds"))
        XCTAssertTrue(line(bypass, "--bend").contains("(default always)"), line(bypass, "--bend"))
        // chain without --rounds runs 2 rounds (always bending: 1 + 2 bends).
        let dir = tempDir("chain-rounds")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: 2)
        try Tensor.normal([1, 28, 28], using: &rng).writeNpy(dir + "/a.npy")
        try Tensor.normal([1, 28, 28], using: &rng).writeNpy(dir + "/c.npy")
        let (code, _, err) = try isthmus(["chain", "--model", "mlp", "--hidden", "8", "--untrained", "--from", dir + "/a.npy", "--to", dir + "/c.npy",
                                          "--class", "1", "--steps", "4", "--points", "4", "--iterations", "2", "--out", dir + "/run"])
        XCTAssertEqual(code, 0, err)
        let r = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/run/result.json"))) as! [String: Any]
        XCTAssertEqual((r["bendIterations"] as! [Int]).count, 3)
        XCTAssertEqual((r["config"] as! [String: Any])["rounds"] as? Int, 2)
    }

    func testFVOAndBypassHelpDefaultsComeFromTheConfigs() throws {
        let fvo = try help("fvo"), d = FeatureVisualization.Config(classIndex: 0)
        XCTAssertTrue(line(fvo, "--max-iterations").contains("(default \(d.maxIterations))"))
        XCTAssertTrue(line(fvo, "--lr").contains("(default \(String(format: "%g", Double(d.lr))))"))
        let bypass = try help("bypass"), b = Bypass.Config()
        XCTAssertTrue(line(bypass, "--iterations").contains("(default \(b.iterations);"))
        XCTAssertTrue(line(bypass, "--steps").contains("(default \(Chain.Config().primarySteps))"))
    }

    func testToleranceNeedsConditionalBending() throws {
        let (code, _, err) = try isthmus(["bypass", "--model", "mlp", "--untrained", "--from", "a.npy", "--to", "c.npy", "--class", "1",
                                          "--tolerance", "0.1", "--out", tempDir("tol")])
        XCTAssertEqual(code, 2); XCTAssertTrue(err.contains("--tolerance needs --bend conditional"), err)
    }
}
