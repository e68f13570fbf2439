import Foundation
import IsthmusCore
import IsthmusKernels
import IsthmusFormats

extension ONNXOps {
    static func reduceOp(_ kind: String, axesInputFrom: Int) -> Maker {
        return { a in
            try a.only(a.opset < axesInputFrom ? ["axes", "keepdims"] : ["keepdims", "noop_with_empty_axes"])
            let keep = try a.int("keepdims", 1) != 0, noop = try a.int("noop_with_empty_axes", 0) != 0
            return { xs in
                var x = try floatInput(xs, 0)
                let given = try axesList(a, xs, attrUntil: axesInputFrom, inputIndex: 1)
                if (given ?? []).isEmpty && noop { return [.float(x)] }
                let axes = try Set((given ?? []).isEmpty ? Array(0..<x.rank) : given!.map { try axis($0, rank: x.rank) }).sorted()
                let out = x.shape.indices.filter { !axes.contains($0) || keep }.map { axes.contains($0) ? 1 : x.shape[$0] }
                switch kind {
                case "mean": x = x.mean(axes: axes, keepDims: true)
                case "sum": x = x.sum(axes: axes, keepDims: true)
                default: for d in axes { x = x.max(axis: d, keepDims: true) }
                }
                return [.float(x.reshaped(out))]
            }
        }
    }

    /// The value of a tensor attribute or Constant: float tensors as `Tensor`, integers and bools as `ONNXInts`.
    static func constantValue(_ a: Attrs) throws -> ONNXValue {
        guard let attr = a.node.attributes.first else { throw a.fail("Constant needs a value") }
        switch attr.name {
        case "value":
            guard let t = attr.t else { throw a.fail("value must be a tensor") }
            return try ONNXModel.value(of: t, label: "Constant")
        case "value_float": return .float(Tensor(scalar: attr.f))
        case "value_floats": return .float(Tensor(attr.floats))
        case "value_int": return .int(ONNXInts(shape: [], values: [attr.i]))
        case "value_ints": return .int(ONNXInts(attr.ints))
        default: throw a.fail("attribute '\(attr.name)' is not supported")
        }
    }

