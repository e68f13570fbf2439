import XCTest
import Foundation
@testable import IsthmusReport

/// `SVGPlot` renders byte for byte what it rendered before `body()` was split into axes, data, reference
/// lines and legend (fixtures captured from the single-function version).
final class SVGPlotTests: XCTestCase {
    /// Plots that reach every drawing branch: bands with gaps, isolated points, dashes, point styles, log axes,
    /// labelled reference lines on both sides, each legend corner, box plots with references, outliers,
    /// an empty group and rotated labels, ROC and a panel figure.
    static func fixedPlots() -> [(name: String, svg: String)] {
        var line = SVGPlot.line([
            Series(x: [0, 1, 2, 3, 4, 5, 6], y: [1, 2, .nan, 4, .nan, 3, 2.5], label: "mean",
                   lower: [0.5, 1.5, 2, .nan, 2, 2.5, 2], upper: [1.5, 2.5, 3, .nan, 4, 3.5, 3]),
            Series(x: [0, 2, 4, 6], y: [3, 1, 2, 4], label: "dashed & <odd>", dash: "6 3", style: .lineAndPoints),
            Series(x: [1, 3, 5], y: [0.5, 0.7, 0.2], label: "", style: .points),
        ], title: "Loss along the path", xLabel: "t", yLabel: "CE")
        line.verticalLines = [ReferenceLine(0.5, label: "left"), ReferenceLine(5.8, label: "near right edge", color: "#aa0000")]
        line.horizontalLines = [ReferenceLine(3.5, label: "threshold", dash: nil)]

        var scatter = SVGPlot.scatter([Series(x: [1, 10, 100, 1e4, -1], y: [1e-3, 0.5, 20, 1e3, 5], label: "runs"),
                                       Series(x: [3, 30], y: [2, 0.02], label: "other")],
                                      title: "log-log", xLabel: "d", yLabel: "p")
        scatter.xScale = .log; scatter.yScale = .log; scatter.legend = .topLeft

        var narrowLog = SVGPlot.line([Series(x: [2, 3, 4], y: [2.1, 2.5, 2.9], label: "narrow")])
        narrowLog.yScale = .log; narrowLog.legend = .bottomLeft; narrowLog.yRange = 2...3

        var boxes = SVGPlot.box([BoxGroup("Ours", [5, 1, 100, 2, 3, 4, 6, 7, 8], reference: 4.5),
                                 BoxGroup("A rather long category label", [2, 2.5, 3, -40], color: "#123456"),
                                 BoxGroup("Empty", [], reference: 1)],
                                title: "Barriers", yLabel: "height", referenceLabel: "paper median")
        boxes.horizontalLines = [ReferenceLine(0, label: "zero")]
        boxes.width = 360

        var big = SVGPlot.line([Series(y: [2e6, 3e6, 9e6], label: "big")])
        big.legend = .none
        let roc = SVGPlot.roc([(label: "AUC 0.91", fpr: [0, 0.1, 1], tpr: [0, 0.8, 1])])
        return [("line", line.render()), ("scatter", scatter.render()), ("narrowLog", narrowLog.render()),
                ("box", boxes.render()), ("big", big.render()), ("empty", SVGPlot.line([]).render()), ("roc", roc.render()),
                ("panels", SVGFigure.panels([line, boxes, roc], columns: 2, title: "Figure"))]
    }

    func testRenderingIsUnchanged() throws {
        let dir = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil)).appendingPathComponent("svg")
        for (name, svg) in Self.fixedPlots() {
            let expected = try String(contentsOf: dir.appendingPathComponent(name + ".svg"), encoding: .utf8)
            XCTAssertEqual(svg, expected, "\(name).svg differs")
        }
    }
}
