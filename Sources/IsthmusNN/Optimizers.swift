import Foundation
import IsthmusCore
import IsthmusKernels

/// A first-order optimizer over a fixed list of tensors (parameters or an input image), updated in place.
public protocol Optimizer: AnyObject {
    var tensors: [Tensor] { get }
    /// Applies one update with `gradients[i]` for `tensors[i]`.
    func step(_ gradients: [Tensor])
}

/// Adam exactly as `torch.optim.Adam` (amsgrad off): g += wd * p; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
/// p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
public final class Adam: Optimizer {
    public let tensors: [Tensor]
    public var lr: Float
    public let beta1: Float, beta2: Float, eps: Float, weightDecay: Float
    public private(set) var t = 0
    var m: [Tensor], v: [Tensor]

    public init(_ tensors: [Tensor], lr: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8,
                weightDecay: Float = 0) {
        self.tensors = tensors; self.lr = lr; self.beta1 = beta1; self.beta2 = beta2; self.eps = eps
        self.weightDecay = weightDecay
        m = tensors.map { Tensor.zeros($0.shape) }
        v = tensors.map { Tensor.zeros($0.shape) }
    }

    public func step(_ gradients: [Tensor]) {
        precondition(gradients.count == tensors.count, "Adam: \(gradients.count) gradients for \(tensors.count) tensors")
        t += 1
        // Scalars in double, as torch computes them in Python before the float32 tensor ops.
        let stepSize = Float(Double(lr) / (1 - pow(Double(beta1), Double(t))))
        let bc2Sqrt = Float((1 - pow(Double(beta2), Double(t))).squareRoot())
        for (k, p) in tensors.enumerated() {
            adamUpdate(p.mutableData, gradients[k].data, m[k].mutableData, v[k].mutableData, count: p.count,
                        beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay, stepSize: stepSize,
                        bc2Sqrt: bc2Sqrt)
        }
    }

    /// State for checkpoints: step count and moments.
    public var moments: (t: Int, m: [Tensor], v: [Tensor]) { (t, m, v) }
    public func restore(t: Int, m: [Tensor], v: [Tensor]) {
        self.t = t
        for (a, b) in zip(self.m, m) { a.assign(b) }
        for (a, b) in zip(self.v, v) { a.assign(b) }
    }
}

/// SGD with momentum as `torch.optim.SGD`: g += wd p; buf = g (first step) or mu buf + (1 - dampening) g;
/// g = g + mu buf (Nesterov) or buf; p -= lr g.
public final class SGD: Optimizer {
    public let tensors: [Tensor]
    public var lr: Float
    public let momentum: Float, dampening: Float, weightDecay: Float, nesterov: Bool
    var buffers: [Tensor]?

    public init(_ tensors: [Tensor], lr: Float, momentum: Float = 0, dampening: Float = 0, weightDecay: Float = 0,
                nesterov: Bool = false) {
        self.tensors = tensors; self.lr = lr; self.momentum = momentum; self.dampening = dampening
        self.weightDecay = weightDecay; self.nesterov = nesterov
    }

    public func step(_ gradients: [Tensor]) {
        let first = buffers == nil
        if momentum != 0 && first { buffers = tensors.map { Tensor.zeros($0.shape) } }
        for (k, p) in tensors.enumerated() {
            let pp = p.mutableData, pg = gradients[k].data
            let pb = buffers?[k].mutableData
            for i in 0..<p.count {
                var g = pg[i] + weightDecay * pp[i]
                if let pb {
                    pb[i] = first ? g : momentum * pb[i] + (1 - dampening) * g
                    g = nesterov ? g + momentum * pb[i] : pb[i]
                }
                pp[i] -= lr * g
            }
        }
    }
}
