// Saliency: the gradient of the class loss with respect to the input, and its heat map.
import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

public enum Saliency {
    public struct Result: Codable, Equatable {
        /// CE(f(x), y) and the logits f(x).
        public var loss: Float
        public var logits: [Float]
        /// ||d CE / d x||_2.
        public var gradientNorm: Float
    }

    /// d CE(f(x), y) / d x for an input x of shape [1, C, H, W] (same shape), with the loss and logits.
    public static func run(model: Module, input x: Tensor, classIndex y: Int) -> (result: Result, gradient: Tensor) {
        var logits: Tensor!
        let (loss, g) = valueWithGradient(wrt: [x]) {
            logits = model(x)
            return crossEntropy(logits: logits, labels: [y])
        }
        return (Result(loss: loss.scalar, logits: logits.scalars, gradientNorm: Float(Euclidean.norm(g[0]))), g[0])
    }

    /// The heat map max_c |gradient[c, h, w]| of a [1, C, H, W] gradient, row-major H x W.
    public static func heat(_ gradient: Tensor) -> (values: [Float], height: Int, width: Int) {
        let (C, H, W) = (gradient.shape[1], gradient.shape[2], gradient.shape[3])
        var heat = [Float](repeating: 0, count: H * W)
        for c in 0..<C { for i in 0..<(H * W) { heat[i] = max(heat[i], abs(gradient[flat: c * H * W + i])) } }
        return (heat, H, W)
    }

    /// gradient.npy (in `shape`, the input file's), result.json and saliency.png (the heat map, upscaled to about 224).
    public static func write(_ r: Result, gradient: Tensor, shape: [Int], to dir: RunDirectory) throws {
        try gradient.reshaped(shape).writeNpy(dir.url("gradient.npy").path)
        try dir.writeJSON(r, "result.json")
        let h = heat(gradient)
        try PNG.write(PNG.upscale(PNG.colorize(h.values, height: h.height, width: h.width), factor: max(1, 224 / h.height)), to: dir.url("saliency.png"))
    }
}
