import Foundation
import IsthmusKernels

/// Runs `body` over 0..<count, split across the compute threads when there are more than 64k elements per thread
/// (memory-bound loops: below that, waking the pool costs more than it saves).
@inline(__always)
func parallelElements(_ count: Int, _ body: (Range<Int>) -> Void) {
    Threads.parallelFor(count, grain: 1 << 16, body)
}

// MARK: - Broadcasting machinery

/// NumPy/PyTorch broadcasting of two shapes (aligned on the right).
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let r = max(a.count, b.count)
    var out = [Int](repeating: 1, count: r)
    for i in 0..<r {
        let x = i < r - a.count ? 1 : a[i - (r - a.count)]
        let y = i < r - b.count ? 1 : b[i - (r - b.count)]
        precondition(x == y || x == 1 || y == 1, "shapes \(a) and \(b) do not broadcast")
        out[i] = x == 1 ? y : x
    }
    return out
}

/// Element strides of `shape` seen from a broadcast `out` shape (0 along broadcast dimensions).
func broadcastStrides(_ shape: [Int], to out: [Int]) -> [Int] {
    let r = out.count, off = r - shape.count
    var strides = [Int](repeating: 0, count: r)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[i + off] = shape[i] == 1 ? 0 : s
        s *= shape[i]
    }
    return strides
}

/// Visits every row (last dimension) of `out`, giving the offsets of that row in a and b.
@inline(__always)
func forEachRow(_ out: [Int], _ sa: [Int], _ sb: [Int], _ body: (Int, Int, Int) -> Void) {
    let r = out.count
    if r == 0 { body(0, 0, 0); return }
    let inner = out[r - 1]
    let rows = inner == 0 ? 0 : out.reduce(1, *) / inner
    var idx = [Int](repeating: 0, count: max(r - 1, 0))
    var oa = 0, ob = 0
    for row in 0..<rows {
        body(row * inner, oa, ob)
        var d = r - 2
        while d >= 0 {
            idx[d] += 1; oa += sa[d]; ob += sb[d]
            if idx[d] < out[d] { break }
            oa -= sa[d] * out[d]; ob -= sb[d] * out[d]; idx[d] = 0
            d -= 1
        }
    }
}

@inline(__always)
func binaryKernel(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
    if a.shape == b.shape {
        let out = Tensor(uninitialized: a.shape)
        let pa = a.data, pb = b.data, po = out.mutableData
        parallelElements(out.count) { r in for i in r { po[i] = f(pa[i], pb[i]) } }
        return out
    }
    let shape = broadcastShape(a.shape, b.shape)
    let out = Tensor(uninitialized: shape)
    let pa = a.data, pb = b.data, po = out.mutableData
    if b.count == 1 {
        let y = pb[0]
        parallelElements(out.count) { r in for i in r { po[i] = f(pa[i], y) } }
        return out
    }
    if a.count == 1 {
        let x = pa[0]
        parallelElements(out.count) { r in for i in r { po[i] = f(x, pb[i]) } }
        return out
    }
    let sa = broadcastStrides(a.shape, to: shape), sb = broadcastStrides(b.shape, to: shape)
    let inner = shape.last ?? 1, ia = sa.last ?? 0, ib = sb.last ?? 0
    forEachRow(shape, sa, sb) { o, oa, ob in
        let dst = po + o
        if ia == 1 && ib == 1 {
            for j in 0..<inner { dst[j] = f(pa[oa + j], pb[ob + j]) }
        } else if ia == 1 {
            let y = pb[ob]
            for j in 0..<inner { dst[j] = f(pa[oa + j], y) }
        } else if ib == 1 {
            let x = pa[oa]
            for j in 0..<inner { dst[j] = f(x, pb[ob + j]) }
        } else {
            let v = f(pa[oa], pb[ob])
            for j in 0..<inner { dst[j] = v }
        }
    }
    return out
}

extension Tensor {
    /// Sum of `self` over the dimensions along which it was broadcast to reach its shape from `shape`.
    public func summed(toShape target: [Int]) -> Tensor {
        if target == shape { return self }
        let out = Tensor.zeros(target)
        let st = broadcastStrides(target, to: shape)
        let zero = [Int](repeating: 0, count: shape.count)
        let pg = data, po = out.mutableData
        let inner = shape.last ?? 1, it = st.last ?? 0
        forEachRow(shape, st, zero) { o, ot, _ in
            if it == 1 {
                for j in 0..<inner { po[ot + j] += pg[o + j] }
            } else {
                var acc: Float = 0
                for j in 0..<inner { acc += pg[o + j] }
                po[ot] += acc
            }
        }
        return out.reshaped(target)
    }

    /// Copy of `self` broadcast to `target` (no gradient; used by pullbacks).
    func expanded(to target: [Int]) -> Tensor {
        if target == shape { return self }
        return binaryKernel(Tensor.zeros(target), self) { _, y in y }
    }

    static func addSameShape(_ a: Tensor, _ b: Tensor) -> Tensor { binaryKernel(a, b, +) }
}

// MARK: - Binary ops with broadcasting

