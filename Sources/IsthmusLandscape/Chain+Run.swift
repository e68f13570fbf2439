// The run folder of one path (bypass, chain): result.json, the loss curves and the images of the path.
import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

extension PixelImage {
    /// A normalized [1, C, H, W] (or [C, H, W]) input as pixels, normalization undone.
    public static func input(_ x: Tensor, _ norm: Normalization, range: PNG.Range = .clamp01) -> PixelImage {
        let s = x.shape.suffix(3)
        let (C, H, W) = (s[s.startIndex], s[s.startIndex + 1], s[s.startIndex + 2])
        return PNG.pixels(fromCHW: x.scalars, channels: C, height: H, width: W, mean: norm.mean, std: norm.std, range: range)
    }
}

extension Chain {
    /// result.json of `bypass`/`chain`: the chain result plus its deviation fields at the top level.
    public struct File: Encodable {
        public let result: Result
        public init(_ result: Result) { self.result = result }
        enum K: String, CodingKey { case deviationRatio, pixelDeviation, hyperplaneDistance, bendAngle }
        public func encode(to encoder: Encoder) throws {
            try result.encode(to: encoder)
            var c = encoder.container(keyedBy: K.self)
            try c.encode(result.deviation?.deviationRatio ?? 0, forKey: .deviationRatio)
            try c.encode(result.deviation?.pixelDeviation ?? 0, forKey: .pixelDeviation)
            try c.encode(result.deviation?.hyperplaneDistance ?? 0, forKey: .hyperplaneDistance)
            try c.encode(result.deviation?.bendAngle ?? 180, forKey: .bendAngle)
        }
    }

    /// The loss-curve figure of a path (primary segment vs bypassed path, as the paper's Fig 2).
    public static func plot(_ r: Result, title: String) -> SVGPlot {
        let primary = Series(x: Interpolation.alphas(r.primaryLosses.count), y: r.primaryLosses.map(Double.init), label: "straight A->C")
        let path = Series(x: r.pathPositions, y: r.pathLosses.map(Double.init), label: "path after \(r.rounds.count) round(s)")
        var plot = SVGPlot.line([primary, path], title: title, xLabel: "position along the path", yLabel: "cross-entropy")
        plot.horizontalLines = [ReferenceLine(max(r.lossA, r.lossC), label: "max(L(A), L(C))")]
        return plot
    }

    /// result.json, curve.svg, curve.csv, strip.png (A, B, B', C, B'-B) and bends.npy of one path.
    public static func write(_ r: Result, _ path: Path, normalization: Normalization, title: String, to dir: RunDirectory) throws {
        try dir.writeJSON(File(r), "result.json")
        try plot(r, title: title).write(to: dir.url("curve.svg"))
        var csv = CSVWriter(header: ["position", "loss"])
        for (t, l) in zip(r.pathPositions, r.pathLosses) { csv.addRow([.double(t), .double(Double(l))]) }
        try csv.write(to: dir.url("curve.csv"))
        let shape = Array(path.barrierPoint.shape.suffix(3))
        var images: [PixelImage] = [.input(path.vertices.first!, normalization), .input(path.barrierPoint, normalization)]
        if let bend = path.firstBend {
            images.append(.input(bend, normalization))
            images.append(.input(path.vertices.last!, normalization))
            let d = bend - path.barrierPoint
            images.append(PNG.pixels(fromCHW: d.scalars, channels: shape[0], height: shape[1], width: shape[2], range: .symmetric))
        } else {
            images.append(.input(path.vertices.last!, normalization))
        }
        try PNG.write(PNG.upscale(PNG.grid(images: images, columns: images.count), factor: max(1, 112 / shape[1])), to: dir.url("strip.png"))
        if path.vertices.count > 2 { try concat(Array(path.vertices.dropFirst().dropLast()), axis: 0).writeNpy(dir.url("bends.npy").path) }
    }

    /// Redraws curve.svg from result.json.
    public static func figures(from dir: RunDirectory, title: String? = nil) throws {
        let r = try dir.readJSON(Result.self, "result.json")
        try plot(r, title: title ?? "Class \(r.config.classIndex): straight segment vs bypass").write(to: dir.url("curve.svg"))
    }
}

extension Chain {
    /// The console summary: the straight segment's barrier, the path's after the rounds, and the deviation.
    public static func summary(_ r: Result) -> String {
        String(format: "primary max %.4f (gap %.4f) -> path max %.4f (gap %.4f) after %d round(s); deviation %.4f, pixel %.4f",
               r.primaryMax, r.primaryGap, r.finalMax, r.finalGap, r.rounds.count, r.deviation?.deviationRatio ?? 0, r.deviation?.pixelDeviation ?? 0)
    }
}
