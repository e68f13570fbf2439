import Foundation
import XCTest
import IsthmusReport

/// The unit log experiments run through: resumes skip kept units, shards own their indices, rows come back in order.
final class UnitRunTests: XCTestCase {
    struct Row: Codable, Equatable { var index: Int; var square: Int }

    func folder(_ name: String) throws -> RunDirectory {
        let path = NSTemporaryDirectory() + "isthmus-unitrun-\(name)-\(getpid())"
        try? FileManager.default.removeItem(atPath: path)
        return try RunDirectory(path: path, mode: .create)
    }

    func testAResumedRunComputesOnlyTheMissingUnits() throws {
        let dir = try folder("resume")
        defer { try? FileManager.default.removeItem(at: dir.url) }
        var kept: [(Int, Int)] = []
        let run = UnitRun(dir, quiet: true) { kept.append(($0, $1)) }
        var computed: [Int] = []
        let first = try run.each([0, 1, 2]) { i -> Row in computed.append(i); return Row(index: i, square: i * i) }
        XCTAssertEqual(first.map(\.square), [0, 1, 4])
        XCTAssertEqual(kept.map(\.0), [0, 1, 2, 3]); XCTAssertTrue(kept.allSatisfy { $0.1 == 3 })
        computed = []; kept = []
        let second = try run.each([0, 1, 2, 3, 4]) { i -> Row in computed.append(i); return Row(index: i, square: i * i) }
        XCTAssertEqual(computed, [3, 4], "kept units are not computed again")
        XCTAssertEqual(second.map(\.index), [0, 1, 2, 3, 4])
        XCTAssertEqual(kept.first?.0, 3, "the run starts with the units already kept")
        XCTAssertEqual(try UnitRun.rows(Row.self, in: dir), second)
    }

    func testRowsFinishingOutOfOrderComeBackInOrder() throws {
        let dir = try folder("order")
        defer { try? FileManager.default.removeItem(at: dir.url) }
        let rows: [Row] = try UnitRun(dir, quiet: true).run([0, 1, 2, 3]) { todo, done in
            XCTAssertEqual(todo, [0, 1, 2, 3])
            for i in todo.reversed() { try done(i, Row(index: i, square: i * i)) }
        }
        XCTAssertEqual(rows.map(\.index), [0, 1, 2, 3])
    }

    func testAShardOwnsItsIndices() throws {
        let dir = try folder("shard")
        defer { try? FileManager.default.removeItem(at: dir.url) }
        let run = UnitRun(dir, owns: { $0 % 3 == 1 }, quiet: true)
        XCTAssertEqual(run.owned(8), [1, 4, 7])
    }
}
