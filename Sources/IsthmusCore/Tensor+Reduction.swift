extension Tensor {
    /// Sum of all elements, shape [].
    public func sum() -> Tensor {
        var acc = 0.0
        let p = data
        for i in 0..<count { acc += Double(p[i]) }
        let shape = self.shape
        return Tape.record(Tensor(shape: [], scalars: [Float(acc)]), [self]) { g, _ in [Tensor.full(shape, g.scalar)] }
    }

    public func mean() -> Tensor { sum() * (1 / Float(Swift.max(count, 1))) }

    /// Splits `shape` around `axis` into (outer, n, inner).
    func split(_ axis: Int) -> (Int, Int, Int) {
        let a = normalize(axis)
        return (shape[..<a].reduce(1, *), shape[a], shape[(a + 1)...].reduce(1, *))
    }

    func reducedShape(_ axis: Int, keepDims: Bool) -> [Int] {
        var s = shape
        let a = normalize(axis)
        if keepDims { s[a] = 1 } else { s.remove(at: a) }
        return s
    }

    /// Sum along `axis`.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor {
        let (outer, n, inner) = split(axis)
        let out = Tensor.zeros(reducedShape(axis, keepDims: keepDims))
        let px = data, po = out.mutableData
        for o in 0..<outer {
            for k in 0..<n {
                let src = px + (o * n + k) * inner, dst = po + o * inner
                for i in 0..<inner { dst[i] += src[i] }
            }
        }
        let shape = self.shape, kept = reducedShape(axis, keepDims: true)
        return Tape.record(out, [self]) { g, _ in [g.reshaped(kept).expanded(to: shape)] }
    }

    /// Sum over several axes.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let sorted = axes.map(normalize).sorted(by: >)
        var t = self
        for a in sorted { t = t.sum(axis: a, keepDims: true) }
        if keepDims { return t }
        var s = shape
        for a in sorted { s.remove(at: a) }
        return t.reshaped(s)
    }

    public func mean(axis: Int, keepDims: Bool = false) -> Tensor {
        sum(axis: axis, keepDims: keepDims) * (1 / Float(shape[normalize(axis)]))
    }

    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let n = axes.map { shape[normalize($0)] }.reduce(1, *)
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(n))
    }

    /// Maximum along `axis`; the gradient flows to the first maximal element (as torch.max(dim)).
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        let (outer, n, inner) = split(axis)
        let out = Tensor(uninitialized: reducedShape(axis, keepDims: keepDims))
        var arg = [Int32](repeating: 0, count: outer * inner)
        let px = data, po = out.mutableData
        for o in 0..<outer {
            for i in 0..<inner {
                var best = px[o * n * inner + i], at = 0
                for k in 1..<Swift.max(n, 1) {
                    let v = px[(o * n + k) * inner + i]
                    if v > best || (v.isNaN && !best.isNaN) { best = v; at = k }
                }
                po[o * inner + i] = best
                arg[o * inner + i] = Int32(at)
            }
        }
        let shape = self.shape
        return Tape.record(out, [self]) { g, _ in
            let d = Tensor.zeros(shape)
            let pd = d.mutableData, pg = g.data
            for o in 0..<outer { for i in 0..<inner { pd[(o * n + Int(arg[o * inner + i])) * inner + i] = pg[o * inner + i] } }
            return [d]
        }
    }

    /// Maximum of all elements (no gradient needed by callers; recorded anyway through `max(axis:)`).
    public func max() -> Tensor { reshaped([count]).max(axis: 0) }

    /// Index of the first maximum along `axis` (no gradient).
    public func argmax(axis: Int) -> [Int] {
        let (outer, n, inner) = split(axis)
        var out = [Int](repeating: 0, count: outer * inner)
        let px = data
        for o in 0..<outer {
            for i in 0..<inner {
                var best = px[o * n * inner + i], at = 0
                for k in 1..<Swift.max(n, 1) where px[(o * n + k) * inner + i] > best { best = px[(o * n + k) * inner + i]; at = k }
                out[o * inner + i] = at
            }
        }
        return out
    }
}
