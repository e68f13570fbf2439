import Foundation
import XCTest
import IsthmusCore
import IsthmusFormats
import IsthmusNN
import IsthmusReport

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

    // MARK: run-folder safety (issue: runs that never lose or mix data)

    /// A fresh folder with the tiny MNIST file in it.
    func root(_ name: String) throws -> String {
        let r = tempDir(name)
        try FileManager.default.createDirectory(atPath: r, withIntermediateDirectories: true)
        try Self.writeTinyMNIST(r + "/mnist.csv")
        return r
    }

    /// Seeded mlp(16) weights written as safetensors.
    func weights(_ path: String, seed: UInt64) throws -> String {
        let (m, _) = try ModelZoo.make(ModelOptions(name: "mlp", hidden: [16]), seed: seed)
        try m.saveSafetensors(path)
        return path
    }

    func connectivityArgs(data: String, model: [String], pairs: Int = 6, steps: Int = 20) -> [String] {
        ["connectivity", "--model", "mlp", "--hidden", "16"] + model + ["--data", "mnist5k:" + data, "--pairs", "\(pairs)",
         "--all-images", "--steps", "\(steps)", "--points", "10", "--iterations", "5", "--quiet"]
    }

    func files(_ dir: String) -> [String] { ((try? FileManager.default.subpathsOfDirectory(atPath: dir)) ?? []).sorted() }

    /// Defect 1: --force on a folder Isthmus did not make (no config.json + config.hash) is refused; nothing is deleted.
    func testForceDoesNotDeleteAFolderThatIsNotARun() throws {
        let r = try root("force-user")
        let user = r + "/thesis"
        try FileManager.default.createDirectory(atPath: user + "/sub", withIntermediateDirectories: true)
        try Data("\\documentclass{article}".utf8).write(to: URL(fileURLWithPath: user + "/thesis.tex"))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: user + "/sub/data.bin"))
        try Tensor.zeros([1, 28, 28]).writeNpy(r + "/a.npy")
        for args in [["interpolate", "--model", "mnist-cnn", "--untrained", "--class", "1", "--from", r + "/a.npy", "--to", r + "/a.npy",
                      "--out", user, "--force"],
                     connectivityArgs(data: r + "/mnist.csv", model: ["--untrained"]) + ["--out", user, "--force"]] {
            let (code, _, err) = try isthmus(args)
            XCTAssertEqual(code, 2, err)
            XCTAssertTrue(err.contains("not an Isthmus run folder"), err)
            XCTAssertEqual(files(user), ["sub", "sub/data.bin", "thesis.tex"])
        }
        // A real run folder is replaced.
        var (code, _, err) = try isthmus(connectivityArgs(data: r + "/mnist.csv", model: ["--untrained"]) + ["--out", r + "/run"])
        XCTAssertEqual(code, 0, err)
        (code, _, err) = try isthmus(["interpolate", "--model", "mnist-cnn", "--untrained", "--class", "1", "--from", r + "/a.npy",
                                      "--to", r + "/a.npy", "--out", r + "/run", "--force"])
        XCTAssertEqual(code, 0, err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: r + "/run/pairs.jsonl"))
        XCTAssertEqual(RunDirectoryKind.of(r + "/run"), "interpolate")
    }

    /// Defect 2: a resume with other weights, --untrained instead of weights, or other data is refused with a message
    /// that says what differs, and the folder (config.json included) stays as it was.
    func testResumeWithOtherWeightsOrDataIsRefused() throws {
        let r = try root("provenance")
        let w1 = try weights(r + "/w1.safetensors", seed: 1), w2 = try weights(r + "/w2.safetensors", seed: 2)
        let run = r + "/run"
        var (code, _, err) = try isthmus(connectivityArgs(data: r + "/mnist.csv", model: ["--weights", w1]) + ["--out", run])
        XCTAssertEqual(code, 0, err)
        let config = try read(run + "/config.json"), log = try read(run + "/pairs.jsonl")
        XCTAssertTrue(config.contains("weightsDigest") && config.contains("dataDigest"), config)
        // The same weights under another name resume fine.
        try FileManager.default.copyItem(atPath: w1, toPath: r + "/w1-copy.safetensors")
        (code, _, err) = try isthmus(connectivityArgs(data: r + "/mnist.csv", model: ["--weights", r + "/w1-copy.safetensors"]) + ["--out", run, "--resume"])
        XCTAssertEqual(code, 0, err)
        (code, _, err) = try isthmus(connectivityArgs(data: r + "/mnist.csv", model: ["--weights", w2]) + ["--out", run, "--resume"])
        XCTAssertEqual(code, 2); XCTAssertTrue(err.contains("different weights"), err)
        (code, _, err) = try isthmus(connectivityArgs(data: r + "/mnist.csv", model: ["--untrained", "--seed", "1"]) + ["--out", run, "--resume"])
        XCTAssertEqual(code, 2); XCTAssertTrue(err.contains("different weights"), err)
        var other = try read(r + "/mnist.csv")
        other = String(other.dropFirst()) .replacingOccurrences(of: "\n0,", with: "\n1,")
        try ("1" + other).write(toFile: r + "/other.csv", atomically: true, encoding: .utf8)
        (code, _, err) = try isthmus(connectivityArgs(data: r + "/other.csv", model: ["--weights", w1]) + ["--out", run, "--resume"])
        XCTAssertEqual(code, 2); XCTAssertTrue(err.contains("different data"), err)
        XCTAssertEqual(try read(run + "/pairs.jsonl"), log)
        XCTAssertTrue(try read(run + "/config.json").contains(try RunDirectoryKind.digest(w1)))
    }

    /// Defect 3: shards of different weights do not merge, and a unit present in two shards must agree in every field.
    func testMergeRefusesMixedShardsAndComparesWholeRows() throws {
        let r = try root("merge-mixed")
        let w1 = try weights(r + "/w1.safetensors", seed: 1), w2 = try weights(r + "/w2.safetensors", seed: 2)
        var (code, _, err) = try isthmus(connectivityArgs(data: r + "/mnist.csv", model: ["--weights", w1]) + ["--shard", "0/2", "--out", r + "/s0"])
        XCTAssertEqual(code, 0, err)
        (code, _, err) = try isthmus(connectivityArgs(data: r + "/mnist.csv", model: ["--weights", w2]) + ["--shard", "1/2", "--out", r + "/s1"])
        XCTAssertEqual(code, 0, err)
        (code, _, err) = try isthmus(["merge", "--out", r + "/m", r + "/s0", r + "/s1"])
        XCTAssertEqual(code, 2); XCTAssertTrue(err.contains("different weights"), err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: r + "/m"))
        // A full run overlaps shard 0; a copy of it with one loss changed disagrees on that unit.
        (code, _, err) = try isthmus(connectivityArgs(data: r + "/mnist.csv", model: ["--weights", w1]) + ["--out", r + "/full"])
        XCTAssertEqual(code, 0, err)
        (code, _, err) = try isthmus(["merge", "--out", r + "/m", r + "/s0", r + "/full"])
        XCTAssertEqual(code, 0, err)
        try FileManager.default.copyItem(atPath: r + "/full", toPath: r + "/tampered")
        var lines = try read(r + "/tampered/pairs.jsonl").split(separator: "\n").map(String.init)
        let row0 = lines.firstIndex { $0.hasPrefix("{\"index\":0,") }!
        let edited = lines[row0].replacingOccurrences(of: "\"lossA\":", with: "\"lossA\":1")
        XCTAssertNotEqual(edited, lines[row0])
        lines[row0] = edited
        try (lines.joined(separator: "\n") + "\n").write(toFile: r + "/tampered/pairs.jsonl", atomically: true, encoding: .utf8)
        (code, _, err) = try isthmus(["merge", "--out", r + "/m2", r + "/s0", r + "/tampered"])
        XCTAssertEqual(code, 2); XCTAssertTrue(err.contains("unit 0 differs"), err)
    }

    /// Starts `isthmus args` in the background (stderr to a file).
    func launch(_ args: [String], stderr: String) throws -> Process {
        let p = Process()
        p.executableURL = isthmusExecutable
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        FileManager.default.createFile(atPath: stderr, contents: nil)
        p.standardError = FileHandle(forWritingAtPath: stderr)
        try p.run()
        return p
    }

    func lineCount(_ path: String) -> Int {
        (FileManager.default.contents(atPath: path).map { $0.filter { $0 == 0x0A }.count }) ?? 0
    }

    /// Defect 4: a second run into a folder another run is working in is refused at once, naming the holder's PID.
    func testSecondRunIntoALockedFolderIsRefused() throws {
        let r = try root("lock")
        let run = r + "/run"
        let args = connectivityArgs(data: r + "/mnist.csv", model: ["--untrained"], pairs: 400, steps: 2000) + ["--out", run]
        let first = try launch(args, stderr: r + "/first.err")
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) }; first.waitUntilExit() }
        let deadline = Date().addingTimeInterval(60)
        while lineCount(run + "/pairs.jsonl") < 1 && first.isRunning && Date() < deadline { usleep(5_000) }
        XCTAssertTrue(first.isRunning, "the first run is still working")
        let start = Date()
        let (code, _, err) = try isthmus(args.dropLast(2) + ["--out", run, "--resume"])
        XCTAssertEqual(code, 2, err)
        XCTAssertTrue(err.contains("in use by process \(first.processIdentifier)"), err)
        XCTAssertLessThan(Date().timeIntervalSince(start), 20, "refused at once, not after computing")
        let (fc, _, ferr) = try isthmus(args.dropLast(2) + ["--out", run, "--force"])
        XCTAssertEqual(fc, 2); XCTAssertTrue(ferr.contains("in use"), ferr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/pairs.jsonl"))
        // Two runs started together into a new folder: one computes, the other is refused; each unit is logged once.
        let together = r + "/together"
        let pair = try (0..<2).map { try launch(connectivityArgs(data: r + "/mnist.csv", model: ["--untrained"], pairs: 60, steps: 2000)
                                                + ["--out", together, "--resume"], stderr: r + "/together\($0).err") }
        for p in pair { p.waitUntilExit() }
        let messages = try read(r + "/together0.err") + read(r + "/together1.err")
        XCTAssertEqual(pair.map(\.terminationStatus).sorted(), [0, 2], messages)
        XCTAssertTrue(messages.contains("is in use by process"), messages)
        XCTAssertEqual(lineCount(together + "/pairs.jsonl"), 60)
    }

    /// Defect 5: failed starts (bad data, missing or NaN weights, unknown data set) leave no folder, so the corrected
    /// command runs without --resume or --force.
    func testFailedStartsLeaveNoDebris() throws {
        let r = try root("debris")
        let run = r + "/run"
        try Data("1,2,3\n".utf8).write(to: URL(fileURLWithPath: r + "/bad.csv"))
        let (m, _) = try ModelZoo.make(ModelOptions(name: "mlp", hidden: [16]), seed: 0)
        m.parameters[0].tensor.mutableData[3] = .nan
        try m.saveSafetensors(r + "/nan.safetensors")
        let bad: [[String]] = [
            connectivityArgs(data: r + "/missing.csv", model: ["--untrained"]),
            connectivityArgs(data: r + "/bad.csv", model: ["--untrained"]),
            connectivityArgs(data: r + "/mnist.csv", model: ["--weights", r + "/missing.safetensors"]),
            connectivityArgs(data: r + "/mnist.csv", model: ["--weights", r + "/nan.safetensors"]),
            ["barriers", "--model", "mlp", "--hidden", "16", "--untrained", "--data", "bogus", "--pairs", "2", "--quiet"],
            // Valid files, but an untrained model classifies too few images correctly for the barrier groups.
            ["barriers", "--model", "mlp", "--hidden", "16", "--untrained", "--data", "mnist5k:" + r + "/mnist.csv", "--pairs", "2", "--quiet"],
        ]
        for args in bad {
            for mode in [[], ["--resume"], ["--force"]] {
                let (code, _, err) = try isthmus(args + ["--out", run] + mode)
                XCTAssertEqual(code, 2, "\(args): \(err)")
                XCTAssertFalse(FileManager.default.fileExists(atPath: run), "\(args + mode) left \(files(run))")
            }
        }
        let (code, _, err) = try isthmus(connectivityArgs(data: r + "/mnist.csv", model: ["--untrained"]) + ["--out", run])
        XCTAssertEqual(code, 0, err)
    }

    /// Defect 6: an empty --out is refused before any work; a killed writer's hidden temporary folder is removed by the
    /// next start, one of a live process is kept.
    func testEmptyOutIsRefusedAndStaleTemporariesAreRemoved() throws {
        let r = try root("tmp-out")
        try Tensor.zeros([1, 28, 28]).writeNpy(r + "/a.npy")
        let work = ["interpolate", "--model", "mnist-cnn", "--untrained", "--class", "1", "--from", r + "/a.npy", "--to", r + "/a.npy"]
        let p = Process()
        p.executableURL = isthmusExecutable
        p.arguments = work + ["--out", ""]
        p.currentDirectoryURL = URL(fileURLWithPath: r)
        p.standardOutput = FileHandle.nullDevice
        let errPipe = Pipe()
        p.standardError = errPipe
        try p.run(); p.waitUntilExit()
        let err = String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(p.terminationStatus, 2, err)
        XCTAssertTrue(err.contains("--out is empty"), err)
        XCTAssertFalse(files(r).contains { $0.contains(".tmp-") }, "\(files(r))")
        for args in [connectivityArgs(data: r + "/mnist.csv", model: ["--untrained"]) + ["--out", ""],
                     work + ["--out", r + "/mnist.csv/run"]] {
            let (code, out, e) = try isthmus(args)
            XCTAssertEqual(code, 2, e); XCTAssertTrue(out.isEmpty, "no work done: \(out)")
        }
        // Temporary folders of a dead and of a live process beside the run folder.
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run(); dead.waitUntilExit()
        let stale = r + "/.run.tmp-\(dead.processIdentifier)", live = r + "/.run.tmp-\(getpid())"
        let user = r + "/run.tmp-\(dead.processIdentifier)"   // not hidden: not ours
        for d in [stale, live, stale + ".old", user] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
        let (code, _, e) = try isthmus(work + ["--out", r + "/run"])
        XCTAssertEqual(code, 0, e)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale))
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale + ".old"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: live))
        XCTAssertTrue(FileManager.default.fileExists(atPath: user))
    }

    /// Defect 8: commands that read runs name the kind they need and the kind they found.
    func testReadersNameTheKindOfRunTheyFound() throws {
        let r = try root("kind")
        var (code, _, err) = try isthmus(connectivityArgs(data: r + "/mnist.csv", model: ["--untrained"]) + ["--out", r + "/conn"])
        XCTAssertEqual(code, 0, err)
        XCTAssertEqual(RunDirectoryKind.of(r + "/conn"), "connectivity")
        (code, _, err) = try isthmus(["detect", "--barriers", r + "/conn", "--out", r + "/d"])
        XCTAssertEqual(code, 2)
        XCTAssertTrue(err.contains("is not a barriers run (found a connectivity run)"), err)
        XCTAssertFalse(err.contains("DecodingError"), err)
        XCTAssertEqual(err.split(separator: "\n").count, 1, err)
        try Tensor.zeros([1, 28, 28]).writeNpy(r + "/a.npy")
        (code, _, err) = try isthmus(["interpolate", "--model", "mnist-cnn", "--untrained", "--class", "1", "--from", r + "/a.npy",
                                      "--to", r + "/a.npy", "--out", r + "/interp"])
        XCTAssertEqual(code, 0, err)
        (code, _, err) = try isthmus(["merge", "--out", r + "/m", r + "/interp"])
        XCTAssertEqual(code, 2); XCTAssertTrue(err.contains("found a interpolate run") || err.contains("found an interpolate run"), err)
    }

    // MARK: interruption

    /// Rows of a unit log as JSON without timing fields, keyed by unit index.
    func rowsWithoutSeconds(_ path: String) throws -> [Int: String] {
        func strip(_ v: Any) -> Any {
            if let d = v as? [String: Any] { return d.filter { $0.key != "seconds" }.mapValues(strip) }
            if let a = v as? [Any] { return a.map(strip) }
            return v
        }
        var out: [Int: String] = [:]
        for line in try read(path).split(separator: "\n") {
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            out[o["index"] as! Int] = String(decoding: try JSONSerialization.data(withJSONObject: strip(o), options: [.sortedKeys]), as: UTF8.self)
        }
        return out
    }

    /// Runs `args --out run`, interrupting it with SIGINT once `pairs.jsonl` holds a random number of units, and resumes it
    /// until it finishes; checks the message and exit code of every interruption. Returns how many interruptions landed.
    func interruptAndResume(_ args: [String], run: String, units: Int, rng: inout SplitMix64, file: StaticString = #filePath,
                            line: UInt = #line) throws -> Int {
        var landed = 0, attempt = 0
        while true {
            attempt += 1
            XCTAssertLessThan(attempt, 12, "the run finishes", file: file, line: line)
            if attempt >= 12 { return landed }
            let mode = attempt == 1 ? [] : ["--resume"]
            let before = lineCount(run + "/pairs.jsonl")
            let target = before + 1 + Int(rng.next() % UInt64(max(1, units - before)))
            let p = try launch(args + ["--out", run] + mode, stderr: run + ".err")
            if attempt < 5 {
                let deadline = Date().addingTimeInterval(120)
                while lineCount(run + "/pairs.jsonl") < target && p.isRunning && Date() < deadline { usleep(2_000) }
                if p.isRunning { kill(p.processIdentifier, SIGINT) }
            }
            p.waitUntilExit()
            let err = try read(run + ".err")
            XCTAssertEqual(p.terminationReason, .exit, err, file: file, line: line)
            if p.terminationStatus == 0 { return landed }
            XCTAssertEqual(p.terminationStatus, 130, err, file: file, line: line)
            let kept = lineCount(run + "/pairs.jsonl")
            XCTAssertTrue(err.contains("interrupted; \(kept) of \(units) units kept; continue with --resume")
                          || err.contains("interrupted; \(kept - 1) of \(units) units kept"), err, file: file, line: line)
            landed += 1
        }
    }

    /// Property: for every many-pair command, a run interrupted (SIGINT) at random units and resumed, possibly several
    /// times, gives the same units and the same result files as an uninterrupted run.
    func testInterruptedAndResumedRunsEqualUninterruptedOnes() throws {
        let r = try root("interrupt")
        var (code, _, err) = try isthmus(["train", "--model", "mlp", "--hidden", "16", "--data", "mnist5k:" + r + "/mnist.csv",
                                          "--epochs", "30", "--quiet", "--out", r + "/model"])
        XCTAssertEqual(code, 0, err)
        let model = ["--model", "mlp", "--hidden", "16", "--weights", r + "/model/model.safetensors", "--data", "mnist5k:" + r + "/mnist.csv",
                     "--quiet"]
        let commands: [(name: String, args: [String], units: Int, skipColumns: [String])] = [
            ("connectivity", ["connectivity"] + model + ["--pairs", "24", "--all-images", "--steps", "2000", "--points", "50",
                                                          "--iterations", "200"], 24, ["seconds"]),
            ("compare-paths", ["compare-paths"] + model + ["--pairs", "8", "--all-images", "--methods", "bypass,polychain,neb",
                                                            "--steps", "2000", "--points", "20", "--iterations", "100",
                                                            "--curve-iterations", "100", "--neb-cycles", "1", "--neb-steps", "20",
                                                            "--eval-points", "21"], 8, ["seconds"]),
            ("barriers", ["barriers"] + model + ["--pairs", "6", "--steps", "500", "--bypass-iterations", "100", "--attack-steps", "40",
                                                  "--seed", "3"], 18, []),
        ]
        let seed = UInt64(Date().timeIntervalSince1970 * 1000)
        print("interrupt property: seed \(seed)")
        var rng = SplitMix64(seed: seed)
        var landed = 0
        for c in commands {
            (code, _, err) = try isthmus(c.args + ["--out", r + "/\(c.name)-full"])
            XCTAssertEqual(code, 0, err)
            for round in 0..<2 {
                let run = r + "/\(c.name)-cut\(round)"
                landed += try interruptAndResume(c.args, run: run, units: c.units, rng: &rng)
                XCTAssertEqual(try rowsWithoutSeconds(run + "/pairs.jsonl"), try rowsWithoutSeconds(r + "/\(c.name)-full/pairs.jsonl"), c.name)
                XCTAssertEqual(lineCount(run + "/pairs.jsonl"), c.units, "\(c.name): each unit once (a torn line is dropped, not doubled)")
                if c.skipColumns.isEmpty {
                    XCTAssertEqual(try read(run + "/pairs.csv"), try read(r + "/\(c.name)-full/pairs.csv"), c.name)
                }
            }
        }
        print("interrupt property: \(landed) interruptions landed mid-run")
        XCTAssertGreaterThan(landed, 0, "at least one SIGINT landed while units were being computed")
    }
}

/// Small readers of run folders for the tests.
enum RunDirectoryKind {
    static func of(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path + "/config.json"),
              let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return o["kind"] as? String
    }

    static func digest(_ path: String) throws -> String { try RunDirectory.contentDigest(path) }
}