    static let shapeOps: [String: Maker] = [
        "ReduceMean": reduceOp("mean", axesInputFrom: 18),
        "ReduceSum": reduceOp("sum", axesInputFrom: 13),
        "ReduceMax": reduceOp("max", axesInputFrom: 18),
        "Constant": { a in
            guard a.node.attributes.count == 1 else { throw a.fail("Constant needs exactly one value attribute") }
            let v = try constantValue(a)
            return { _ in [v] }
        },
        "Shape": { a in
            try a.only(["start", "end"])
            let start = try a.int("start", 0), end = a.has("end") ? try a.int("end", 0) : nil
            return { xs in
                guard let x = input(xs, 0) else { throw ONNXError("Shape needs an input") }
                let s = x.shape, r = s.count
                func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + r : v, 0), r) }
                let lo = clamp(start), hi = clamp(end ?? r)
                return [.int(ONNXInts(lo < hi ? s[lo..<hi].map(Int64.init) : []))]
            }
        },
        "Size": { a in
            try a.only([])
            return { xs in
                guard let x = input(xs, 0) else { throw ONNXError("Size needs an input") }
                return [.int(ONNXInts(shape: [], values: [Int64(x.shape.reduce(1, *))]))]
            }
        },
        "ConstantOfShape": { a in
            try a.only(["value"])
            var fill: ONNXValue = .float(Tensor(scalar: 0))
            if let t = a.node.attribute("value")?.t {
                fill = try ONNXModel.value(of: t, label: "ConstantOfShape value")
                guard fill.shape.reduce(1, *) == 1 else { throw a.fail("value must hold one element") }
            }
            return { xs in
                guard let s = try intsInput(xs, 0, "ConstantOfShape shape"), s.allSatisfy({ $0 >= 0 }) else {
                    throw ONNXError("ConstantOfShape needs a non-negative shape")
                }
                var n = 1
                for d in s {
                    let (p, o) = n.multipliedReportingOverflow(by: d)
                    guard !o, p <= 1 << 31 else { throw ONNXError("ConstantOfShape \(s) is too large") }
                    n = p
                }
                switch fill {
                case .float(let t): return [.float(Tensor.full(s, t.scalar))]
                case .int(let v): return [.int(ONNXInts(shape: s, values: [Int64](repeating: v.values[0], count: n), isBool: v.isBool))]
                }
            }
        },
        "Range": { a in
            try a.only([])
            return { xs in
                guard let s = input(xs, 0), let l = input(xs, 1), let d = input(xs, 2) else { throw ONNXError("Range needs start, limit, delta") }
                switch (s, l, d) {
                case (.int(let p), .int(let q), .int(let r)):
                    guard p.count == 1, q.count == 1, r.count == 1, r.values[0] != 0 else { throw ONNXError("Range needs scalar start, limit and a non-zero delta") }
                    let (x0, x1, dx) = (p.values[0], q.values[0], r.values[0])
                    let n = max(0, Int(((Double(x1) - Double(x0)) / Double(dx)).rounded(.up)))
                    guard n <= 1 << 24 else { throw ONNXError("Range of \(n) elements is too large") }
                    return [.int(ONNXInts((0..<n).map { x0 + Int64($0) * dx }))]
                case (.float(let p), .float(let q), .float(let r)):
                    guard p.count == 1, q.count == 1, r.count == 1, r.scalar != 0 else { throw ONNXError("Range needs scalar start, limit and a non-zero delta") }
                    let n = max(0, Int(((q.scalar - p.scalar) / r.scalar).rounded(.up)))
                    guard n <= 1 << 24 else { throw ONNXError("Range of \(n) elements is too large") }
                    return [.float(Tensor((0..<n).map { p.scalar + Float($0) * r.scalar }))]
                default: throw ONNXError("Range inputs must share one type")
                }
            }
        },
        "Cast": { a in
            try a.only(["to", "saturate"])
            let to = try a.int("to", 0)
            guard let type = ONNXDataType(rawValue: to), type != .string, type != .complex64, type != .complex128 else {
                throw a.fail("cast to \(ONNXDataType.name(to)) is not supported")
            }
            return { xs in
                guard let x = input(xs, 0) else { throw ONNXError("Cast needs an input") }
                switch (x, type.isFloatingPoint) {
                case (.float(let t), true):
                    // Computation stays in float32; a cast to float16 / bfloat16 rounds (gradient passes unchanged).
                    switch type {
                    case .float16: return [.float(t.unary({ Float(Float16($0)) }, derivative: { _, _ in 1 }))]
                    case .bfloat16:
                        return [.float(t.unary({ Float(bitPattern: ($0.bitPattern &+ 0x7fff &+ (($0.bitPattern >> 16) & 1)) & 0xffff0000) },
                                               derivative: { _, _ in 1 }))]
                    default: return [x]
                    }
                case (.float(let t), false):
                    let v = try t.scalars.map { f -> Int64 in
                        if type == .bool { return f != 0 ? 1 : 0 }
                        guard f.isFinite, let i = Int64(exactly: f.rounded(.towardZero)) else { throw ONNXError("cannot cast \(f) to \(type.name)") }
                        return i
                    }
                    return [.int(ONNXInts(shape: t.shape, values: v, isBool: type == .bool))]
                case (.int(let v), true):
                    return [.float(Tensor(shape: v.shape, scalars: v.values.map { Float($0) }))]
                case (.int(let v), false):
                    let w: [Int64] = v.values.map { x in
                        switch type {
                        case .bool: return x != 0 ? 1 : 0
                        case .int32: return Int64(Int32(truncatingIfNeeded: x))
                        case .int16: return Int64(Int16(truncatingIfNeeded: x))
                        case .int8: return Int64(Int8(truncatingIfNeeded: x))
                        case .uint8: return Int64(UInt8(truncatingIfNeeded: x))
                        case .uint16: return Int64(UInt16(truncatingIfNeeded: x))
                        case .uint32: return Int64(UInt32(truncatingIfNeeded: x))
                        default: return x
                        }
                    }
                    return [.int(ONNXInts(shape: v.shape, values: w, isBool: type == .bool))]
                }
            }
        },
    ]
}

/// Load-time rewrites that keep values (to rounding) and gradients with respect to the input: Conv followed by an
/// inference BatchNormalization whose parameters are constants becomes one Conv with the BatchNorm folded into its
/// weights (computed in Double, as `ConvBNFold`); a Relu, Clip(0, 6) or HardSwish that alone reads the result runs
/// inside the convolution as a oneDNN post-op (HardSwish only when no gradient is recorded, see `conv2d`); and such
/// convolutions in a row, each reading only the one before (a ResNet block's pair, an inverted bottleneck's expand,
/// depthwise and project convolutions), run as one `conv2dChain`, their intermediates kept in oneDNN's blocked layout.
enum ONNXFusion {
    /// A convolution with constant weights and its fused BatchNorm and activation.
    struct Conv {
        let input: String, output: String, name: String
        let weight: Tensor, bias: Tensor?, spec: ConvSpec, activation: ConvActivation
        let source: ONNXNodeProto

