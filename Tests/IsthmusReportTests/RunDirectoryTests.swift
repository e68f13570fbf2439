import XCTest
@testable import IsthmusReport

final class RunDirectoryTests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws {
        tmp = FileManager.default.temporaryDirectory.appendingPathComponent("isthmus-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: tmp)
    }

    func testAtomicWriteReplacesAndLeavesNoTempFiles() throws {
        let f = tmp.appendingPathComponent("a.txt")
        try atomicWrite(Data("one".utf8), to: f)
        try atomicWrite(Data("two".utf8), to: f)
        XCTAssertEqual(try String(contentsOf: f, encoding: .utf8), "two")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), ["a.txt"])
    }

    func testAtomicWriteFailingMidwayKeepsOldFile() throws {
        let f = tmp.appendingPathComponent("r.json")
        try atomicWrite(Data("old".utf8), to: f)
        // Make the write fail part-way through: cap the file size this process may write.
        var saved = rlimit()
        getrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved)
        var capped = saved
        capped.rlim_cur = 1000
        let oldHandler = signal(SIGXFSZ, SIG_IGN)
        XCTAssertEqual(setrlimit(Int32(RLIMIT_FSIZE.rawValue), &capped), 0)
        XCTAssertThrowsError(try atomicWrite(Data(repeating: 65, count: 100_000), to: f)) { XCTAssertTrue("\($0)".contains("cannot write")) }
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &saved)
        signal(SIGXFSZ, oldHandler)
        XCTAssertEqual(try String(contentsOf: f, encoding: .utf8), "old")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), ["r.json"])
    }

    func testAtomicWriteIntoMissingFolderFailsCleanly() {
        let f = tmp.appendingPathComponent("missing/x.txt")
        XCTAssertThrowsError(try atomicWrite(Data("x".utf8), to: f))
        XCTAssertFalse(FileManager.default.fileExists(atPath: f.path))
    }

    func testCreateResumeForce() throws {
        let path = tmp.appendingPathComponent("run").path
        let run = try RunDirectory(path: path, mode: .create)
        try run.writeText("hello", "sub/notes.txt")
        XCTAssertTrue(run.exists("sub/notes.txt"))
        XCTAssertThrowsError(try RunDirectory(path: path, mode: .create)) { error in
            XCTAssertEqual("\(error)", "run folder \(path) exists; pass --resume to continue it or --force to overwrite")
        }
        let resumed = try RunDirectory(path: path, mode: .resume)
        XCTAssertEqual(try resumed.readText("sub/notes.txt"), "hello")
        // Not a run folder (no config.json and config.hash): --force refuses and deletes nothing.
        XCTAssertThrowsError(try RunDirectory(path: path, mode: .force)) { XCTAssertTrue("\($0)".contains("not an Isthmus run folder"), "\($0)") }
        XCTAssertTrue(resumed.exists("sub/notes.txt"))
        try resumed.writeText("{}", "config.json"); try resumed.writeText("abc\n", "config.hash")
        let forced = try RunDirectory(path: path, mode: .force)
        XCTAssertFalse(forced.exists("sub/notes.txt"))
        XCTAssertNoThrow(try RunDirectory(path: path, mode: .create))  // empty folder is fine
    }

    func testForceRefusesAFolderThatIsNotARun() throws {
        let path = tmp.appendingPathComponent("thesis").path
        let user = try RunDirectory(path: path, mode: .create)
        try user.writeText("\\documentclass{article}", "thesis.tex")
        try user.writeText("data", "sub/data.bin")
        try user.writeText("{}", "config.json")   // config.json alone does not make a run folder
        XCTAssertThrowsError(try RunDirectory(path: path, mode: .force))
        XCTAssertEqual(try user.readText("thesis.tex"), "\\documentclass{article}")
        XCTAssertEqual(try user.readText("sub/data.bin"), "data")
    }

    func testLockRefusesASecondHolderNamingItsPID() throws {
        let path = tmp.appendingPathComponent("locked").path
        var first: RunDirectory? = try RunDirectory(path: path, mode: .create, lock: true)
        XCTAssertThrowsError(try RunDirectory(path: path, mode: .resume, lock: true)) {
            XCTAssertTrue("\($0)".contains("in use by process \(getpid())"), "\($0)")
        }
        try first!.writeText("{}", "config.json"); try first!.writeText("abc\n", "config.hash")
        XCTAssertThrowsError(try RunDirectory(path: path, mode: .force, lock: true)) { XCTAssertTrue("\($0)".contains("in use"), "\($0)") }
        XCTAssertTrue(first!.exists("config.json"), "a locked run is not replaced")
        // A PID left by a killed earlier run (the holder has not written its own yet) is never named.
        let dead = try deadPID()
        try Data("\(dead)\n".utf8).write(to: URL(fileURLWithPath: path + "/.lock"))
        XCTAssertThrowsError(try RunDirectory(path: path, mode: .resume, lock: true)) {
            XCTAssertTrue("\($0)".contains("in use by another process"), "\($0)")
            XCTAssertFalse("\($0)".contains("\(dead)"), "\($0)")
        }
        first = nil   // releases the lock, emptying .lock
        XCTAssertEqual(FileManager.default.contents(atPath: path + "/.lock"), Data())
        XCTAssertNoThrow(try RunDirectory(path: path, mode: .resume, lock: true))
    }

    /// The id of a process that has ended.
    func deadPID() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run(); p.waitUntilExit()
        return p.processIdentifier
    }

    func testStaleTemporaryFilesOfDeadProcessesAreRemovedOnResume() throws {
        let path = tmp.appendingPathComponent("stale").path
        let run = try RunDirectory(path: path, mode: .create)
        let dead = try deadPID()
        try run.writeText("partial", ".result.json.tmp-\(dead)-12345")
        try run.writeText("live", ".result.json.tmp-\(getpid())-777")
        try run.writeText("user", ".notes.tmp-file")
        _ = try RunDirectory(path: path, mode: .resume)
        XCTAssertFalse(run.exists(".result.json.tmp-\(dead)-12345"))
        XCTAssertTrue(run.exists(".result.json.tmp-\(getpid())-777"), "a live process's temporary file stays")
        XCTAssertTrue(run.exists(".notes.tmp-file"))
    }

    func testContentDigestFollowsContentNotName() throws {
        let a = tmp.appendingPathComponent("a.bin"), b = tmp.appendingPathComponent("b.bin")
        try Data([1, 2, 3]).write(to: a); try Data([1, 2, 3]).write(to: b)
        XCTAssertEqual(try RunDirectory.contentDigest(a.path), try RunDirectory.contentDigest(b.path))
        try Data([1, 2, 4]).write(to: b)
        XCTAssertNotEqual(try RunDirectory.contentDigest(a.path), try RunDirectory.contentDigest(b.path))
        let folder = tmp.appendingPathComponent("set").path
        let d = try RunDirectory(path: folder, mode: .create)
        try d.writeText("x", "one.bin")
        let before = try RunDirectory.contentDigest(folder)
        try d.writeText("y", "sub/ignored.bin")
        XCTAssertEqual(try RunDirectory.contentDigest(folder), before, "subfolders (e.g. a run folder inside) are not data")
        try d.writeText("z", "two.bin")
        XCTAssertNotEqual(try RunDirectory.contentDigest(folder), before)
    }

    func testRequireKindNamesTheKindFound() throws {
        let path = tmp.appendingPathComponent("conn").path
        let run = try RunDirectory(path: path, mode: .create)
        try run.writeText("{\"kind\": \"connectivity\"}", "config.json"); try run.writeText("abc\n", "config.hash")
        XCTAssertNoThrow(try RunDirectory.requireKind("connectivity", at: path))
        XCTAssertThrowsError(try RunDirectory.requireKind("barriers", at: path)) {
            XCTAssertEqual("\($0)", "\(path) is not a barriers run (found a connectivity run)")
        }
    }

    func testDecodingErrorsAreOneLine() throws {
        struct Needs: Decodable { var groups: [String: Int] }
        let run = try RunDirectory(path: tmp.appendingPathComponent("decode").path, mode: .create)
        try run.writeText("{\"summary\": 1}", "result.json")
        XCTAssertThrowsError(try run.readJSON(Needs.self, "result.json")) {
            XCTAssertTrue("\($0)".hasSuffix("missing key 'groups' at the top level"), "\($0)")
        }
    }

    func testJSONRoundTripWithNonFiniteValues() throws {
        struct R: Codable, Equatable { var a: Double; var b: [Float]; var name: String }
        let run = try RunDirectory(path: tmp.appendingPathComponent("run").path, mode: .create)
        let r = R(a: .infinity, b: [1.5, -.infinity], name: "x")
        try run.writeJSON(r, "r.json")
        let text = try run.readText("r.json")
        XCTAssertTrue(text.contains("\"inf\"") && text.contains("\"-inf\""), text)
        XCTAssertLessThan(text.range(of: "\"a\"")!.lowerBound, text.range(of: "\"name\"")!.lowerBound)
        XCTAssertEqual(try run.readJSON(R.self, "r.json"), r)
        try run.writeJSON(Summary([Double]()), "s.json")
        XCTAssertTrue(try run.readJSON(Summary.self, "s.json").mean.isNaN)
    }

    func testConfigHashGuard() throws {
        let path = tmp.appendingPathComponent("run").path
        try RunDirectory(path: path, mode: .create).guardConfig(hash: "abc")
        let resumed = try RunDirectory(path: path, mode: .resume)
        XCTAssertNoThrow(try resumed.guardConfig(hash: "abc"))
        XCTAssertThrowsError(try resumed.guardConfig(hash: "def")) { XCTAssertTrue("\($0)".contains("abc")) }
        try resumed.writeText("{}", "config.json")
        XCTAssertNoThrow(try RunDirectory(path: path, mode: .force).guardConfig(hash: "def"))
    }

    func testRunInfoUsesEnvironmentCommitOrFallsBack() {
        let info = RunInfo.current(seed: 7, command: "isthmus test")
        XCTAssertEqual(info.seed, 7)
        XCTAssertFalse(info.gitCommit.isEmpty)
        XCTAssertTrue(info.date.hasSuffix("Z"))
    }

    func testUnitLogResumesAndDropsTornLine() throws {
        struct Row: Codable, Equatable { var loss: Double }
        let run = try RunDirectory(path: tmp.appendingPathComponent("run").path, mode: .create)
        let log = try UnitLog<Row>(run, name: "units")
        try log.append(index: 0, row: Row(loss: 0.5))
        try log.append(index: 2, row: Row(loss: .nan))
        // Simulate a crash in the middle of writing unit 3.
        let h = try FileHandle(forWritingTo: run.url("units.jsonl"))
        h.seekToEndOfFile(); h.write(Data("{\"index\":3,\"row\":{\"lo".utf8)); h.closeFile()

        let again = try UnitLog<Row>(run, name: "units")
        XCTAssertEqual(Set(again.completed.keys), [0, 2])
        XCTAssertEqual(again.completed[0], Row(loss: 0.5))
        XCTAssertTrue(again.completed[2]!.loss.isNaN)
        try again.append(index: 3, row: Row(loss: 1))
        XCTAssertEqual(Set(try UnitLog<Row>(run, name: "units").completed.keys), [0, 2, 3])
        XCTAssertEqual(try run.readText("units.jsonl").split(separator: "\n").count, 3)
    }

    func testUnitLogRejectsCorruptMiddleLine() throws {
        let url = tmp.appendingPathComponent("bad.jsonl")
        try Data("{\"index\":0,\"row\":1}\ngarbage\n{\"index\":1,\"row\":2}\n".utf8).write(to: url)
        XCTAssertThrowsError(try UnitLog<Int>(url: url)) { XCTAssertTrue("\($0)".contains(":2:")) }
    }

    func testJSONValueParsesAndRendersInOrder() throws {
        let v = try JSONValue.parse(#"{"z": 1, "a": [true, null, "x\"\u00e9"], "m": -2.5e-3}"#)
        XCTAssertEqual(v.objectValue?.map(\.key), ["z", "a", "m"])
        XCTAssertEqual(v["a"]?[2]?.stringValue, "x\"é")
        XCTAssertEqual(v["m"]?.doubleValue, -0.0025)
        XCTAssertEqual(try JSONValue.parse(v.render()), v)
        XCTAssertEqual(v.render(pretty: false), #"{"z":1,"a":[true,null,"x\"é"],"m":-0.0025}"#)
        let lit: JSONValue = ["acc": 0.9, "bad": .number(.nan)]
        XCTAssertEqual(lit.render(pretty: false), #"{"acc":0.9,"bad":"nan"}"#)
        XCTAssertTrue(lit["bad"]!.doubleValue!.isNaN)
        XCTAssertThrowsError(try JSONValue.parse("{\"a\": }"))
        struct S: Codable { var x: Int }
        XCTAssertEqual(try JSONValue(encoding: S(x: 3))["x"], .number(3))
        XCTAssertEqual(try JSONValue.object([("x", 4)]).decode(S.self).x, 4)
    }
}
