import Foundation
import IsthmusNN
import IsthmusReport

/// `--shard I/N`: this process owns the units whose index is I mod N.
struct Shard: Codable, Equatable {
    var index: Int
    var count: Int
    func owns(_ unit: Int) -> Bool { unit % count == index }

    static func parse(_ args: inout Arguments) throws -> Shard? {
        guard let s = try args.string("--shard") else { return nil }
        let parts = s.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[1] >= 1, parts[0] >= 0, parts[0] < parts[1] else {
            throw CLIError("--shard expects I/N with 0 <= I < N, got '\(s)'")
        }
        return Shard(index: parts[0], count: parts[1])
    }
}

/// `--out DIR [--resume | --force]` for experiments that write one unit at a time: the folder is used in place,
/// each unit is appended durably, and a config hash refuses to mix runs with different settings.
struct ResumableRun {
    var path: String
    var mode: RunDirectory.Mode

    static func parse(_ args: inout Arguments) throws -> ResumableRun {
        let path = try args.required("--out")
        let resume = args.flag("--resume"), force = args.flag("--force")
        if resume && force { throw CLIError("--resume and --force exclude each other") }
        return ResumableRun(path: path, mode: resume ? .resume : force ? .force : .create)
    }

    func open<C: Encodable>(config: C, extra: String = "") throws -> RunDirectory {
        let dir = try RunDirectory(path: path, mode: mode)
        let data = try JSONCoding.encoder(pretty: false).encode(config)
        try dir.guardConfig(hash: fnv1a(Array(data) + Array(extra.utf8)))
        return dir
    }
}

/// FNV-1a 64-bit, hex: a stable hash of a config's JSON.
func fnv1a(_ bytes: [UInt8]) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return String(h, radix: 16)
}

/// Runs `work` for every unit index in `indices` not yet in the log `name`, appending each result durably, with a
/// progress line; returns the rows of `indices` in order. An interrupted run continues where it stopped.
func runUnits<Row: Codable>(_ dir: RunDirectory, name: String = "pairs.jsonl", indices: [Int], label: String = "pairs", quiet: Bool,
                            _ work: (Int) throws -> Row) throws -> [Row] {
    let log = try UnitLog<Row>(dir, name: name)
    let progress = Progress(total: indices.count, label: label, quiet: quiet)
    progress.advance(by: indices.filter { log.completed[$0] != nil }.count)
    for i in indices where log.completed[i] == nil {
        try log.append(index: i, row: try work(i))
        progress.advance()
    }
    progress.finish()
    return indices.compactMap { log.completed[$0] }
}

/// What every many-pair command (connectivity, barriers, compare-paths) shares: the options --shard, --quiet and
/// --out/--resume/--force, then the run folder opened under the config's hash, the model, the test data and config.json.
struct ManyPairRun {
    let dir: RunDirectory
    let shard: Shard?
    let quiet: Bool
    let model: Module
    let info: ModelInfo
    let test: Dataset

    static func open<C: Encodable>(_ args: inout Arguments, model m: ModelArguments, data spec: String, config: C) throws -> ManyPairRun {
        let shard = try Shard.parse(&args)
        let quiet = args.flag("--quiet")
        let run = try ResumableRun.parse(&args)
        try args.finish()
        let dir = try run.open(config: config, extra: shard.map { "\($0.index)/\($0.count)" } ?? "")
        let (model, info) = try m.load()
        let test = try evaluationData(spec, model: model, info: info)
        try writeConfig(dir, seed: m.seed, model: m, config)
        return ManyPairRun(dir: dir, shard: shard, quiet: quiet, model: model, info: info, test: test)
    }

    /// The unit indices 0..<count this process owns.
    func owned(_ count: Int) -> [Int] { (0..<count).filter { shard?.owns($0) ?? true } }
}
