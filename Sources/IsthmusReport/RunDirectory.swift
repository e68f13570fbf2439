import CZlib
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A reporting failure, described in one line.
public struct ReportError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

private func posixMessage(_ what: String, _ path: String) -> String {
    "\(what) \(path): \(String(cString: strerror(errno)))"
}

/// Writes `data` to `url` atomically: the bytes go to a temporary file in the same folder
/// (`.<name>.tmp-<pid>-<random>`), are fsynced, then renamed over `url`. A crash or error
/// leaves either the old file or the new one at `url`, never a partial file.
public func atomicWrite(_ data: Data, to url: URL) throws {
    let dir = url.deletingLastPathComponent().path
    let tmp = dir + "/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else { throw ReportError(posixMessage("cannot create temporary file", tmp)) }
    var failure: String?
    data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
        var offset = 0
        while offset < buf.count {
            let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                failure = posixMessage("cannot write", tmp); return
            }
            offset += n
        }
    }
    if failure == nil, fsync(fd) != 0 { failure = posixMessage("cannot fsync", tmp) }
    close(fd)
    if failure == nil, rename(tmp, url.path) != 0 { failure = posixMessage("cannot rename temporary file to", url.path) }
    if let failure {
        unlink(tmp)
        throw ReportError(failure)
    }
    let dfd = open(dir, O_RDONLY)
    if dfd >= 0 { _ = fsync(dfd); close(dfd) }
}

/// JSON encoder used for all result files: sorted keys, and non-finite floats written as the
/// strings `"nan"`, `"inf"` and `"-inf"` (read back by `JSONCoding.decoder`).
public enum JSONCoding {
    public static func encoder(pretty: Bool = true) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                                    : [.sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    /// One line for a decoding failure: "missing key 'x' at groups.within" instead of the `DecodingError` dump.
    public static func describe(_ error: Error) -> String {
        func at(_ path: [CodingKey]) -> String {
            path.isEmpty ? "the top level" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let c)?: return "missing key '\(key.stringValue)' at \(at(c.codingPath))"
        case .typeMismatch(let type, let c)?: return "expected \(type) at \(at(c.codingPath))"
        case .valueNotFound(let type, let c)?: return "missing \(type) value at \(at(c.codingPath))"
        case .dataCorrupted(let c)?: return "invalid JSON at \(at(c.codingPath)): \(c.debugDescription)"
        default: return "\(error)"
        }
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }
}

/// A folder holding one experiment's results. Files are written in place (so partial results
/// survive for `--resume`), each one atomically. A run folder is recognized by its `config.json`
/// and `config.hash`; only such a folder may be replaced (`.force`).
public final class RunDirectory {
    public enum Mode: Sendable {
        /// Refuse an existing non-empty folder.
        case create
        /// Reuse an existing folder (or create it).
        case resume
        /// Delete an existing run folder (one holding config.json and config.hash) and start empty;
        /// any other non-empty folder is refused.
        case force
    }

    /// Name of the lock file inside a run folder (see `lock()`).
    public static let lockName = ".lock"

    public let url: URL
    private var lockFD: Int32 = -1

    /// - Parameter lock: take the folder's exclusive lock (`lock()`) before anything is replaced or written.
    public init(path: String, mode: Mode, lock: Bool = false) throws {
        let fm = FileManager.default
        guard !path.isEmpty else { throw ReportError("the run folder path is empty") }
        url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        var isDir: ObjCBool = false
        let exists = fm.fileExists(atPath: url.path, isDirectory: &isDir)
        if exists && !isDir.boolValue { throw ReportError("run folder \(path) exists and is not a folder") }
        let items = exists ? ((try? fm.contentsOfDirectory(atPath: url.path)) ?? []).filter { $0 != Self.lockName } : []
        switch mode {
        case .create:
            if !items.isEmpty {
                throw ReportError("run folder \(path) exists; pass --resume to continue it or --force to overwrite")
            }
        case .force:
            if !items.isEmpty {
                guard Self.isRun(url.path) else {
                    throw ReportError("refusing to replace \(path): it is not an Isthmus run folder (no config.json and config.hash); "
                                      + "remove it yourself or choose another --out")
                }
                if lock { try self.lock() }
                // Everything but the lock file goes, so a concurrent run still finds the folder locked.
                for item in items {
                    do { try fm.removeItem(at: url.appendingPathComponent(item)) } catch {
                        throw ReportError("cannot remove \(item) from run folder \(path): \(error.localizedDescription)")
                    }
                }
            }
        case .resume:
            break
        }
        do { try fm.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw ReportError("cannot create run folder \(path): \(error.localizedDescription)")
        }
        if lock && lockFD < 0 { try self.lock() }
        if mode == .resume { Self.removeStaleTemporaries(in: url.path) }
    }

