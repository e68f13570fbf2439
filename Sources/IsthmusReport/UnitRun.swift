import Foundation

/// Where a many-unit experiment keeps its units: the durable log in its run folder (units already there are
/// skipped, so an interrupted run resumes), the units this process owns (one shard of many), and progress on
/// stderr. `onKept(kept, total)` is called as the run starts and after every unit is appended (the CLI tracks it
/// for its interrupt message).
public struct UnitRun {
    public let dir: RunDirectory
    public var owns: (Int) -> Bool
    public var quiet: Bool
    public var onKept: (Int, Int) -> Void

    public init(_ dir: RunDirectory, owns: @escaping (Int) -> Bool = { _ in true }, quiet: Bool = false,
                onKept: @escaping (Int, Int) -> Void = { _, _ in }) {
        self.dir = dir; self.owns = owns; self.quiet = quiet; self.onKept = onKept
    }

    /// The unit indices of 0..<count this process owns.
    public func owned(_ count: Int) -> [Int] { (0..<count).filter(owns) }

    /// Runs the units `indices` not yet in the log `name`: `work(todo, done)` runs the units `todo` (in order) and
    /// calls `done(index, row)` as each one finishes, in any order; every row is appended durably at once. Returns the
    /// rows of `indices` in order.
    public func run<Row: Codable>(_ indices: [Int], log name: String = "pairs.jsonl", label: String = "pairs",
                                  _ work: ([Int], (Int, Row) throws -> Void) throws -> Void) throws -> [Row] {
        let log = try UnitLog<Row>(dir, name: name)
        let progress = Progress(total: indices.count, label: label, quiet: quiet, interval: 5)
        var kept = indices.filter { log.completed[$0] != nil }.count
        onKept(kept, indices.count)
        progress.advance(by: kept)
        try work(indices.filter { log.completed[$0] == nil }) { i, row in
            try log.append(index: i, row: row)
            kept += 1
            onKept(kept, indices.count)
            progress.advance()
        }
        progress.finish()
        return indices.compactMap { log.completed[$0] }
    }

    /// `run` for units computed one at a time.
    public func each<Row: Codable>(_ indices: [Int], log name: String = "pairs.jsonl", label: String = "pairs",
                                   _ work: (Int) throws -> Row) throws -> [Row] {
        try run(indices, log: name, label: label) { todo, done in
            for i in todo { try done(i, try work(i)) }
        }
    }

    /// The rows of a finished log, in unit order (for redrawing figures).
    public static func rows<Row: Codable>(_ type: Row.Type, in dir: RunDirectory, log name: String = "pairs.jsonl") throws -> [Row] {
        try UnitLog<Row>(dir, name: name).completed.sorted { $0.key < $1.key }.map(\.value)
    }
}
