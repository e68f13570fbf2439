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

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }
}

/// A folder holding one experiment's results. Files are written in place (so partial results
/// survive for `--resume`), each one atomically.
public final class RunDirectory {
    public enum Mode: Sendable {
        /// Refuse an existing non-empty folder.
        case create
        /// Reuse an existing folder (or create it).
        case resume
        /// Delete an existing folder and start empty.
        case force
    }

    public let url: URL

    public init(path: String, mode: Mode) throws {
        let fm = FileManager.default
        url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        var isDir: ObjCBool = false
        let exists = fm.fileExists(atPath: url.path, isDirectory: &isDir)
        if exists && !isDir.boolValue { throw ReportError("run folder \(path) exists and is not a folder") }
        switch mode {
        case .create:
            if exists, let items = try? fm.contentsOfDirectory(atPath: url.path), !items.isEmpty {
                throw ReportError("run folder \(path) exists; pass --resume to continue it or --force to overwrite")
            }
        case .force:
            if exists {
                do { try fm.removeItem(at: url) } catch { throw ReportError("cannot remove run folder \(path): \(error.localizedDescription)") }
            }
        case .resume:
            break
        }
        do { try fm.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw ReportError("cannot create run folder \(path): \(error.localizedDescription)")
        }
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
            throw ReportError("cannot decode \(url(name).path): \(error)")
        }
    }

    /// Records the configuration hash on first use; afterwards refuses a different hash, so a
    /// resumed run cannot silently mix results from two configurations.
    public func guardConfig(hash: String) throws {
        let name = "config.hash"
        if exists(name) {
            let old = try readText(name).trimmingCharacters(in: .whitespacesAndNewlines)
            if old != hash {
                throw ReportError("run folder \(url.path) holds results for config \(old), not \(hash); use another folder or pass --force to overwrite")
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

    static func gitCommit() -> String {
        if let env = ProcessInfo.processInfo.environment["ISTHMUS_GIT_COMMIT"], !env.isEmpty { return env }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "rev-parse", "HEAD"]
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
