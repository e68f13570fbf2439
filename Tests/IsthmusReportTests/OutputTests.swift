import XCTest
import CZlib
@testable import IsthmusReport
#if canImport(FoundationXML)
import FoundationXML
#endif

final class PNGTests: XCTestCase {
    struct Chunk { var type: String; var data: [UInt8]; var crcOK: Bool }

    func chunks(_ png: [UInt8]) -> [Chunk] {
        var out: [Chunk] = []
        var i = 8
        func be32(_ k: Int) -> Int { png[k..<k + 4].reduce(0) { $0 << 8 | Int($1) } }
        while i + 12 <= png.count {
            let n = be32(i)
            let body = Array(png[(i + 4)..<(i + 8 + n)])
            let crc = UInt32(crc32(0, body, uInt(body.count)))
            out.append(Chunk(type: String(decoding: body[0..<4], as: UTF8.self), data: Array(body[4...]), crcOK: UInt32(be32(i + 8 + n)) == crc))
            i += 12 + n
        }
        return out
    }

    func testStructureAndScanlines() throws {
        let w = 3, h = 2
        let pixels: [UInt8] = (0..<(w * h * 3)).map { UInt8($0 * 10) }
        let png = try PNG.encode(width: w, height: h, channels: 3, pixels: pixels)
        XCTAssertEqual(Array(png[0..<8]), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let cs = chunks(png)
        XCTAssertEqual(cs.map(\.type), ["IHDR", "IDAT", "IEND"])
        XCTAssertTrue(cs.allSatisfy(\.crcOK))
        XCTAssertEqual(cs[0].data, [0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0])
        var raw = [UInt8](repeating: 0, count: 100)
        var len = uLongf(raw.count)
        XCTAssertEqual(uncompress(&raw, &len, cs[1].data, uLong(cs[1].data.count)), Z_OK)
        raw.removeSubrange(Int(len)...)
        XCTAssertEqual(raw, [0] + Array(pixels[0..<9]) + [0] + Array(pixels[9..<18]))
        XCTAssertEqual(chunks(try PNG.encode(width: 1, height: 1, channels: 4, pixels: [1, 2, 3, 4]))[0].data[9], 6)
        XCTAssertThrowsError(try PNG.encode(width: 0, height: 1, channels: 1, pixels: []))
    }

    func testFloatConversionsUpscaleAndGrid() {
        // Two channels of a 1x2 image, normalized with mean 0.5, std 0.25.
        let img = PNG.pixels(fromCHW: [-2, 2, 0, 0], channels: 2, height: 1, width: 2, mean: [0.5, 0.5], std: [0.25, 0.25])
        XCTAssertEqual(img.pixels, [0, 128, 255, 128])
        XCTAssertEqual(PNG.pixels(fromCHW: [1, 3, 5], channels: 1, height: 1, width: 3, range: .minMax).pixels, [0, 128, 255])
        XCTAssertEqual(PNG.pixels(fromCHW: [-2, 0, 1], channels: 1, height: 1, width: 3, range: .symmetric).pixels, [0, 128, 191])
        let heat = PNG.colorize([0, 1], height: 1, width: 2)
        XCTAssertEqual(heat.pixels, [0x44, 0x01, 0x54, 0xFD, 0xE7, 0x25])
        let up = PNG.upscale(PixelImage(width: 2, height: 1, channels: 1, pixels: [1, 2]), factor: 2)
        XCTAssertEqual(up.pixels, [1, 1, 2, 2, 1, 1, 2, 2])
        let a = PixelImage(width: 1, height: 1, channels: 1, pixels: [7])
        let b = PixelImage(width: 1, height: 1, channels: 3, pixels: [1, 2, 3])
        let g = PNG.grid(images: [a, b, a], columns: 2, padding: 1, background: 0)
        XCTAssertEqual([g.width, g.height, g.channels], [5, 5, 3])
        func px(_ x: Int, _ y: Int) -> [UInt8] { Array(g.pixels[((y * 5 + x) * 3)..<((y * 5 + x) * 3 + 3)]) }
        XCTAssertEqual(px(1, 1), [7, 7, 7]); XCTAssertEqual(px(3, 1), [1, 2, 3]); XCTAssertEqual(px(1, 3), [7, 7, 7])
        XCTAssertEqual(px(3, 3), [0, 0, 0]); XCTAssertEqual(px(0, 0), [0, 0, 0])
    }
}

final class SVGTests: XCTestCase {
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        var text = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            elements.append(name)
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    }

