import Foundation
import IsthmusLandscape
import IsthmusReport

struct MergeCommand: Command {
    static let name = "merge", summary = "join the shards of a many-pair experiment into the result of one run"
    static let help = """
    usage: isthmus merge --out DIR SHARD_DIR SHARD_DIR ...
      --out DIR             the merged run folder (refused if it exists; --force replaces it)
      --force               replace an existing folder
    Merges shards of connectivity, barriers and compare-paths runs. Shards must come from the same command and settings
    (their configs are compared); every unit must be present in some shard, identically where several have it.
    """

    static func run(_ args: inout Arguments) throws {
        let out = try OutputArguments.parse(&args)
        var shards: [String] = []
        while let p = args.positional() { shards.append(p) }
        try args.finish()
        guard !shards.isEmpty else { throw CLIError("give the shard folders to merge") }
        try out.check()
        for s in shards where !FileManager.default.fileExists(atPath: s + "/pairs.jsonl") || !FileManager.default.fileExists(atPath: s + "/result.json") {
            throw CLIError("\(s) is not a finished shard of a many-pair run (no pairs.jsonl or result.json)")
        }
        let dirs = try shards.map { try RunDirectory(path: $0, mode: .resume) }
        let written: Int
        if let configs = try? dirs.map({ try $0.readJSON(BarriersFile.self, "result.json").config }) {
            let rows: [BarrierStatistics.Unit] = try merged(dirs, shards, configs, expected: 3 * configs[0].pairs) { $0.plan == $1.plan }
            try out.write { dir in
                try copyConfig(dirs[0], dir, rows)
                try writeBarriers(dir, config: configs[0], units: rows)
            }
            written = rows.count
        } else if let configs = try? dirs.map({ try $0.readJSON(ComparePaths.File.self, "result.json").config }) {
            let rows: [ComparePaths.Unit] = try merged(dirs, shards, configs, expected: configs[0].pairs) {
                $0.classIndex == $1.classIndex && $0.indexA == $1.indexA && $0.indexC == $1.indexC
            }
            try out.write { dir in
                try copyConfig(dirs[0], dir, rows)
                try ComparePaths.write(dir, config: configs[0], units: rows)
            }
            written = rows.count
        } else if let configs = try? dirs.map({ try $0.readJSON(ConnectivityFile.self, "result.json").config }) {
            let rows: [Connectivity.Row] = try merged(dirs, shards, configs, expected: configs[0].pairs) {
                $0.classIndex == $1.classIndex && $0.indexA == $1.indexA && $0.indexC == $1.indexC
            }
            try out.write { dir in
                try copyConfig(dirs[0], dir, rows)
                try writeConnectivity(dir, config: configs[0], rows: rows)
            }
            written = rows.count
        } else {
            throw CLIError("the shards are not all connectivity, barriers or compare-paths runs of one kind")
        }
        print("merged \(shards.count) shards, \(written) units into \(out.path)")
    }

    /// The units 0..<expected from the shards' logs, checking the configs agree and overlapping units match.
    static func merged<Row: Codable, C: Equatable>(_ dirs: [RunDirectory], _ paths: [String], _ configs: [C], expected: Int,
                                                   same: (Row, Row) -> Bool) throws -> [Row] {
        guard configs.allSatisfy({ $0 == configs[0] }) else { throw CLIError("the shards were run with different settings") }
        var rows: [Int: Row] = [:]
        for (d, path) in zip(dirs, paths) {
            for (i, r) in try UnitLog<Row>(d, name: "pairs.jsonl").completed {
                if let old = rows[i], !same(old, r) { throw CLIError("unit \(i) differs between shards (\(path))") }
                rows[i] = rows[i] ?? r
            }
        }
        let missing = (0..<expected).filter { rows[$0] == nil }
        if !missing.isEmpty {
            throw CLIError("\(missing.count) of \(expected) units are missing (first: \(missing.first!)); finish those shards first")
        }
        return (0..<expected).map { rows[$0]! }
    }

    static func copyConfig<Row: Codable>(_ from: RunDirectory, _ to: RunDirectory, _ rows: [Row]) throws {
        try to.writeData(try Data(contentsOf: from.url("config.json")), "config.json")
        let log = try UnitLog<Row>(to, name: "pairs.jsonl")
        for (i, r) in rows.enumerated() { try log.append(index: i, row: r) }
    }
}
