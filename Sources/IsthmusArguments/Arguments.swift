import Foundation

/// A user error: one line on stderr, exit code 2, no stack trace.
public struct CLIError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}

/// One option of a command, declared once in the command's `options` table. Everything about it derives from this
/// declaration: the `--help` line, the known-option check, parsing (the value kind), validation (the range) and the
/// default (taken from the library's `Config()` where the experiment has one).
///
/// Adding an option is one line in the command's table, for example
///
///     .int("--batch", "K", 1, 1...4096, "pairs per batch (default {})"),
///
/// and reading it in `run` with `try args.int("--batch")`. `{}` in the help text is replaced by the default; without
/// it, " (default X)" is appended when there is a default. A help text may span lines (`\n`); `heading` prints a
/// line before the option (a group's title).
public struct Option {
    public enum Kind: Equatable {
        case flag
        case text
        case int(min: Int?, max: Int?)
        case number(min: Double?, max: Double?)
        case choice([String])
        /// Comma-separated integers >= min.
        case ints(min: Int)
        /// Comma-separated finite numbers.
        case numbers
        /// A non-negative 64-bit integer (`--seed`).
        case seed
    }

    public enum Default: Equatable {
        case none
        case int(Int)
        case number(Double)
        case text(String)
        case ints([Int])
        case numbers([Double])

        public var shown: String? {
            switch self {
            case .none: return nil
            case .int(let v): return String(v)
            case .number(let v): return String(format: "%g", v)
            case .text(let v): return v
            case .ints(let v): return v.map(String.init).joined(separator: ",")
            case .numbers(let v): return v.map { String(format: "%g", $0) }.joined(separator: ",")
            }
        }
    }

    public var name: String
    /// The value's placeholder in help (`N`, `FILE`); empty for a flag.
    public var metavar: String
    public var kind: Kind
    public var defaultValue: Default
    public var help: String
    public var heading: String? = nil
    /// May be given more than once (`predict --input`).
    public var repeatable = false

    public static func flag(_ name: String, _ help: String) -> Option {
        Option(name: name, metavar: "", kind: .flag, defaultValue: .none, help: help)
    }
    public static func text(_ name: String, _ metavar: String, _ help: String) -> Option {
        Option(name: name, metavar: metavar, kind: .text, defaultValue: .none, help: help)
    }
    public static func text(_ name: String, _ metavar: String, _ d: String, _ help: String) -> Option {
        Option(name: name, metavar: metavar, kind: .text, defaultValue: .text(d), help: help)
    }
    public static func int(_ name: String, _ metavar: String, _ d: Int? = nil, _ range: PartialRangeFrom<Int>, _ help: String) -> Option {
        Option(name: name, metavar: metavar, kind: .int(min: range.lowerBound, max: nil), defaultValue: d.map { .int($0) } ?? .none, help: help)
    }
    public static func int(_ name: String, _ metavar: String, _ d: Int? = nil, _ range: ClosedRange<Int>, _ help: String) -> Option {
        Option(name: name, metavar: metavar, kind: .int(min: range.lowerBound, max: range.upperBound), defaultValue: d.map { .int($0) } ?? .none,
               help: help)
    }
    public static func number(_ name: String, _ metavar: String, _ d: Double? = nil, min: Double? = nil, max: Double? = nil,
                              _ help: String) -> Option {
        Option(name: name, metavar: metavar, kind: .number(min: min, max: max), defaultValue: d.map { .number($0) } ?? .none, help: help)
    }
    public static func number(_ name: String, _ metavar: String, _ d: Float, min: Double? = nil, max: Double? = nil,
                              _ help: String) -> Option {
        number(name, metavar, Double(d), min: min, max: max, help)
    }
    public static func choice(_ name: String, _ metavar: String, _ values: [String], _ d: String? = nil, _ help: String) -> Option {
        Option(name: name, metavar: metavar, kind: .choice(values), defaultValue: d.map { .text($0) } ?? .none, help: help)
    }
    public static func ints(_ name: String, _ metavar: String, _ d: [Int]? = nil, min: Int = 1, _ help: String) -> Option {
        Option(name: name, metavar: metavar, kind: .ints(min: min), defaultValue: d.map { .ints($0) } ?? .none, help: help)
    }
    public static func numbers(_ name: String, _ metavar: String, _ d: [Double]? = nil, _ help: String) -> Option {
        Option(name: name, metavar: metavar, kind: .numbers, defaultValue: d.map { .numbers($0) } ?? .none, help: help)
    }
    public static func seed(_ help: String = "seed of every random choice (default {})", default d: Int = 0) -> Option {
        Option(name: "--seed", metavar: "S", kind: .seed, defaultValue: .int(d), help: help)
    }

