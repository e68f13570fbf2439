import Foundation
import IsthmusLandscape
import IsthmusReport

struct MergeCommand: Command {
    static let name = "merge", summary = "join the shards of a many-pair experiment into the result of one run"
    static let help = """
    usage: isthmus merge --out DIR SHARD_DIR SHARD_DIR ...
      --out DIR             the merged run folder (refused if it exists; --force replaces it)
      --force               replace an existing folder
    Shards must come from the same command and settings (their configs are compared); every unit must be present
    exactly once or identically in several shards.
    """

    static func run(_ args: inout Arguments) throws {
        let out = try OutputArguments.parse(&args)
        var shards: [String] = []
        while let p = args.positional() { shards.append(p) }
        try args.finish()
        guard !shards.isEmpty else { throw CLIError("give the shard folders to merge") }
        try out.check()
        for s in shards where !FileManager.default.fileExists(atPath: s + "/pairs.jsonl") {
            throw CLIError("\(s) is not a shard of a many-pair run (no pairs.jsonl)")
        }
        let dirs = try shards.map { try RunDirectory(path: $0, mode: .resume) }
        let configs = try dirs.map { try $0.readJSON(ConnectivityFile.self, "result.json").config }
        guard configs.allSatisfy({ $0 == configs[0] }) else { throw CLIError("the shards were run with different settings") }
        var rows: [Int: Connectivity.Row] = [:]
        for (d, path) in zip(dirs, shards) {
            for (i, r) in try UnitLog<Connectivity.Row>(d, name: "pairs.jsonl").completed {
                if let old = rows[i], old.classIndex != r.classIndex || old.indexA != r.indexA || old.indexC != r.indexC {
                    throw CLIError("pair \(i) differs between shards (\(path))")
                }
                rows[i] = rows[i] ?? r
            }
        }
        let missing = (0..<configs[0].pairs).filter { rows[$0] == nil }
        if !missing.isEmpty {
            throw CLIError("\(missing.count) of \(configs[0].pairs) pairs are missing (first: \(missing.first!)); finish those shards first")
        }
        let ordered = (0..<configs[0].pairs).map { rows[$0]! }
        try out.write { dir in
            try dir.writeData(try Data(contentsOf: dirs[0].url("config.json")), "config.json")
            let log = try UnitLog<Connectivity.Row>(dir, name: "pairs.jsonl")
            for (i, r) in ordered.enumerated() { try log.append(index: i, row: r) }
            try writeConnectivity(dir, config: configs[0], rows: ordered)
        }
        print("merged \(shards.count) shards, \(ordered.count) pairs into \(out.path)")
    }
}
