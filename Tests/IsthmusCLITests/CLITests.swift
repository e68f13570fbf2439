import Foundation
import XCTest
import IsthmusCLI
import IsthmusCore
import IsthmusNN
import IsthmusLandscape

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

    func testVersionAndHelpCommand() throws {
        let (code, out, err) = try isthmus(["--version"])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(out.hasPrefix("isthmus 0.1.0 (commit "), out)
        XCTAssertFalse(out.contains("commit unknown"), "built inside a git checkout: \(out)")
        let (hc, help, herr) = try isthmus(["help", "merge"])
        XCTAssertEqual(hc, 0, herr)
        XCTAssertEqual(help, try isthmus(["merge", "--help"]).1)
        XCTAssertTrue(help.contains("usage: isthmus merge"), help)
        try assertError(["help", "frobnicate"], contains: "unknown command 'frobnicate'")
    }

    /// `torch.save(torch.nn.Linear(2, 2))`, made by scripts/make_module_checkpoint.py.
    static let wholeModuleCheckpoint = [
        "UEsDBAAACAgAAAAAAAAAAAAAAAAAAAAAAAAQABIAYXJjaGl2ZS9kYXRhLnBrbEZCDgBaWlpaWlpaWlpaWlpaWoACY3RvcmNoLm5uLm1vZHVsZXMu",
        "bGluZWFyCkxpbmVhcgpxACmBcQF9cQIoWAgAAAB0cmFpbmluZ3EDiFgLAAAAX3BhcmFtZXRlcnNxBH1xBShYBgAAAHdlaWdodHEGY3RvcmNoLl91",
        "dGlscwpfcmVidWlsZF9wYXJhbWV0ZXIKcQdjdG9yY2guX3V0aWxzCl9yZWJ1aWxkX3RlbnNvcl92MgpxCCgoWAcAAABzdG9yYWdlcQljdG9yY2gK",
        "RmxvYXRTdG9yYWdlCnEKWAEAAAAwcQtYAwAAAGNwdXEMSwR0cQ1RSwBLAksChnEOSwJLAYZxD4ljY29sbGVjdGlvbnMKT3JkZXJlZERpY3QKcRAp",
        "UnERdHESUnETiGgQKVJxFIdxFVJxFlgEAAAAYmlhc3EXaAdoCCgoaAloClgBAAAAMXEYaAxLAnRxGVFLAEsChXEaSwGFcRuJaBApUnEcdHEdUnEe",
        "iGgQKVJxH4dxIFJxIXVYCAAAAF9idWZmZXJzcSJ9cSNYGwAAAF9ub25fcGVyc2lzdGVudF9idWZmZXJzX3NldHEkY19fYnVpbHRpbl9fCnNldApx",
        "JV1xJoVxJ1JxKFgTAAAAX2JhY2t3YXJkX3ByZV9ob29rc3EpaBApUnEqWA8AAABfYmFja3dhcmRfaG9va3NxK2gQKVJxLFgWAAAAX2lzX2Z1bGxf",
        "YmFja3dhcmRfaG9va3EtTlgOAAAAX2ZvcndhcmRfaG9va3NxLmgQKVJxL1gaAAAAX2ZvcndhcmRfaG9va3Nfd2l0aF9rd2FyZ3NxMGgQKVJxMVgc",
        "AAAAX2ZvcndhcmRfaG9va3NfYWx3YXlzX2NhbGxlZHEyaBApUnEzWBIAAABfZm9yd2FyZF9wcmVfaG9va3NxNGgQKVJxNVgeAAAAX2ZvcndhcmRf",
        "cHJlX2hvb2tzX3dpdGhfa3dhcmdzcTZoEClScTdYEQAAAF9zdGF0ZV9kaWN0X2hvb2tzcThoEClScTlYFQAAAF9zdGF0ZV9kaWN0X3ByZV9ob29r",
        "c3E6aBApUnE7WBoAAABfbG9hZF9zdGF0ZV9kaWN0X3ByZV9ob29rc3E8aBApUnE9WBsAAABfbG9hZF9zdGF0ZV9kaWN0X3Bvc3RfaG9va3NxPmgQ",
        "KVJxP1gIAAAAX21vZHVsZXNxQH1xQVgLAAAAaW5fZmVhdHVyZXNxQksCWAwAAABvdXRfZmVhdHVyZXNxQ0sCdWIuUEsHCBlOMG+eAwAAngMAAFBL",
        "AwQAAAgIAAAAAAAAAAAAAAAAAAAAAAAAFwAdAGFyY2hpdmUvLmZvcm1hdF92ZXJzaW9uRkIZAFpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWloxUEsH",
        "CLfv3IMBAAAAAQAAAFBLAwQAAAgIAAAAAAAAAAAAAAAAAAAAAAAAGgA3AGFyY2hpdmUvLnN0b3JhZ2VfYWxpZ25tZW50RkIzAFpaWlpaWlpaWlpa",
        "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWjY0UEsHCD93cekCAAAAAgAAAFBLAwQAAAgIAAAAAAAAAAAAAAAAAAAAAAAA",
        "EQA/AGFyY2hpdmUvYnl0ZW9yZGVyRkI7AFpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa",
        "bGl0dGxlUEsHCIU94xkGAAAABgAAAFBLAwQAAAgIAAAAAAAAAAAAAAAAAAAAAAAADgA+AGFyY2hpdmUvZGF0YS8wRkI6AFpaWlpaWlpaWlpaWlpa",
        "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWloiea27nDbCPrH8FL8dOAW/UEsHCIL7fpsQAAAAEAAAAFBLAwQAAAgI",
        "AAAAAAAAAAAAAAAAAAAAAAAADgA0AGFyY2hpdmUvZGF0YS8xRkIwAFpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa",
        "WlpaWtZwi76rKkI+UEsHCKlPJj4IAAAACAAAAFBLAwQAAAgIAAAAAAAAAAAAAAAAAAAAAAAADwA7AGFyY2hpdmUvdmVyc2lvbkZCNwBaWlpaWlpa",
        "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaMwpQSwcI0Z5nVQIAAAACAAAAUEsDBAAACAgAAAAAAAAAAAAA",
        "AAAAAAAAAAAeADIAYXJjaGl2ZS8uZGF0YS9zZXJpYWxpemF0aW9uX2lkRkIuAFpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa",
        "WlpaWlpaWlowNTYxMTA4NTIzNjE5NjcwNTI5NDA5MTY0MTQ1NTAxMjc4OTEzNzA4UEsHCGDweCkoAAAAKAAAAFBLAQIAAAAACAgAAAAAAAAZTjBv",
        "ngMAAJ4DAAAQAAAAAAAAAAAAAAAAAAAAAABhcmNoaXZlL2RhdGEucGtsUEsBAgAAAAAICAAAAAAAALfv3IMBAAAAAQAAABcAAAAAAAAAAAAAAAAA",
        "7gMAAGFyY2hpdmUvLmZvcm1hdF92ZXJzaW9uUEsBAgAAAAAICAAAAAAAAD93cekCAAAAAgAAABoAAAAAAAAAAAAAAAAAUQQAAGFyY2hpdmUvLnN0",
        "b3JhZ2VfYWxpZ25tZW50UEsBAgAAAAAICAAAAAAAAIU94xkGAAAABgAAABEAAAAAAAAAAAAAAAAA0gQAAGFyY2hpdmUvYnl0ZW9yZGVyUEsBAgAA",
        "AAAICAAAAAAAAIL7fpsQAAAAEAAAAA4AAAAAAAAAAAAAAAAAVgUAAGFyY2hpdmUvZGF0YS8wUEsBAgAAAAAICAAAAAAAAKlPJj4IAAAACAAAAA4A",
        "AAAAAAAAAAAAAAAA4AUAAGFyY2hpdmUvZGF0YS8xUEsBAgAAAAAICAAAAAAAANGeZ1UCAAAAAgAAAA8AAAAAAAAAAAAAAAAAWAYAAGFyY2hpdmUv",
        "dmVyc2lvblBLAQIAAAAACAgAAAAAAABg8HgpKAAAACgAAAAeAAAAAAAAAAAAAAAAANIGAABhcmNoaXZlLy5kYXRhL3NlcmlhbGl6YXRpb25faWRQ",
        "SwYGLAAAAAAAAAAeAy0AAAAAAAAAAAAIAAAAAAAAAAgAAAAAAAAACwIAAAAAAAB4BwAAAAAAAFBLBgcAAAAAgwkAAAAAAAABAAAAUEsFBgAAAAAI",
        "AAgACwIAAHgHAAAAAA==",
    ].joined()

    func testWholePickledModuleIsRefusedWithAStateDictHint() throws {
        let dir = tempDir("module-pth")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(base64Encoded: Self.wholeModuleCheckpoint)!.write(to: URL(fileURLWithPath: dir + "/module.pth"))
        try Tensor.zeros([1, 28, 28]).writeNpy(dir + "/x.npy")
        try assertError(["predict", "--model", "mnist-cnn", "--weights", dir + "/module.pth", "--input", dir + "/x.npy"],
                        contains: "holds a whole pickled module, not a state_dict: save it with torch.save(model.state_dict(), PATH)")
    }

    /// The paper's Sec 4.3 runs torchvision's ResNet-18 on 32x32 inputs: the side comes from the .npy, or the error names
    /// --input-size.
    func testResNet18TakesItsInputSizeFromA32x32Npy() throws {
        let dir = tempDir("resnet32")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: 1)
        try Tensor(shape: [3, 32, 32], scalars: (0..<(3 * 32 * 32)).map { _ in Float(rng.next() % 1000) / 1000 - 0.5 }).writeNpy(dir + "/x.npy")
        let (code, out, err) = try isthmus(["predict", "--model", "resnet18", "--untrained", "--classes", "10", "--input", dir + "/x.npy"])
        XCTAssertEqual(code, 0, err)
        XCTAssertEqual(out.split(separator: ",").count, 5, "the top 5 of 10 classes: \(out)")
        try assertError(["predict", "--model", "resnet18", "--untrained", "--classes", "10", "--input-size", "64", "--input", dir + "/x.npy"],
                        contains: "takes [3, 64, 64] (pass --input-size 32)")
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
        // Where it ran: all cores by default (or ISTHMUS_THREADS), the CPU and oneDNN's ISA.
        let machine = try XCTUnwrap(config["machine"] as? [String: Any])
        let threads = ProcessInfo.processInfo.environment["ISTHMUS_THREADS"].flatMap(Int.init)
            ?? ProcessInfo.processInfo.activeProcessorCount
        XCTAssertEqual(machine["threads"] as? Int, threads)
        XCTAssertEqual(machine["cores"] as? Int, ProcessInfo.processInfo.activeProcessorCount)
        XCTAssertFalse((machine["oneDNNISA"] as? String ?? "").isEmpty)
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

    /// percolate --threshold reports its progress; --budget trades trials for time.
    func testPercolateThresholdShowsProgressAndKeepsToABudget() throws {
        let dir = tempDir("percolate-progress")
        var (code, _, err) = try isthmus(["percolate", "--threshold", "--size", "16", "--trials", "20", "--out", dir + "/a"])
        XCTAssertEqual(code, 0, err)
        XCTAssertTrue(err.contains("percolate --threshold (work)") && err.contains("done in"), err)
        let start = Date()
        (code, _, err) = try isthmus(["percolate", "--threshold", "--dim", "3", "--size", "24", "--trials", "1000000", "--budget", "3",
                                      "--out", dir + "/b"])
        XCTAssertEqual(code, 0, err)
        XCTAssertLessThan(Date().timeIntervalSince(start), 30, "about the budget, not a million trials")
        XCTAssertTrue(err.contains("of 1000000 trials"), err)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/b/result.json"))) as! [String: Any]
        let trials = (json["config"] as! [String: Any])["trials"] as! Int
        XCTAssertTrue(trials >= 2 && trials < 1_000_000, "\(trials) trials recorded")
        (code, _, err) = try isthmus(["percolate", "--threshold", "--size", "16", "--trials", "20", "--quiet", "--out", dir + "/c"])
        XCTAssertEqual(code, 0, err); XCTAssertTrue(err.isEmpty, err)
    }

    /// SIGINT of a simple command: one line, exit 130, no run folder and no temporary folder.
    func testInterruptedSimpleCommandSaysSoAndLeavesNothing() throws {
        let dir = tempDir("sigint-simple")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = isthmusExecutable
        p.arguments = ["percolate", "--size", "128", "--trials", "100000", "--points", "5", "--quiet", "--out", dir + "/run"]
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice; p.standardError = err
        try p.run()
        usleep(500_000)
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(p.terminationReason, .exit)
        XCTAssertEqual(p.terminationStatus, 130, text)
        XCTAssertEqual(text, "isthmus percolate: interrupted; nothing was written (the run folder appears only when the command finishes)\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }

    /// A long single-pair command prints a status line every few seconds (here every 0.05 s).
    func testBypassReportsThatItIsWorking() throws {
        let dir = tempDir("heartbeat")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Tensor.zeros([1, 28, 28]).writeNpy(dir + "/a.npy")
        try Tensor(shape: [1, 28, 28], scalars: [Float](repeating: 1, count: 784)).writeNpy(dir + "/c.npy")
        let p = Process()
        p.executableURL = isthmusExecutable
        p.arguments = ["bypass", "--model", "mnist-cnn", "--untrained", "--class", "1", "--from", dir + "/a.npy", "--to", dir + "/c.npy",
                       "--mode", "exact", "--bend", "conditional", "--tolerance", "0", "--iterations", "3000", "--steps", "50", "--points", "20", "--out", dir + "/run"]
        p.environment = ProcessInfo.processInfo.environment.merging(["ISTHMUS_STATUS_SECONDS": "0.05"]) { $1 }
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice; p.standardError = err
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, text)
        XCTAssertTrue(text.contains("bypass: 0:0") && text.contains("elapsed (up to 1 round(s) of 3000 Adam steps per bend)"), text)
    }
}

