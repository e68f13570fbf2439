// The run folder of `interpolate`: the loss along the segment A->C and its barrier.
import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

extension Interpolation {
    /// result.json, curve.csv, curve.svg (the barrier marked) and endpoints.png.
    public static func write(_ result: Result, from a: Tensor, to c: Tensor, classIndex: Int, normalization: Normalization,
                             in dir: RunDirectory) throws {
        try dir.writeJSON(result, "result.json")
        var csv = CSVWriter(header: ["alpha", "loss"])
        for (t, l) in zip(result.alphas, result.losses) { csv.addRow([.double(t), .double(Double(l))]) }
        try csv.write(to: dir.url("curve.csv"))
        var plot = SVGPlot.line([Series(x: result.alphas, y: result.losses.map(Double.init), label: "L_y on A->C")],
                                title: "Loss of class \(classIndex) along the segment", xLabel: "alpha", yLabel: "cross-entropy")
        plot.verticalLines = [ReferenceLine(result.barrier.alpha, label: "barrier")]
        try plot.write(to: dir.url("curve.svg"))
        try PNG.write(PNG.upscale(PNG.grid(images: [.input(a, normalization), .input(c, normalization)], columns: 2),
                                  factor: max(1, 112 / a.shape[a.shape.count - 2])), to: dir.url("endpoints.png"))
    }
}

extension Interpolation {
    /// The console summary: endpoint losses and the barrier (max, where, gap, blend gap).
    public static func summary(_ r: Result) -> String {
        let b = r.barrier
        return String(format: "L(A) %.4f  L(C) %.4f  barrier max %.4f at alpha %.3f, gap %.4f, blend gap %.4f",
                      r.endpoints.lossA, r.endpoints.lossC, b.max, b.alpha, b.gap, b.blendGap)
    }
}
