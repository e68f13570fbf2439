import Foundation
import IsthmusCore
import IsthmusFormats

/// The ONNX operators Isthmus runs (opsets 7-21 semantics), each compiled once per node: attributes are read and
/// checked at load, and the returned closure maps input values to output values through the tensor ops (so the
/// tape differentiates them). Integer inputs (shapes, axes, indices) must be constants, which they are after
/// folding. Anything outside what is implemented throws `ONNXError` naming the node.
public enum ONNXOps {
    typealias Run = ([ONNXValue?]) throws -> [ONNXValue]

    /// Ops whose result depends only on the shape of a computed input (folded even when the input is computed).
    static let shapeOnly: Set<String> = ["Shape", "Size", "Dropout"]

    /// Every supported op type.
    public static var supported: Set<String> { Set(table.keys) }

    /// Ops of `graph` (and their counts) that are not supported.
    public static func unsupported(in graph: ONNXGraphProto) -> [(op: String, count: Int)] {
        var counts = [String: Int]()
        for n in graph.nodes where !(n.domain.isEmpty || n.domain == "ai.onnx") || table[n.opType] == nil {
            counts[n.domain.isEmpty || n.domain == "ai.onnx" ? n.opType : n.domain + "." + n.opType, default: 0] += 1
        }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    static func compile(_ node: ONNXNodeProto, opset: Int) throws -> Run {
        guard let make = table[node.opType] else { throw ONNXError(node: node, "unsupported operator") }
        let a = Attrs(node: node, opset: opset)
        let run = try make(a)
        return { inputs in
            do { return try run(inputs) } catch let e as ONNXError {
                if e.description.hasPrefix("node ") { throw e }
                throw ONNXError(node: node, e.description)
            }
        }
    }

    typealias Maker = (Attrs) throws -> Run

    static let table: [String: Maker] = {
        var t = [String: Maker]()
        for (k, v) in unaryOps { t[k] = v }
        for (k, v) in binaryOps { t[k] = v }
        for (k, v) in nnOps { t[k] = v }
        for (k, v) in movementOps { t[k] = v }
        for (k, v) in shapeOps { t[k] = v }
        return t
    }()
}

// MARK: - Attributes and inputs

struct Attrs {
    let node: ONNXNodeProto
    let opset: Int

    func fail(_ why: String) -> ONNXError { ONNXError(node: node, why) }

    func has(_ name: String) -> Bool { node.attribute(name) != nil }

