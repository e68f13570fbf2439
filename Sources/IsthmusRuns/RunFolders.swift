import Foundation
import IsthmusNN
import IsthmusReport

/// This process owns the units whose index is `index` mod `count` (`--shard I/N`).
public struct Shard: Codable, Equatable, Sendable {
    public var index: Int
    public var count: Int
    public init(index: Int, count: Int) { self.index = index; self.count = count }
    public func owns(_ unit: Int) -> Bool { unit % count == index }

    /// `I/N` with 0 <= I < N.
    public init(parsing s: String) throws {
        let parts = s.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[1] >= 1, parts[0] >= 0, parts[0] < parts[1] else {
            throw RunError("--shard expects I/N with 0 <= I < N, got '\(s)'")
        }
        self.init(index: parts[0], count: parts[1])
    }
}

/// Checks a requested run folder before any work starts: not empty, not a file, and creatable (the nearest existing
/// ancestor is a writable folder). An existing non-empty folder is refused unless `replace` (then it must be an
/// Isthmus run folder) or `resume`.
public func checkOutPath(_ path: String, replace: Bool, resume: Bool, resumable: Bool = false) throws {
    let fm = FileManager.default
    guard !path.trimmingCharacters(in: .whitespaces).isEmpty else { throw RunError("--out is empty; give the run folder's path") }
    var isDir: ObjCBool = false
    if fm.fileExists(atPath: path, isDirectory: &isDir) {
        if !isDir.boolValue { throw RunError("\(path) exists and is not a folder") }
        let items = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { $0 != RunDirectory.lockName }
        if !items.isEmpty && !resume {
            if !replace { throw RunError("run folder \(path) exists; pass \(resumable ? "--resume to continue it or " : "")--force to overwrite") }
            if !RunDirectory.isRun(path) {
                throw RunError("refusing to replace \(path): it is not an Isthmus run folder (no config.json and config.hash); "
                               + "remove it yourself or choose another --out")
            }
        }
        if access(path, W_OK) != 0 { throw RunError("run folder \(path) is not writable") }
        return
    }
    var ancestor = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
    while !fm.fileExists(atPath: ancestor.path, isDirectory: &isDir) && ancestor.path != "/" { ancestor.deleteLastPathComponent() }
    if !isDir.boolValue { throw RunError("cannot create run folder \(path): \(ancestor.path) is not a folder") }
    if access(ancestor.path, W_OK) != 0 { throw RunError("cannot create run folder \(path): \(ancestor.path) is not writable") }
}

/// A run folder written whole at the end: built under a hidden temporary name beside it (`.DIR.tmp-PID`) and renamed
/// into place, so DIR is either absent or complete. `force` replaces an existing Isthmus run folder.
public struct OutputFolder {
    public var path: String
    public var force: Bool
    public init(path: String, force: Bool) { self.path = path; self.force = force }

    /// Refuses an empty, unusable or occupied path early, before any work starts.
    public func check() throws {
        try checkOutPath(path, replace: force, resume: false)
        removeStaleTemporaries()
        RunState.setBuildsOutput()
    }

