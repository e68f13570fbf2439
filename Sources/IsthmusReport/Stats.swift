import Foundation

/// Descriptive statistics over `[Double]`. Functions taking raw values drop NaN and ±Inf first
/// (see `Stats.finite`); empty input gives NaN.
public enum Stats {
    /// The finite values of `xs` and how many were dropped.
    public static func finite(_ xs: [Double]) -> (values: [Double], dropped: Int) {
        let v = xs.filter { $0.isFinite }
        return (v, xs.count - v.count)
    }

    public static func mean(_ xs: [Double]) -> Double {
        let v = finite(xs).values
        return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
    }

    /// Sample standard deviation (n - 1 in the denominator); NaN for fewer than two values.
    public static func std(_ xs: [Double]) -> Double {
        let v = finite(xs).values
        guard v.count > 1 else { return .nan }
        let m = v.reduce(0, +) / Double(v.count)
        return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
    }

    public static func median(_ xs: [Double]) -> Double { Quantiles.median(xs) }

    /// Quantile `q` in [0, 1] with linear interpolation (numpy's default, Hyndman–Fan type 7).
    public static func quantile(_ xs: [Double], _ q: Double) -> Double { quantiles(xs, [q])[0] }

    /// Several type-7 quantiles, sorting once.
    public static func quantiles(_ xs: [Double], _ qs: [Double]) -> [Double] {
        quantiles(sorted: finite(xs).values.sorted(), qs)
    }

    static func quantiles(sorted v: [Double], _ qs: [Double]) -> [Double] {
        qs.map { Quantiles.type7(sorted: v, $0) }
    }

    /// Bootstrap percentile confidence interval of `statistic` (default: the mean) at `level`,
    /// from `resamples` resamples drawn with `rng`.
    public static func bootstrapCI(_ xs: [Double], level: Double = 0.95, resamples: Int = 1000,
                                   statistic: ([Double]) -> Double = Stats.mean,
                                   using rng: inout some RandomNumberGenerator) -> (lower: Double, upper: Double) {
        let v = finite(xs).values
        guard !v.isEmpty, resamples > 0 else { return (.nan, .nan) }
        var stats: [Double] = []
        stats.reserveCapacity(resamples)
        var sample = [Double](repeating: 0, count: v.count)
        for _ in 0..<resamples {
            for i in 0..<v.count { sample[i] = v[Int.random(in: 0..<v.count, using: &rng)] }
            stats.append(statistic(sample))
        }
        let alpha = (1 - level) / 2
        let q = quantiles(stats, [alpha, 1 - alpha])
        return (q[0], q[1])
    }
}

/// Summary of a sample; non-finite values are dropped and counted in `dropped`.
/// Fields of an empty sample are NaN (written as `"nan"` by `RunDirectory.writeJSON`).
public struct Summary: Codable, Equatable, Sendable {
    public var mean: Double
    public var median: Double
    public var q1: Double
    public var q3: Double
    public var min: Double
    public var max: Double
    /// Sample standard deviation.
    public var std: Double
    /// Number of finite values summarized.
    public var count: Int
    public var dropped: Int

    public init(_ values: [Double]) {
        let (v, dropped) = Stats.finite(values)
        let s = v.sorted()
        let q = Stats.quantiles(sorted: s, [0.25, 0.5, 0.75])
        mean = Stats.mean(v); median = q[1]; q1 = q[0]; q3 = q[2]
        min = s.first ?? .nan; max = s.last ?? .nan
        std = Stats.std(v); count = v.count; self.dropped = dropped
    }

    public init(_ values: [Float]) { self.init(values.map(Double.init)) }

    public static func == (a: Summary, b: Summary) -> Bool {
        func eq(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
        return eq(a.mean, b.mean) && eq(a.median, b.median) && eq(a.q1, b.q1) && eq(a.q3, b.q3) && eq(a.min, b.min)
            && eq(a.max, b.max) && eq(a.std, b.std) && a.count == b.count && a.dropped == b.dropped
    }
}
