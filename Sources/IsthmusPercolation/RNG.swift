import Foundation

/// The seeded generator of every percolation run: the project's `SplitMix64`.
public typealias PercolationRNG = SplitMix64

/// Percolation's draws on `SplitMix64`.
extension SplitMix64 {

    /// Seed of independent stream `index` derived from `seed` (two SplitMix64 finalisations, so nearby
    /// indices give unrelated streams). Per-trial streams make results independent of thread scheduling.
    public static func derive(_ seed: UInt64, _ index: UInt64) -> UInt64 {
        var a = PercolationRNG(seed: seed)
        var b = PercolationRNG(seed: a.next() ^ (index &* 0xD1B5_4A32_D192_ED03))
        return b.next()
    }

    /// Uniform integer in 0..<n (Lemire's multiply-shift with rejection: exactly unbiased).
    @inline(__always)
    public mutating func below(_ n: Int) -> Int {
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// Uniform double in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal deviate (Box–Muller; one of the pair is discarded for simplicity).
    public mutating func gaussian() -> Double {
        let u = 1 - uniform()
        let v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}