    /// A copy shown after the line `heading`.
    public func under(_ heading: String) -> Option { var o = self; o.heading = heading; return o }
    /// A copy with another default (and the same help text).
    public func defaulting(_ d: Default) -> Option { var o = self; o.defaultValue = d; return o }
    public func allowingRepeats() -> Option { var o = self; o.repeatable = true; return o }

    /// The help text with its default filled in.
    public var helpText: String {
        guard let d = defaultValue.shown else { return help }
        if help.contains("{}") { return help.replacingOccurrences(of: "{}", with: d) }
        return help.isEmpty ? "(default \(d))" : help + " (default \(d))"
    }

    /// The option's lines in `--help`: name and placeholder in a 22-column field, continuation lines at column 28.
    public var helpLines: String {
        let head = metavar.isEmpty ? name : name + " " + metavar
        var lines = helpText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out = heading.map { $0 + "\n" } ?? ""
        if head.count <= 21 {
            out += "  " + head.padding(toLength: 22, withPad: " ", startingAt: 0) + lines.removeFirst()
        } else {
            out += "  " + head
        }
        for l in lines { out += "\n" + String(repeating: " ", count: 28) + l }
        return out
    }
}

/// A command's option table: its `--help` section and the set of names the command accepts. A name declared twice
/// (a shared group and a command both declaring `--seed`) keeps its first declaration.
public struct OptionTable {
    public private(set) var options: [Option] = []

    public init(_ groups: [Option]...) {
        for o in groups.joined() where !options.contains(where: { $0.name == o.name }) { options.append(o) }
    }

    public subscript(name: String) -> Option? { options.first { $0.name == name } }
    public var names: [String] { options.map(\.name) }
    public var help: String { options.map(\.helpLines).joined(separator: "\n") }
}

/// Argument parser over a command's option table: `--name value`, `--name=value`, boolean `--flag`. The kind, range
/// and default of each option come from its declaration. Every accessor consumes what it reads; `finish()` rejects
/// anything left over, so a typo is an error, never ignored.
public struct Arguments {
    private var tokens: [String]
    private var consumed: Set<Int> = []
    public let command: String
    public let table: OptionTable

    public init(command: String, _ tokens: [String], table: OptionTable = OptionTable()) {
        self.command = command
        self.table = table
        // Split --name=value into two tokens.
        self.tokens = tokens.flatMap { t -> [String] in
            if t.hasPrefix("--"), let eq = t.firstIndex(of: "=") { return [String(t[..<eq]), String(t[t.index(after: eq)...])] }
            return [t]
        }
    }

    /// The declaration of `name`; reading an undeclared option is a programming error.
    private func declared(_ name: String) -> Option {
        guard let o = table[name] else { preconditionFailure("isthmus \(command): option \(name) is read but not declared in its table") }
        return o
    }

    private mutating func take(_ name: String) throws -> String? {
        guard let i = tokens.indices.first(where: { tokens[$0] == name && !consumed.contains($0) }) else { return nil }
        guard i + 1 < tokens.count, !consumed.contains(i + 1) else { throw CLIError("\(name) needs a value") }
        let v = tokens[i + 1]
        if v.hasPrefix("--") && Double(v) == nil { throw CLIError("\(name) needs a value, got \(v)") }
        consumed.insert(i); consumed.insert(i + 1)
        return v
    }

    /// Rejects options the command does not declare, and options given more than once (unless declared repeatable).
    public func checkKnown() throws {
        var seen = Set<String>()
        for t in tokens where t.hasPrefix("--") && Double(t) == nil {
            guard t == "--help" || table[t] != nil else {
                throw CLIError("unknown option \(t) for '\(command)' (see isthmus \(command) --help)")
            }
            if table[t]?.repeatable != true && !seen.insert(t).inserted { throw CLIError("\(t) given twice") }
        }
    }

    /// Whether `name` was given.
    public func has(_ name: String) -> Bool { tokens.contains(name) }

    /// The value of `name` without consuming it.
    public func peek(_ name: String) -> String? {
        guard let i = tokens.firstIndex(of: name), i + 1 < tokens.count, !tokens[i + 1].hasPrefix("--") else { return nil }
        return tokens[i + 1]
    }