    func int(_ name: String, _ def: Int) throws -> Int {
        guard let a = node.attribute(name) else { return def }
        guard a.kind == .int, let v = Int(exactly: a.i) else { throw fail("attribute \(name) must be an int") }
        return v
    }
    func float(_ name: String, _ def: Float) throws -> Float {
        guard let a = node.attribute(name) else { return def }
        guard a.kind == .float else { throw fail("attribute \(name) must be a float") }
        return a.f
    }
    func ints(_ name: String) throws -> [Int]? {
        guard let a = node.attribute(name) else { return nil }
        guard a.kind == .ints else { throw fail("attribute \(name) must be a list of ints") }
        return try a.ints.map { guard let v = Int(exactly: $0) else { throw fail("attribute \(name) out of range") }; return v }
    }
    func floats(_ name: String) throws -> [Float]? {
        guard let a = node.attribute(name) else { return nil }
        guard a.kind == .floats else { throw fail("attribute \(name) must be a list of floats") }
        return a.floats
    }
    func string(_ name: String, _ def: String) throws -> String {
        guard let a = node.attribute(name) else { return def }
        guard a.kind == .string else { throw fail("attribute \(name) must be a string") }
        return a.string
    }
    /// Refuses attributes the implementation does not read.
    func only(_ names: [String]) throws {
        for a in node.attributes where !names.contains(a.name) { throw fail("attribute '\(a.name)' is not supported") }
    }
    /// Refuses optional outputs the implementation does not compute.
    func outputs(_ n: Int) throws {
        if node.outputs.count > n && node.outputs[n...].contains(where: { !$0.isEmpty }) {
            throw fail("only the first \(n) output(s) are supported")
        }
    }
}

func input(_ xs: [ONNXValue?], _ i: Int) -> ONNXValue? { i < xs.count ? xs[i] : nil }

func floatInput(_ xs: [ONNXValue?], _ i: Int, _ what: String = "input") throws -> Tensor {
    guard let v = input(xs, i) else { throw ONNXError("\(what) \(i) is missing") }
    guard case .float(let t) = v else { throw ONNXError("\(what) \(i) must be a float tensor") }
    return t
}

func intsInput(_ xs: [ONNXValue?], _ i: Int, _ what: String) throws -> [Int]? {
    guard let v = input(xs, i) else { return nil }
    guard case .int(let a) = v else { throw ONNXError("\(what) must be an integer tensor") }
    return try a.values.map { guard let x = Int(exactly: $0) else { throw ONNXError("\(what) value \($0) out of range") }; return x }
}

/// Clamps the int64 range values ONNX uses for "to the end" (INT64_MAX) into Int.
func clampInt(_ v: Int64) -> Int { Int(max(min(v, Int64(Int.max / 4)), Int64(Int.min / 4))) }

func scalarFloat(_ v: ONNXValue?, _ what: String) throws -> Float? {
    guard let v else { return nil }
    switch v {
    case .float(let t):
        guard t.count == 1 else { throw ONNXError("\(what) must be a scalar") }
        return t.scalar
    case .int(let a):
        guard a.count == 1 else { throw ONNXError("\(what) must be a scalar") }
        return Float(a.values[0])
    }
}

func axis(_ a: Int, rank: Int, _ what: String = "axis") throws -> Int {
    let r = a < 0 ? a + rank : a
    guard r >= 0 && r < rank else { throw ONNXError("\(what) \(a) out of range for rank \(rank)") }
    return r
}

func checkBroadcast(_ a: [Int], _ b: [Int]) throws -> [Int] {
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
        let x = i < r - a.count ? 1 : a[i - (r - a.count)]
        let y = i < r - b.count ? 1 : b[i - (r - b.count)]
        guard x == y || x == 1 || y == 1 else { throw ONNXError("shapes \(a) and \(b) do not broadcast") }
        out[i] = x == 1 ? y : x
    }
    return out
}

func floatValue(_ t: Tensor) -> ONNXValue { .float(t) }

// MARK: - Element-wise

extension ONNXOps {
    static func unaryOp(_ f: @escaping (Tensor) -> Tensor) -> Maker {
        return { a in
            try a.only([])
            return { xs in [.float(f(try floatInput(xs, 0)))] }
        }
    }

