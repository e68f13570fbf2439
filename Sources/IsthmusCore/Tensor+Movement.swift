extension Tensor {
    /// A view with a new shape (one dimension may be -1). Free: shares storage.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var s = newShape
        if let i = s.firstIndex(of: -1) {
            let known = s.enumerated().filter { $0.offset != i }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            s[i] = count / known
        }
        precondition(s.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        if s == shape { return self }
        let old = shape
        return Tape.record(Tensor(shape: s, storage: storage), [self]) { g, _ in [g.reshaped(old)] }
    }

    /// [N, ...] -> [N, prod(...)].
    public func flattened(startAxis: Int = 1) -> Tensor {
        reshaped(Array(shape[..<startAxis]) + [shape[startAxis...].reduce(1, *)])
    }

    /// Dimensions reordered: result.shape[i] = shape[dims[i]].
    public func permuted(_ dims: [Int]) -> Tensor {
        precondition(dims.sorted() == Array(0..<rank), "bad permutation \(dims) for rank \(rank)")
        let newShape = dims.map { shape[$0] }
        var srcStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { srcStrides[i] = srcStrides[i + 1] * shape[i + 1] }
        let st = dims.map { srcStrides[$0] }
        let out = Tensor(uninitialized: newShape)
        let px = data, po = out.mutableData
        let inner = newShape.last ?? 1, si = st.last ?? 1
        forEachRow(newShape, st, st) { o, oa, _ in
            for j in 0..<inner { po[o + j] = px[oa + j * si] }
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, d) in dims.enumerated() { inverse[d] = i }
        return Tape.record(out, [self]) { g, _ in [g.permuted(inverse)] }
    }

    /// Matrix transpose of a rank-2 tensor.
    public func transposed() -> Tensor { permuted([1, 0]) }

    /// Elements [start, start + length) along `axis`.
    public func narrowed(axis: Int, start: Int, length: Int) -> Tensor {
        let (outer, n, inner) = split(axis)
        precondition(start >= 0 && length >= 0 && start + length <= n, "narrow [\(start), \(start + length)) of \(n)")
        var s = shape
        s[normalize(axis)] = length
        let out = Tensor(uninitialized: s)
        let px = data, po = out.mutableData
        for o in 0..<outer {
            (po + o * length * inner).update(from: px + (o * n + start) * inner, count: length * inner)
        }
        let shape = self.shape
        return Tape.record(out, [self]) { g, _ in
            let d = Tensor.zeros(shape)
            let pd = d.mutableData, pg = g.data
            for o in 0..<outer { (pd + (o * n + start) * inner).update(from: pg + o * length * inner, count: length * inner) }
            return [d]
        }
    }

    /// Batch rows `indices` (along axis 0), in that order; repeats allowed.
    public func gathered(rows indices: [Int]) -> Tensor {
        let rowSize = count / Swift.max(shape[0], 1), n = shape[0]
        precondition(indices.allSatisfy { $0 >= 0 && $0 < n }, "row index out of range 0..<\(n)")
        let out = Tensor(uninitialized: [indices.count] + shape.dropFirst())
        let px = data, po = out.mutableData
        for (i, r) in indices.enumerated() { (po + i * rowSize).update(from: px + r * rowSize, count: rowSize) }
        let shape = self.shape
        return Tape.record(out, [self]) { g, _ in
            let d = Tensor.zeros(shape)
            let pd = d.mutableData, pg = g.data
            for (i, r) in indices.enumerated() { for j in 0..<rowSize { pd[r * rowSize + j] += pg[i * rowSize + j] } }
            return [d]
        }
    }

    /// Rows [start, start + length) of axis 0 (a batch slice).
    public func rows(_ range: Range<Int>) -> Tensor { narrowed(axis: 0, start: range.lowerBound, length: range.count) }
}

/// Concatenation along `axis`; all other dimensions must agree.
public func concat(_ xs: [Tensor], axis: Int = 0) -> Tensor {
    precondition(!xs.isEmpty, "concat of nothing")
    let a = xs[0].normalize(axis)
    for x in xs {
        precondition(x.rank == xs[0].rank && (0..<x.rank).allSatisfy { $0 == a || x.shape[$0] == xs[0].shape[$0] },
                     "concat: shapes \(xs.map(\.shape)) differ off axis \(axis)")
    }
    var s = xs[0].shape
    s[a] = xs.map { $0.shape[a] }.reduce(0, +)
    let outer = s[..<a].reduce(1, *), inner = s[(a + 1)...].reduce(1, *), total = s[a]
    let out = Tensor(uninitialized: s)
    let po = out.mutableData
    var offset = 0
    for x in xs {
        let n = x.shape[a], px = x.data
        for o in 0..<outer { (po + (o * total + offset) * inner).update(from: px + o * n * inner, count: n * inner) }
        offset += n
    }
    let sizes = xs.map { $0.shape[a] }
    return Tape.record(out, xs) { g, needs in
        var start = 0
        return sizes.enumerated().map { i, n in
            defer { start += n }
            return needs[i] ? g.narrowed(axis: a, start: start, length: n) : nil
        }
    }
}

/// Stacks equally shaped tensors along a new leading axis.
public func stack(_ xs: [Tensor]) -> Tensor {
    concat(xs.map { $0.reshaped([1] + $0.shape) }, axis: 0)
}
