import XCTest
import IsthmusCore
import IsthmusLandscape
@testable import IsthmusNN

/// A hand-built 2-D problem with a known barrier: class 0 has logit 4|x| + 4 relu(y + 0.3), class 1 the constant 2.
/// Class 0 wins near (+-1, 0); class 1 wins in a band around x = 0 for small y, so the straight segment
/// (-1,0) -> (1,0) crosses a barrier at x = 0, while a detour through y > 0.2 stays in class 0.
final class TwoDimensionalBarrier: Module {
    let w1 = Tensor(shape: [3, 2], scalars: [0, 0, 1, 0, -1, 0])
    let b1 = Tensor([1, 0, 0])
    let yGate = Tensor(shape: [1, 2], scalars: [0, 1])
    override func forward(_ x: Tensor) -> Tensor {
        let flat = x.reshaped([x.shape[0], 2])
        let h = linear(flat, weight: w1, bias: b1).relu()              // [1, relu(x), relu(-x)]
        let side = h.narrowed(axis: 1, start: 1, length: 2).sum(axis: 1, keepDims: true)   // |x|
        let y = (matmul(flat, yGate, transposeB: true) + 0.3).relu()    // relu(y + 0.3)
        let class0 = side * 4 + y * 4
        let class1 = Tensor.full([x.shape[0], 1], 2)
        return concat([class0, class1], axis: 1)
    }
}

/// A small random MLP on [1, 1, 4, 4] inputs with 3 classes.
enum MLPProbe {
    static func make() -> Module {
        var rng = SplitMix64(seed: 11)
        return MLP(inputs: 16, hidden: [12], classes: 3, using: &rng)
    }
}

func randomInput(seed: UInt64) -> Tensor {
    var rng = SplitMix64(seed: seed)
    return Tensor.normal([1, 1, 4, 4], using: &rng)
}

/// V(x, y) = (x^2 - 1)^2 + 2 (y - (1 - x^2)/2)^2: minima (+-1, 0), the valley y = (1 - x^2)/2 between them and its
/// saddle at (0, 1/2) with V = 1; the straight segment crosses x = 0 at V = 1.5.
enum DoubleWell {
    static func value(_ x: Double, _ y: Double) -> Double {
        let s = (1 - x * x) / 2
        return (x * x - 1) * (x * x - 1) + 2 * (y - s) * (y - s)
    }

    static func gradient(_ x: Double, _ y: Double) -> (Double, Double) {
        let r = y - (1 - x * x) / 2
        return (4 * x * (x * x - 1) + 4 * r * x, 4 * r)
    }

    static var loss: ClassLoss {
        ClassLoss(values: { pts in
            (0..<pts.shape[0]).map { Float(value(Double(pts[flat: 2 * $0]), Double(pts[flat: 2 * $0 + 1]))) }
        }, valuesAndGradients: { pts in
            let n = pts.shape[0], g = Tensor(uninitialized: pts.shape)
            var v: [Float] = []
            for k in 0..<n {
                let x = Double(pts[flat: 2 * k]), y = Double(pts[flat: 2 * k + 1])
                let (gx, gy) = gradient(x, y)
                g.mutableData[2 * k] = Float(gx); g.mutableData[2 * k + 1] = Float(gy)
                v.append(Float(value(x, y)))
            }
            return (v, g)
        })
    }
}

/// A linear model on 1x2x2 inputs (4 classes, 24 images) that gets every image right: image i of class k is 3 e_k plus noise.
func linearProblem() -> (Module, Dataset) {
    var rng = SplitMix64(seed: 9)
    let classes = 4, n = 24
    let x = Tensor.normal([n, 1, 2, 2], std: 0.2, using: &rng)
    let p = x.mutableData
    for i in 0..<n { p[i * 4 + i % classes] += 3 }
    let lin = Linear(4, classes, using: &rng)
    let w = lin.weight.mutableData
    for i in 0..<16 { w[i] = i / 4 == i % 4 ? 2 : 0 }
    let model = Sequential(Flatten(), lin)
    return (model, Dataset(name: "toy", images: x, labels: (0..<n).map { $0 % classes }, classes: classes,
                           normalization: Normalization(mean: [0], std: [1])))
}