    /// The hidden temporary folder beside DIR for this process.
    public var temporaryPath: String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
    }

    /// Deletes the hidden temporary folders (`.DIR.tmp-PID`, `.DIR.tmp-PID.old`) that killed processes left beside DIR.
    public func removeStaleTemporaries() {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let parent = url.deletingLastPathComponent().path, name = url.lastPathComponent
        for item in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] {
            guard item.hasPrefix("." + name + ".tmp-") else { continue }
            var rest = Substring(item).dropFirst(name.count + 6)
            if rest.hasSuffix(".old") { rest = rest.dropLast(4) }
            guard let pid = Int32(rest), RunDirectory.processIsGone(pid) else { continue }
            try? FileManager.default.removeItem(atPath: parent + "/" + item)
        }
    }

    /// Builds the folder in `.DIR.tmp-PID`, then moves it to DIR (a config.json is written if `body` wrote none).
    public func write(_ body: (RunDirectory) throws -> Void) throws {
        try check()
        let tmp = temporaryPath
        let fm = FileManager.default
        try? fm.removeItem(atPath: tmp)   // only this process uses its PID's name
        RunState.setTemporary(tmp)
        defer { RunState.setTemporary(nil) }
        let dir = try RunDirectory(path: tmp, mode: .create)
        do {
            try body(dir)
            if !dir.exists("config.json") { try writeConfig(dir, seed: nil, model: nil, [String: String]()) }
        } catch {
            try? fm.removeItem(atPath: tmp)
            throw error
        }
        // Replace without a moment where neither the old nor the new run exists: the old folder is renamed aside,
        // the new one renamed in, then the old one deleted. A run still working in the old folder keeps it.
        let aside = tmp + ".old"
        let hadOld = fm.fileExists(atPath: path)
        var old: RunDirectory?
        if hadOld {
            do { old = try RunDirectory(path: path, mode: .resume, lock: true) } catch {
                try? fm.removeItem(atPath: tmp)
                throw error
            }
            try fm.moveItem(atPath: path, toPath: aside)
        }
        do { try fm.moveItem(atPath: tmp, toPath: path) } catch {
            if hadOld { try? fm.moveItem(atPath: aside, toPath: path) }
            try? fm.removeItem(atPath: tmp)
            throw RunError("cannot move the finished run to \(path): \(error.localizedDescription)")
        }
        old = nil
        if hadOld { try? fm.removeItem(atPath: aside) }
    }
}

/// A run folder for experiments that write one unit at a time: used in place, locked while the run works in it,
/// each unit appended durably, and a provenance hash that refuses to mix runs with different settings, weights,
/// data or code.
public struct ResumableFolder {
    public var path: String
    public var mode: RunDirectory.Mode
    public init(path: String, mode: RunDirectory.Mode) { self.path = path; self.mode = mode }

    /// Refuses an empty, unusable or occupied path before any work starts.
    public func check() throws { try checkOutPath(path, replace: mode == .force, resume: mode == .resume, resumable: true) }

    /// Opens the folder for `provenance` (the caller has validated model, weights and data): locked, with a config.hash
    /// that refuses a different provenance and says what differs. A folder this call creates is removed again if the
    /// command fails before its first unit is kept (`RunState.cleanUpAfterFailure`).
    public func open(_ provenance: Provenance) throws -> RunDirectory {
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
    public func open<C: Encodable>(config: C, seed: UInt64? = nil) throws -> RunDirectory {
        try open(try Provenance(model: nil, seed: seed, weightsDigest: nil, config: config))
    }
}

/// What this process is doing, for the SIGINT message and for cleaning up after a failed start. Thread-safe.
public enum RunState {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var units: (kept: Int, total: Int)?
    nonisolated(unsafe) private static var temporary: String?
    nonisolated(unsafe) private static var freshFolder: String?
    nonisolated(unsafe) private static var buildsOutput = false
    /// The command being run (recorded as the `kind` of the run folders it makes).
    nonisolated(unsafe) public static var command = "isthmus"

    public static func setUnits(kept: Int, total: Int) { lock.lock(); units = (kept, total); lock.unlock() }
    public static func setTemporary(_ path: String?) { lock.lock(); temporary = path; lock.unlock() }
    /// A simple command checked its --out: it writes the folder only at the end.
    public static func setBuildsOutput() { lock.lock(); buildsOutput = true; lock.unlock() }
    public static func setFresh(_ path: String?) { lock.lock(); freshFolder = path; lock.unlock() }

