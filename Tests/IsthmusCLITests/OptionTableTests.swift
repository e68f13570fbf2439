import Foundation
import XCTest
@testable import IsthmusCLI
import IsthmusLandscape

/// Every command's help, known-option check, parsing and defaults come from its one option table.
final class OptionTableTests: XCTestCase {
    /// The options a help text lists: lines that start with two spaces and `--name`.
    func listed(_ help: String) -> [String] {
        help.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  --") else { return nil }
            return String(line.dropFirst(2).prefix { $0 == "-" || $0.isLetter || $0.isNumber })
        }
    }

    /// A valid value for `o`, as typed on the command line.
    func sample(_ o: Option) -> [String] {
        switch o.kind {
        case .flag: return []
        case .text: return ["x"]
        case .int(let lo, let hi): return [String(lo ?? hi.map { Swift.min($0, 0) } ?? 0)]
        case .number(let lo, _): return [String(lo ?? 0)]
        case .choice(let values): return [values[0]]
        case .ints(let lo): return ["\(lo),\(lo + 1)"]
        case .numbers: return ["0.5,2"]
        case .seed: return ["7"]
        }
    }

    /// Reads `o` the way commands do; returns the value as text.
    func read(_ a: inout Arguments, _ o: Option) throws -> String {
        switch o.kind {
        case .flag: return String(a.flag(o.name))
        case .text, .choice: return try a.string(o.name) ?? "nil"
        case .int: return o.defaultValue == .none ? try a.optionalInt(o.name).map(String.init) ?? "nil" : String(try a.int(o.name))
        case .number: return o.defaultValue == .none ? try a.optionalDouble(o.name).map { String(format: "%g", $0) } ?? "nil"
                                                      : String(format: "%g", try a.double(o.name))
        case .ints: return try a.intList(o.name).map(String.init).joined(separator: ",")
        case .numbers: return try a.doubleList(o.name).map { String(format: "%g", $0) }.joined(separator: ",")
        case .seed: return String(try a.seed())
        }
    }

    func testHelpListsExactlyTheDeclaredOptionsOnce() {
        for c in CLI.commands {
            let names = listed(c.help)
            XCTAssertEqual(names.count, Set(names).count, "\(c.name) --help lists an option twice: \(names)")
            XCTAssertEqual(Set(names), Set(c.options.names), "\(c.name): --help and the option table differ")
        }
    }

    func testEveryListedOptionIsAcceptedAndParsedAndNoOtherIs() throws {
        for c in CLI.commands {
            for o in c.options.options {
                var a = Arguments(command: c.name, [o.name] + sample(o), table: c.options)
                XCTAssertNoThrow(try a.checkKnown(), "\(c.name) rejects its own \(o.name)")
                XCTAssertNoThrow(try read(&a, o), "\(c.name) \(o.name) \(sample(o))")
                XCTAssertNoThrow(try a.finish(), "\(c.name) \(o.name) left unread")
            }
            let a = Arguments(command: c.name, ["--no-such-option", "1"], table: c.options)
            XCTAssertThrowsError(try a.checkKnown()) { XCTAssertTrue("\($0)".contains("unknown option --no-such-option"), "\($0)") }
        }
    }

    func testTheDefaultInHelpIsTheDefaultParsed() throws {
        var checked = 0
        for c in CLI.commands {
            for o in c.options.options {
                guard let shown = o.defaultValue.shown else { continue }
                XCTAssertTrue(o.helpLines.contains(shown), "\(c.name) \(o.name): help does not show its default \(shown)")
                var a = Arguments(command: c.name, [], table: c.options)
                let parsed = try read(&a, o)
                if case .number(let d) = o.defaultValue { XCTAssertEqual(Double(parsed), Double(String(format: "%g", d)), "\(c.name) \(o.name)") }
                else if case .numbers = o.defaultValue { XCTAssertEqual(parsed, shown, "\(c.name) \(o.name)") }
                else { XCTAssertEqual(parsed, shown, "\(c.name) \(o.name)") }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }

    func testDeclaredRangesAreEnforced() {
        for c in CLI.commands {
            for o in c.options.options {
                guard case .int(let lo, let hi) = o.kind else { continue }
                if let lo {
                    var a = Arguments(command: c.name, [o.name, String(lo - 1)], table: c.options)
                    XCTAssertThrowsError(try a.optionalInt(o.name)) { XCTAssertTrue("\($0)".contains("\(o.name) must be >= \(lo)"), "\($0)") }
                }
                if let hi {
                    var a = Arguments(command: c.name, [o.name, String(hi + 1)], table: c.options)
                    XCTAssertThrowsError(try a.optionalInt(o.name)) { XCTAssertTrue("\($0)".contains("\(o.name) must be <= \(hi)"), "\($0)") }
                }
            }
        }
    }

    func testChainAndBypassDifferOnlyInTheirRoundsDefault() {
        XCTAssertEqual(ChainCommand.options.names, BypassCommand.options.names)
        XCTAssertEqual(ChainCommand.options["--rounds"]?.defaultValue, .int(ChainCommand.defaultRounds))
        XCTAssertEqual(BypassCommand.options["--rounds"]?.defaultValue, .int(Chain.Config().rounds))
    }
}