        var chainable: Bool {
            weight.rank == 4 && spec.autoPad == "NOTSET" && (spec.dilations ?? [1, 1]).allSatisfy { $0 == 1 }
                && (spec.pads?.count ?? 4) == 4 && (spec.strides?.count ?? 2) == 2
        }
        var padding: Padding2D {
            let p = spec.pads ?? [0, 0, 0, 0]
            return Padding2D(top: p[0], bottom: p[2], left: p[1], right: p[3])
        }
        var stride: (Int, Int) { let s = spec.strides ?? [1, 1]; return (s[0], s[1]) }

        var compiled: CompiledNode {
            let c = self
            return CompiledNode(node: node([c]), run: { xs in
                [.float(try onnxConv(try floatInput(xs, 0), c.weight, c.bias, c.spec, activation: c.activation))]
            })
        }
    }

    static func node(_ convs: [Conv]) -> ONNXNodeProto {
        var n = ONNXNodeProto(opType: "Conv", inputs: [convs[0].input], outputs: [convs.last!.output],
                              name: convs.map(\.name).filter { !$0.isEmpty }.joined(separator: "+"), attributes: convs[0].source.attributes)
        n.domain = convs[0].source.domain
        return n
    }

    enum Item { case plain(CompiledNode), conv(Conv) }

    /// `keep`: tensors read from outside the nodes (the logits), never fused away.
    static func fuse(_ nodes: [CompiledNode], constants: [String: ONNXValue], keep: Set<String>) -> [CompiledNode] {
        var readers = [String: Int]()
        for k in keep { readers[k] = 1 }
        for n in nodes { for i in n.node.inputs where !i.isEmpty { readers[i, default: 0] += 1 } }
        func constTensor(_ name: String) -> Tensor? {
            if case .float(let t)? = constants[name] { return t }
            return nil
        }
        func single(_ name: String) -> Bool { readers[name] == 1 }
        var items = [Item]()
        var i = 0
        while i < nodes.count {
            let n = nodes[i].node
            guard n.opType == "Conv", n.inputs.count >= 2, let w = constTensor(n.inputs[1]), w.rank == 4,
                  let spec0 = try? ConvSpec(Attrs(node: n, opset: 13)) else {
                items.append(.plain(nodes[i])); i += 1; continue
            }
            var spec = spec0
            var input = n.inputs[0]
            // A zero Pad of the spatial axes just before (EfficientNet's static "same" padding) joins the conv's pads.
            if case .plain(let p)? = items.last, p.node.opType == "Pad", p.node.outputs.first == input, single(input),
               let pads = zeroSpatialPads(p.node, constants), spec.autoPad == "NOTSET" {
                let own = spec.pads ?? [0, 0, 0, 0]
                spec.pads = (0..<4).map { own[$0] + pads[$0] }
                input = p.node.inputs[0]
                items.removeLast()
            }
            var weight = w
            let hasBias = n.inputs.count > 2 && !n.inputs[2].isEmpty
            var bias: Tensor? = hasBias ? constTensor(n.inputs[2]) : nil
            if hasBias && bias == nil { items.append(.plain(nodes[i])); i += 1; continue }
            var last = n.outputs[0]
            var j = i + 1
            var names = [n.name]
            if j < nodes.count, nodes[j].node.opType == "BatchNormalization", nodes[j].node.inputs.first == last, single(last),
               nodes[j].node.outputs.dropFirst().allSatisfy(\.isEmpty), let bn = fold(nodes[j].node, weight, bias, constants) {
                (weight, bias) = bn
                last = nodes[j].node.outputs[0]
                names.append(nodes[j].node.name)
                j += 1
            }
            var activation = ConvActivation.none
            if j < nodes.count, nodes[j].node.inputs.first == last, single(last) {
                let m = nodes[j].node
                if m.opType == "Relu" { activation = .relu }
                if m.opType == "HardSwish", m.attributes.isEmpty { activation = .hardSwish }
                if m.opType == "Clip" {
                    let lo = m.attribute("min")?.f ?? clipBound(m, 1, constants)
                    let hi = m.attribute("max")?.f ?? clipBound(m, 2, constants)
                    if lo == 0 && hi == 6 { activation = .relu6 }
                }
                if activation != .none { last = m.outputs[0]; names.append(m.name); j += 1 }
            }
            items.append(.conv(Conv(input: input, output: last, name: names.filter { !$0.isEmpty }.joined(separator: "+"),
                                    weight: weight, bias: bias, spec: spec, activation: activation, source: n)))
            i = j
        }
        var out = [CompiledNode]()
        var k = 0
        while k < items.count {
            guard case .conv(let a) = items[k] else {
                if case .plain(let p) = items[k] { out.append(p) }
                k += 1; continue
            }
            var run = [a]
            while a.chainable, k + run.count < items.count, case .conv(let b) = items[k + run.count],
                  b.input == run.last!.output, single(run.last!.output), b.chainable {
                run.append(b)
            }
            if run.count >= 2 {
                let convs = run
                out.append(CompiledNode(node: node(convs), run: { xs in
                    let x = try floatInput(xs, 0)
                    guard x.rank == 4, chainFits(convs, x.shape) else {
                        return [.float(try convs.reduce(x) { h, c in try onnxConv(h, c.weight, c.bias, c.spec, activation: c.activation) })]
                    }
                    return [.float(conv2dChain(x, convs.map {
                        ChainedConv($0.weight, $0.bias, stride: $0.stride, padding: $0.padding, groups: $0.spec.group,
                                    activation: $0.activation)
                    }))]
                }))
                k += run.count
                continue
            }
            out.append(a.compiled)
            k += 1
        }
        return out
    }
    /// Whether the chained convolutions fit an input of `shape` [N, C, H, W] one after the other: channels match
    /// their groups and weights, and every padded input covers its kernel.
    static func chainFits(_ convs: [Conv], _ shape: [Int]) -> Bool {
        var (c, h, w) = (shape[1], shape[2], shape[3])
        for v in convs {
            let g = v.spec.group, k = v.weight.shape[0], p = v.padding, (sh, sw) = v.stride
            let hp = h + p.top + p.bottom, wp = w + p.left + p.right
            guard c == v.weight.shape[1] * g, k % g == 0, hp >= v.weight.shape[2], wp >= v.weight.shape[3] else { return false }
            (c, h, w) = (k, (hp - v.weight.shape[2]) / sh + 1, (wp - v.weight.shape[3]) / sw + 1)
        }
        return true
    }

