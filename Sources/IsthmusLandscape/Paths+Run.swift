// The run folder of `connect`: one path A->C by any method, with the straight segment for comparison.
import Foundation
import IsthmusCore
import IsthmusReport

extension Paths {
    /// result.json of `connect`: the common path result, plus the straight segment's barrier.
    public struct File: Encodable {
        public let result: PathResult
        public let straight: Barrier
        enum K: String, CodingKey { case straight }
        public func encode(to encoder: Encoder) throws {
            try result.encode(to: encoder)
            var c = encoder.container(keyedBy: K.self)
            try c.encode(straight, forKey: .straight)
        }
    }

    /// result.json, curve.csv, trace.csv (the optimization trace), curve.svg (straight vs the path) and path.npy
    /// (bends/controls/images, A and C included).
    public static func write(_ outcome: PathOutcome, method: PathMethod, straight: Interpolation.Result, classIndex: Int,
                             to dir: RunDirectory) throws {
        let r = outcome.result
        try dir.writeJSON(File(result: r, straight: straight.barrier), "result.json")
        var csv = CSVWriter(header: ["position", "loss"])
        for (t, l) in zip(r.positions, r.losses) { csv.addRow([.double(t), .double(Double(l))]) }
        try csv.write(to: dir.url("curve.csv"))
        var trace = CSVWriter(header: ["step", "loss"])
        for (i, l) in outcome.trace.enumerated() { trace.addRow([.int(i + 1), .double(Double(l))]) }
        try trace.write(to: dir.url("trace.csv"))
        var plot = SVGPlot.line([
            Series(x: straight.alphas, y: straight.losses.map(Double.init), label: "straight A->C", color: "#888888", dash: "4 3"),
            Series(x: r.positions, y: r.losses.map(Double.init), label: method.rawValue, color: method.color),
        ], title: "Class \(classIndex): straight segment vs \(method.rawValue)", xLabel: "position along the path", yLabel: "cross-entropy")
        plot.horizontalLines = [ReferenceLine(max(r.lossA, r.lossC), label: "max(L(A), L(C))")]
        try plot.write(to: dir.url("curve.svg"))
        try concat(outcome.vertices, axis: 0).writeNpy(dir.url("path.npy").path)
    }
}

extension PathResult {
    /// The console summary of a path against the straight segment's barrier `straight`.
    public func summary(straight: Barrier) -> String {
        String(format: "%@: straight max %.4f (gap %.4f) -> path max %.4f (gap %.4f), connected at 0.05: %@; length %.3f, distance %.3f; %d gradient + %d forward evaluations, %.1f s",
               method.rawValue, straight.max, straight.gap, max, gap, connected["0.05"] == true ? "yes" : "no", pathLengthRatio,
               maxDistanceFromSegment, gradientEvaluations, forwardEvaluations, seconds)
    }
}
