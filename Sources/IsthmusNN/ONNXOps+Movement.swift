import Foundation
import IsthmusCore
import IsthmusFormats

extension ONNXOps {
    /// Runs a data-movement op on its data inputs (indices `data`). Float inputs go through the tensor ops; integer
    /// inputs go through the same ops as tensors of their element indices, which are then looked up (exact while
    /// the total count stays below 2^24).
    static func movement(_ xs: [ONNXValue?], data: [Int], _ f: ([Tensor]) throws -> [Tensor]) throws -> [ONNXValue] {
        var vals = [ONNXValue]()
        for i in data {
            guard let v = input(xs, i) else { throw ONNXError("data input \(i) is missing") }
            vals.append(v)
        }
        var floats = [Tensor]()
        for v in vals { if case .float(let t) = v { floats.append(t) } }
        if floats.count == vals.count { return try f(floats).map { .float($0) } }
        guard floats.isEmpty else { throw ONNXError("inputs mix float and integer tensors") }
        var all = [Int64]()
        var iotas = [Tensor]()
        var bool = true
        for case .int(let a) in vals {
            iotas.append(Tensor(shape: a.shape, scalars: (0..<a.count).map { Float(all.count + $0) }))
            all += a.values
            bool = bool && a.isBool
        }
        guard all.count < 1 << 24 else { throw ONNXError("integer tensors of \(all.count) elements are too large to move") }
        return try f(iotas).map { t in .int(ONNXInts(shape: t.shape, values: t.scalars.map { all[Int($0)] }, isBool: bool)) }
    }

    /// Elements `indices` along axis `a` (a permutation to the front, a row gather, and back).
    static func take(_ x: Tensor, axis a: Int, _ indices: [Int]) -> Tensor {
        if a == 0 {
            return x.reshaped([x.shape[0], x.count / max(x.shape[0], 1)]).gathered(rows: indices)
                .reshaped([indices.count] + x.shape.dropFirst())
        }
        var perm = Array(0..<x.rank)
        perm.remove(at: a); perm.insert(a, at: 0)
        let front = x.permuted(perm)
        let g = take(front, axis: 0, indices)
        var inverse = [Int](repeating: 0, count: x.rank)
        for (i, d) in perm.enumerated() { inverse[d] = i }
        return g.permuted(inverse)
    }

    static func axesList(_ a: Attrs, _ xs: [ONNXValue?], attrUntil: Int, inputIndex: Int) throws -> [Int]? {
        if a.opset < attrUntil { return try a.ints("axes") }
        return try intsInput(xs, inputIndex, "axes")
    }

