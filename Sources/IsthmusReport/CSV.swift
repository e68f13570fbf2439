import Foundation

/// One CSV cell. Doubles use Swift's shortest round-tripping form (`0.1`, `1e-05`, `nan`, `inf`).
public enum CSVField: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    case string(String)
    case int(Int)
    case double(Double)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(_ value: Float) { self = .double(Double(value)) }

    /// The unquoted text of the cell.
    public var text: String {
        switch self {
        case let .string(s): return s
        case let .int(i): return String(i)
        case let .double(d): return d.isNaN ? "nan" : "\(d)"
        }
    }
}

/// Builds a CSV file: RFC 4180 quoting, `\n` line ends.
public struct CSVWriter {
    public let header: [String]
    public private(set) var rows: [[CSVField]] = []

    public init(header: [String]) { self.header = header }

    /// Adds a row; it must have one field per header column.
    public mutating func addRow(_ fields: [CSVField]) {
        precondition(fields.count == header.count, "CSV row has \(fields.count) fields but the header has \(header.count)")
        rows.append(fields)
    }

    /// Quotes `s` when it holds a comma, quote, CR or LF (or leading/trailing space).
    public static func escape(_ s: String) -> String {
        let needs = s.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || s.first == " " || s.last == " "
        return needs ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    public func render() -> String {
        var out = header.map(CSVWriter.escape).joined(separator: ",") + "\n"
        for row in rows { out += row.map { CSVWriter.escape($0.text) }.joined(separator: ",") + "\n" }
        return out
    }

    /// Writes the file atomically.
    public func write(to url: URL) throws { try atomicWrite(Data(render().utf8), to: url) }
}

/// A parsed CSV file: the first record is the header; all cells are strings.
public struct CSVTable: Equatable, Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) { self.header = header; self.rows = rows }

    /// The cells of column `name`, or nil if there is no such column.
    public func column(_ name: String) -> [String]? {
        guard let i = header.firstIndex(of: name) else { return nil }
        return rows.map { $0[i] }
    }

    /// Reads and parses the file at `path`.
    public static func read(_ path: String) throws -> CSVTable {
        guard let data = FileManager.default.contents(atPath: path) else { throw ReportError("cannot read CSV file \(path)") }
        do { return try parse(String(decoding: data, as: UTF8.self)) } catch let e as ReportError {
            throw ReportError("\(path): \(e.message)")
        }
    }

    /// Parses CSV text (RFC 4180; LF or CRLF line ends). Every row must match the header's width.
    public static func parse(_ text: String) throws -> CSVTable {
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var line = 1
        var i = 0
        let b = Array(text.utf8)
        var quotedField = false
        func endField() { record.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true); quotedField = false }
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                guard field.isEmpty, !quotedField else { throw ReportError("line \(line): quote inside an unquoted field") }
                let startLine = line
                i += 1
                while true {
                    guard i < b.count else { throw ReportError("line \(startLine): unterminated quoted field") }
                    if b[i] == UInt8(ascii: "\"") {
                        if i + 1 < b.count, b[i + 1] == UInt8(ascii: "\"") { field.append(b[i]); i += 2; continue }
                        i += 1; break
                    }
                    if b[i] == 0x0A { line += 1 }
                    field.append(b[i]); i += 1
                }
                quotedField = true
                if i < b.count, ![UInt8(ascii: ","), 0x0A, 0x0D].contains(b[i]) {
                    throw ReportError("line \(line): unexpected character after closing quote")
                }
                continue
            }
            if c == UInt8(ascii: ",") { endField(); i += 1; continue }
            if c == 0x0D || c == 0x0A {
                endField()
                records.append(record); record = []
                i += (c == 0x0D && i + 1 < b.count && b[i + 1] == 0x0A) ? 2 : 1
                line += 1
                continue
            }
            if quotedField { throw ReportError("line \(line): unexpected character after closing quote") }
            field.append(c); i += 1
        }
        if !field.isEmpty || quotedField || !record.isEmpty { endField(); records.append(record) }
        guard let header = records.first else { throw ReportError("empty CSV (no header)") }
        for (k, r) in records.enumerated().dropFirst() where r.count != header.count {
            throw ReportError("record \(k + 1) has \(r.count) fields but the header has \(header.count)")
        }
        return CSVTable(header: header, rows: Array(records.dropFirst()))
    }
}
