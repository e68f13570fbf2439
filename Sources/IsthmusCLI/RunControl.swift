import Foundation
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