    /// Empties `.lock` before releasing it, so that the next run to find the folder locked never reads this PID.
    deinit { if lockFD >= 0 { _ = ftruncate(lockFD, 0); close(lockFD) } }

    /// Whether `path` is a folder Isthmus made: it holds both config.json and config.hash.
    public static func isRun(_ path: String) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: path + "/config.json") && fm.fileExists(atPath: path + "/config.hash")
    }

    /// The `kind` recorded in the config.json of the run at `path` (the command that made it), if any.
    public static func kind(of path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path + "/config.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["kind"] as? String
    }

    /// Refuses `path` unless it is a run of `kind`: "DIR is not a barriers run (found a connectivity run)".
    public static func requireKind(_ kind: String, at path: String) throws {
        guard isRun(path) else { throw ReportError("\(path) is not an Isthmus run folder (no config.json and config.hash)") }
        let found = Self.kind(of: path)
        guard found == kind else {
            throw ReportError("\(path) is not a \(kind) run (found \(found.map { "a \($0) run" } ?? "a run that records no kind"))")
        }
    }

    /// Takes an exclusive `flock` on `.lock` in the folder, held until this object goes away or the process ends,
    /// and writes this process's id into it. A folder locked by another process is refused at once, naming its PID.
    public func lock() throws {
        guard lockFD < 0 else { return }
        let path = url.appendingPathComponent(Self.lockName).path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ReportError(posixMessage("cannot open lock file", path)) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let busy = errno == EWOULDBLOCK
            defer { close(fd) }
            guard busy else { throw ReportError(posixMessage("cannot lock", path)) }
            // The holder writes its PID right after taking the lock: a run that started at the same moment may find
            // the file still empty, or holding the PID of a killed earlier run. Wait up to 0.1 s for a live one.
            var pid = ""
            for _ in 0..<50 {
                var buf = [UInt8](repeating: 0, count: 32)
                let n = pread(fd, &buf, buf.count, 0)
                let text = n > 0 ? String(decoding: buf.prefix(n), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
                if let p = Int32(text), p > 0, !Self.processIsGone(p) { pid = text; break }
                usleep(2_000)
            }
            throw ReportError("run folder \(url.path) is in use by \(pid.isEmpty ? "another process" : "process \(pid)") "
                              + "(it holds \(Self.lockName)); wait for it to finish or stop it")
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, text, text.count, 0)
        lockFD = fd
    }

    /// Whether process `pid` has ended (no such process).
    public static func processIsGone(_ pid: Int32) -> Bool { pid > 0 && kill(pid, 0) != 0 && errno == ESRCH }

    /// Deletes the temporary files `atomicWrite` left in `folder` when a process was killed mid-write
    /// (`.<name>.tmp-<pid>-<random>` whose process is gone).
    public static func removeStaleTemporaries(in folder: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(".") {
            guard let r = name.range(of: ".tmp-", options: .backwards) else { continue }
            let parts = name[r.upperBound...].split(separator: "-")
            guard parts.count == 2, let pid = Int32(parts[0]), UInt32(parts[1]) != nil, processIsGone(pid) else { continue }
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    /// A content digest of a file, or of a folder (the names, sizes and contents of its visible regular files,
    /// sorted by name; subfolders are not read): `crc32-adler32-size` in hex, read once in 4 MiB blocks. Identifies weights and data sets in a run's config.
    public static func contentDigest(_ path: String) throws -> String {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir) else { throw ReportError("\(path): no such file or folder") }
        var crc = crc32(0, nil, 0), adler = adler32(0, nil, 0)
        var total: UInt64 = 0
        func feed(_ bytes: UnsafeRawBufferPointer) {
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else { return }
            crc = crc32(crc, base, UInt32(bytes.count)); adler = adler32(adler, base, UInt32(bytes.count))
            total += UInt64(bytes.count)
        }
        func feedFile(_ file: String) throws {
            guard let h = FileHandle(forReadingAtPath: file) else { throw ReportError("cannot read \(file)") }
            defer { try? h.close() }
            while true {
                let block: Data
                do { block = try h.read(upToCount: 4 << 20) ?? Data() } catch { throw ReportError("cannot read \(file): \(error.localizedDescription)") }
                if block.isEmpty { break }
                block.withUnsafeBytes(feed)
            }
        }
        if isDir.boolValue {
            let files = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted().filter { sub in
                guard !sub.hasPrefix(".") else { return false }
                var d: ObjCBool = false
                return fm.fileExists(atPath: path + "/" + sub, isDirectory: &d) && !d.boolValue
            }
            for sub in files {
                let size = ((try? fm.attributesOfItem(atPath: path + "/" + sub))?[.size] as? NSNumber)?.uint64Value ?? 0
                Array("\(sub)\u{0}\(size)\u{0}".utf8).withUnsafeBytes(feed)
                try feedFile(path + "/" + sub)
            }
        } else {
            try feedFile(path)
        }
        return String(format: "%08x-%08x-%llx", UInt32(crc), UInt32(adler), total)
    }

    /// The URL of `name` (may contain subfolders) inside the run folder.
    public func url(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Whether `name` exists inside the run folder.
    public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: url(name).path) }

    /// Writes `data` atomically to `name`, creating intermediate folders.
    public func writeData(_ data: Data, _ name: String) throws {
        let target = url(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try atomicWrite(data, to: target)
    }

    /// Writes UTF-8 text atomically to `name`.
    public func writeText(_ text: String, _ name: String) throws { try writeData(Data(text.utf8), name) }

    /// Writes `value` as pretty JSON with sorted keys; NaN and ±Inf become `"nan"`, `"inf"`, `"-inf"`.
    public func writeJSON<T: Encodable>(_ value: T, _ name: String) throws {
        var data: Data
        do { data = try JSONCoding.encoder().encode(value) } catch { throw ReportError("cannot encode \(name): \(error)") }
        data.append(0x0A)
        try writeData(data, name)
    }

    /// Reads `name` as UTF-8 text.
    public func readText(_ name: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: url(name).path) else { throw ReportError("cannot read \(url(name).path)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// Decodes `name`, accepting the `"nan"`/`"inf"`/`"-inf"` strings written by `writeJSON`.
    public func readJSON<T: Decodable>(_ type: T.Type = T.self, _ name: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: url(name).path) else { throw ReportError("cannot read \(url(name).path)") }
        do { return try JSONCoding.decoder().decode(T.self, from: data) } catch {
            throw ReportError("cannot decode \(url(name).path): \(JSONCoding.describe(error))")
        }
    }

    /// Records the configuration hash on first use; afterwards refuses a different hash, so a
    /// resumed run cannot silently mix results from two configurations. `explain` says what differs.
    public func guardConfig(hash: String, explain: (() -> String?)? = nil) throws {
        let name = "config.hash"
        if exists(name) {
            let old = try readText(name).trimmingCharacters(in: .whitespacesAndNewlines)
            if old != hash {
                let why = explain?().map { " (\($0))" } ?? ""
                throw ReportError("run folder \(url.path) holds results for config \(old), not \(hash)\(why); "
                                  + "use another folder or pass --force to overwrite")
            }
        } else {
            try writeText(hash + "\n", name)
        }
    }
}

/// Provenance stored next to results.
public struct RunInfo: Codable, Equatable, Sendable {
    public var version: String
    public var gitCommit: String
    public var seed: UInt64
    public var command: String
    /// ISO 8601, UTC.
    public var date: String

    public init(version: String, gitCommit: String, seed: UInt64, command: String, date: String) {
        self.version = version; self.gitCommit = gitCommit; self.seed = seed; self.command = command; self.date = date
    }

    /// Info for this process. The commit comes from `ISTHMUS_GIT_COMMIT`, else `git rev-parse HEAD`
    /// in the current directory, else `"unknown"`.
    public static func current(seed: UInt64, command: String = CommandLine.arguments.joined(separator: " "),
                               version: String = IsthmusReportModule.version) -> RunInfo {
        RunInfo(version: version, gitCommit: gitCommit(), seed: seed, command: command,
                date: ISO8601DateFormatter().string(from: Date()))
    }

    /// The version and commit of this build, `0.1.0+<commit>`: part of every run's config hash.
    public static var codeVersion: String { IsthmusReportModule.version + "+" + gitCommit() }

    private static let commit = lookUpCommit()

    /// `ISTHMUS_GIT_COMMIT`, else the commit of the git checkout holding the executable (`git rev-parse HEAD` in its
    /// folder, then in the current one), else `"unknown"`. Looked up once per process.
    public static func gitCommit() -> String { commit }

    static func lookUpCommit() -> String {
        if let env = ProcessInfo.processInfo.environment["ISTHMUS_GIT_COMMIT"], !env.isEmpty { return env }
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        let exe = n > 0 ? String(decoding: buf.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self) : (CommandLine.arguments.first ?? ".")
        for dir in [URL(fileURLWithPath: exe).deletingLastPathComponent().path, FileManager.default.currentDirectoryPath] {
            let c = gitHead(in: dir)
            if c != "unknown" { return c }
        }
        return "unknown"
    }

    static func gitHead(in dir: String) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", dir, "rev-parse", "HEAD"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return "unknown" }
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let s = String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return p.terminationStatus == 0 && !s.isEmpty ? s : "unknown"
    }
}

