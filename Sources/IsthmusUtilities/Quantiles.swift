/// Order statistics over `[Double]`. NaN and ±Inf are dropped first; empty input gives NaN.
public enum Quantiles {
    /// Quantile `q` in [0, 1] of ascending, finite `v` with linear interpolation (numpy's default,
    /// Hyndman–Fan type 7): `h = (n-1) q`, `v[⌊h⌋] + (h - ⌊h⌋)(v[⌊h⌋+1] - v[⌊h⌋])`. NaN if `v` is empty or `q` is not finite.
    public static func type7(sorted v: [Double], _ q: Double) -> Double {
        guard !v.isEmpty, q.isFinite else { return .nan }
        let h = Double(v.count - 1) * min(max(q, 0), 1)
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, v.count - 1)
        return v[lo] + (h - Double(lo)) * (v[hi] - v[lo])
    }

    /// The median of the finite values of `xs` (type 7: the mean of the two middle values for an even count).
    public static func median(_ xs: [Double]) -> Double {
        type7(sorted: xs.filter { $0.isFinite }.sorted(), 0.5)
    }
}