    /// The line printed on SIGINT; removes a simple command's unfinished temporary folder.
    public static func interruptMessage() -> String {
        lock.lock(); defer { lock.unlock() }
        if let u = units { return "interrupted; \(u.kept) of \(u.total) units kept; continue with --resume" }
        if let t = temporary { try? FileManager.default.removeItem(atPath: t) }
        if temporary != nil || buildsOutput {
            return "interrupted; nothing was written (the run folder appears only when the command finishes)"
        }
        return "interrupted"
    }

    nonisolated(unsafe) private static var interruptSource: DispatchSourceSignal?

    /// On SIGINT: one line on stderr, `label: ` + `interruptMessage()` ("interrupted; N of M units kept; continue with
    /// --resume" for resumable runs; a simple command's temporary folder is removed), then exit code 130. Units
    /// already kept are durable.
    public static func handleInterrupts(label: String) {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue(label: "isthmus.sigint"))
        source.setEventHandler {
            let line = (isatty(2) == 1 ? "\r\u{1B}[K" : "") + label + ": " + interruptMessage() + "\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
            _exit(130)
        }
        source.resume()
        interruptSource = source
    }

    /// After an error: deletes a run folder this process created if it holds nothing but its config (no unit kept).
    public static func cleanUpAfterFailure() {
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
public func unitRun(_ dir: RunDirectory, shard: Shard? = nil, quiet: Bool) -> UnitRun {
    UnitRun(dir, owns: { shard?.owns($0) ?? true }, quiet: quiet) { kept, total in
        if kept > 0 { RunState.setFresh(nil) }
        RunState.setUnits(kept: kept, total: total)
    }
}

/// A many-pair run (connectivity, barriers, compare-paths): the model, weights and test data validated, then the
/// run folder opened (locked) under the provenance hash, and config.json written.
public struct ManyPairFolder {
    public let dir: RunDirectory
    public let shard: Shard?
    public let quiet: Bool
    public let model: Module
    public let info: ModelInfo
    /// The test data: in memory, or an `ImageFolder` streamed from disk.
    public let test: any ImageSource

    public static func open<C: Encodable>(_ folder: ResumableFolder, model m: ModelSpec, data spec: String, images: DataSpec.ImageSettings,
                                          config: C, shard: Shard?, quiet: Bool) throws -> ManyPairFolder {
        try folder.check()
        // Everything that can fail on bad input happens before the folder is touched.
        let (model, info) = try m.load()
        let source = try DataSpec.evaluationSource(spec, model: model, info: info, images: images)
        let provenance = try Provenance(model: m, seed: m.seed, weightsDigest: try m.weightsDigest(), data: source.spec,
                                        dataDigest: try source.digest ?? DataSpec.digest(spec), config: config, shard: shard)
        let dir = try folder.open(provenance)
        try writeConfig(dir, seed: m.seed, model: m, config, data: source.spec, provenance: provenance)
        return ManyPairFolder(dir: dir, shard: shard, quiet: quiet, model: model, info: info, test: source.data)
    }

    /// The run's unit log, for the library experiment.
    public var units: UnitRun { unitRun(dir, shard: shard, quiet: quiet) }
}

/// A status line on stderr every `interval` seconds while one long computation runs (bypass, chain, connect), so a
/// long run can be told from a hung one: `bypass: 0:15 elapsed (up to 1 round(s) of 1024 Adam steps per bend)`.
public final class Heartbeat: @unchecked Sendable {
    private let timer: DispatchSourceTimer

    /// `ISTHMUS_STATUS_SECONDS` overrides the interval (tests use a short one).
    public init(_ label: String, detail: String, interval: Double = 5) {
        let interval = ProcessInfo.processInfo.environment["ISTHMUS_STATUS_SECONDS"].flatMap(Double.init).map { max(0.05, $0) } ?? interval
        let start = Date()
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "isthmus.heartbeat"))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler {
            note("\(label): \(Progress.duration(Date().timeIntervalSince(start))) elapsed (\(detail))")
        }
        timer.resume()
    }

    public func stop() { timer.cancel() }
    deinit { timer.cancel() }
}
