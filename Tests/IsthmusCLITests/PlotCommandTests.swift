import Foundation
import XCTest
import IsthmusCore

/// `isthmus plot DIR` redraws the figures of an experiment's run from its saved results, and says which runs it reads.
final class PlotCommandTests: XCTestCase {
    func testPlotRedrawsAConnectivityRunAndRefusesOtherKinds() throws {
        let root = tempDir("plot")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try RunControlTests.writeTinyMNIST(root + "/mnist.csv")
        var (code, _, err) = try isthmus(["connectivity", "--model", "mlp", "--hidden", "8", "--untrained", "--data", "mnist5k:" + root + "/mnist.csv",
                                          "--pairs", "2", "--all-images", "--steps", "10", "--points", "5", "--iterations", "2", "--quiet",
                                          "--out", root + "/run"])
        XCTAssertEqual(code, 0, err)
        let figure = root + "/run/gaps.svg"
        let drawn = try String(contentsOfFile: figure, encoding: .utf8)
        try FileManager.default.removeItem(atPath: figure)
        (code, _, err) = try isthmus(["plot", root + "/run"])
        XCTAssertEqual(code, 0, err)
        XCTAssertEqual(try String(contentsOfFile: figure, encoding: .utf8), drawn, "the redrawn figure is the one the run drew")

        var rng = SplitMix64(seed: 1)
        try Tensor.normal([1, 28, 28], using: &rng).writeNpy(root + "/a.npy")
        (code, _, err) = try isthmus(["interpolate", "--model", "mlp", "--hidden", "8", "--untrained", "--from", root + "/a.npy", "--to", root + "/a.npy",
                                      "--class", "1", "--steps", "5", "--out", root + "/line"])
        XCTAssertEqual(code, 0, err)
        (code, _, err) = try isthmus(["plot", root + "/line"])
        XCTAssertEqual(code, 2)
        XCTAssertTrue(err.contains("holds an interpolate run (kind interpolate); plot redraws"), err)
        (code, _, err) = try isthmus(["plot", root + "/none"])
        XCTAssertEqual(code, 2); XCTAssertTrue(err.contains("no config.json"), err)
    }
}