    static let unaryOps: [String: Maker] = [
        "Relu": unaryOp { $0.relu() },
        "Sigmoid": unaryOp { $0.sigmoid() },
        "Tanh": unaryOp { $0.tanh() },
        "Exp": unaryOp { $0.exp() },
        "Log": unaryOp { $0.log() },
        "Sqrt": unaryOp { $0.sqrt() },
        "Neg": unaryOp { -$0 },
        "Abs": unaryOp { $0.abs() },
        "Reciprocal": unaryOp { $0.unary({ 1 / $0 }, derivative: { _, y in -y * y }) },
        "Erf": unaryOp { $0.unary({ Foundation.erf($0) }, derivative: { x, _ in 1.1283791670955126 * Foundation.exp(-x * x) }) },
        "Softplus": unaryOp { softplus($0) },
        "HardSwish": unaryOp { $0.hardSwish() },
        "LeakyRelu": { a in
            try a.only(["alpha"])
            let alpha = try a.float("alpha", 0.01)
            return { xs in [.float(try floatInput(xs, 0).unary({ $0 > 0 ? $0 : alpha * $0 }, derivative: { x, _ in x > 0 ? 1 : alpha }))] }
        },
        "Elu": { a in
            try a.only(["alpha"])
            let alpha = try a.float("alpha", 1)
            return { xs in [.float(elu(try floatInput(xs, 0), alpha: alpha, scale: 1))] }
        },
        "Selu": { a in
            try a.only(["alpha", "gamma"])
            let alpha = try a.float("alpha", 1.67326319217681884765625), gamma = try a.float("gamma", 1.05070102214813232421875)
            return { xs in [.float(elu(try floatInput(xs, 0), alpha: alpha, scale: gamma))] }
        },
        "HardSigmoid": { a in
            try a.only(["alpha", "beta"])
            let alpha = try a.float("alpha", 0.2), beta = try a.float("beta", 0.5)
            return { xs in
                [.float(try floatInput(xs, 0).unary({ min(max(alpha * $0 + beta, 0), 1) },
                                                    derivative: { x, _ in let v = alpha * x + beta; return v > 0 && v < 1 ? alpha : 0 }))]
            }
        },
        "Gelu": { a in
            try a.only(["approximate"])
            let approx = try a.string("approximate", "none")
            guard approx == "none" || approx == "tanh" else { throw a.fail("approximate '\(approx)' is not supported") }
            return { xs in
                let x = try floatInput(xs, 0)
                if approx == "none" { return [.float(x.gelu())] }
                return [.float(x.unary({ geluTanh($0).0 }, derivative: { x, _ in geluTanh(x).1 }))]
            }
        },
        "Clip": { a in
            try a.only(a.opset < 11 ? ["min", "max"] : [])
            let lo0 = try a.float("min", -Float.greatestFiniteMagnitude), hi0 = try a.float("max", Float.greatestFiniteMagnitude)
            return { xs in
                let x = try floatInput(xs, 0)
                let lo = try scalarFloat(input(xs, 1), "Clip min") ?? (a.opset < 11 ? lo0 : -Float.infinity)
                let hi = try scalarFloat(input(xs, 2), "Clip max") ?? (a.opset < 11 ? hi0 : Float.infinity)
                if lo == 0 && hi == 6 { return [.float(x.relu6())] }
                return [.float(x.clamped(lo, hi))]
            }
        },
        "PRelu": { a in
            try a.only([])
            return { xs in
                let x = try floatInput(xs, 0), slope = try floatInput(xs, 1)
                // ONNX broadcasts slope unidirectionally; a [C] slope on NCHW (old exports) means per channel.
                var s = slope
                if slope.rank == 1 && x.rank > 2 && slope.count == x.shape[1] && slope.count != x.shape.last! {
                    s = slope.reshaped([slope.count] + [Int](repeating: 1, count: x.rank - 2))
                }
                _ = try checkBroadcast(x.shape, s.shape)
                return [.float(x.relu() - s * (-x).relu())]
            }
        },
    ]

    static func elu(_ x: Tensor, alpha: Float, scale: Float) -> Tensor {
        x.unary({ $0 > 0 ? scale * $0 : scale * alpha * (Foundation.exp($0) - 1) },
                derivative: { x, y in x > 0 ? scale : y + scale * alpha })
    }

    static func softplus(_ x: Tensor) -> Tensor {
        x.unary({ $0 > 0 ? $0 + Foundation.log1p(Foundation.exp(-$0)) : Foundation.log1p(Foundation.exp($0)) },
                derivative: { x, _ in 1 / (1 + Foundation.exp(-x)) })
    }

    /// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) and its derivative.
    static func geluTanh(_ x: Float) -> (Float, Float) {
        let k: Float = 0.7978845608028654, u = k * (x + 0.044715 * x * x * x), t = Foundation.tanh(u)
        let du = k * (1 + 3 * 0.044715 * x * x)
        return (0.5 * x * (1 + t), 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)
    }
}

// MARK: - Binary (broadcasting) ops