    /// ONNX pads [top, left, bottom, right] of a constant-zero Pad of a 4-D tensor's spatial axes, else nil.
    static func zeroSpatialPads(_ n: ONNXNodeProto, _ constants: [String: ONNXValue]) -> [Int]? {
        if let mode = n.attribute("mode"), mode.string != "constant" { return nil }
        var pads: [Int64]
        if let a = n.attribute("pads") {
            pads = a.ints
            if let v = n.attribute("value"), v.f != 0 { return nil }
        } else {
            guard n.inputs.count >= 2, case .int(let p)? = constants[n.inputs[1]] else { return nil }
            pads = p.values
            if n.inputs.count >= 3, !n.inputs[2].isEmpty {
                guard case .float(let v)? = constants[n.inputs[2]], v.count == 1, v.scalar == 0 else { return nil }
            }
            if n.inputs.count >= 4, !n.inputs[3].isEmpty { return nil }
        }
        guard pads.count == 8, pads[0] == 0, pads[1] == 0, pads[4] == 0, pads[5] == 0, pads.allSatisfy({ $0 >= 0 && $0 < 1 << 20 }) else {
            return nil
        }
        return [Int(pads[2]), Int(pads[3]), Int(pads[6]), Int(pads[7])]
    }

    static func clipBound(_ n: ONNXNodeProto, _ i: Int, _ constants: [String: ONNXValue]) -> Float? {
        guard i < n.inputs.count, case .float(let t)? = constants[n.inputs[i]], t.count == 1 else { return nil }
        return t.scalar
    }

    /// W' = W a, b' = (b - mean) a + beta with a = gamma / sqrt(var + eps), per output channel.
    static func fold(_ bn: ONNXNodeProto, _ w: Tensor, _ b: Tensor?, _ constants: [String: ONNXValue]) -> (Tensor, Tensor)? {
        guard bn.inputs.count == 5 else { return nil }
        var p = [Tensor]()
        for name in bn.inputs[1...] {
            guard case .float(let t)? = constants[name], t.count == w.shape[0] else { return nil }
            p.append(t)
        }
        if bn.attributes.contains(where: { ($0.name == "training_mode" && $0.i != 0) || ($0.name == "spatial" && $0.i != 1) }) { return nil }
        let eps = Double(bn.attribute("epsilon")?.f ?? 1e-5)
        let K = w.shape[0], per = w.count / K
        let nw = Tensor(uninitialized: w.shape), nb = Tensor(uninitialized: [K])
        let pw = nw.mutableData, pb = nb.mutableData, src = w.data
        for k in 0..<K {
            let a = Double(p[0][flat: k]) / (Double(p[3][flat: k]) + eps).squareRoot()
            for i in (k * per)..<((k + 1) * per) { pw[i] = Float(Double(src[i]) * a) }
            pb[k] = Float((Double(b?[flat: k] ?? 0) - Double(p[2][flat: k])) * a + Double(p[1][flat: k]))
        }
        return (nw, nb)
    }
}
