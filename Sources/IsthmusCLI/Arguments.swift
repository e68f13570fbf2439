import Foundation

/// A user error: one line on stderr, exit code 2, no stack trace.
public struct CLIError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}

/// Hand-written argument parser: `--name value`, `--name=value`, boolean `--flag`. Every accessor consumes what it
/// reads; `finish()` rejects anything left over, so a typo is an error, never ignored.
public struct Arguments {
    private var tokens: [String]
    private var consumed: Set<Int> = []
    public let command: String

    public init(command: String, _ tokens: [String]) {
        self.command = command
        // Split --name=value into two tokens.
        self.tokens = tokens.flatMap { t -> [String] in
            if t.hasPrefix("--"), let eq = t.firstIndex(of: "=") { return [String(t[..<eq]), String(t[t.index(after: eq)...])] }
            return [t]
        }
    }

    private mutating func take(_ name: String) throws -> String? {
        guard let i = tokens.indices.first(where: { tokens[$0] == name && !consumed.contains($0) }) else { return nil }
        guard i + 1 < tokens.count, !consumed.contains(i + 1) else { throw CLIError("\(name) needs a value") }
        let v = tokens[i + 1]
        if v.hasPrefix("--") && Double(v) == nil { throw CLIError("\(name) needs a value, got \(v)") }
        consumed.insert(i); consumed.insert(i + 1)
        return v
    }

    public mutating func has(_ name: String) -> Bool { tokens.contains(name) }

    /// The value of `name` without consuming it.
    public func peek(_ name: String) -> String? {
        guard let i = tokens.firstIndex(of: name), i + 1 < tokens.count, !tokens[i + 1].hasPrefix("--") else { return nil }
        return tokens[i + 1]
    }

    public mutating func flag(_ name: String) -> Bool {
        guard let i = tokens.indices.first(where: { tokens[$0] == name && !consumed.contains($0) }) else { return false }
        consumed.insert(i)
        return true
    }

    public mutating func string(_ name: String) throws -> String? { try take(name) }

    /// Rejects an option given more than once (options that may repeat, like `predict --input`, skip this).
    func checkNoRepeats(except repeatable: Set<String> = []) throws {
        var seen = Set<String>()
        for t in tokens where t.hasPrefix("--") && !repeatable.contains(t) && Double(t) == nil {
            if !seen.insert(t).inserted { throw CLIError("\(t) given twice") }
        }
    }

    public mutating func string(_ name: String, default d: String) throws -> String { try take(name) ?? d }

    public mutating func required(_ name: String) throws -> String {
        guard let v = try take(name) else { throw CLIError("missing required option \(name)") }
        return v
    }

    public mutating func choice(_ name: String, _ options: [String], default d: String) throws -> String {
        let v = try take(name) ?? d
        guard options.contains(v) else { throw CLIError("\(name) must be one of \(options.joined(separator: ", ")), got '\(v)'") }
        return v
    }

    public mutating func int(_ name: String, default d: Int? = nil, min lo: Int? = nil, max hi: Int? = nil) throws -> Int {
        guard let s = try take(name) else {
            guard let d else { throw CLIError("missing required option \(name)") }
            return d
        }
        guard let v = Int(s) else { throw CLIError("\(name) expects an integer, got '\(s)'") }
        if let lo, v < lo { throw CLIError("\(name) must be >= \(lo), got \(v)") }
        if let hi, v > hi { throw CLIError("\(name) must be <= \(hi), got \(v)") }
        return v
    }

    public mutating func optionalInt(_ name: String, min lo: Int? = nil, max hi: Int? = nil) throws -> Int? {
        has(name) ? try int(name, min: lo, max: hi) : nil
    }

    public mutating func double(_ name: String, default d: Double? = nil, min lo: Double? = nil, max hi: Double? = nil) throws -> Double {
        guard let s = try take(name) else {
            guard let d else { throw CLIError("missing required option \(name)") }
            return d
        }
        guard let v = Double(s), v.isFinite else { throw CLIError("\(name) expects a finite number, got '\(s)'") }
        if let lo, v < lo { throw CLIError("\(name) must be >= \(lo), got \(v)") }
        if let hi, v > hi { throw CLIError("\(name) must be <= \(hi), got \(v)") }
        return v
    }

    public mutating func seed(default d: UInt64 = 0) throws -> UInt64 {
        guard let s = try take("--seed") else { return d }
        guard let v = UInt64(s) else { throw CLIError("--seed expects a non-negative integer, got '\(s)'") }
        return v
    }

    /// A comma-separated list of integers >= `min`, e.g. `--hidden 256,256` (min 1) or `--seeds 0,1,2` (min 0).
    public mutating func intList(_ name: String, default d: [Int], min lo: Int = 1) throws -> [Int] {
        guard let s = try take(name) else { return d }
        let parts = s.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0! >= lo }) else {
            throw CLIError("\(name) expects comma-separated integers >= \(lo), got '\(s)'")
        }
        return parts.map { $0! }
    }

    public mutating func doubleList(_ name: String, default d: [Double]) throws -> [Double] {
        guard let s = try take(name) else { return d }
        let parts = s.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0!.isFinite }) else {
            throw CLIError("\(name) expects comma-separated numbers, got '\(s)'")
        }
        return parts.map { $0! }
    }

    /// The first token that is not an option (and not an option's value), consumed.
    public mutating func positional() -> String? {
        var i = 0
        while i < tokens.count {
            if consumed.contains(i) { i += 1; continue }
            if tokens[i].hasPrefix("--") { i += 2; continue }
            consumed.insert(i)
            return tokens[i]
        }
        return nil
    }

    /// Fails on any token no accessor consumed.
    public func finish() throws {
        let left = tokens.indices.filter { !consumed.contains($0) }.map { tokens[$0] }
        if let first = left.first {
            throw CLIError(first.hasPrefix("-") ? "unknown option \(first) for '\(command)' (see isthmus \(command) --help)"
                                                : "unexpected argument '\(first)' for '\(command)'")
        }
    }
}
