import Foundation
import XCTest
import IsthmusCLI
import IsthmusCore
import IsthmusNN

/// Runs the built `isthmus` executable and returns (exit code, stdout, stderr).
func isthmus(_ args: [String]) throws -> (Int32, String, String) {
    // The test binary (…/debug/IsthmusPackageTests.xctest) sits beside the built executable.
    let exe = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("isthmus")
    let p = Process()
    p.executableURL = exe
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out; p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

func tempDir(_ name: String) -> String {
    let d = NSTemporaryDirectory() + "isthmus-cli-\(name)-\(getpid())"
    try? FileManager.default.removeItem(atPath: d)
    return d
}

final class CLIErrorPathTests: XCTestCase {
    func assertError(_ args: [String], contains text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (code, _, err) = try isthmus(args)
        XCTAssertEqual(code, 2, "exit code for \(args)", file: file, line: line)
        XCTAssertTrue(err.contains(text), "stderr '\(err)' lacks '\(text)'", file: file, line: line)
        XCTAssertEqual(err.split(separator: "\n").count, 1, "one line: \(err)", file: file, line: line)
    }

    func testUnknownCommandAndFlag() throws {
        try assertError(["frobnicate"], contains: "unknown command")
        try assertError(["interpolate", "--model", "mnist-cnn", "--untrained", "--bogus", "1"], contains: "unknown option --bogus")
    }

    func testMissingAndBadValues() throws {
        try assertError(["interpolate", "--model", "mnist-cnn"], contains: "--weights FILE or --untrained")
        try assertError(["interpolate", "--model", "nope", "--untrained"], contains: "unknown model")
        let dir = tempDir("bad")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let a = dir + "/a.npy", c = dir + "/c.npy"
        try Tensor.zeros([1, 28, 28]).writeNpy(a)
        try Tensor.zeros([1, 28, 28]).writeNpy(c)
        try assertError(["interpolate", "--model", "mnist-cnn", "--untrained", "--from", a, "--to", c, "--class", "10", "--out", dir + "/o"],
                        contains: "--class must be <= 9")
        try assertError(["interpolate", "--model", "mnist-cnn", "--untrained", "--from", a, "--to", c, "--class", "1", "--steps", "-3",
                         "--out", dir + "/o"], contains: "--steps must be >= 2")
        try assertError(["interpolate", "--model", "mnist-cnn", "--untrained", "--from", a, "--to", c, "--class", "x", "--out", dir + "/o"],
                        contains: "expects an integer")
        try assertError(["interpolate", "--model", "mnist-cnn", "--untrained", "--from", a, "--to", dir + "/missing.npy",
                         "--class", "1", "--out", dir + "/o"], contains: "no such file")
        try Tensor.zeros([3, 32, 32]).writeNpy(c)
        try assertError(["interpolate", "--model", "mnist-cnn", "--untrained", "--from", a, "--to", c, "--class", "1", "--out", dir + "/o"],
                        contains: "does not fit mnist-cnn")
        let nan = Tensor.zeros([1, 28, 28]); nan.mutableData[5] = .nan
        try nan.writeNpy(c)
        try assertError(["interpolate", "--model", "mnist-cnn", "--untrained", "--from", a, "--to", c, "--class", "1", "--out", dir + "/o"],
                        contains: "non-finite")
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: dir + "/w.safetensors"))
        try assertError(["interpolate", "--model", "mnist-cnn", "--weights", dir + "/w.safetensors", "--from", a, "--to", a,
                         "--class", "1", "--out", dir + "/o"], contains: "w.safetensors")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/o"), "no output after an error")
    }

    func testExistingRunFolderIsRefused() throws {
        let dir = tempDir("exists")
        try FileManager.default.createDirectory(atPath: dir + "/o", withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: dir + "/o/old.txt"))
        let a = dir + "/a.npy"
        try Tensor.zeros([1, 28, 28]).writeNpy(a)
        try assertError(["interpolate", "--model", "mnist-cnn", "--untrained", "--from", a, "--to", a, "--class", "1", "--out", dir + "/o"],
                        contains: "exists")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/o/old.txt"))
    }
}

