import Foundation
import XCTest
import IsthmusCLI
import IsthmusCore
@testable import IsthmusFormats
import IsthmusLandscape
@testable import IsthmusNN

/// The built `isthmus` executable beside the test bundle.
let isthmusExecutable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("isthmus")

/// Runs `isthmus args`; returns the exit status, how it ended, stdout and stderr.
func runIsthmus(_ args: [String]) throws -> (status: Int32, reason: Process.TerminationReason, out: String, err: String) {
    let p = Process()
    p.executableURL = isthmusExecutable
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out; p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, p.terminationReason, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// Bad files and bad options: each ends the process normally with exit code 2 and one `isthmus CMD: error: ...` line.
final class CLIRobustnessTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = tempDir("robust-\(name.filter { $0.isLetter })")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    func assertCleanError(_ args: [String], contains text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try runIsthmus(args)
        XCTAssertEqual(r.reason, .exit, "ended by a signal: \(args)", file: file, line: line)
        XCTAssertEqual(r.status, 2, "exit code for \(args); stderr \(r.err)", file: file, line: line)
        let lines = r.err.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one stderr line: \(r.err)", file: file, line: line)
        XCTAssertTrue(r.err.hasPrefix("isthmus \(args[0]): error: "), r.err, file: file, line: line)
        XCTAssertTrue(r.err.contains(text), "stderr '\(r.err)' lacks '\(text)'", file: file, line: line)
    }

    /// A valid [1, 28, 28] input for mnist-cnn.
    func input(_ name: String = "x.npy") throws -> String {
        let path = dir + "/" + name
        try Tensor.zeros([1, 28, 28]).writeNpy(path)
        return path
    }

    func saliency(_ extra: [String], weights: [String] = ["--untrained"]) -> [String] {
        ["saliency", "--model", "mnist-cnn"] + weights + extra
    }

    func testMalformedWeightFiles() throws {
        let x = try input(), out = dir + "/o"
        let cases: [(String, [UInt8], String)] = [
            ("huge.safetensors", withUnsafeBytes(of: (UInt64(1) << 63).littleEndian) { Array($0) } + Array("{}".utf8), "header length"),
            ("garbage.safetensors", Array("garbage".utf8), "garbage.safetensors"),
            ("garbage.pth", Array("definitely not a zip archive at all".utf8), "not a ZIP archive"),
            ("empty.pth", [], "empty.pth"),
        ]
        for (name, bytes, text) in cases {
            try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + name))
            try assertCleanError(saliency(["--input", x, "--class", "1", "--out", out], weights: ["--weights", dir + "/" + name]), contains: text)
        }
        // A real checkpoint cut in half.
        let (m, _) = try ModelZoo.make(ModelOptions(name: "mnist-cnn"), seed: 0)
        try m.saveSafetensors(dir + "/full.safetensors")
        let full = try Data(contentsOf: URL(fileURLWithPath: dir + "/full.safetensors"))
        try full.prefix(full.count / 2).write(to: URL(fileURLWithPath: dir + "/half.safetensors"))
        try assertCleanError(saliency(["--input", x, "--class", "1", "--out", out], weights: ["--weights", dir + "/half.safetensors"]),
                             contains: "half.safetensors")
        // A folder where the weights file should be.
        try FileManager.default.createDirectory(atPath: dir + "/folder.safetensors", withIntermediateDirectories: true)
        try assertCleanError(saliency(["--input", x, "--class", "1", "--out", out], weights: ["--weights", dir + "/folder.safetensors"]),
                             contains: "folder.safetensors")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "no run folder after an error")
    }

    func testNonFiniteWeightsAndInputs() throws {
        let x = try input(), out = dir + "/o"
        let (m, _) = try ModelZoo.make(ModelOptions(name: "mnist-cnn"), seed: 0)
        m.parameters[0].tensor.mutableData[3] = .nan
        try m.saveSafetensors(dir + "/nan.safetensors")
        try assertCleanError(saliency(["--input", x, "--class", "1", "--out", out], weights: ["--weights", dir + "/nan.safetensors"]),
                             contains: "non-finite")
        let inf = Tensor.zeros([1, 28, 28]); inf.mutableData[100] = .infinity
        try inf.writeNpy(dir + "/inf.npy")
        try assertCleanError(saliency(["--input", dir + "/inf.npy", "--class", "1", "--out", out]), contains: "non-finite value inf at element 100")
        try assertCleanError(["interpolate", "--model", "mnist-cnn", "--untrained", "--from", x, "--to", dir + "/inf.npy", "--class", "1",
                              "--out", out], contains: "inf.npy")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testBadInputs() throws {
        let out = dir + "/o"
        try Tensor.zeros([3, 32, 32]).writeNpy(dir + "/cifar.npy")
        try assertCleanError(saliency(["--input", dir + "/cifar.npy", "--class", "1", "--out", out]), contains: "does not fit mnist-cnn")
        try Tensor.zeros([2, 1, 28, 28]).writeNpy(dir + "/batch.npy")
        try assertCleanError(saliency(["--input", dir + "/batch.npy", "--class", "1", "--out", out]), contains: "does not fit mnist-cnn")
        let good = try Data(contentsOf: URL(fileURLWithPath: try input()))
        try good.prefix(good.count - 1).write(to: URL(fileURLWithPath: dir + "/cut.npy"))
        try assertCleanError(saliency(["--input", dir + "/cut.npy", "--class", "1", "--out", out]), contains: "cut.npy")
        try FileManager.default.createDirectory(atPath: dir + "/folder.npy", withIntermediateDirectories: true)
        try assertCleanError(saliency(["--input", dir + "/folder.npy", "--class", "1", "--out", out]), contains: "folder.npy: is a folder")
        try assertCleanError(saliency(["--input", dir + "/missing.npy", "--class", "1", "--out", out]), contains: "missing.npy")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testBadOptionValues() throws {
        let x = try input(), out = dir + "/o"
        let pair = ["--from", x, "--to", x]
        try assertCleanError(saliency(["--input", x, "--class", "10", "--out", out]), contains: "--class must be <= 9")
        try assertCleanError(saliency(["--input", x, "--class", "-1", "--out", out]), contains: "--class must be >= 0")
        try assertCleanError(["interpolate", "--model", "mnist-cnn", "--untrained"] + pair + ["--class", "1", "--steps", "-5", "--out", out],
                             contains: "--steps must be >= 2")
        try assertCleanError(["interpolate", "--model", "mnist-cnn", "--untrained"] + pair + ["--class", "1", "--steps", "99999999999999999999",
                              "--out", out], contains: "expects an integer")
        try assertCleanError(["interpolate", "--model", "mnist-cnn", "--untrained"] + pair + ["--class", "1", "--out", out, "--steps"],
                             contains: "--steps needs a value")
        try assertCleanError(["interpolate", "--model", "mnist-cnn", "--untrained"] + pair + ["--class", "1", "--steps", "--out", out],
                             contains: "--steps needs a value")
        try assertCleanError(["bypass", "--model", "mnist-cnn", "--untrained"] + pair + ["--class", "1", "--iterations", "-1", "--out", out],
                             contains: "--iterations must be >= 1")
        try assertCleanError(["bypass", "--model", "mnist-cnn", "--untrained"] + pair + ["--class", "1", "--bend", "conditional", "--tolerance", "-0.5", "--out", out],
                             contains: "--tolerance must be >= 0")
        try assertCleanError(["bypass", "--model", "mnist-cnn", "--untrained"] + pair + ["--class", "1", "--lr", "nan", "--out", out],
                             contains: "finite number")
        try assertCleanError(["percolate", "--p", "-0.1", "--out", out], contains: "--p values must lie in [0, 1]")
        try assertCleanError(["percolate", "--p=0.2,1.5", "--out", out], contains: "--p values must lie in [0, 1]")
        try assertCleanError(["percolate", "--trials", "0", "--out", out], contains: "--trials must be >= 1")
        try assertCleanError(["percolate", "--seed", "-3", "--out", out], contains: "--seed expects a non-negative integer")
        try assertCleanError(["percolate", "--bogus", "--out", out], contains: "unknown option --bogus")
        try assertCleanError(["percolate", "--out", out, "stray"], contains: "unexpected argument 'stray'")
        try assertCleanError(["percolate", "--out", out, "--out", out], contains: "--out given twice")
        try assertCleanError(["saliency", "--model", "mnist-cnn", "--untrained", "--input", x, "--class", "1", "--out"], contains: "--out needs a value")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testExistingRunFolderAndFilesInTheWay() throws {
        let x = try input()
        try FileManager.default.createDirectory(atPath: dir + "/run", withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: dir + "/run/old.txt"))
        try assertCleanError(saliency(["--input", x, "--class", "1", "--out", dir + "/run"]), contains: "exists; pass --force")
        try assertCleanError(["percolate", "--size", "8", "--trials", "1", "--points", "3", "--out", dir + "/run"], contains: "exists")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/run"), ["old.txt"], "folder untouched")
        XCTAssertEqual(try String(contentsOfFile: dir + "/run/old.txt", encoding: .utf8), "keep")
        // A file where the run folder should go.
        try Data("a file".utf8).write(to: URL(fileURLWithPath: dir + "/file"))
        try assertCleanError(saliency(["--input", x, "--class", "1", "--out", dir + "/file"]), contains: "not a folder")
        try assertCleanError(saliency(["--input", x, "--class", "1", "--out", dir + "/file", "--force"]), contains: "not a folder")
        XCTAssertEqual(try String(contentsOfFile: dir + "/file", encoding: .utf8), "a file")
        // A run folder under a file cannot be created.
        try assertCleanError(saliency(["--input", x, "--class", "1", "--out", dir + "/file/run"]), contains: "file/run")
    }

    /// MNIST IDX files with `labels` in both splits (6 blank images).
    func idxFolder(_ name: String, labels: [UInt8]) throws -> String {
        let d = dir + "/" + name
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        func be32(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(v).bigEndian) { Array($0) } }
        for split in ["train", "t10k"] {
            try Data(be32(0x803) + be32(labels.count) + be32(28) + be32(28) + [UInt8](repeating: 0, count: labels.count * 784))
                .write(to: URL(fileURLWithPath: d + "/\(split)-images-idx3-ubyte"))
            try Data(be32(0x801) + be32(labels.count) + labels).write(to: URL(fileURLWithPath: d + "/\(split)-labels-idx1-ubyte"))
        }
        return d
    }

    /// Missing or malformed data sets, and labels outside the model's classes (these used to trap in cross-entropy).
    func testBadDataSets() throws {
        try assertCleanError(["eval", "--model", "mnist-cnn", "--untrained", "--data", "bogus"], contains: "unknown data set")
        try assertCleanError(["eval", "--model", "mnist-cnn", "--untrained", "--data", "mnist5k:" + dir + "/none.csv"], contains: "none.csv")
        try Data("1,2,3\n".utf8).write(to: URL(fileURLWithPath: dir + "/short.csv"))
        try assertCleanError(["eval", "--model", "mnist-cnn", "--untrained", "--data", "mnist5k:" + dir + "/short.csv"],
                             contains: "line 1, column 3")
        try assertCleanError(["eval", "--model", "mnist-cnn", "--untrained", "--data", "cifar10:" + dir], contains: "no data_batch_N.bin")
        try assertCleanError(["eval", "--model", "mnist-cnn", "--untrained", "--data", "mnist-idx:" + dir], contains: "missing")
        let bad = try idxFolder("idx-bad", labels: [0, 1, 2, 3, 4, 200])
        try assertCleanError(["eval", "--model", "mnist-cnn", "--untrained", "--data", "mnist-idx:" + bad],
                             contains: "label 200 at index 5 is not a digit")
        let good = try idxFolder("idx-good", labels: [0, 1, 2, 3, 4, 5])
        try assertCleanError(["eval", "--model", "mnist-cnn", "--untrained", "--classes", "3", "--data", "mnist-idx:" + good],
                             contains: "image 3 has label 3, but mnist-cnn has 3 classes")
        try assertCleanError(["train", "--model", "mnist-cnn", "--classes", "2", "--data", "mnist-idx:" + good, "--epochs", "1",
                              "--out", dir + "/o"], contains: "has 2 classes")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/o"))
        let r = try runIsthmus(["eval", "--model", "mnist-cnn", "--untrained", "--data", "mnist-idx:" + good])
        XCTAssertEqual(r.status, 0, r.err)
    }

    /// A valid 14000 x 14000 gray PNG (196 Mpx, under 1 GiB of 8-bit pixels but over Pillow's 179 Mpx limit) is refused
    /// before its pixels are inflated; predict used to decode it and expand it to floats (gigabytes).
    func testHugeImageIsRefusedBeforeDecoding() throws {
        let side = 14000
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return withUnsafeBytes(of: UInt32(data.count).bigEndian) { Array($0) } + body
                + withUnsafeBytes(of: Zlib.crc32(body).bigEndian) { Array($0) }
        }
        func be(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(v).bigEndian) { Array($0) } }
        let idat = Zlib.deflate([UInt8](repeating: 0, count: side * (side + 1)))
        let png = PNG.signature + chunk("IHDR", be(side) + be(side) + [8, 0, 0, 0, 0]) + chunk("IDAT", idat) + chunk("IEND", [])
        XCTAssertLessThan(png.count, 1 << 20, "a small file")
        try Data(png).write(to: URL(fileURLWithPath: dir + "/huge.png"))
        let start = Date()
        try assertCleanError(["predict", "--model", "mnist-cnn", "--untrained", "--input", dir + "/huge.png"],
                             contains: "14000x14000 image has more than 178956970 pixels")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "refused from the header")
    }

    func testHiddenCommandsStayHidden() throws {
        let r = try runIsthmus(["--help"])
        XCTAssertEqual(r.status, 0)
        XCTAssertFalse(r.out.contains("_write-stress"), r.out)
    }
}

