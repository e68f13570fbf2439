import Foundation
import IsthmusReport

/// `runUnits` for work that finishes units out of order: `work(todo, done)` runs the units `todo` (those of
/// `indices` not yet in the log, in order) and calls `done(index, row)` as each one finishes; every row is appended
/// durably at once, so an interrupted run resumes with the units it had not finished. Returns the rows of
/// `indices` in order.
func runUnitsBatched<Row: Codable>(_ dir: RunDirectory, name: String = "pairs.jsonl", indices: [Int], label: String = "pairs",
                                   quiet: Bool, _ work: ([Int], (Int, Row) throws -> Void) throws -> Void) throws -> [Row] {
    let log = try UnitLog<Row>(dir, name: name)
    let progress = Progress(total: indices.count, label: label, quiet: quiet, interval: 5)
    var kept = indices.filter { log.completed[$0] != nil }.count
    if kept > 0 { RunState.setFresh(nil) }
    RunState.setUnits(kept: kept, total: indices.count)
    progress.advance(by: kept)
    try work(indices.filter { log.completed[$0] == nil }) { i, row in
        try log.append(index: i, row: row)
        RunState.setFresh(nil)
        kept += 1
        RunState.setUnits(kept: kept, total: indices.count)
        progress.advance()
    }
    progress.finish()
    return indices.compactMap { log.completed[$0] }
}