final class ListOptionTests: XCTestCase {
    /// Seeds and class lists may contain 0 (a bug once rejected `--seeds 0,1,2`).
    func testBenchListsItsWorkloadsWithoutTimingThem() throws {
        let (code, out, _) = try isthmus(["bench", "--list"])
        XCTAssertEqual(code, 0)
        XCTAssertEqual(out.split(separator: "\n").map(String.init), Workloads.all.map(\.name))
        let (code2, out2, _) = try isthmus(["bench", "--list", "--workload", "barriers"])
        XCTAssertEqual(code2, 0)
        XCTAssertEqual(out2.split(separator: "\n"), ["barriers-mnist-64pairs", "barriers-mnist-64pairs-sequential"])
        let (code3, _, err3) = try isthmus(["bench", "--list", "--workload", "nothing-like-this"])
        XCTAssertNotEqual(code3, 0)
        XCTAssertTrue(err3.contains("no workload matches"), err3)
    }

    func testKernelsOnlyTimesTheMatchingRowsAndRefusesNoMatch() throws {
        let (code, out, err) = try isthmus(["_kernels", "--threads", "1", "--only", "stem 3x3 1->32"])
        XCTAssertEqual(code, 0, err)
        let rows = out.split(separator: "\n").dropFirst()            // the first line names the CPU and ISA
        XCTAssertEqual(rows.map { String($0.prefix(35)).trimmingCharacters(in: .whitespaces) },
                       ["stem 3x3 1->32 28 bwd-data onednn", "stem 3x3 1->32 28 bwd-data im2col"], out)
        let (code2, _, err2) = try isthmus(["_kernels", "--threads", "1", "--only", "nothing-like-this"])
        XCTAssertNotEqual(code2, 0)
        XCTAssertTrue(err2.contains("no row's name contains 'nothing-like-this'"), err2)
    }

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