/// SIGKILL at random moments while `isthmus _write-stress` rewrites a large JSON file through
/// `RunDirectory.writeJSON`: after every kill the file under the final name is a complete earlier version.
final class KillDuringWriteTests: XCTestCase {
    struct Version: Decodable { var iteration: Int; var checksum: String; var payload: String }

    func fnv1a(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }

    /// The complete version at `path`, or a failure.
    func verify(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> Version {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let v = try JSONDecoder().decode(Version.self, from: data)
        XCTAssertEqual(v.payload.utf8.count, 2 << 20, "payload length of version \(v.iteration)", file: file, line: line)
        XCTAssertEqual(fnv1a(Array(v.payload.utf8)), v.checksum, "checksum of version \(v.iteration)", file: file, line: line)
        return v
    }

    func testSIGKILLLeavesTheLastCompleteVersion() throws {
        let dir = tempDir("kill")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/big.json"
        var rng = SystemRandomNumberGenerator()
        var previous: Version?
        var killedMidWrite = 0
        var leftovers = Set<String>()
        for round in 0..<6 {
            let p = Process()
            p.executableURL = isthmusExecutable
            p.arguments = ["_write-stress", "--out", path, "--megabytes", "2", "--repeat", "100000"]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            if round == 0 {
                let deadline = Date().addingTimeInterval(60)
                while !FileManager.default.fileExists(atPath: path) && Date() < deadline { usleep(10_000) }
            }
            usleep(UInt32.random(in: 20_000...900_000, using: &rng))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationReason, .uncaughtSignal)
            let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .split(separator: "\n").compactMap { Int($0.split(separator: " ").last ?? "") }
            let v = try verify(path)
            if let last = printed.last {
                // Renamed into place before the kill: the last reported version, or the next one if the kill fell
                // between its rename and its report.
                XCTAssertTrue(v.iteration == last || v.iteration == last + 1, "file holds \(v.iteration), last reported \(last)")
            } else if let previous, v.iteration != 1 {
                XCTAssertEqual(v.iteration, previous.iteration, "no new version was written, so the old one stays")
                XCTAssertEqual(v.checksum, previous.checksum)
            }
            let names = try FileManager.default.contentsOfDirectory(atPath: dir)
            for n in names where n != "big.json" {
                XCTAssertTrue(n.hasPrefix(".big.json.tmp-"), "unexpected file \(n)")
                if leftovers.insert(n).inserted { killedMidWrite += 1 }
            }
            previous = v
        }
        // Informational: how many kills landed during a write (left a temporary file beside the intact one).
        print("kill-during-write: \(killedMidWrite) of 6 kills interrupted a write")
    }