public func + (a: Tensor, b: Tensor) -> Tensor {
    let out = binaryKernel(a, b, +)
    return Tape.record(out, [a, b]) { g, needs in
        [needs[0] ? g.summed(toShape: a.shape) : nil, needs[1] ? g.summed(toShape: b.shape) : nil]
    }
}

public func - (a: Tensor, b: Tensor) -> Tensor {
    let out = binaryKernel(a, b, -)
    return Tape.record(out, [a, b]) { g, needs in
        [needs[0] ? g.summed(toShape: a.shape) : nil,
         needs[1] ? binaryKernel(g, g) { x, _ in -x }.summed(toShape: b.shape) : nil]
    }
}

public func * (a: Tensor, b: Tensor) -> Tensor {
    let out = binaryKernel(a, b, *)
    return Tape.record(out, [a, b]) { g, needs in
        [needs[0] ? binaryKernel(g, b, *).summed(toShape: a.shape) : nil,
         needs[1] ? binaryKernel(g, a, *).summed(toShape: b.shape) : nil]
    }
}

public func / (a: Tensor, b: Tensor) -> Tensor {
    let out = binaryKernel(a, b, /)
    return Tape.record(out, [a, b]) { g, needs in
        [needs[0] ? binaryKernel(g, b, /).summed(toShape: a.shape) : nil,
         needs[1] ? binaryKernel(binaryKernel(g, out, *), b) { x, y in -x / y }.summed(toShape: b.shape) : nil]
    }
}

// MARK: - Scalar and unary ops

@inline(__always)
func unaryKernel(_ x: Tensor, _ f: (Float) -> Float) -> Tensor {
    let out = Tensor(uninitialized: x.shape)
    let px = x.data, po = out.mutableData
    parallelElements(x.count) { r in for i in r { po[i] = f(px[i]) } }
    return out
}

public func + (a: Tensor, s: Float) -> Tensor {
    Tape.record(unaryKernel(a) { $0 + s }, [a]) { g, _ in [g] }
}
public func + (s: Float, a: Tensor) -> Tensor { a + s }
public func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
public func - (s: Float, a: Tensor) -> Tensor { (-a) + s }
public func * (a: Tensor, s: Float) -> Tensor {
    Tape.record(unaryKernel(a) { $0 * s }, [a]) { g, _ in [unaryKernel(g) { $0 * s }] }
}
public func * (s: Float, a: Tensor) -> Tensor { a * s }
public func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }

public prefix func - (a: Tensor) -> Tensor {
    Tape.record(unaryKernel(a) { -$0 }, [a]) { g, _ in [unaryKernel(g) { -$0 }] }
}

/// An element-wise function with its derivative as a function of input x and output y. Ops are types so that
/// the generic loops below are specialized and inlined per op (no closure call per element).
public protocol ElementwiseFunction {
    static func value(_ x: Float) -> Float
    static func derivative(_ x: Float, _ y: Float) -> Float
}

enum ExpFn: ElementwiseFunction {
    static func value(_ x: Float) -> Float { Foundation.exp(x) }
    static func derivative(_ x: Float, _ y: Float) -> Float { y }
}
enum LogFn: ElementwiseFunction {
    static func value(_ x: Float) -> Float { Foundation.log(x) }
    static func derivative(_ x: Float, _ y: Float) -> Float { 1 / x }
}
enum SqrtFn: ElementwiseFunction {
    static func value(_ x: Float) -> Float { x.squareRoot() }
    static func derivative(_ x: Float, _ y: Float) -> Float { 0.5 / y }
}
enum SquareFn: ElementwiseFunction {
    static func value(_ x: Float) -> Float { x * x }
    static func derivative(_ x: Float, _ y: Float) -> Float { 2 * x }
}
/// |x|, with derivative sign(x) (0 at 0, as PyTorch).
enum AbsFn: ElementwiseFunction {
    static func value(_ x: Float) -> Float { Swift.abs(x) }
    static func derivative(_ x: Float, _ y: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : 0) }
}
/// ReLU as PyTorch: a NaN passes through, and the gradient is gated by the output (y <= 0: none).
enum ReluFn: ElementwiseFunction {
    static func value(_ x: Float) -> Float { x < 0 ? 0 : x }
    static func derivative(_ x: Float, _ y: Float) -> Float { y <= 0 ? 0 : 1 }
}
/// ReLU6 = hardtanh(0, 6): the gradient passes where 0 < x < 6.
enum Relu6Fn: ElementwiseFunction {
    static func value(_ x: Float) -> Float { Swift.min(Swift.max(x, 0), 6) }
    static func derivative(_ x: Float, _ y: Float) -> Float { x > 0 && x < 6 ? 1 : 0 }
}
/// hardswish(x) = x relu6(x + 3) / 6, with PyTorch's gradient: 0 below -3, x / 3 + 1/2 on [-3, 3], 1 above.
enum HardSwishFn: ElementwiseFunction {
    static func value(_ x: Float) -> Float { x * Swift.min(Swift.max(x + 3, 0), 6) / 6 }
    static func derivative(_ x: Float, _ y: Float) -> Float { x < -3 ? 0 : (x <= 3 ? x / 3 + 0.5 : 1) }
}
enum SigmoidFn: ElementwiseFunction {
    static func value(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }
    static func derivative(_ x: Float, _ y: Float) -> Float { y * (1 - y) }
}
enum TanhFn: ElementwiseFunction {
    static func value(_ x: Float) -> Float { Foundation.tanh(x) }
    static func derivative(_ x: Float, _ y: Float) -> Float { 1 - y * y }
}
/// Exact GELU, x * Phi(x), as PyTorch's default `approximate='none'`.
enum GeluFn: ElementwiseFunction {
    static func value(_ x: Float) -> Float { 0.5 * x * (1 + Foundation.erf(x * 0.70710678118654752)) }
    static func derivative(_ x: Float, _ y: Float) -> Float {
        0.5 * (1 + Foundation.erf(x * 0.70710678118654752)) + x * 0.39894228040143268 * Foundation.exp(-0.5 * x * x)
    }
}

