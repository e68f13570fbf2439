import Foundation
import IsthmusLandscape
import IsthmusReport

/// Joins the shards (`--shard I/N`) of one connectivity, barriers or compare-paths run into the result of one
/// unsharded run: same command and provenance (compared field by field), every unit present in some shard and
/// identical (up to timings) where several have it; the merged folder gets the unsharded provenance.
public enum ShardMerge {
    /// Merges the shard folders `shards` into `out`; returns the number of units written.
    @discardableResult
    public static func merge(_ shards: [String], into out: OutputFolder) throws -> Int {
        guard !shards.isEmpty else { throw RunError("give the shard folders to merge") }
        try out.check()
        let kinds = ["connectivity", "barriers", "compare-paths"]
        var provenances: [Provenance] = []
        for s in shards {
            guard RunDirectory.isRun(s) else { throw RunError("\(s) is not an Isthmus run folder (no config.json and config.hash)") }
            let kind = RunDirectory.kind(of: s)
            guard let kind, kinds.contains(kind) else {
                throw RunError("\(s) is not a shard of a connectivity, barriers or compare-paths run (found \(kind.map { "a \($0) run" } ?? "a run that records no kind"))")
            }
            guard FileManager.default.fileExists(atPath: s + "/pairs.jsonl"), FileManager.default.fileExists(atPath: s + "/result.json") else {
                throw RunError("\(s) is not a finished shard (no pairs.jsonl or result.json)")
            }
            guard var p = try RunDirectory(path: s, mode: .resume).readJSON(RunConfigHeader.self, "config.json").provenance else {
                throw RunError("\(s) records no provenance (made by an older Isthmus); run that shard again")
            }
            p.shard = nil
            if let first = provenances.first, first != p {
                throw RunError("\(s) was run with \(p.differences(from: first).joined(separator: "; ")) than \(shards[0]); only shards of one run merge")
            }
            provenances.append(p)
        }
        let provenance = provenances[0]
        let dirs = try shards.map { try RunDirectory(path: $0, mode: .resume) }
        let written: Int
        switch provenance.kind {
        case "barriers":
            let files = try dirs.map { try $0.readJSON(BarrierStatistics.File.self, "result.json") }
            let config = files[0].config
            let planned = Set(files.map { $0.plannedPairs ?? (config.pairProtocol == .free ? 3 * config.pairs : -1) })
            guard planned.count == 1, let expected = planned.first, expected >= 0 else {
                throw RunError(planned.count > 1 ? "the shards planned different numbers of pairs (\(planned.sorted().map(String.init).joined(separator: ", ")))"
                                                 : "\(shards[0]) records no number of planned pairs (made by an older Isthmus); run the shards again")
            }
            let rows: [BarrierStatistics.Unit] = try merged(dirs, shards, expected: expected)
            let skipped = try mergedSkipped(files.map { ($0.skippedImages, $0.skippedFiles) })
            try out.write { dir in
                try copyConfig(dir, provenance, config, rows)
                try BarrierStatistics.write(config, units: rows, plannedPairs: expected, skippedFiles: skipped, to: dir)
            }
            written = rows.count
        case "compare-paths":
            let config = try dirs[0].readJSON(ComparePaths.File.self, "result.json").config
            let rows: [ComparePaths.Unit] = try merged(dirs, shards, expected: config.pairs)
            try out.write { dir in
                try copyConfig(dir, provenance, config, rows)
                try ComparePaths.write(config, units: rows, to: dir)
            }
            written = rows.count
        default:
            let files = try dirs.map { try $0.readJSON(Connectivity.File.self, "result.json") }
            let config = files[0].config
            let rows: [Connectivity.Row] = try merged(dirs, shards, expected: config.pairs)
            let skipped = try mergedSkipped(files.map { ($0.skippedImages, $0.skippedFiles) })
            try out.write { dir in
                try copyConfig(dir, provenance, config, rows)
                try Connectivity.write(config, rows: rows, skippedFiles: skipped, to: dir)
            }
            written = rows.count
        }
        return written
    }

    /// The unreadable images of the shards together: the union of their skipped files (nil when no shard read an image
    /// folder). Shards that record only a count (older runs) cannot be joined exactly and are refused.
    public static func mergedSkipped(_ shards: [(count: Int?, files: [String]?)]) throws -> [String]? {
        guard shards.contains(where: { $0.count != nil }) else { return nil }
        if shards.contains(where: { $0.count != nil && $0.files == nil }) {
            throw RunError("a shard counts skipped images without naming them (made by an older Isthmus); run it again")
        }
        return Array(Set(shards.flatMap { $0.files ?? [] })).sorted()
    }

    /// The units 0..<expected from the shards' logs; a unit in several shards must agree in every field but its timing.
    public static func merged<Row: Codable>(_ dirs: [RunDirectory], _ paths: [String], expected: Int) throws -> [Row] {
        var rows: [Int: (row: Row, key: Data, path: String)] = [:]
        for (d, path) in zip(dirs, paths) {
            for (i, r) in try UnitLog<Row>(d, name: "pairs.jsonl").completed {
                let key = try comparable(r)
                if let old = rows[i] {
                    if old.key != key { throw RunError("unit \(i) differs between \(old.path) and \(path)") }
                } else {
                    rows[i] = (r, key, path)
                }
            }
        }
        let missing = (0..<expected).filter { rows[$0] == nil }
        if !missing.isEmpty {
            throw RunError("\(missing.count) of \(expected) units are missing (first: \(missing.first!)); finish those shards first")
        }
        return (0..<expected).map { rows[$0]!.row }
    }

    /// A row as sorted JSON without its timing fields (`seconds`, at any depth), which differ between computations.
    public static func comparable<Row: Encodable>(_ row: Row) throws -> Data {
        func strip(_ v: Any) -> Any {
            if let d = v as? [String: Any] { return d.filter { $0.key != "seconds" }.mapValues(strip) }
            if let a = v as? [Any] { return a.map(strip) }
            return v
        }
        let object = try JSONSerialization.jsonObject(with: try JSONCoding.encoder(pretty: false).encode(row), options: [.fragmentsAllowed])
        return try JSONSerialization.data(withJSONObject: strip(object), options: [.sortedKeys, .fragmentsAllowed])
    }

    /// config.json and config.hash of the merged run (the provenance of an unsharded run), and its unit log.
    public static func copyConfig<C: Encodable, Row: Codable>(_ to: RunDirectory, _ provenance: Provenance, _ config: C, _ rows: [Row]) throws {
        try writeConfig(to, seed: provenance.seed, model: nil, config, kind: provenance.kind, provenance: provenance)
        let log = try UnitLog<Row>(to, name: "pairs.jsonl")
        for (i, r) in rows.enumerated() { try log.append(index: i, row: r) }
    }
}