    /// A command killed before it finishes leaves no run folder under the requested name.
    func testKilledCommandLeavesNoRunFolder() throws {
        let dir = tempDir("killed-run")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = isthmusExecutable
        p.arguments = ["percolate", "--size", "128", "--trials", "100000", "--points", "5", "--out", dir + "/run"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        usleep(400_000)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/run"))
    }
}

/// `connectivity --resume` after a crash: a torn last line of pairs.jsonl is dropped and its pair runs again;
/// a corrupt line in the middle, or a different configuration, is refused and the folder kept as it was.
final class ResumeTests: XCTestCase {
    func testTornLastLineIsRecomputed() throws {
        let dir = tempDir("resume")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // Six random 28x28 images of classes 1 and 2 as an MNIST IDX folder.
        var rng = SplitMix64(seed: 4)
        func be32(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(v).bigEndian) { Array($0) } }
        let pixels = (0..<(6 * 784)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for split in ["train", "t10k"] {
            try Data(be32(0x803) + be32(6) + be32(28) + be32(28) + pixels).write(to: URL(fileURLWithPath: dir + "/\(split)-images-idx3-ubyte"))
            try Data(be32(0x801) + be32(6) + [1, 1, 1, 2, 2, 2]).write(to: URL(fileURLWithPath: dir + "/\(split)-labels-idx1-ubyte"))
        }
        let run = dir + "/run", log = run + "/pairs.jsonl"
        let args = ["connectivity", "--model", "mnist-cnn", "--untrained", "--data", "mnist-idx:" + dir, "--pairs", "3", "--all-images",
                    "--steps", "4", "--points", "4", "--iterations", "2", "--quiet", "--out", run]
        var r = try runIsthmus(args)
        XCTAssertEqual(r.status, 0, r.err)
        let full = try String(contentsOfFile: log, encoding: .utf8)
        let lines = full.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3)
        // Tear the last line in half, as a crash in the middle of its append would.
        let torn = lines[0] + "\n" + lines[1] + "\n" + String(lines[2].prefix(lines[2].count / 2))
        try Data(torn.utf8).write(to: URL(fileURLWithPath: log))
        r = try runIsthmus(args + ["--resume"])
        XCTAssertEqual(r.status, 0, r.err)
        /// The rows without their timing.
        func rows(_ text: String) throws -> [NSDictionary] {
            try text.split(separator: "\n").map { line in
                var entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                var row = entry["row"] as! [String: Any]
                row["seconds"] = nil
                entry["row"] = row
                return entry as NSDictionary
            }
        }
        XCTAssertEqual(try rows(String(contentsOfFile: log, encoding: .utf8)), try rows(full), "the torn pair runs again and gives the same row")
        let result = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "/result.json"))) as! [String: Any]
        XCTAssertEqual((result["summary"] as? [String: Any])?["pairs"] as? Int, 3)
        // A corrupt line that is not the last: refused, nothing rewritten.
        let corrupt = lines[0] + "\n{\"index\":1,garbage\n" + lines[2] + "\n"
        try Data(corrupt.utf8).write(to: URL(fileURLWithPath: log))
        r = try runIsthmus(args + ["--resume"])
        XCTAssertEqual(r.reason, .exit)
        XCTAssertEqual(r.status, 2, r.err)
        XCTAssertEqual(r.err.split(separator: "\n").count, 1, r.err)
        XCTAssertTrue(r.err.contains("pairs.jsonl:2"), r.err)
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8), corrupt)
        // Other settings on the same folder: refused.
        try Data(full.utf8).write(to: URL(fileURLWithPath: log))
        r = try runIsthmus(args.map { $0 == "4" ? "5" : $0 } + ["--resume"])
        XCTAssertEqual(r.status, 2, r.err)
        XCTAssertTrue(r.err.contains("holds results for config"), r.err)
        XCTAssertEqual(try String(contentsOfFile: log, encoding: .utf8), full)
    }
}

