// Composites: built from primitives, so their gradients need no code of their own.

extension Tensor {
    /// log softmax along `axis`: x - m - log(sum(exp(x - m))), m = max(x) (stable for any magnitude).
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let m = max(axis: axis, keepDims: true).detached
        let shifted = self - m
        return shifted - shifted.exp().sum(axis: axis, keepDims: true).log()
    }

    /// softmax along `axis`; rows sum to 1.
    public func softmax(axis: Int = -1) -> Tensor { logSoftmax(axis: axis).exp() }
}

/// Cross-entropy of logits [N, K] against class indices, per sample: -log softmax(logits)[n, y_n], shape [N].
public func crossEntropyPerSample(logits: Tensor, labels: [Int]) -> Tensor {
    precondition(logits.rank == 2 && logits.shape[0] == labels.count, "crossEntropy: logits \(logits.shape), \(labels.count) labels")
    let K = logits.shape[1]
    for y in labels { precondition(y >= 0 && y < K, "class \(y) out of range 0..<\(K)") }
    // Gather the label entries rather than multiply by a one-hot: a row spanning more than Float.max has -inf
    // log-probabilities, and -inf * 0 would make the sample's loss NaN.
    let flat = logits.logSoftmax(axis: 1).reshaped([labels.count * K])
    return -flat.gathered(rows: labels.enumerated().map { $0.offset * K + $0.element })
}

/// Mean cross-entropy (PyTorch's `F.cross_entropy`, reduction 'mean').
public func crossEntropy(logits: Tensor, labels: [Int]) -> Tensor {
    crossEntropyPerSample(logits: logits, labels: labels).mean()
}

/// mean((a - b)^2) over all elements.
public func meanSquaredError(_ a: Tensor, _ b: Tensor) -> Tensor { (a - b).squared().mean() }

/// Anisotropic total variation of an image batch [..., H, W], unnormalized as in the paper's code:
/// sum |z[..., :, 1:] - z[..., :, :-1]| + sum |z[..., 1:, :] - z[..., :-1, :]|.
public func totalVariation(_ z: Tensor) -> Tensor {
    let r = z.rank, H = z.shape[r - 2], W = z.shape[r - 1]
    let dh = z.narrowed(axis: r - 1, start: 1, length: W - 1) - z.narrowed(axis: r - 1, start: 0, length: W - 1)
    let dv = z.narrowed(axis: r - 2, start: 1, length: H - 1) - z.narrowed(axis: r - 2, start: 0, length: H - 1)
    return dh.abs().sum() + dv.abs().sum()
}
