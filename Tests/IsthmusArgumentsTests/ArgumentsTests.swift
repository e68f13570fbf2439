import XCTest
@testable import IsthmusArguments

final class ArgumentsTests: XCTestCase {
    let table = OptionTable([
        .int("--steps", "N", 10, 1...100, "steps"),
        .number("--lr", "LR", 0.01, min: 0, "learning rate"),
        .flag("--quiet", "quiet"),
        .choice("--mode", "M", ["a", "b"], "a", "mode"),
        .ints("--sizes", "A,B", [2, 4], min: 1, "sizes"),
        .text("--input", "FILE", "input").allowingRepeats(),
    ])

    func args(_ tokens: [String]) -> Arguments { Arguments(command: "t", tokens, table: table) }

    func testDefaultsAndValuesParse() throws {
        var a = args(["--steps=7", "--quiet", "--sizes", "3,5", "--input", "x", "--input", "y", "pos"])
        try a.checkKnown()
        XCTAssertEqual(try a.int("--steps"), 7)
        XCTAssertEqual(try a.double("--lr"), 0.01)
        XCTAssertTrue(a.flag("--quiet"))
        XCTAssertEqual(try a.string("--mode"), "a")
        XCTAssertEqual(try a.intList("--sizes"), [3, 5])
        XCTAssertEqual(try a.strings("--input"), ["x", "y"])
        XCTAssertEqual(a.positional(), "pos")
        XCTAssertNoThrow(try a.finish())
    }

    func testBadInputIsOneLineError() {
        func fails(_ tokens: [String], _ text: String, read: (inout Arguments) throws -> Void = { try $0.finish() }) {
            var a = args(tokens)
            XCTAssertThrowsError(try { try a.checkKnown(); try read(&a) }()) { XCTAssertTrue("\($0)".contains(text), "\($0)") }
        }
        fails(["--nope"], "unknown option --nope")
        fails(["--steps", "3", "--steps", "4"], "--steps given twice")
        fails(["--steps", "0"], "--steps", read: { _ = try $0.int("--steps") })
        fails(["--steps", "x"], "--steps", read: { _ = try $0.int("--steps") })
        fails(["--steps"], "--steps needs a value", read: { _ = try $0.int("--steps") })
        fails(["--lr", "-1"], "--lr", read: { _ = try $0.double("--lr") })
        fails(["--mode", "c"], "--mode", read: { _ = try $0.string("--mode") })
        fails(["--sizes", "0,2"], "--sizes", read: { _ = try $0.intList("--sizes") })
        fails(["stray"], "stray")
    }

    func testHelpShowsDefaults() {
        XCTAssertTrue(table["--steps"]!.helpLines.contains("(default 10)"))
        XCTAssertTrue(table.help.contains("--sizes A,B"))
        XCTAssertEqual(table.names, ["--steps", "--lr", "--quiet", "--mode", "--sizes", "--input"])
    }
}