/// Optimizers stop with an error naming the step when the loss stops being finite.
final class NonFiniteLossTests: XCTestCase {
    /// A model whose logits become NaN once any input value has x^2 > `limit` (log of a negative number).
    final class Fragile: Module {
        let limit: Float
        let layer: Linear
        init(limit: Float, inputs: Int) {
            var rng = SplitMix64(seed: 1)
            self.limit = limit
            layer = Linear(inputs, 3, using: &rng)
        }
        override var children: [(String, Module)] { [("layer", layer)] }
        override func forward(_ x: Tensor) -> Tensor {
            let flat = x.flattened()
            // log(limit - x^2) is NaN for x^2 > limit; scaled by 0 it leaves the logits unchanged while finite.
            let guardTerm = (limit - flat.squared()).log().sum(axis: 1, keepDims: true) * 0
            return layer(flat) + guardTerm
        }
    }

    func testBypassStopsAtTheFirstNaNStep() throws {
        let model = Fragile(limit: 0.25, inputs: 4)
        let p = Tensor(shape: [1, 1, 2, 2], scalars: [0, 0, 0, 0]), q = Tensor(shape: [1, 1, 2, 2], scalars: [0.1, -0.2, 0.1, 0])
        var c = Bypass.Config()
        c.mode = .free; c.iterations = 500; c.lr = 0.05
        XCTAssertThrowsError(try Bypass.optimize(ClassLoss(model: model, classIndex: 0), from: p, to: q, start: p, c)) { e in
            let s = "\(e)"
            XCTAssertTrue(s.contains("step") && s.contains("nan"), s)
            let step = Int(s.split(separator: " ").last ?? "") ?? 0
            XCTAssertGreaterThan(step, 1, "the first steps are finite: \(s)")
        }
    }