    public mutating func flag(_ name: String) -> Bool {
        precondition(declared(name).kind == .flag, "\(name) is not a flag")
        guard let i = tokens.indices.first(where: { tokens[$0] == name && !consumed.contains($0) }) else { return false }
        consumed.insert(i)
        return true
    }

    /// The value given (one of the declared choices for a choice), else `default` or the declared default (nil if none).
    public mutating func string(_ name: String, default override: String? = nil) throws -> String? {
        let o = declared(name)
        if let v = try take(name) {
            if case .choice(let values) = o.kind, !values.contains(v) {
                throw CLIError("\(name) must be one of \(values.joined(separator: ", ")), got '\(v)'")
            }
            return v
        }
        if let override { return override }
        if case .text(let d) = o.defaultValue { return d }
        return nil
    }

    /// Every value of a repeatable option, in order.
    public mutating func strings(_ name: String) throws -> [String] {
        var all: [String] = []
        while let v = try take(name) { all.append(v) }
        return all
    }

    public mutating func required(_ name: String) throws -> String {
        guard let v = try string(name) else { throw CLIError("missing required option \(name)") }
        return v
    }

    /// An integer option within its declared range (and `max`, a bound known only at run time such as the model's
    /// classes): the value given, else `default` or the declared default; missing without any is an error.
    public mutating func int(_ name: String, default override: Int? = nil, max runtimeMax: Int? = nil) throws -> Int {
        guard let v = try optionalInt(name, max: runtimeMax) else {
            if let override { return override }
            if case .int(let d) = declared(name).defaultValue { return d }
            throw CLIError("missing required option \(name)")
        }
        return v
    }

    /// An integer option, nil when it is not given (its default, if declared, is not applied).
    public mutating func optionalInt(_ name: String, max runtimeMax: Int? = nil) throws -> Int? {
        guard case .int(let lo, let declaredMax) = declared(name).kind else { preconditionFailure("\(name) is not an integer option") }
        guard let s = try take(name) else { return nil }
        guard let v = Int(s) else { throw CLIError("\(name) expects an integer, got '\(s)'") }
        let hi = [declaredMax, runtimeMax].compactMap { $0 }.min()
        if let lo, v < lo { throw CLIError("\(name) must be >= \(lo), got \(v)") }
        if let hi, v > hi { throw CLIError("\(name) must be <= \(hi), got \(v)") }
        return v
    }

    public mutating func double(_ name: String, default override: Double? = nil) throws -> Double {
        guard let v = try optionalDouble(name) else {
            if let override { return override }
            if case .number(let d) = declared(name).defaultValue { return d }
            throw CLIError("missing required option \(name)")
        }
        return v
    }

    public mutating func optionalDouble(_ name: String) throws -> Double? {
        guard case .number(let lo, let hi) = declared(name).kind else { preconditionFailure("\(name) is not a number option") }
        guard let s = try take(name) else { return nil }
        guard let v = Double(s), v.isFinite else { throw CLIError("\(name) expects a finite number, got '\(s)'") }
        if let lo, v < lo { throw CLIError("\(name) must be >= \(lo), got \(v)") }
        if let hi, v > hi { throw CLIError("\(name) must be <= \(hi), got \(v)") }
        return v
    }

    public mutating func seed() throws -> UInt64 {
        let o = declared("--seed")
        guard let s = try take("--seed") else {
            if case .int(let d) = o.defaultValue { return UInt64(d) }
            return 0
        }
        guard let v = UInt64(s) else { throw CLIError("--seed expects a non-negative integer, got '\(s)'") }
        return v
    }

    /// A comma-separated list of integers >= the declared minimum, e.g. `--hidden 256,256` or `--seeds 0,1,2`.
    public mutating func intList(_ name: String) throws -> [Int] {
        let o = declared(name)
        guard case .ints(let lo) = o.kind else { preconditionFailure("\(name) is not an integer list") }
        guard let s = try take(name) else {
            if case .ints(let d) = o.defaultValue { return d }
            return []
        }
        let parts = s.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0! >= lo }) else {
            throw CLIError("\(name) expects comma-separated integers >= \(lo), got '\(s)'")
        }
        return parts.map { $0! }
    }

    public mutating func doubleList(_ name: String) throws -> [Double] {
        let o = declared(name)
        guard case .numbers = o.kind else { preconditionFailure("\(name) is not a number list") }
        guard let s = try take(name) else {
            if case .numbers(let d) = o.defaultValue { return d }
            return []
        }
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
            if tokens[i].hasPrefix("--") { i += table[tokens[i]]?.kind == .flag ? 1 : 2; continue }
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
