// The loss every path method evaluates: the segment sweep, the bypass and chain, the curves and the elastic band.
// Vrabel et al., "Input Space Mode Connectivity in Deep Neural Networks", ICLR 2025, Sec 3.1.
import Foundation
import IsthmusCore
import IsthmusNN

/// L_y(x) = CE(f(x), y), the cross-entropy of class y = `classIndex`: the loss whose landscape the paper studies.
///
/// One function of a batch [n, C, H, W] -> n losses, recorded on the tape (`perSample`), serves every use:
/// forward-only sweeps (`losses`), gradients of many inputs in one backward pass (`lossesAndGradients`), and
/// objectives that add terms to it on the tape (the bypass). Inputs of a batch do not interact (the model is in
/// eval mode). Every input passed through is counted, as a forward or a gradient (forward and backward) evaluation.
public final class ClassLoss {
    public let classIndex: Int
    /// Inputs per forward pass in `losses` (unless a call says otherwise).
    public let batch: Int
    /// Per-input losses of x for one class per input, on the tape.
    let evaluate: (Tensor, [Int]) -> Tensor
    /// Inputs passed forward only, and forward and backward, through this loss.
    public private(set) var forwardEvaluations = 0
    public private(set) var gradientEvaluations = 0

    init(classIndex: Int, batch: Int, evaluate: @escaping (Tensor, [Int]) -> Tensor) {
        self.classIndex = classIndex; self.batch = batch; self.evaluate = evaluate
    }

    /// CE(model(x), y): `crossEntropyPerSample` of the logits [n, K].
    public convenience init(model: Module, classIndex: Int, batch: Int = 64) {
        self.init(classIndex: classIndex, batch: batch) { x, ys in crossEntropyPerSample(logits: model(x), labels: ys) }
    }

    /// A potential given by its values (a batch [n, ...] -> n losses) and, for the same batch, its values and the
    /// gradients dL_k/dx_k stacked like the batch: analytic landscapes in place of a network. The class is a label
    /// only; the potential does not depend on it.
    public convenience init(classIndex: Int = 0, batch: Int = 64, values: @escaping (Tensor) -> [Float],
                            valuesAndGradients: @escaping (Tensor) -> ([Float], Tensor)) {
        self.init(classIndex: classIndex, batch: batch) { x, _ in
            let n = x.shape[0]
            guard x.isTracked else { return Tensor(shape: [n], scalars: values(x)) }
            let (v, g) = valuesAndGradients(x)
            return customOp(x, value: Tensor(shape: [n], scalars: v)) { dOut in
                let d = x.count / max(n, 1), out = Tensor(uninitialized: x.shape)
                let po = out.mutableData, pg = g.data
                for k in 0..<n {
                    let s = dOut[flat: k]
                    for i in 0..<d { po[k * d + i] = s * pg[k * d + i] }
                }
                return out
            }
        }
    }

    /// The same function for class y (counts start at 0).
    public func withClass(_ y: Int) -> ClassLoss { ClassLoss(classIndex: y, batch: batch, evaluate: evaluate) }

    /// Per-input losses of x [n, ...] as a tensor [n] on the tape, input k for class `classes[k]` (default: all
    /// `classIndex`), so that objectives can add terms before differentiating.
    public func perSample(_ x: Tensor, classes: [Int]? = nil) -> Tensor {
        let n = x.shape[0]
        if x.isTracked { gradientEvaluations += n } else { forwardEvaluations += n }
        return evaluate(x, classes ?? Array(repeating: classIndex, count: n))
    }

    /// Per-input losses of x [n, ...] without the tape, `batch` inputs at a time (default: `self.batch`; at least 1).
    public func losses(_ x: Tensor, batch: Int? = nil) -> [Float] {
        let batch = max(batch ?? self.batch, 1)
        return withoutGradients {
            var out: [Float] = []
            out.reserveCapacity(x.shape[0])
            var i = 0
            while i < x.shape[0] {
                let n = min(batch, x.shape[0] - i)
                out += perSample(n == x.shape[0] ? x : x.rows(i..<(i + n))).scalars
                i += n
            }
            return out
        }
    }

    /// The losses of x [n, ...] and their gradients dL_k/dx_k, stacked like x: one forward and one backward pass
    /// of sum_k L_y(x_k) over the whole batch.
    public func lossesAndGradients(_ x: Tensor) -> ([Float], Tensor) {
        var per: [Float] = []
        let (_, g) = valueWithGradient(wrt: [x]) { () -> Tensor in
            let l = perSample(x)
            per = l.scalars
            return l.sum()
        }
        return (per, g[0])
    }

    /// L_y and its gradient with respect to one input x [1, C, H, W].
    public func valueAndGradient(_ x: Tensor) -> (Float, Tensor) {
        let (v, g) = valueWithGradient(wrt: [x]) { perSample(x).mean() }
        return (v.scalar, g[0])
    }
}
