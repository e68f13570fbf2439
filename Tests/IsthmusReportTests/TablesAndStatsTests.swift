import XCTest
@testable import IsthmusReport

final class CSVTests: XCTestCase {
    func testQuotingRoundTrip() throws {
        var w = CSVWriter(header: ["name", "n", "value"])
        w.addRow(["plain", 1, 0.1])
        w.addRow([.string("a,b \"q\"\nline"), .int(-2), .double(.nan)])
        w.addRow([" pad", 3, .double(1e-5)])
        let text = w.render()
        XCTAssertEqual(text, "name,n,value\nplain,1,0.1\n\"a,b \"\"q\"\"\nline\",-2,nan\n\" pad\",3,1e-05\n")
        let t = try CSVTable.parse(text)
        XCTAssertEqual(t.header, ["name", "n", "value"])
        XCTAssertEqual(t.rows, [["plain", "1", "0.1"], ["a,b \"q\"\nline", "-2", "nan"], [" pad", "3", "1e-05"]])
        XCTAssertEqual(t.column("value")?.compactMap(Double.init).count, 3)
    }

    func testCRLFAndEmptyFields() throws {
        let t = try CSVTable.parse("a,b\r\n,\"\"\r\nx,y")
        XCTAssertEqual(t.rows, [["", ""], ["x", "y"]])
    }

    func testErrors() {
        XCTAssertThrowsError(try CSVTable.parse("a,b\n\"open,1\n")) { XCTAssertTrue("\($0)".contains("unterminated")) }
        XCTAssertThrowsError(try CSVTable.parse("a,b\n1,2,3\n")) { XCTAssertTrue("\($0)".contains("3 fields")) }
        XCTAssertThrowsError(try CSVTable.parse("a\nx\"y\n")) { XCTAssertTrue("\($0)".contains("quote")) }
        XCTAssertThrowsError(try CSVTable.read("/nonexistent/file.csv"))
    }

    func testWriteAtomically() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("isthmus-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        var w = CSVWriter(header: ["x"])
        w.addRow([.double(2.5)])
        try w.write(to: url)
        XCTAssertEqual(try CSVTable.read(url.path).rows, [["2.5"]])
    }
}

final class StatsTests: XCTestCase {
    func testQuantilesMatchNumpy() {
        // numpy.quantile([7, 1, 3, 10, 4], [0, .1, .25, .5, .75, .9, 1]) -> 1, 1.8, 3, 4, 7, 8.8, 10
        let q = Stats.quantiles([7, 1, 3, 10, 4], [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1])
        for (a, b) in zip(q, [1, 1.8, 3, 4, 7, 8.8, 10]) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        XCTAssertEqual(Stats.median([4, 1, 3, 2]), 2.5)
        XCTAssertTrue(Stats.median([]).isNaN)
    }

    func testSummaryDropsNonFinite() {
        let s = Summary([2, 4, .nan, 4, 4, 5, 5, 7, 9, .infinity] as [Double])
        XCTAssertEqual(s.count, 8); XCTAssertEqual(s.dropped, 2)
        XCTAssertEqual(s.mean, 5)
        XCTAssertEqual(s.std, (32.0 / 7).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(s.median, 4.5); XCTAssertEqual(s.q1, 4); XCTAssertEqual(s.q3, 5.5)
        XCTAssertEqual(s.min, 2); XCTAssertEqual(s.max, 9)
        XCTAssertTrue(Summary([Float]()).mean.isNaN)
    }

    func testBootstrapIsSeededAndBracketsTheMean() {
        struct LCG: RandomNumberGenerator {
            var s: UInt64
            mutating func next() -> UInt64 { s = s &* 6364136223846793005 &+ 1442695040888963407; return s ^ (s >> 29) }
        }
        let xs = (0..<50).map { Double($0 % 10) }
        var g1 = LCG(s: 1), g2 = LCG(s: 1)
        let a = Stats.bootstrapCI(xs, resamples: 500, using: &g1)
        let b = Stats.bootstrapCI(xs, resamples: 500, using: &g2)
        XCTAssertEqual(a.lower, b.lower); XCTAssertEqual(a.upper, b.upper)
        XCTAssertLessThan(a.lower, 4.5); XCTAssertGreaterThan(a.upper, 4.5)
        XCTAssertLessThan(a.upper - a.lower, 2)
    }
}

final class ProgressTests: XCTestCase {
    final class Box: @unchecked Sendable { var t = 0.0; var out: [String] = [] }

    func testTerminalBarAndThrottling() {
        let box = Box()
        let p = Progress(total: 100, label: "pairs", terminal: true, clock: { box.t }, output: { box.out.append($0) })
        box.t = 0.05; p.advance()
        XCTAssertTrue(box.out.isEmpty)  // within 0.1 s
        box.t = 4; p.advance(by: 11)
        XCTAssertEqual(box.out, ["\rpairs [##..................] 12/100 3.0/s ETA 0:29\u{1B}[K"])
        p.finish(); p.finish()
        XCTAssertEqual(box.out.count, 2)
        XCTAssertTrue(box.out[1].hasSuffix("\n"))
    }

    func testPlainLinesAndQuiet() {
        let box = Box()
        let p = Progress(total: 10, label: "train", interval: 10, terminal: false, clock: { box.t }, output: { box.out.append($0) })
        box.t = 5; p.advance(by: 5)
        box.t = 10; p.advance()
        box.t = 12; p.advance(by: 4); p.finish()
        XCTAssertEqual(box.out, ["train 6/10 (60%) 0.6/s ETA 0:07\n", "train 10/10 done in 0:12 0.8/s\n"])
        let q = Progress(total: 3, label: "q", quiet: true, terminal: true, clock: { box.t }, output: { box.out.append($0) })
        box.t = 100; q.advance(); q.finish()
        XCTAssertEqual(box.out.count, 2)
        XCTAssertEqual(Progress.duration(3725), "1:02:05")
    }
}