    func testTrainingStopsAtTheFirstNaNStep() throws {
        let model = Fragile(limit: 2, inputs: 4)
        var rng = SplitMix64(seed: 3)
        // Finite images whose values pass the limit: the loss is NaN from the first step.
        let images = Tensor.normal([8, 1, 2, 2], using: &rng) * 10
        let data = Dataset(name: "nan", images: images, labels: (0..<8).map { $0 % 3 }, classes: 3,
                           normalization: Normalization(mean: [0], std: [1]))
        var c = Training.Config()
        c.epochs = 2; c.batch = 4
        XCTAssertThrowsError(try Training.train(model, on: DataSplit(train: data, test: data), c)) { e in
            XCTAssertTrue("\(e)".contains("step 1"), "\(e)")
        }
        // Separable data make the weights grow every step; the loss turns NaN once a weight passes the limit.
        let points = Tensor.normal([30, 1, 2, 2], using: &rng)
        let v = points.scalars
        var labels: [Int] = []
        for n in 0..<30 {
            let row: [Float] = Array(v[(n * 4)..<(n * 4 + 3)])
            labels.append(row.firstIndex(of: row.max()!)!)
        }
        let separable = Dataset(name: "separable", images: points, labels: labels, classes: 3,
                                normalization: Normalization(mean: [0], std: [1]))
        var fast = Training.Config()
        fast.epochs = 100; fast.batch = 10; fast.lr = 0.2
        XCTAssertThrowsError(try Training.train(FragileWeights(limit: 4), on: DataSplit(train: separable, test: separable), fast)) { e in
            let s = "\(e)"
            XCTAssertTrue(s.contains("loss became nan"), s)
            let step = s.components(separatedBy: "step ").last.flatMap { Int($0.prefix { $0.isNumber }) } ?? 0
            XCTAssertGreaterThan(step, 1, "the first steps are finite: \(s)")
        }
    }

    /// A linear model whose logits become NaN once any weight has w^2 > `limit`.
    final class FragileWeights: Module {
        let limit: Float
        let layer: Linear
        init(limit: Float) {
            var rng = SplitMix64(seed: 2)
            self.limit = limit
            layer = Linear(4, 3, using: &rng)
        }
        override var children: [(String, Module)] { [("layer", layer)] }
        override func forward(_ x: Tensor) -> Tensor {
            layer(x.flattened()) + (limit - layer.weight.squared()).log().sum() * 0
        }
    }

}