extension ONNXOps {
    static func binary(_ name: String, float f: @escaping (Tensor, Tensor) throws -> Tensor,
                       int g: ((Int64, Int64) throws -> Int64)?) -> Maker {
        return { a in
            try a.only(a.opset < 7 ? ["broadcast", "axis"] : [])
            if a.opset < 7 && a.has("axis") { throw a.fail("legacy broadcast with axis is not supported") }
            return { xs in
                guard let x = input(xs, 0), let y = input(xs, 1) else { throw ONNXError("\(name) needs two inputs") }
                switch (x, y) {
                case (.float(let p), .float(let q)):
                    _ = try checkBroadcast(p.shape, q.shape)
                    return [.float(try f(p, q))]
                case (.int(let p), .int(let q)):
                    guard let g else { throw ONNXError("\(name) of integer tensors is not supported") }
                    return [.int(try intBinary(p, q, g))]
                default:
                    throw ONNXError("\(name) mixes float and integer inputs")
                }
            }
        }
    }

    /// A variadic broadcasting op folded left to right (Sum, Max, Min).
    static func variadic(_ name: String, _ f: @escaping (Tensor, Tensor) -> Tensor) -> Maker {
        return { a in
            try a.only([])
            return { xs in
                let ts = try xs.indices.map { try floatInput(xs, $0) }
                guard var y = ts.first else { throw ONNXError("\(name) of nothing") }
                for t in ts.dropFirst() {
                    _ = try checkBroadcast(y.shape, t.shape)
                    y = f(y, t)
                }
                return [.float(y)]
            }
        }
    }

    static func compare(_ f: @escaping (Double, Double) -> Bool) -> Maker {
        return { a in
            try a.only([])
            return { xs in
                guard let x = input(xs, 0), let y = input(xs, 1) else { throw ONNXError("comparison needs two inputs") }
                let (p, q) = (doubles(x), doubles(y))
                let out = try broadcastValues(p.shape, q.shape) { i, j in f(p.values[i], q.values[j]) ? 1 : 0 }
                return [.int(ONNXInts(shape: out.shape, values: out.values, isBool: true))]
            }
        }
    }

    static let binaryOps: [String: Maker] = [
        "Add": binary("Add", float: { $0 + $1 }, int: { $0 &+ $1 }),
        "Sub": binary("Sub", float: { $0 - $1 }, int: { $0 &- $1 }),
        "Mul": binary("Mul", float: { $0 * $1 }, int: { $0 &* $1 }),
        "Div": binary("Div", float: { $0 / $1 }, int: { x, y in
            guard y != 0 else { throw ONNXError("integer division by zero") }
            return x / y
        }),
        "Mod": { a in
            try a.only(["fmod"])
            let fmod = try a.int("fmod", 0)
            return { xs in
                guard case .int(let p)? = input(xs, 0), case .int(let q)? = input(xs, 1) else {
                    throw ONNXError("Mod is supported on integer constants only")
                }
                return [.int(try intBinary(p, q) { x, y in
                    guard y != 0 else { throw ONNXError("Mod by zero") }
                    let r = x % y
                    return fmod == 1 || r == 0 || (r < 0) == (y < 0) ? r : r + y
                })]
            }
        },
        "Pow": { a in
            try a.only([])
            return { xs in
                let x = try floatInput(xs, 0)
                guard let e = input(xs, 1) else { throw ONNXError("Pow needs an exponent") }
                let ev = doubles(e).values
                guard let p = ev.first, ev.allSatisfy({ $0 == p }) else {
                    throw ONNXError("Pow with a non-uniform exponent is not supported")
                }
                _ = try checkBroadcast(x.shape, e.shape)
                var y: Tensor
                if p == 2 { y = x.squared() } else if p == 1 { y = x } else { y = x.pow(Float(p)) }
                if y.shape != (try checkBroadcast(x.shape, e.shape)) { y = y + Tensor.zeros(try checkBroadcast(x.shape, e.shape)) }
                return [.float(y)]
            }
        },
        "Sum": variadic("Sum", +),
        "Max": variadic("Max", maximum),
        "Min": variadic("Min", minimum),
        "Equal": compare { $0 == $1 },
        "Less": compare { $0 < $1 },
        "Greater": compare { $0 > $1 },
        "LessOrEqual": compare { $0 <= $1 },
        "GreaterOrEqual": compare { $0 >= $1 },
        "Not": { a in
            try a.only([])
            return { xs in
                guard case .int(let p)? = input(xs, 0) else { throw ONNXError("Not needs a bool tensor") }
                return [.int(ONNXInts(shape: p.shape, values: p.values.map { $0 == 0 ? 1 : 0 }, isBool: true))]
            }
        },
        "Where": { a in
            try a.only([])
            return { xs in
                guard case .int(let c)? = input(xs, 0), let x = input(xs, 1), let y = input(xs, 2) else {
                    throw ONNXError("Where needs a constant condition and two values")
                }
                switch (x, y) {
                case (.int(let p), .int(let q)):
                    let s = try checkBroadcast(try checkBroadcast(c.shape, p.shape), q.shape)
                    let cb = broadcastTo(c, s), pb = broadcastTo(p, s), qb = broadcastTo(q, s)
                    return [.int(ONNXInts(shape: s, values: (0..<cb.count).map { cb.values[$0] != 0 ? pb.values[$0] : qb.values[$0] },
                                          isBool: p.isBool && q.isBool))]
                case (.float(let p), .float(let q)):
                    let s = try checkBroadcast(try checkBroadcast(c.shape, p.shape), q.shape)
                    let cb = broadcastTo(c, s)
                    let m = cb.values.map { $0 != 0 }
                    // Exact selection: an untracked operand is selected element by element; a tracked one is
                    // multiplied by the 0/1 mask (its other entries are 0 * finite).
                    func pick(_ t: Tensor, _ want: Bool) -> Tensor {
                        let v = (t + Tensor.zeros(s)).scalars
                        if !t.isTracked { return Tensor(shape: s, scalars: (0..<v.count).map { m[$0] == want ? v[$0] : 0 }) }
                        return t * Tensor(shape: s, scalars: m.map { $0 == want ? 1 : 0 })
                    }
                    return [.float(pick(p, true) + pick(q, false))]
                default: throw ONNXError("Where mixes float and integer values")
                }
            }
        },
    ]

