import Foundation
import IsthmusReport

/// Hidden `_write-stress`: rewrites one JSON file atomically in a loop, for the kill-during-write tests.
/// Each version holds its iteration, a payload of `--megabytes` MB and the payload's FNV-1a checksum,
/// so a reader can tell a complete file from a torn one.
struct WriteStressCommand: Command {
    static let name = "_write-stress", summary = "rewrite a file atomically in a loop (robustness tests)"
    static let usage = "usage: isthmus _write-stress --out FILE [--megabytes N] [--repeat R]"
    static let options = OptionTable([
        .text("--out", "FILE", "the file to rewrite (through RunDirectory.writeJSON)"),
        .int("--megabytes", "N", 4, 1...1024, "payload size of each version"),
        .int("--repeat", "R", 100, 1...1_000_000, "number of versions to write"),
    ])
    static let notes = "prints \"wrote K\" after each complete version"

    /// One version of the file.
    struct Version: Codable {
        var iteration: Int
        var checksum: String
        var payload: String
    }

    /// The payload of version `k`: `bytes` hex digits from a per-version generator.
    static func payload(_ k: Int, bytes: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var state = UInt64(truncatingIfNeeded: k) &* 0x9E37_79B9_7F4A_7C15 | 1
        var out = [UInt8](repeating: 0, count: bytes)
        for i in 0..<bytes {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            out[i] = digits[Int(state & 15)]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func run(_ args: inout Arguments) throws {
        let out = try args.required("--out")
        let megabytes = try args.int("--megabytes")
        let count = try args.int("--repeat")
        try args.finish()
        let url = URL(fileURLWithPath: out)
        let dir = try RunDirectory(path: url.deletingLastPathComponent().path, mode: .resume)
        for k in 1...count {
            let p = payload(k, bytes: megabytes << 20)
            try dir.writeJSON(Version(iteration: k, checksum: String(FNV1a.hash(p), radix: 16), payload: p), url.lastPathComponent)
            print("wrote \(k)")
            fflush(stdout)
        }
    }
}
