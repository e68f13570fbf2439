import Foundation

/// A loosely typed JSON value whose objects keep their key order.
///
/// Non-finite numbers render as the strings `"nan"`, `"inf"`, `"-inf"`, as in `RunDirectory.writeJSON`.
public enum JSONValue: Equatable, Sendable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case number(Double)
    case string(String)
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(x), .array(y)): return x == y
        case let (.number(x), .number(y)): return x == y || (x.isNaN && y.isNaN)
        case let (.string(x), .string(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// The member `key` of an object (the last one if repeated), or nil.
    public subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members.last(where: { $0.key == key })?.value }
        return nil
    }

    /// Element `index` of an array, or nil.
    public subscript(index: Int) -> JSONValue? {
        if case let .array(items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    /// The number, also accepting the strings `"nan"`, `"inf"`, `"-inf"`.
    public var doubleValue: Double? {
        switch self {
        case let .number(d): return d
        case .string("nan"): return .nan
        case .string("inf"): return .infinity
        case .string("-inf"): return -.infinity
        default: return nil
        }
    }

    public var stringValue: String? { if case let .string(s) = self { return s }; return nil }
    public var boolValue: Bool? { if case let .bool(b) = self { return b }; return nil }
    public var arrayValue: [JSONValue]? { if case let .array(a) = self { return a }; return nil }
    public var objectValue: [(key: String, value: JSONValue)]? { if case let .object(o) = self { return o }; return nil }

    /// Converts any `Encodable` value (keys sorted, as `JSONEncoder` emits them).
    public init<T: Encodable>(encoding value: T) throws {
        self = try JSONValue.parse(JSONCoding.encoder(pretty: false).encode(value))
    }

    /// Decodes this value into `T` (non-finite strings are accepted for floats).
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONCoding.decoder().decode(T.self, from: Data(render(pretty: false).utf8))
    }

    /// Serializes the value; `pretty` uses two-space indentation.
    public func render(pretty: Bool = true) -> String {
        var out = ""
        write(into: &out, pretty: pretty, indent: 0)
        return out
    }

    private func write(into out: inout String, pretty: Bool, indent: Int) {
        let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
        let close = pretty ? "\n" + String(repeating: "  ", count: indent) : ""
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .string(s): out += JSONValue.quote(s)
        case let .number(d): out += JSONValue.format(d)
        case let .array(items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, v) in items.enumerated() {
                out += (i > 0 ? "," : "") + (pretty ? "\n" + pad : "")
                v.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            out += close + "]"
        case let .object(members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (i, m) in members.enumerated() {
                out += (i > 0 ? "," : "") + (pretty ? "\n" + pad : "") + JSONValue.quote(m.key) + (pretty ? ": " : ":")
                m.value.write(into: &out, pretty: pretty, indent: indent + 1)
            }
            out += close + "}"
        }
    }

    static func format(_ d: Double) -> String {
        if d.isNaN { return "\"nan\"" }
        if d.isInfinite { return d > 0 ? "\"inf\"" : "\"-inf\"" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    static func quote(_ s: String) -> String { JSONString.quote(s) }

    /// Parses JSON text, keeping object key order.
    public static func parse(_ text: String) throws -> JSONValue { try parse(Data(text.utf8)) }

    /// Parses UTF-8 JSON, keeping object key order.
    public static func parse(_ data: Data) throws -> JSONValue {
        var p = Parser(bytes: [UInt8](data))
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        if p.pos != p.bytes.count { throw p.error("unexpected trailing characters") }
        return v
    }

    private struct Parser {
        let bytes: [UInt8]
        var pos = 0

        func error(_ what: String) -> ReportError { ReportError("invalid JSON at byte \(pos): \(what)") }

        mutating func skipSpace() {
            while pos < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[pos]) { pos += 1 }
        }

        mutating func expect(_ literal: String) throws {
            let l = Array(literal.utf8)
            guard pos + l.count <= bytes.count, Array(bytes[pos..<pos + l.count]) == l else { throw error("expected \(literal)") }
            pos += l.count
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < 512 else { throw error("nesting too deep") }
            guard pos < bytes.count else { throw error("unexpected end") }
            switch bytes[pos] {
            case UInt8(ascii: "{"):
                pos += 1; skipSpace()
                var members: [(key: String, value: JSONValue)] = []
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
                while true {
                    skipSpace()
                    guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw error("expected object key") }
                    let key = try string()
                    skipSpace(); try expect(":"); skipSpace()
                    members.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard pos < bytes.count else { throw error("unterminated object") }
                    if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                    if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
                    throw error("expected , or }")
                }
            case UInt8(ascii: "["):
                pos += 1; skipSpace()
                var items: [JSONValue] = []
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard pos < bytes.count else { throw error("unterminated array") }
                    if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                    if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
                    throw error("expected , or ]")
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            default:
                let start = pos
                while pos < bytes.count, "+-0123456789.eE".utf8.contains(bytes[pos]) { pos += 1 }
                guard pos > start, let d = Double(String(decoding: bytes[start..<pos], as: UTF8.self)) else {
                    pos = start; throw error("unexpected character")
                }
                return .number(d)
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard pos + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[pos..<pos + 4], as: UTF8.self), radix: 16) else {
                throw error("bad \\u escape")
            }
            pos += 4
            return v
        }

        mutating func string() throws -> String {
            pos += 1
            var out = [UInt8]()
            while true {
                guard pos < bytes.count else { throw error("unterminated string") }
                let c = bytes[pos]; pos += 1
                if c == UInt8(ascii: "\"") { break }
                if c != UInt8(ascii: "\\") { out.append(c); continue }
                guard pos < bytes.count else { throw error("unterminated escape") }
                let e = bytes[pos]; pos += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    var v = try hex4()
                    if (0xD800..<0xDC00).contains(v), pos + 6 <= bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
                        pos += 2
                        let lo = try hex4()
                        v = 0x10000 + ((v - 0xD800) << 10) + (lo &- 0xDC00)
                    }
                    out.append(contentsOf: Array(String(Unicode.Scalar(v).map(Character.init) ?? "\u{FFFD}").utf8))
                default: out.append(e)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}

extension JSONValue: Codable {
    private struct CKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decoding through `Decoder` cannot see key order; use `JSONValue.parse` when order matters.
    public init(from decoder: Decoder) throws {
        if let c = try? decoder.container(keyedBy: CKey.self) {
            self = .object(try c.allKeys.sorted { $0.stringValue < $1.stringValue }.map { ($0.stringValue, try c.decode(JSONValue.self, forKey: $0)) })
            return
        }
        if var c = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !c.isAtEnd { items.append(try c.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else { self = .string(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case let .object(members):
            var c = encoder.container(keyedBy: CKey.self)
            for m in members { try c.encode(m.value, forKey: CKey(stringValue: m.key)) }
        case let .array(items):
            var c = encoder.unkeyedContainer()
            for v in items { try c.encode(v) }
        case let .number(d):
            var c = encoder.singleValueContainer()
            if d.isFinite { try c.encode(d) } else { try c.encode(d.isNaN ? "nan" : (d > 0 ? "inf" : "-inf")) }
        case let .string(s): var c = encoder.singleValueContainer(); try c.encode(s)
        case let .bool(b): var c = encoder.singleValueContainer(); try c.encode(b)
        case .null: var c = encoder.singleValueContainer(); try c.encodeNil()
        }
    }
}

extension JSONValue: ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByStringLiteral,
    ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral {
    public typealias Key = String
    public typealias Value = JSONValue
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements.map { ($0.0, $0.1) }) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}
