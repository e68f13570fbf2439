import XCTest
import IsthmusTestSupport
import IsthmusReport
@testable import IsthmusRuns

final class ShardMergeTests: XCTestCase {
    struct Row: Codable, Equatable {
        var value: Double
        var seconds: Double
        var nested: [String: Double]
    }

    var root: URL!

    override func setUpWithError() throws { root = try TestData.scratchFolder("isthmus-merge") }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// A shard folder with the given units in its log.
    func shard(_ name: String, _ units: [(Int, Row)], seed: UInt64 = 0, shard: Shard? = nil) throws -> (RunDirectory, String) {
        let path = root.appendingPathComponent(name).path
        let p = try Provenance(kind: "connectivity", model: nil, seed: seed, weightsDigest: nil, config: ["pairs": 4], shard: shard)
        let dir = try ResumableFolder(path: path, mode: .create).open(p)
        try writeConfig(dir, seed: seed, model: nil, ["pairs": 4], kind: "connectivity", provenance: p)
        let log = try UnitLog<Row>(dir, name: "pairs.jsonl")
        for (i, r) in units { try log.append(index: i, row: r) }
        try dir.writeText("{}", "result.json")
        return (dir, path)
    }

    func row(_ v: Double, seconds: Double = 1) -> Row { Row(value: v, seconds: seconds, nested: ["x": v, "seconds": seconds]) }

    func testUnitsJoinAcrossShardsIgnoringTimings() throws {
        let (a, pa) = try shard("a", [(0, row(0)), (2, row(2))], shard: Shard(index: 0, count: 2))
        let (b, pb) = try shard("b", [(1, row(1)), (3, row(3)), (2, row(2, seconds: 9))], shard: Shard(index: 1, count: 2))
        let rows: [Row] = try ShardMerge.merged([a, b], [pa, pb], expected: 4)
        XCTAssertEqual(rows.map(\.value), [0, 1, 2, 3])
        XCTAssertEqual(rows[2].seconds, 1, "the first shard's copy of a unit both have")
    }

    func testMissingAndConflictingUnitsAreRefused() throws {
        let (a, pa) = try shard("a", [(0, row(0)), (1, row(1))])
        let (b, pb) = try shard("b", [(1, row(5))])
        XCTAssertThrowsError(try ShardMerge.merged([a], [pa], expected: 3) as [Row]) {
            XCTAssertTrue("\($0)".contains("1 of 3 units are missing (first: 2)"), "\($0)")
        }
        XCTAssertThrowsError(try ShardMerge.merged([a, b], [pa, pb], expected: 2) as [Row]) {
            XCTAssertTrue("\($0)".contains("unit 1 differs"), "\($0)")
        }
    }

    func testSkippedFilesAreTheUnionAndOldShardsAreRefused() throws {
        XCTAssertNil(try ShardMerge.mergedSkipped([(nil, nil), (nil, nil)]))
        XCTAssertEqual(try ShardMerge.mergedSkipped([(1, ["b.png"]), (2, ["a.png", "b.png"])]), ["a.png", "b.png"])
        XCTAssertThrowsError(try ShardMerge.mergedSkipped([(1, nil)]))
    }

    func testShardsOfDifferentRunsDoNotMerge() throws {
        let (_, pa) = try shard("a", [(0, row(0))], seed: 0, shard: Shard(index: 0, count: 2))
        let (_, pb) = try shard("b", [(1, row(1))], seed: 7, shard: Shard(index: 1, count: 2))
        let out = OutputFolder(path: root.appendingPathComponent("merged").path, force: false)
        XCTAssertThrowsError(try ShardMerge.merge([pa, pb], into: out)) { XCTAssertTrue("\($0)".contains("seed 0, now 7"), "\($0)") }
        XCTAssertThrowsError(try ShardMerge.merge([pa, root.path], into: out)) { XCTAssertTrue("\($0)".contains("not an Isthmus run folder"), "\($0)") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a refused merge writes nothing")
    }
}