/// Results of a resumable experiment, one JSON line per finished unit in a `.jsonl` file:
/// `{"index":3,"row":{...}}`. Each append is fsynced; a torn last line (from a crash mid-write)
/// is dropped on load and truncated away, so that unit simply runs again. Thread-safe.
public final class UnitLog<Row: Codable>: @unchecked Sendable {
    private struct Entry: Codable { var index: Int; var row: Row }

    public let url: URL
    private var rows: [Int: Row] = [:]
    private let lock = NSLock()

    /// Rows of finished units, keyed by unit index (a later line for the same index wins).
    public var completed: [Int: Row] { lock.lock(); defer { lock.unlock() }; return rows }

    /// Opens (or starts) `<name>.jsonl` inside `directory`.
    public convenience init(_ directory: RunDirectory, name: String) throws {
        try self.init(url: directory.url(name.hasSuffix(".jsonl") ? name : name + ".jsonl"))
    }

    public init(url: URL) throws {
        self.url = url
        guard let data = FileManager.default.contents(atPath: url.path) else { return }
        let bytes = [UInt8](data)
        let decoder = JSONCoding.decoder()
        var start = 0, goodEnd = 0, lineNo = 0
        while start < bytes.count {
            lineNo += 1
            guard let nl = bytes[start...].firstIndex(of: 0x0A) else { break }  // unterminated: torn
            let line = bytes[start..<nl]
            let isLast = nl + 1 >= bytes.count
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
                if let e = try? decoder.decode(Entry.self, from: Data(line)) {
                    rows[e.index] = e.row
                } else if isLast {
                    break
                } else {
                    throw ReportError("\(url.path):\(lineNo): unreadable result line")
                }
            }
            start = nl + 1
            goodEnd = start
        }
        if goodEnd < bytes.count, truncate(url.path, off_t(goodEnd)) != 0 {
            throw ReportError(posixMessage("cannot truncate torn line of", url.path))
        }
    }

    /// Records unit `index` as finished: appends one line and fsyncs before returning.
    public func append(index: Int, row: Row) throws {
        var data = try JSONCoding.encoder(pretty: false).encode(Entry(index: index, row: row))
        data.append(0x0A)
        lock.lock(); defer { lock.unlock() }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw ReportError(posixMessage("cannot open", url.path)) }
        defer { close(fd) }
        let ok = data.withUnsafeBytes { buf -> Bool in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 { if errno == EINTR { continue }; return false }
                off += n
            }
            return fsync(fd) == 0
        }
        guard ok else { throw ReportError(posixMessage("cannot append to", url.path)) }
        rows[index] = row
    }
}
