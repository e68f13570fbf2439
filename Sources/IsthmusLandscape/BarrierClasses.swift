// Per-class barrier figures of a barrier-statistics run (Fig 6 split by class).
import Foundation
import IsthmusNN
import IsthmusReport

extension BarrierStatistics {
    /// The barriers of one class's pairs (of the pairs the statistics use).
    public struct ClassFigures: Codable, Equatable, Sendable {
        public var classIndex: Int
        public var name: String
        public var withinPairs: Int
        public var adversarialPairs: Int
        /// Medians of barrier max M and gap G over the class's within-class and adversarial pairs (NaN without pairs).
        public var withinMax: Double
        public var withinGap: Double
        public var adversarialMax: Double
        public var adversarialGap: Double
    }

    /// Per-class medians of the units (`selected` ones, as the statistics), ascending by class, named by `name`;
    /// different-class pairs are left out.
    public static func perClass(_ units: [Unit], name: (Int) -> String = { "\($0)" }) -> [ClassFigures] {
        Dictionary(grouping: units.filter { $0.plan.group != .differentClass }, by: \.plan.classIndex).map { y, u in
            let w = u.filter { $0.plan.group == .within }, a = u.filter { $0.plan.group == .adversarial }
            func med(_ v: [Double]) -> Double { v.isEmpty ? .nan : Stats.median(v) }
            return ClassFigures(classIndex: y, name: name(y), withinPairs: w.count, adversarialPairs: a.count, withinMax: med(w.map(\.max)),
                                withinGap: med(w.map(\.gap)), adversarialMax: med(a.map(\.max)), adversarialGap: med(a.map(\.gap)))
        }.sorted { $0.classIndex < $1.classIndex }
    }

    /// The `count` classes with the highest and with the lowest median within-class barrier max (classes without
    /// within-class pairs left out; ties by class index), highest first and lowest first.
    public static func extremes(_ classes: [ClassFigures], count: Int = 5) -> (highest: [ClassFigures], lowest: [ClassFigures]) {
        let ranked = classes.filter { $0.withinMax.isFinite }.sorted { ($0.withinMax, $0.classIndex) < ($1.withinMax, $1.classIndex) }
        return (Array(ranked.reversed().prefix(count)), Array(ranked.prefix(count)))
    }

    /// Table rows of `classes`: class, name, pairs, the four medians.
    public static func classRows(_ classes: [ClassFigures]) -> (header: [String], rows: [[String]]) {
        func f(_ x: Double) -> String { x.isFinite ? String(format: "%.3f", x) : "n/a" }
        return (["class", "name", "pairs (within / adversarial)", "within max", "within gap", "adversarial max", "adversarial gap"],
                classes.map { ["\($0.classIndex)", $0.name, "\($0.withinPairs) / \($0.adversarialPairs)", f($0.withinMax), f($0.withinGap),
                               f($0.adversarialMax), f($0.adversarialGap)] })
    }

    /// CSV of `classes`: class, name, withinPairs, adversarialPairs, withinMax, withinGap, adversarialMax, adversarialGap.
    public static func classCSV(_ classes: [ClassFigures]) -> CSVWriter {
        var csv = CSVWriter(header: ["class", "name", "withinPairs", "adversarialPairs", "withinMax", "withinGap", "adversarialMax", "adversarialGap"])
        for c in classes {
            csv.addRow([.int(c.classIndex), .string(c.name), .int(c.withinPairs), .int(c.adversarialPairs), .double(c.withinMax),
                        .double(c.withinGap), .double(c.adversarialMax), .double(c.adversarialGap)])
        }
        return csv
    }

    /// Per-class figure: the classes ranked by median within-class barrier max (x: rank), with the median max of their
    /// within-class and of their adversarial pairs.
    public static func classPlot(_ classes: [ClassFigures]) -> SVGPlot {
        let ranked = classes.filter { $0.withinMax.isFinite }.sorted { ($0.withinMax, $0.classIndex) < ($1.withinMax, $1.classIndex) }
        let x = ranked.indices.map { Double($0 + 1) }
        return SVGPlot.scatter([Series(x: x, y: ranked.map(\.withinMax), label: "within-class (median max)", style: .points),
                                Series(x: x, y: ranked.map(\.adversarialMax), label: "adversarial (median max)", style: .points)],
                               title: "Barrier max per class (\(ranked.count) classes)", xLabel: "class, ranked by within-class median max",
                               yLabel: "median max loss on the segment")
    }
}
