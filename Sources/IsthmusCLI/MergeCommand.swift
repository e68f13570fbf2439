import Foundation
import IsthmusLandscape
import IsthmusReport

struct MergeCommand: Command {
    static let name = "merge", summary = "join the shards of a many-pair experiment into the result of one run"
    static let usage = "usage: isthmus merge --out DIR SHARD_DIR SHARD_DIR ..."
    static let options = OptionTable([
        .text("--out", "DIR", "the merged run folder (refused if it exists; --force replaces it)"),
        .flag("--force", "replace an existing folder"),
    ])
    static let notes = """
    Merges shards of connectivity, barriers and compare-paths runs. Shards must come from the same command and settings
    (their configs are compared); every unit must be present in some shard, identically where several have it.
    """

    static func run(_ args: inout Arguments) throws {
        let out = try OutputArguments.parse(&args)
        var shards: [String] = []
        while let p = args.positional() { shards.append(p) }
        try args.finish()
        let written = try ShardMerge.merge(shards, into: out)
        print("merged \(shards.count) shards, \(written) units into \(out.path)")
    }
}
