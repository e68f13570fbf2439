import Foundation
import IsthmusNN
import IsthmusReport

/// `--shard I/N`: this process owns the units whose index is I mod N.
struct Shard: Codable, Equatable {
    var index: Int
    var count: Int
    func owns(_ unit: Int) -> Bool { unit % count == index }

    static func option(_ help: String = "run pairs with index = I mod N only (merge shards with isthmus merge)") -> Option {
        .text("--shard", "I/N", help)
    }

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
/// locked while the run works in it, each unit is appended durably, and a provenance hash refuses to mix runs
/// with different settings, weights, data or code.
struct ResumableRun {
    var path: String
    var mode: RunDirectory.Mode

    static func options(_ out: String = "run folder; --resume continues an interrupted run, --force starts over") -> [Option] { [
        .text("--out", "DIR", out),
        .flag("--resume", "continue the interrupted run in --out (same settings, weights, data and code)"),
        .flag("--force", "start over: replace the run folder (only one Isthmus made)"),
    ] }

    static func parse(_ args: inout Arguments) throws -> ResumableRun {
        let path = try args.required("--out")
        let resume = args.flag("--resume"), force = args.flag("--force")
        if resume && force { throw CLIError("--resume and --force exclude each other") }
        return ResumableRun(path: path, mode: resume ? .resume : force ? .force : .create)
    }

    /// Refuses an empty, unusable or occupied --out before any work starts.
    func check() throws { try checkOutPath(path, replace: mode == .force, resume: mode == .resume, resumable: true) }

    /// Opens the folder for `provenance` (the caller has validated model, weights and data): locked, with a config.hash
    /// that refuses a different provenance and says what differs. A folder this call creates is removed again if the
    /// command fails before its first unit is kept (`RunState.fresh`).
    func open(_ provenance: Provenance) throws -> RunDirectory {
        try check()
        let fm = FileManager.default
        let items = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { $0 != RunDirectory.lockName }
        let fresh = items.isEmpty || mode == .force
        let dir = try RunDirectory(path: path, mode: mode, lock: true)
        try dir.guardConfig(hash: provenance.hash) {
            guard let old = try? dir.readJSON(RunConfigHeader.self, "config.json").provenance else {
                return "it records no provenance: made by an older Isthmus or not by this command"
            }
            let d = provenance.differences(from: old)
            return d.isEmpty ? nil : "it was made with " + d.joined(separator: "; ")
        }
        if fresh { RunState.setFresh(dir.url.path) }
        return dir
    }

    /// For experiments without a model or data: the provenance of `config` alone.
    func open<C: Encodable>(config: C, seed: UInt64? = nil) throws -> RunDirectory {
        try open(try Provenance(model: nil, seed: seed, weightsDigest: nil, config: config))
    }
}

/// FNV-1a 64-bit, hex: a stable hash of a config's JSON.
func fnv1a(_ bytes: [UInt8]) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return String(h, radix: 16)
}

/// What this process is doing, for the SIGINT message and for cleaning up after a failed start. Thread-safe.
enum RunState {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var units: (kept: Int, total: Int)?
    nonisolated(unsafe) private static var temporary: String?
    nonisolated(unsafe) private static var freshFolder: String?
    nonisolated(unsafe) private static var buildsOutput = false
    /// The command being run (recorded as the `kind` of the run folders it makes).
    nonisolated(unsafe) static var command = "isthmus"

    static func setUnits(kept: Int, total: Int) { lock.lock(); units = (kept, total); lock.unlock() }
    static func setTemporary(_ path: String?) { lock.lock(); temporary = path; lock.unlock() }
    /// A simple command checked its --out: it writes the folder only at the end.
    static func setBuildsOutput() { lock.lock(); buildsOutput = true; lock.unlock() }
    static func setFresh(_ path: String?) { lock.lock(); freshFolder = path; lock.unlock() }

    /// The line printed on SIGINT; removes a simple command's unfinished temporary folder.
    static func interruptMessage() -> String {
        lock.lock(); defer { lock.unlock() }
        if let u = units { return "interrupted; \(u.kept) of \(u.total) units kept; continue with --resume" }
        if let t = temporary { try? FileManager.default.removeItem(atPath: t) }
        if temporary != nil || buildsOutput {
            return "interrupted; nothing was written (the run folder appears only when the command finishes)"
        }
        return "interrupted"
    }

