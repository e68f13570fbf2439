import Foundation
import XCTest
import IsthmusCore

/// `--model FILE.onnx` end to end with the committed own-net export (Tests/IsthmusNNTests/Fixtures/onnx): the graph
/// states its input [3, 24, 24] and ends in LogSoftmax; its normalization is not stated, so it is given.
final class ONNXModelSourceTests: XCTestCase {
    static let model: String = {
        var u = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: u.appendingPathComponent("Package.swift").path) { u.deleteLastPathComponent() }
        return u.appendingPathComponent("Tests/IsthmusNNTests/Fixtures/onnx/own-net.onnx").path
    }()

    func endpoints(_ dir: String) throws -> (String, String) {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let a = dir + "/a.npy", c = dir + "/c.npy"
        try randnTensor([3, 24, 24], seed: 1).writeNpy(a)
        try randnTensor([3, 24, 24], seed: 2).writeNpy(c)
        return (a, c)
    }

    func randnTensor(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor.normal(shape, using: &rng)
    }

    func testPredictAndBypassRunOnAnONNXModel() throws {
        let dir = tempDir("onnx")
        let (a, c) = try endpoints(dir)
        let (code, out, err) = try isthmus(["predict", "--model", Self.model, "--normalization", "none", "--input", a, "--top", "3"])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.hasPrefix("a.npy: "), out)
        XCTAssertTrue(err.contains("ends in LogSoftmax"), err)
        let (code2, out2, err2) = try isthmus(["bypass", "--model", Self.model, "--normalization", "none", "--from", a, "--to", c,
                                               "--class", "3", "--steps", "20", "--points", "10", "--iterations", "5",
                                               "--out", dir + "/bypass"])
        XCTAssertEqual(code2, 0, err2)
        XCTAssertTrue(out2.contains("primary max"), out2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/bypass/result.json"))
    }

    func testONNXOptionsGiveClearErrors() throws {
        let dir = tempDir("onnx-errors")
        let (a, _) = try endpoints(dir)
        func fails(_ args: [String], _ text: String, line: UInt = #line) throws {
            let (code, _, err) = try isthmus(args)
            XCTAssertEqual(code, 2, "\(args)", line: line)
            XCTAssertTrue(err.contains(text), "stderr '\(err)' lacks '\(text)'", line: line)
            XCTAssertEqual(err.split(separator: "\n").filter { !$0.contains("ends in LogSoftmax") }.count, 1, err, line: line)
        }
        try fails(["predict", "--model", Self.model, "--input", a], "does not state its input normalization")
        try fails(["predict", "--model", Self.model, "--weights", "w.pth", "--input", a], "--weights does not apply")
        try fails(["predict", "--model", Self.model, "--normalization", "zca", "--input", a], "--normalization must be one of")
        try fails(["predict", "--model", Self.model, "--normalization", "none", "--input-size", "32", "--input", a], "does not fit it")
        try fails(["predict", "--model", Self.model, "--normalization", "none", "--logits", "nope", "--input", a], "no tensor named 'nope'")
        try fails(["predict", "--model", dir + "/missing.onnx", "--input", a], "no such file")
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: dir + "/bad.onnx"))
        try fails(["predict", "--model", dir + "/bad.onnx", "--normalization", "none", "--input", a], "bad.onnx")
        try fails(["train", "--model", Self.model, "--out", dir + "/t"], "cannot be trained")
    }
}
