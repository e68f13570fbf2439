import XCTest
import IsthmusTestSupport
import IsthmusNN
import IsthmusReport
@testable import IsthmusRuns

final class RunFoldersTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws { root = try TestData.scratchFolder("isthmus-runfolders") }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func testShardParsing() throws {
        XCTAssertEqual(try Shard(parsing: "1/3"), Shard(index: 1, count: 3))
        XCTAssertTrue(Shard(index: 1, count: 3).owns(4) && !Shard(index: 1, count: 3).owns(3))
        for bad in ["3/3", "-1/2", "1", "a/b", "1/0"] { XCTAssertThrowsError(try Shard(parsing: bad), bad) }
    }

    func testOutputFolderAppearsWholeOrNotAtAll() throws {
        let path = root.appendingPathComponent("run").path
        struct Boom: Error {}
        XCTAssertThrowsError(try OutputFolder(path: path, force: false).write { dir in
            try dir.writeText("partial", "a.txt")
            throw Boom()
        })
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "a failed write leaves no folder")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), [], "nor a temporary one")
        try OutputFolder(path: path, force: false).write { try $0.writeText("one", "a.txt") }
        XCTAssertTrue(RunDirectory.isRun(path))
        XCTAssertThrowsError(try OutputFolder(path: path, force: false).check()) { XCTAssertTrue("\($0)".contains("--force"), "\($0)") }
        try OutputFolder(path: path, force: true).write { try $0.writeText("two", "a.txt") }
        XCTAssertEqual(try String(contentsOfFile: path + "/a.txt", encoding: .utf8), "two")
    }

    func testForceRefusesAFolderIsthmusDidNotMake() throws {
        let mine = root.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try "data".write(to: mine.appendingPathComponent("thesis.tex"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try OutputFolder(path: mine.path, force: true).write { _ in }) {
            XCTAssertTrue("\($0)".contains("not an Isthmus run folder"), "\($0)")
        }
        XCTAssertThrowsError(try ResumableFolder(path: mine.path, mode: .force).check())
        XCTAssertEqual(try String(contentsOf: mine.appendingPathComponent("thesis.tex"), encoding: .utf8), "data")
    }

    func testResumableFolderRefusesADifferentProvenanceAndSaysWhy() throws {
        let path = root.appendingPathComponent("pairs").path
        let model = ModelSpec(options: ModelOptions(name: "mnist-cnn"), seed: 0, untrained: true)
        let a = try Provenance(kind: "connectivity", model: model, seed: 0, weightsDigest: nil, config: ["pairs": 3])
        let b = try Provenance(kind: "connectivity", model: model, seed: 1, weightsDigest: nil, config: ["pairs": 4])
        XCTAssertEqual(a.hash, try Provenance(kind: "connectivity", model: model, seed: 0, weightsDigest: nil, config: ["pairs": 3]).hash)
        XCTAssertNotEqual(a.hash, b.hash)
        XCTAssertEqual(b.differences(from: a), ["seed 0, now 1", "different settings"])
        do {
            let dir = try ResumableFolder(path: path, mode: .create).open(a)
            try writeConfig(dir, seed: 0, model: model, ["pairs": 3], kind: "connectivity", provenance: a)
        }
        XCTAssertNoThrow(try ResumableFolder(path: path, mode: .resume).open(a))
        XCTAssertThrowsError(try ResumableFolder(path: path, mode: .resume).open(b)) {
            XCTAssertTrue("\($0)".contains("seed 0, now 1"), "\($0)")
        }
    }
}