extension Tensor {
    /// Applies `F` element-wise and records its pullback dx = dy * F'(x, y).
    @inline(__always)
    public func map<F: ElementwiseFunction>(_: F.Type) -> Tensor {
        let out = unaryKernel(self, F.value)
        let x = self
        return Tape.record(out, [x]) { g, _ in
            let d = Tensor(uninitialized: x.shape)
            let pg = g.data, px = x.data, py = out.data, pd = d.mutableData
            parallelElements(x.count) { r in for i in r { pd[i] = pg[i] * F.derivative(px[i], py[i]) } }
            return [d]
        }
    }

    /// Element-wise op y = f(x) with its derivative f'(x, y) as a closure (for parameterized functions);
    /// the pullback is dx = dy * f'(x, y).
    public func unary(_ f: (Float) -> Float, derivative: @escaping (_ x: Float, _ y: Float) -> Float) -> Tensor {
        let out = unaryKernel(self, f)
        let x = self
        return Tape.record(out, [x]) { g, _ in
            let d = Tensor(uninitialized: x.shape)
            let pg = g.data, px = x.data, py = out.data, pd = d.mutableData
            parallelElements(x.count) { r in for i in r { pd[i] = pg[i] * derivative(px[i], py[i]) } }
            return [d]
        }
    }

    public func exp() -> Tensor { map(ExpFn.self) }
    public func log() -> Tensor { map(LogFn.self) }
    public func sqrt() -> Tensor { map(SqrtFn.self) }
    public func squared() -> Tensor { map(SquareFn.self) }
    public func abs() -> Tensor { map(AbsFn.self) }
    public func relu() -> Tensor { map(ReluFn.self) }
    /// min(max(x, low), high); the gradient passes where low < x < high (PyTorch's hardtanh).
    public func clamped(_ low: Float, _ high: Float) -> Tensor {
        unary({ Swift.min(Swift.max($0, low), high) }, derivative: { x, _ in x > low && x < high ? 1 : 0 })
    }
    public func relu6() -> Tensor { map(Relu6Fn.self) }
    /// x relu6(x + 3) / 6 (see `HardSwishFn`).
    public func hardSwish() -> Tensor { map(HardSwishFn.self) }
    public func sigmoid() -> Tensor { map(SigmoidFn.self) }
    public func tanh() -> Tensor { map(TanhFn.self) }
    public func gelu() -> Tensor { map(GeluFn.self) }
    public func pow(_ p: Float) -> Tensor {
        unary({ Foundation.pow($0, p) }, derivative: { x, _ in p * Foundation.pow(x, p - 1) })
    }
}

// MARK: - Element-wise extrema

/// max(a, b) element-wise with broadcasting, as torch.maximum: a NaN wins, and the gradient goes to the larger
/// operand (half to each on a tie).
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor { extremum(a, b, larger: true) }

/// min(a, b) element-wise with broadcasting, as torch.minimum (see `maximum`).
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor { extremum(a, b, larger: false) }

private func extremum(_ a: Tensor, _ b: Tensor, larger: Bool) -> Tensor {
    let out = binaryKernel(a, b) { x, y in
        if x.isNaN || y.isNaN { return .nan }
        return larger ? Swift.max(x, y) : Swift.min(x, y)
    }
    let shape = out.shape
    return Tape.record(out, [a, b]) { g, needs in
        let ae = a.expanded(to: shape), be = b.expanded(to: shape)
        let w = Tensor(uninitialized: shape)   // share of dy that goes to a
        let pa = ae.data, pb = be.data, pw = w.mutableData
        for i in 0..<w.count {
            let (x, y) = (pa[i], pb[i])
            pw[i] = x == y ? 0.5 : ((larger ? x > y : x < y) || x.isNaN ? 1 : 0)
        }
        let ga = binaryKernel(g, w, *), gb = binaryKernel(g, w) { d, s in d * (1 - s) }
        return [needs[0] ? ga.summed(toShape: a.shape) : nil, needs[1] ? gb.summed(toShape: b.shape) : nil]
    }
}
