// Paths in input space with fixed endpoints A and C: the straight segment, polygonal chains and Bezier curves
// (x(t) = sum_j w_j(t) theta_j, Garipov et al., "Loss Surfaces, Mode Connectivity, and Fast Ensembling of DNNs",
// NeurIPS 2018) and the discretized elastic band of nudged-elastic-band methods (Henkelman & Jonsson 2000).
import Foundation
import IsthmusCore
import IsthmusNN

/// A path t in [0, 1] -> x(t) between two inputs; x(0) = A and x(1) = C exactly.
public protocol InputPath {
    var start: Tensor { get }
    var end: Tensor { get }
    /// x(t) for each t, stacked: [n, C, H, W] for endpoints of shape [1, C, H, W].
    func points(_ ts: [Double]) -> Tensor
    /// Parameters of the corners of the path (evaluated in addition to any grid); empty for smooth paths.
    var knots: [Double] { get }
}

/// Per-input shape [C, H, W] of a [1, C, H, W] endpoint (or of any single input).
func itemShape(_ x: Tensor) -> [Int] { x.shape.first == 1 && x.rank > 1 ? Array(x.shape.dropFirst()) : x.shape }

/// A path whose points are linear in control points: x(t) = sum_j w_j(t) theta_j, theta_0 = A, theta_n = C fixed.
///
/// - `polychain`: hat functions w_j(t) = max(0, 1 - |t n - j|), a polygon through the controls at t = j/n
///   (Garipov et al.'s `PolyChain`).
/// - `bezier`: Bernstein polynomials w_j(t) = binom(n, j) t^j (1 - t)^(n - j) (Garipov et al.'s `Bezier`).
///
/// With n = 1 both are the straight segment. Controls equally spaced on A->C give the segment with uniform speed.
public struct ControlPointPath: InputPath {
    public enum Basis: String, Codable, CaseIterable, Sendable { case polychain, bezier }

    public var basis: Basis
    /// theta_0 = A, free controls, theta_n = C; each of the endpoints' shape.
    public var controls: [Tensor]

    public init(basis: Basis, controls: [Tensor]) {
        precondition(controls.count >= 2, "a path needs its two endpoints")
        precondition(controls.allSatisfy { $0.shape == controls[0].shape }, "controls differ in shape")
        self.basis = basis; self.controls = controls
    }

    /// `bends` free controls placed on the segment at j/(bends + 1): the path starts as the straight segment.
    public init(basis: Basis, from a: Tensor, to c: Tensor, bends: Int) {
        precondition(bends >= 0)
        let ts = (0...(bends + 1)).map { Double($0) / Double(bends + 1) }
        let pts = Interpolation.points(from: a, to: c, alphas: ts)
        var cs = [a.copy()]
        for j in 1..<(bends + 1) { cs.append(pts.rows(j..<(j + 1)).copy().reshaped(a.shape)) }
        cs.append(c.copy())
        self.init(basis: basis, controls: cs)
    }

    public static func segment(from a: Tensor, to c: Tensor) -> ControlPointPath {
        ControlPointPath(basis: .polychain, from: a, to: c, bends: 0)
    }

    public var start: Tensor { controls.first! }
    public var end: Tensor { controls.last! }
    /// Degree n = number of controls - 1.
    public var degree: Int { controls.count - 1 }

    public var knots: [Double] {
        basis == .polychain ? (0...degree).map { Double($0) / Double(degree) } : []
    }

    /// w_j(t), j = 0...n; they sum to 1 and w(0) = e_0, w(1) = e_n exactly.
    public func weights(_ t: Double) -> [Double] {
        let n = degree
        switch basis {
        case .polychain:
            return (0...n).map { j in Swift.max(0, 1 - abs(t * Double(n) - Double(j))) }
        case .bezier:
            return (0...n).map { j in Self.bernstein(j, n, t) }
        }
    }

    /// dw_j/dt. Polychain: -n sign(t n - j) on the support (the right derivative at a corner).
    public func weightDerivatives(_ t: Double) -> [Double] {
        let n = degree
        switch basis {
        case .polychain:
            let seg = Swift.min(Int((t * Double(n)).rounded(.down)), n - 1)
            return (0...n).map { j in j == seg ? -Double(n) : j == seg + 1 ? Double(n) : 0 }
        case .bezier:
            // d/dt B_{j,n} = n (B_{j-1,n-1} - B_{j,n-1}).
            return (0...n).map { j in
                Double(n) * ((j > 0 ? Self.bernstein(j - 1, n - 1, t) : 0) - (j < n ? Self.bernstein(j, n - 1, t) : 0))
            }
        }
    }

