import XCTest
@testable import IsthmusArguments

final class SettingsTests: XCTestCase {
    enum Mode: String, CaseIterable { case fast, slow }
    struct Config: Equatable {
        var steps = 10
        var lr: Float = 0.5
        var scale = 2.0
        var limit: Double?
        var every: Int?
        var climb = true
        var mode = Mode.fast
        var inner = Inner()
        struct Inner: Equatable { var a = 1 }
    }

    let settings = Settings(Config(), [
        .int("--steps", "N", \.steps, 1...100, "steps"),
        .number("--lr", "LR", \.lr, min: 0, "rate"),
        .number("--scale", "S", \.scale, min: 0, max: 10, "scale"),
        .number("--limit", "L", \.limit, min: 0, "limit (default: none)"),
        .int("--every", "N", \.every, 1...9, "every"),
        .flag("--no-climb", \.climb, sets: false, "no climbing"),
        .choice("--mode", "M", \.mode, "fast | slow"),
        .int("--inner", "A", \.inner.a, 0...9, "nested field"),
    ])

    func parse(_ tokens: [String], into base: Config = Config()) throws -> Config {
        var args = Arguments(command: "t", tokens, table: OptionTable(settings.options))
        try args.checkKnown()
        var c = base
        try settings.parse(&args, into: &c)
        try args.finish()
        return c
    }

    func testHelpShowsTheConfigsDefaults() {
        let help = OptionTable(settings.options).help
        for shown in ["--steps N", "(default 10)", "(default 0.5)", "(default 2)", "(default fast)"] { XCTAssertTrue(help.contains(shown), shown) }
        XCTAssertFalse(help.contains("--limit L              limit (default: none) (default"), "no default for an optional field")
    }

    func testGivenOptionsSetTheirFieldsAndOthersKeepTheBase() throws {
        XCTAssertEqual(try parse([]), Config())
        var want = Config()
        (want.steps, want.lr, want.scale, want.limit, want.every, want.climb, want.mode, want.inner.a) = (7, 0.25, 3, 1.5, 4, false, .slow, 5)
        XCTAssertEqual(try parse(["--steps", "7", "--lr", "0.25", "--scale=3", "--limit", "1.5", "--every", "4", "--no-climb",
                                  "--mode", "slow", "--inner", "5"]), want)
        var preset = Config()
        preset.steps = 50; preset.mode = .slow
        let c = try parse(["--lr", "0.1"], into: preset)
        XCTAssertEqual(c.steps, 50, "an option not given keeps the preset's value, not the declared default")
        XCTAssertEqual(c.mode, .slow)
        XCTAssertEqual(c.lr, 0.1)
    }

    func testValuesAreChecked() {
        for bad in [["--steps", "0"], ["--scale", "11"], ["--lr", "-1"], ["--mode", "medium"], ["--every", "x"]] {
            XCTAssertThrowsError(try parse(bad), "\(bad)")
        }
    }
}