    func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) -> Collector {
        let p = XMLParser(data: Data(svg.utf8))
        let c = Collector()
        p.delegate = c
        XCTAssertTrue(p.parse(), "not well-formed: \(String(describing: p.parserError))", file: file, line: line)
        return c
    }

    func testLinePlotWithBandsMarkersAndNaN() {
        var p = SVGPlot.line([
            Series(x: [0, 0.5, 1], y: [1, .nan, 3], label: "loss <A&B>", lower: [0.5, 1, 2.5], upper: [1.5, 3, 3.5]),
            Series(x: [0, 1], y: [2, 2], label: "constant", dash: "6 3"),
            Series(x: [], y: [], label: "empty"),
        ], title: "Barrier \"α\"", xLabel: "α", yLabel: "loss")
        p.verticalLines = [ReferenceLine(0.25, label: "barrier")]
        let svg = p.render()
        let c = parse(svg)
        XCTAssertEqual(c.elements.first, "svg")
        XCTAssertTrue(c.text.contains("loss <A&B>") && c.text.contains("barrier") && c.text.contains("Barrier \"α\""))
        XCTAssertTrue(svg.contains("stroke-dasharray=\"6 3\""))
        XCTAssertTrue(svg.contains("<polygon"))
        XCTAssertFalse(svg.contains("nan") || svg.contains("inf"))
        let logPlot = { () -> SVGPlot in
            var q = SVGPlot.scatter([Series(x: [1, 10, 1e6, -1], y: [1e-8, 1e3, 0, 5])])
            q.xScale = .log; q.yScale = .log
            return q
        }()
        let lc = parse(logPlot.render())
        XCTAssertTrue(lc.text.contains("1e-8") || lc.text.contains("1e-6"), lc.text)
        XCTAssertEqual(logPlot.render().components(separatedBy: "<circle").count - 1, 2)
        _ = parse(SVGPlot.line([Series(y: [1e300, -1e300, .infinity])]).render())
        _ = parse(SVGPlot.line([]).render())
    }

    func testTicksFollow125Rule() {
        XCTAssertEqual(SVGPlot.linearTicks(0, 1).ticks.map { ($0 * 10).rounded() / 10 }, [0, 0.2, 0.4, 0.6, 0.8, 1])
        XCTAssertEqual(SVGPlot.linearTicks(-3, 47).ticks, [0, 10, 20, 30, 40])
        XCTAssertEqual(SVGPlot.ticks(0, 1, scale: .linear).map(\.1), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        XCTAssertEqual(SVGPlot.ticks(0, 3, scale: .log).map(\.1), ["1", "10", "100", "1000"])
        XCTAssertEqual(SVGPlot.formatTick(2_000_000, step: 1_000_000), "2e6")
    }

    func testBoxStatsMatchHandComputation() throws {
        // Sorted: 1 2 3 4 5 6 7 8 100; q1 = 3, median = 5, q3 = 7, IQR = 4, fences -3 and 13.
        let s = try XCTUnwrap(BoxStats([5, 1, 100, 2, 3, 4, 6, 7, 8, .nan]))
        XCTAssertEqual([s.q1, s.median, s.q3, s.lowerWhisker, s.upperWhisker], [3, 5, 7, 1, 8])
        XCTAssertEqual(s.outliers, [100]); XCTAssertEqual(s.count, 9)
        XCTAssertNil(BoxStats([.nan]))
        let svg = SVGPlot.box([BoxGroup("Ours", [5, 1, 100, 2, 3, 4, 6, 7, 8], reference: 4.5), BoxGroup("Empty", [])],
                              yLabel: "barrier", referenceLabel: "paper").render()
        let c = parse(svg)
        XCTAssertTrue(c.text.contains("Ours") && c.text.contains("paper"))
        XCTAssertTrue(svg.contains("fill=\"none\"/>"))  // outlier dot
    }

    func testROCAndPanels() {
        let roc = SVGPlot.roc([(label: "AUC 0.91", fpr: [0, 0.1, 1], tpr: [0, 0.8, 1])])
        let fig = SVGFigure.panels([roc, SVGPlot.box([BoxGroup("a", [1, 2, 3])]), SVGPlot.line([Series(y: [1, 2])])],
                                   columns: 3, title: "Figure 7")
        let c = parse(fig)
        XCTAssertTrue(fig.contains("width=\"1920\""))
        XCTAssertEqual(c.elements.filter { $0 == "clipPath" }.count, 3)
        XCTAssertTrue(c.text.contains("chance") && c.text.contains("Figure 7"))
    }
}

final class HTMLTests: XCTestCase {
    func testReportEscapesAndLinks() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("isthmus-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("img"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data([1]).write(to: dir.appendingPathComponent("img/a b.png"))

        var r = HTMLReport(title: "Run <1>")
        r.section(id: "barriers", title: "Barriers")
        r.paragraph("x < y & \"z\"")
        r.keyValueTable([("seed", "0")])
        r.comparisonTable(header: ["metric", "ours", "paper"], rows: [["median", "0.01", "0.02"]])
        r.inlineSVG(SVGPlot.line([Series(y: [1, 2], label: "s")]).render(), caption: "curve")
        r.section(id: "images", title: "Images")
        r.image("img/a b.png", caption: "strip", width: 300)
        r.image("img/missing.png")
        r.links([(label: "CSV", path: "results.csv"), (label: "paper", path: "https://openreview.net")])
        r.code("isthmus run --seed 0")
        let html = r.render()
        XCTAssertTrue(html.contains("<title>Run &lt;1&gt;</title>"))
        XCTAssertTrue(html.contains("<p>x &lt; y &amp; &quot;z&quot;</p>"))
        XCTAssertTrue(html.contains("<h2 id=\"barriers\">Barriers</h2>") && html.contains("href=\"#images\""))
        XCTAssertFalse(html.contains("<script") || html.contains("http://") && !html.contains("www.w3.org/2000/svg"))
        try r.write(to: dir.appendingPathComponent("index.html"))
        XCTAssertEqual(validateLinks(html: html, base: dir), ["img/missing.png", "results.csv"])
        XCTAssertEqual(validateLinks(html: "<a href=\"#nowhere\">x</a><p id=\"here\"></p><a href='#here'>", base: dir), ["#nowhere"])
    }
}