    /// After an error: deletes a run folder this process created if it holds nothing but its config (no unit kept).
    static func cleanUpAfterFailure() {
        lock.lock(); defer { lock.unlock() }
        guard let path = freshFolder else { return }
        freshFolder = nil
        let own: Set<String> = ["config.json", "config.hash", RunDirectory.lockName, "pairs.jsonl"]
        let items = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let log = (try? FileManager.default.attributesOfItem(atPath: path + "/pairs.jsonl"))?[.size] as? NSNumber
        guard items.allSatisfy({ own.contains($0) || ($0.hasPrefix(".") && $0.contains(".tmp-")) }), (log?.intValue ?? 0) == 0 else { return }
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// The unit log of `dir` for a library experiment: the units `shard` owns, progress unless `quiet`, and the
/// kept-unit count tracked for the interrupt message (a folder with a kept unit is no longer removed on failure).
func unitRun(_ dir: RunDirectory, shard: Shard? = nil, quiet: Bool) -> UnitRun {
    UnitRun(dir, owns: { shard?.owns($0) ?? true }, quiet: quiet) { kept, total in
        if kept > 0 { RunState.setFresh(nil) }
        RunState.setUnits(kept: kept, total: total)
    }
}

/// What every many-pair command (connectivity, barriers, compare-paths) shares: the options --shard, --quiet and
/// --out/--resume/--force; the model, weights and test data validated; then the run folder opened (locked) under
/// the provenance hash, and config.json.
struct ManyPairRun {
    let dir: RunDirectory
    let shard: Shard?
    let quiet: Bool
    let model: Module
    let info: ModelInfo
    /// The test data: in memory, or an `ImageFolder` streamed from disk.
    let test: any ImageSource

    /// --shard, the image-folder options, --quiet and --out/--resume/--force.
    static func options(shard: String = "run pairs with index = I mod N only (merge shards with isthmus merge)") -> [Option] {
        [Shard.option(shard)] + ImageDataOptions.options + [.quiet] + ResumableRun.options()
    }

    static func open<C: Encodable>(_ args: inout Arguments, model m: ModelArguments, data spec: String, config: C) throws -> ManyPairRun {
        let shard = try Shard.parse(&args)
        let quiet = args.flag("--quiet")
        let run = try ResumableRun.parse(&args)
        let images = try ImageDataOptions.parse(&args)
        try args.finish()
        try run.check()
        // Everything that can fail on bad input happens before the folder is touched.
        let (model, info) = try m.load()
        let source = try evaluationSource(spec, model: model, info: info, images: images)
        let provenance = try Provenance(model: m, seed: m.seed, weightsDigest: try m.weightsDigest(), data: source.spec,
                                        dataDigest: try source.digest ?? dataDigest(spec), config: config, shard: shard)
        let dir = try run.open(provenance)
        try writeConfig(dir, seed: m.seed, model: m, config, data: source.spec, provenance: provenance)
        return ManyPairRun(dir: dir, shard: shard, quiet: quiet, model: model, info: info, test: source.data)
    }

    /// The run's unit log, for the library experiment.
    var units: UnitRun { unitRun(dir, shard: shard, quiet: quiet) }
}

/// A status line on stderr every `interval` seconds while one long computation runs (bypass, chain, connect), so a
/// long run can be told from a hung one: `bypass: 0:15 elapsed (up to 1 round(s) of 1024 Adam steps per bend)`.
final class Heartbeat: @unchecked Sendable {
    private let timer: DispatchSourceTimer

    /// `ISTHMUS_STATUS_SECONDS` overrides the interval (tests use a short one).
    init(_ label: String, detail: String, interval: Double = 5) {
        let interval = ProcessInfo.processInfo.environment["ISTHMUS_STATUS_SECONDS"].flatMap(Double.init).map { max(0.05, $0) } ?? interval
        let start = Date()
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "isthmus.heartbeat"))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler {
            note("\(label): \(Progress.duration(Date().timeIntervalSince(start))) elapsed (\(detail))")
        }
        timer.resume()
    }

    func stop() { timer.cancel() }
    deinit { timer.cancel() }
}