    struct DoubleArray { var shape: [Int]; var values: [Double] }

    static func doubles(_ v: ONNXValue) -> DoubleArray {
        switch v {
        case .float(let t): return DoubleArray(shape: t.shape, values: t.scalars.map(Double.init))
        case .int(let a): return DoubleArray(shape: a.shape, values: a.values.map(Double.init))
        }
    }

    /// out[k] = f(index in a, index in b) over the broadcast shape.
    static func broadcastValues(_ a: [Int], _ b: [Int], _ f: (Int, Int) throws -> Int64) throws -> ONNXInts {
        let s = try checkBroadcast(a, b)
        let ia = broadcastIndex(a, s), ib = broadcastIndex(b, s)
        return ONNXInts(shape: s, values: try (0..<ia.count).map { try f(ia[$0], ib[$0]) })
    }

    static func intBinary(_ p: ONNXInts, _ q: ONNXInts, _ g: (Int64, Int64) throws -> Int64) throws -> ONNXInts {
        try broadcastValues(p.shape, q.shape) { i, j in try g(p.values[i], q.values[j]) }
    }

    /// For each element of `out` (C order), the flat index of the element of `shape` broadcast to it.
    static func broadcastIndex(_ shape: [Int], _ out: [Int]) -> [Int] {
        let n = out.reduce(1, *)
        let off = out.count - shape.count
        var strides = [Int](repeating: 0, count: out.count)
        var s = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i + off] = shape[i] == 1 ? 0 : s
            s *= shape[i]
        }
        var result = [Int](repeating: 0, count: n)
        var idx = [Int](repeating: 0, count: out.count)
        var cur = 0
        for k in 0..<n {
            result[k] = cur
            var d = out.count - 1
            while d >= 0 {
                idx[d] += 1; cur += strides[d]
                if idx[d] < out[d] { break }
                cur -= strides[d] * out[d]; idx[d] = 0
                d -= 1
            }
        }
        return result
    }

    static func broadcastTo(_ a: ONNXInts, _ s: [Int]) -> ONNXInts {
        if a.shape == s { return a }
        return ONNXInts(shape: s, values: broadcastIndex(a.shape, s).map { a.values[$0] }, isBool: a.isBool)
    }
}