final class CLIRunTests: XCTestCase {
    func testInterpolateWritesTheResultKeys() throws {
        let dir = tempDir("interp")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: 1)
        try Tensor.normal([1, 28, 28], using: &rng).writeNpy(dir + "/a.npy")
        try Tensor.normal([1, 1, 28, 28], using: &rng).writeNpy(dir + "/c.npy")
        let (code, _, err) = try isthmus(["interpolate", "--model", "mnist-cnn", "--untrained", "--seed", "3", "--from", dir + "/a.npy",
                                          "--to", dir + "/c.npy", "--class", "4", "--steps", "50", "--out", dir + "/run"])
        XCTAssertEqual(code, 0, err)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/run/result.json"))) as! [String: Any]
        XCTAssertEqual((json["alphas"] as! [Double]).count, 50)
        XCTAssertEqual((json["losses"] as! [Double]).count, 50)
        let barrier = json["barrier"] as! [String: Any]
        for k in ["index", "alpha", "max", "gap", "blendGap"] { XCTAssertNotNil(barrier[k], k) }
        let ends = json["endpoints"] as! [String: Any]
        XCTAssertNotNil(ends["lossA"]); XCTAssertNotNil(ends["lossC"])
        for f in ["config.json", "curve.csv", "curve.svg", "endpoints.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/run/" + f), f)
        }
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/run/config.json"))) as! [String: Any]
        XCTAssertNotNil((config["run"] as! [String: Any])["gitCommit"])
    }

    func testSaliencyGradientHasTheInputShape() throws {
        let dir = tempDir("sal")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: 2)
        try Tensor.normal([1, 28, 28], using: &rng).writeNpy(dir + "/x.npy")
        let (code, _, err) = try isthmus(["saliency", "--model", "mnist-cnn", "--untrained", "--input", dir + "/x.npy", "--class", "2",
                                          "--out", dir + "/run"])
        XCTAssertEqual(code, 0, err)
        XCTAssertEqual(try Tensor.readNpy(dir + "/run/gradient.npy").shape, [1, 28, 28])
    }

    func testTrainedWeightsRoundTripThroughSafetensors() throws {
        let dir = tempDir("weights")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let (m, _) = try ModelZoo.make(ModelOptions(name: "resnet18-cifar"), seed: 5)
        try m.saveSafetensors(dir + "/w.safetensors")
        let (m2, _) = try ModelZoo.make(ModelOptions(name: "resnet18-cifar"), seed: 6)
        try m2.loadWeights(dir + "/w.safetensors")
        for (e1, e2) in zip(m.state, m2.state) { XCTAssertEqual(e1.tensor.scalars, e2.tensor.scalars, e1.name) }
        let (m3, _) = try ModelZoo.make(ModelOptions(name: "mnist-cnn"), seed: 0)
        XCTAssertThrowsError(try m3.loadWeights(dir + "/w.safetensors")) { e in
            XCTAssertTrue("\(e)".contains("missing"), "\(e)")
        }
    }
}

final class ListOptionTests: XCTestCase {
    /// Seeds and class lists may contain 0 (a bug once rejected `--seeds 0,1,2`).
    func testZeroInIntegerListsIsAccepted() throws {
        let dir = tempDir("sweep")
        let (code, _, err) = try isthmus(["untrained", "--model", "mlp", "--classes", "4", "--sizes", "8", "--seeds", "0,1",
                                          "--fvo-iterations", "5", "--bend-iterations", "2", "--rounds", "1", "--steps", "5",
                                          "--quiet", "--out", dir])
        XCTAssertEqual(code, 0, err)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/result.json"))) as! [String: Any]
        XCTAssertEqual((json["rows"] as! [Any]).count, 2)
        let (bad, _, berr) = try isthmus(["untrained", "--sizes", "8", "--seeds", "0,-1", "--out", dir + "-bad"])
        XCTAssertEqual(bad, 2); XCTAssertTrue(berr.contains("--seeds"), berr)
    }
}
