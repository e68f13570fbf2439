import Foundation

/// Binomial convolution from the microcanonical ensemble (fixed number n of open sites/bonds) to the
/// canonical one (each open independently with probability p): Q(p) = Σ_n C(M,n) p^n (1-p)^(M-n) Q_n
/// (Newman & Ziff 2001, Eq. 2).
public enum Binomial {
    /// Terms below e^-cutoff of the largest are dropped (e^-40 ≈ 4e-18).
    static let cutoff = 40.0

    /// Weights of Binomial(M, p) on `start..<start+weights.count`, built in log space outward from the mode
    /// via log w(n+1) - log w(n) = log((M-n)/(n+1)) + log(p/(1-p)), truncated at e^-40 of the maximum and
    /// renormalised to sum to 1. Safe for any M (no factorials, no underflow).
    public static func weights(count m: Int, p: Double) -> (start: Int, weights: [Double]) {
        precondition(m >= 0 && p >= 0 && p <= 1)
        if p == 0 || m == 0 { return (0, [1]) }
        if p == 1 { return (m, [1]) }
        let mode = min(m, Int((Double(m + 1) * p).rounded(.down)))
        let logit = log(p) - log1p(-p)
        var up = [Double](), down = [Double]()
        var lw = 0.0
        var n = mode
        while n < m {
            lw += log(Double(m - n) / Double(n + 1)) + logit
            if lw < -cutoff { break }
            up.append(lw); n += 1
        }
        lw = 0; n = mode
        while n > 0 {
            lw -= log(Double(m - n + 1) / Double(n)) + logit
            if lw < -cutoff { break }
            down.append(lw); n -= 1
        }
        var w = down.reversed() + [0.0] + up
        for i in w.indices { w[i] = exp(w[i]) }
        let total = w.reduce(0, +)
        for i in w.indices { w[i] /= total }
        return (mode - down.count, w)
    }

    /// Highest n with non-negligible weight for any p in `ps`.
    static func upperEnd(count m: Int, ps: [Double]) -> Int {
        ps.map { p -> Int in let (s, w) = weights(count: m, p: p); return s + w.count - 1 }.max() ?? m
    }

    /// Canonical value Σ_n w_n(p) Q_n of a microcanonical sequence `q[0...M]`.
    public static func convolve(_ q: [Double], p: Double) -> Double {
        let (start, w) = weights(count: q.count - 1, p: p)
        var s = 0.0
        for i in w.indices { s += w[i] * q[start + i] }
        return s
    }

    /// Probability that Binomial(M, p) ≥ k.
    public static func tail(count m: Int, p: Double, atLeast k: Int) -> Double {
        let (start, w) = weights(count: m, p: p)
        if k <= start { return 1 }
        if k >= start + w.count { return 0 }
        return w[(k - start)...].reduce(0, +)
    }
}