    /// binom(n, j) t^j (1 - t)^(n - j), with 0^0 = 1.
    static func bernstein(_ j: Int, _ n: Int, _ t: Double) -> Double {
        guard j >= 0 && j <= n else { return 0 }
        var b = 1.0
        for k in 0..<j { b = b * Double(n - k) / Double(k + 1) }
        var p = b
        for _ in 0..<j { p *= t }
        for _ in 0..<(n - j) { p *= 1 - t }
        return p
    }

    /// sum_j coefficient(t)_j theta_j for each t, stacked [n, C, H, W].
    func combine(_ ts: [Double], _ coefficients: (Double) -> [Double]) -> Tensor {
        let d = controls[0].count
        let out = Tensor.zeros([ts.count] + itemShape(controls[0]))
        let po = out.mutableData
        for (k, t) in ts.enumerated() {
            let w = coefficients(t), dst = po + k * d
            for (j, wj) in w.enumerated() where wj != 0 {
                let src = controls[j].data, f = Float(wj)
                for i in 0..<d { dst[i] += f * src[i] }
            }
        }
        return out
    }

    public func points(_ ts: [Double]) -> Tensor { combine(ts, weights) }

    /// dx/dt for each t, stacked.
    public func derivatives(_ ts: [Double]) -> Tensor { combine(ts, weightDerivatives) }
}

/// A polygon through images x_0 = A, ..., x_{M-1} = C, parametrized by arc length (the elastic band).
public struct BandPath: InputPath {
    /// The images, each of the endpoints' shape.
    public var images: [Tensor]

    public init(images: [Tensor]) {
        precondition(images.count >= 2, "a band needs its two endpoints")
        self.images = images
    }

    /// M images equally spaced on the segment A->C.
    public init(from a: Tensor, to c: Tensor, images m: Int) {
        precondition(m >= 2)
        let pts = Interpolation.points(from: a, to: c, alphas: Interpolation.alphas(m))
        var xs = [a.copy()]
        for j in 1..<(m - 1) { xs.append(pts.rows(j..<(j + 1)).copy().reshaped(a.shape)) }
        xs.append(c.copy())
        self.init(images: xs)
    }

    public var start: Tensor { images.first! }
    public var end: Tensor { images.last! }

    /// |x_{i+1} - x_i| for each segment.
    public var segmentLengths: [Double] {
        (0..<(images.count - 1)).map { Euclidean.distance(images[$0 + 1], images[$0]) }
    }

    /// Cumulative arc length of each image over the total: 0 = A, ..., 1 = C.
    public var knots: [Double] {
        let l = segmentLengths, total = l.reduce(0, +)
        guard total > 0 else { return Interpolation.alphas(images.count) }
        var s = 0.0, out = [0.0]
        for x in l { s += x; out.append(s / total) }
        out[out.count - 1] = 1
        return out
    }

    public func points(_ ts: [Double]) -> Tensor {
        let k = knots, d = images[0].count
        let out = Tensor(uninitialized: [ts.count] + itemShape(images[0]))
        let po = out.mutableData
        for (n, t) in ts.enumerated() {
            var seg = 0
            while seg < images.count - 2 && t > k[seg + 1] { seg += 1 }
            let span = k[seg + 1] - k[seg]
            let u = Float(span > 0 ? Swift.max(0, Swift.min(1, (t - k[seg]) / span)) : 0)
            let p = images[seg].data, q = images[seg + 1].data, dst = po + n * d
            // Exact images at u = 0 and u = 1.
            if u == 0 { for i in 0..<d { dst[i] = p[i] } } else if u == 1 { for i in 0..<d { dst[i] = q[i] } } else {
                for i in 0..<d { dst[i] = (1 - u) * p[i] + u * q[i] }
            }
        }
        return out
    }

    /// Parameters of the images plus `subsample` equally spaced points inside each segment (AutoNEB's
    /// `subsample_pivot_count`, 9 by default there).
    public func denseParameters(subsample: Int) -> [Double] {
        let k = knots
        var out = [k[0]]
        for s in 0..<(k.count - 1) {
            for j in 1...(subsample + 1) { out.append(k[s] + (k[s + 1] - k[s]) * Double(j) / Double(subsample + 1)) }
        }
        out[out.count - 1] = 1
        return out
    }
}
