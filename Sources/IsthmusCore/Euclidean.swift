// Dot products and distances of float32 inputs accumulated in Double: the geometry of paths in input space
// (projections, lengths, distances from a segment). Differences are taken in Double, so they are exact.

/// Sums over all elements, in Double, in index order (deterministic whatever the thread count).
/// Tensors are read flat; both operands must have the same element count.
public enum Euclidean {
    /// sum_i a_i b_i over n elements.
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Double {
        var s = 0.0
        for i in 0..<n { s += Double(a[i]) * Double(b[i]) }
        return s
    }

    /// sum_i (a_i - b_i)^2 over n elements.
    public static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Double {
        var s = 0.0
        for i in 0..<n { let d = Double(a[i]) - Double(b[i]); s += d * d }
        return s
    }

    /// ||a - b||_2 over n elements.
    public static func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count n: Int) -> Double {
        squaredDistance(a, b, count: n).squareRoot()
    }

    /// min over t in [0, 1] of ||p - (a + t (c - a))||_2: the distance of p from the segment a->c (from a when
    /// c = a).
    public static func distanceFromSegment(_ p: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
                                           count n: Int) -> Double {
        var vv = 0.0, pv = 0.0
        for i in 0..<n {
            let v = Double(c[i]) - Double(a[i])
            vv += v * v; pv += (Double(p[i]) - Double(a[i])) * v
        }
        let t = vv > 0 ? max(0, min(1, pv / vv)) : 0
        var s = 0.0
        for i in 0..<n {
            let e = Double(p[i]) - (Double(a[i]) + t * (Double(c[i]) - Double(a[i])))
            s += e * e
        }
        return s.squareRoot()
    }

    public static func dot(_ a: Tensor, _ b: Tensor) -> Double {
        precondition(a.count == b.count, "Euclidean.dot: \(a.count) vs \(b.count) elements")
        return dot(a.data, b.data, count: a.count)
    }

    /// ||a||_2.
    public static func norm(_ a: Tensor) -> Double { dot(a, a).squareRoot() }

    public static func distance(_ a: Tensor, _ b: Tensor) -> Double {
        precondition(a.count == b.count, "Euclidean.distance: \(a.count) vs \(b.count) elements")
        return distance(a.data, b.data, count: a.count)
    }

    public static func distanceFromSegment(_ p: Tensor, _ a: Tensor, _ c: Tensor) -> Double {
        precondition(p.count == a.count && a.count == c.count, "Euclidean.distanceFromSegment: element counts differ")
        return distanceFromSegment(p.data, a.data, c.data, count: a.count)
    }
}
