import Foundation
// One generator for the whole project, defined in IsthmusUtilities (it also drives the MNIST-5k split).
@_exported import IsthmusUtilities

/// Sampling helpers: every random draw in Isthmus takes an explicit generator, so a run repeats from its seed.
extension SplitMix64 {
    /// Uniform in [0, 1) with 24 random bits.
    @inline(__always)
    public mutating func nextUniform() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Standard normal (Box-Muller, one draw per call).
    @inline(__always)
    public mutating func nextNormal() -> Float {
        let u1 = Double((next() >> 11) + 1) * (1.0 / 9_007_199_254_740_993.0)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }

    /// A generator for a sub-task (a pair, a trial), derived from this one.
    public mutating func split() -> SplitMix64 { SplitMix64(seed: next() ^ 0xD1B5_4A32_D192_ED03) }
}
