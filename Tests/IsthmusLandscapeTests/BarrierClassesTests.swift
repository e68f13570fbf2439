import XCTest
import IsthmusReport
@testable import IsthmusLandscape

/// Per-class barrier figures: medians per class and group, the classes with the highest and lowest barriers.
final class BarrierClassesTests: XCTestCase {
    func unit(_ g: BarrierStatistics.Group, _ y: Int, max: Double, gap: Double) -> BarrierStatistics.Unit {
        BarrierStatistics.Unit(plan: .init(group: g, classIndex: y, indexA: 0, indexC: 1), lossA: 0, lossC: 0, max: max, gap: gap,
                               blendGap: 0, bypassedMax: 0, curve: [], logitsC: [])
    }

    func testPerClassMediansAndExtremes() throws {
        var units: [BarrierStatistics.Unit] = []
        // Class y has within-class maxima y, y+1, y+5 (median y+1) and adversarial maxima 10y, 10y+2 (median 10y+1).
        for y in [3, 0, 2, 1] {
            for m in [y, y + 1, y + 5] { units.append(unit(.within, y, max: Double(m), gap: Double(m) / 2)) }
            for m in [10 * y, 10 * y + 2] { units.append(unit(.adversarial, y, max: Double(m), gap: 1)) }
        }
        units.append(unit(.adversarial, 7, max: 50, gap: 40))          // a class without within-class pairs
        units.append(unit(.differentClass, 0, max: 99, gap: 99))       // left out
        let classes = BarrierStatistics.perClass(units, name: { "c\($0)" })
        XCTAssertEqual(classes.map(\.classIndex), [0, 1, 2, 3, 7])
        for c in classes.prefix(4) {
            let y = Double(c.classIndex)
            XCTAssertEqual(c.name, "c\(c.classIndex)")
            XCTAssertEqual(c.withinPairs, 3); XCTAssertEqual(c.adversarialPairs, 2)
            XCTAssertEqual(c.withinMax, y + 1); XCTAssertEqual(c.withinGap, (y + 1) / 2)
            XCTAssertEqual(c.adversarialMax, 10 * y + 1); XCTAssertEqual(c.adversarialGap, 1)
        }
        XCTAssertTrue(classes[4].withinMax.isNaN)
        XCTAssertEqual(classes[4].adversarialMax, 50)
        let (high, low) = BarrierStatistics.extremes(classes, count: 2)
        XCTAssertEqual(high.map(\.classIndex), [3, 2])
        XCTAssertEqual(low.map(\.classIndex), [0, 1])
        let table = BarrierStatistics.classRows(high)
        XCTAssertEqual(table.rows[0], ["3", "c3", "3 / 2", "4.000", "2.000", "31.000", "1.000"])
        XCTAssertEqual(BarrierStatistics.classCSV(classes).rows.count, 5)
        XCTAssertTrue(BarrierStatistics.classPlot(classes).render().contains("4 classes"))
        // The figures survive a JSON round trip (NaN medians included) as the report reads them back.
        let dir = try RunDirectory(path: NSTemporaryDirectory() + "isthmus-classes-\(getpid())", mode: .force)
        defer { try? FileManager.default.removeItem(at: dir.url) }
        try dir.writeJSON(classes, "classes.json")
        let back = try dir.readJSON([BarrierStatistics.ClassFigures].self, "classes.json")
        XCTAssertEqual(back.count, classes.count)
        XCTAssertEqual(Array(back.prefix(4)), Array(classes.prefix(4)))
        XCTAssertTrue(back[4].withinMax.isNaN)
    }
}