    static let movementOps: [String: Maker] = [
        "Identity": { a in
            try a.only([])
            return { xs in
                guard let x = input(xs, 0) else { throw ONNXError("Identity needs an input") }
                return [x]
            }
        },
        "Reshape": { a in
            try a.only(a.opset < 5 ? ["shape", "consumed_inputs"] : ["allowzero"])
            let allowZero = try a.int("allowzero", 0) != 0
            let attrShape = try a.ints("shape")
            return { xs in
                guard let spec = a.opset < 5 ? attrShape : try intsInput(xs, 1, "Reshape shape") else { throw ONNXError("Reshape needs a shape") }
                return try movement(xs, data: [0]) { t in
                    let x = t[0]
                    var s = spec
                    for i in s.indices where s[i] == 0 && !allowZero {
                        guard i < x.rank else { throw ONNXError("shape \(spec) copies axis \(i) of \(x.shape)") }
                        s[i] = x.shape[i]
                    }
                    let unknown = s.indices.filter { s[$0] == -1 }
                    guard unknown.count <= 1, s.allSatisfy({ $0 >= -1 }) else { throw ONNXError("invalid shape \(spec)") }
                    if let u = unknown.first {
                        let known = s.enumerated().filter { $0.offset != u }.map(\.element).reduce(1, *)
                        guard known > 0, x.count % known == 0 else { throw ONNXError("cannot reshape \(x.shape) to \(spec)") }
                        s[u] = x.count / known
                    }
                    guard s.reduce(1, *) == x.count else { throw ONNXError("cannot reshape \(x.shape) to \(spec)") }
                    return [x.reshaped(s)]
                }
            }
        },
        "Flatten": { a in
            try a.only(["axis"])
            let ax0 = try a.int("axis", 1)
            return { xs in
                try movement(xs, data: [0]) { t in
                    let x = t[0]
                    let ax = ax0 < 0 ? ax0 + x.rank : ax0
                    guard ax >= 0 && ax <= x.rank else { throw ONNXError("axis \(ax0) out of range for rank \(x.rank)") }
                    return [x.reshaped([x.shape[..<ax].reduce(1, *), x.shape[ax...].reduce(1, *)])]
                }
            }
        },
        "Squeeze": { a in
            try a.only(a.opset < 13 ? ["axes"] : [])
            return { xs in
                let axes = try axesList(a, xs, attrUntil: 13, inputIndex: 1)
                return try movement(xs, data: [0]) { t in
                    let x = t[0]
                    let drop = try axes.map { try $0.map { try axis($0, rank: x.rank) } } ?? x.shape.indices.filter { x.shape[$0] == 1 }
                    for d in drop where x.shape[d] != 1 { throw ONNXError("cannot squeeze axis \(d) of \(x.shape)") }
                    return [x.reshaped(x.shape.indices.filter { !drop.contains($0) }.map { x.shape[$0] })]
                }
            }
        },
        "Unsqueeze": { a in
            try a.only(a.opset < 13 ? ["axes"] : [])
            return { xs in
                guard let axes = try axesList(a, xs, attrUntil: 13, inputIndex: 1) else { throw ONNXError("Unsqueeze needs axes") }
                return try movement(xs, data: [0]) { t in
                    let x = t[0], r = x.rank + axes.count
                    let ins = try Set(axes.map { try axis($0, rank: r) })
                    guard ins.count == axes.count else { throw ONNXError("repeated axes \(axes)") }
                    var s = [Int](), k = 0
                    for i in 0..<r { if ins.contains(i) { s.append(1) } else { s.append(x.shape[k]); k += 1 } }
                    return [x.reshaped(s)]
                }
            }
        },
        "Transpose": { a in
            try a.only(["perm"])
            let perm = try a.ints("perm")
            return { xs in
                try movement(xs, data: [0]) { t in
                    let x = t[0]
                    let p = perm ?? Array((0..<x.rank).reversed())
                    guard p.sorted() == Array(0..<x.rank) else { throw ONNXError("perm \(p) is not a permutation of rank \(x.rank)") }
                    return [x.permuted(p)]
                }
            }
        },
        "Concat": { a in
            try a.only(["axis"])
            guard a.has("axis") else { throw a.fail("axis is required") }
            let ax0 = try a.int("axis", 0)
            return { xs in
                let present = xs.indices.filter { xs[$0] != nil }
                return try movement(xs, data: present) { ts in
                    let nonEmpty = ts.filter { $0.count > 0 || ts.count == 1 }
                    guard let f = nonEmpty.first ?? ts.first else { throw ONNXError("Concat of nothing") }
                    let ax = try axis(ax0, rank: f.rank)
                    for t in nonEmpty where t.rank != f.rank || (0..<f.rank).contains(where: { $0 != ax && t.shape[$0] != f.shape[$0] }) {
                        throw ONNXError("Concat shapes \(ts.map(\.shape)) differ off axis \(ax0)")
                    }
                    return [nonEmpty.count == 1 ? nonEmpty[0] : concat(nonEmpty, axis: ax)]
                }
            }
        },
        "Split": { a in
            try a.only(["axis", "split", "num_outputs"])
            let ax0 = try a.int("axis", 0), attrSplit = try a.ints("split"), num = try a.int("num_outputs", 0)
            let outs = a.node.outputs.count
            return { xs in
                let given = a.opset < 13 ? attrSplit : try intsInput(xs, 1, "split")
                return try movement(xs, data: [0]) { t in
                    let x = t[0]
                    let ax = try axis(ax0, rank: x.rank), n = x.shape[ax]
                    var sizes: [Int]
                    if let given {
                        sizes = given
                    } else {
                        let k = num > 0 ? num : outs
                        guard k > 0 else { throw ONNXError("Split into no outputs") }
                        let chunk = (n + k - 1) / k
                        if num == 0 && n % k != 0 { throw ONNXError("axis of \(n) does not split evenly into \(k)") }
                        sizes = (0..<k).map { max(0, min(chunk, n - $0 * chunk)) }
                    }
                    guard sizes.reduce(0, +) == n, sizes.allSatisfy({ $0 >= 0 }) else { throw ONNXError("split \(sizes) does not sum to \(n)") }
                    var start = 0
                    return sizes.map { len in defer { start += len }; return x.narrowed(axis: ax, start: start, length: len) }
                }
            }
        },
        "Slice": { a in
            try a.only(a.opset < 10 ? ["starts", "ends", "axes"] : [])
            let aStarts = try a.ints("starts"), aEnds = try a.ints("ends"), aAxes = try a.ints("axes")
            return { xs in
                func raw(_ i: Int) throws -> [Int64]? {
                    guard let v = input(xs, i) else { return nil }
                    guard case .int(let t) = v else { throw ONNXError("Slice parameters must be integer tensors") }
                    return t.values
                }
                let starts = a.opset < 10 ? aStarts.map { $0.map(Int64.init) } : try raw(1)
                let ends = a.opset < 10 ? aEnds.map { $0.map(Int64.init) } : try raw(2)
                let axes = a.opset < 10 ? aAxes.map { $0.map(Int64.init) } : try raw(3)
                let steps = a.opset < 10 ? nil : try raw(4)
                guard let starts, let ends, starts.count == ends.count else { throw ONNXError("Slice needs starts and ends of one length") }
                return try movement(xs, data: [0]) { t in
                    var x = t[0]
                    let ax = try (axes ?? (0..<Int64(starts.count)).map { $0 }).map { try axis(clampInt($0), rank: x.rank) }
                    guard ax.count == starts.count, (steps?.count ?? starts.count) == starts.count else { throw ONNXError("Slice parameter lengths differ") }
                    for (i, d) in ax.enumerated() {
                        let dim = x.shape[d], step = clampInt(steps?[i] ?? 1)
                        guard step != 0 else { throw ONNXError("Slice step 0") }
                        var s = clampInt(starts[i]), e = clampInt(ends[i])
                        if s < 0 { s += dim }
                        if e < 0 { e += dim }
                        if step > 0 {
                            s = min(max(s, 0), dim); e = min(max(e, 0), dim)
                            if step == 1 { x = x.narrowed(axis: d, start: s, length: max(0, e - s)); continue }
                        } else {
                            s = min(max(s, 0), dim - 1); e = min(max(e, -1), dim - 1)
                        }
                        x = take(x, axis: d, Array(stride(from: s, to: e, by: step)))
                    }
                    return [x]
                }
            }
        },
        "Gather": { a in
            try a.only(["axis"])
            let ax0 = try a.int("axis", 0)
            return { xs in
                guard case .int(let idx)? = input(xs, 1) else { throw ONNXError("Gather indices must be a constant integer tensor") }
                return try movement(xs, data: [0]) { t in
                    let x = t[0]
                    let ax = try axis(ax0, rank: x.rank), n = x.shape[ax]
                    let flat = try idx.values.map { v -> Int in
                        let i = Int(v) < 0 ? Int(v) + n : Int(v)
                        guard i >= 0 && i < n else { throw ONNXError("index \(v) out of range for axis of \(n)") }
                        return i
                    }
                    let g = take(x, axis: ax, flat)
                    return [g.reshaped(Array(x.shape[..<ax]) + idx.shape + Array(x.shape[(ax + 1)...]))]
                }
            }
        },
        "Expand": { a in
            try a.only([])
            return { xs in
                guard let shape = try intsInput(xs, 1, "Expand shape") else { throw ONNXError("Expand needs a shape") }
                return try movement(xs, data: [0]) { t in
                    let s = try checkBroadcast(t[0].shape, shape)
                    return [s == t[0].shape ? t[0] : t[0] + Tensor.zeros(s)]
                }
            }
        },
        "Tile": { a in
            try a.only([])
            return { xs in
                guard let reps = try intsInput(xs, 1, "Tile repeats") else { throw ONNXError("Tile needs repeats") }
                return try movement(xs, data: [0]) { t in
                    var x = t[0]
                    guard reps.count == x.rank, reps.allSatisfy({ $0 >= 0 }) else { throw ONNXError("repeats \(reps) for rank \(x.rank)") }
                    for (d, r) in reps.enumerated() where r != 1 {
                        x = r == 0 ? x.narrowed(axis: d, start: 0, length: 0) : concat(Array(repeating: x, count: r), axis: d)
                    }
                    return [x]
                }
            }
        },
        "Pad": { a in
            try a.only(a.opset < 11 ? ["pads", "mode", "value", "paddings"] : ["mode"])
            let mode = try a.string("mode", "constant")
            guard ["constant", "reflect", "edge", "wrap"].contains(mode) else { throw a.fail("mode '\(mode)' is not supported") }
            let aPads = try a.ints("pads") ?? a.ints("paddings"), aValue = try a.float("value", 0)
            return { xs in
                guard let pads = a.opset < 11 ? aPads : try intsInput(xs, 1, "pads") else { throw ONNXError("Pad needs pads") }
                let axes = a.opset < 18 ? nil : try intsInput(xs, 3, "axes")
                var data = [0]
                var value: ONNXValue = .float(Tensor(scalar: aValue))
                if a.opset >= 11, let v = input(xs, 2) {
                    guard v.shape.reduce(1, *) == 1 else { throw ONNXError("constant_value must be a scalar") }
                    value = v
                }
                if case .int = input(xs, 0)! {
                    if case .float(let f) = value { value = .int(ONNXInts(shape: [], values: [Int64(f.scalar)])) }
                }
                var ys = xs
                ys.append(value)
                data.append(ys.count - 1)
                return try movement(ys, data: data) { t in
                    var x = t[0]
                    let ax = try (axes ?? Array(0..<x.rank)).map { try axis($0, rank: x.rank) }
                    guard pads.count == 2 * ax.count else { throw ONNXError("pads has \(pads.count) values for \(ax.count) axes") }
                    for (i, d) in ax.enumerated() {
                        let (b, e) = (pads[i], pads[ax.count + i]), n = x.shape[d]
                        if mode == "constant" || (b <= 0 && e <= 0) {
                            guard n + b + e >= 0 else { throw ONNXError("pads \(pads) crop more than the input") }
                            x = padAxis(x, axis: d, before: b, after: e, value: t[1])
                            continue
                        }
                        guard n > 0, b >= 0, e >= 0 else { throw ONNXError("negative pads with mode \(mode) are not supported") }
                        if mode == "reflect" && (b >= n || e >= n) { throw ONNXError("reflect pads must be smaller than the axis") }
                        let idx = (-b..<(n + e)).map { j -> Int in
                            switch mode {
                            case "edge": return min(max(j, 0), n - 1)
                            case "wrap": return ((j % n) + n) % n
                            default: return j < 0 ? -j : (j >= n ? 2 * (n - 1) - j : j)
                            }
                        }
                        x = take(x, axis: d, idx)
                    }
                    return [x]
                }
            }
        },
    ]
}
