extension Array {
    /// Fisher-Yates shuffle in place, from the last element down: for `i = count-1 ... 1`,
    /// `j = rng.next() % (i + 1)`, swap `i` and `j`. The modulo draw is the project's historical
    /// sequence (seeded splits and subsets repeat across versions); its bias is below `count / 2^64`.
    public mutating func fisherYatesShuffle<G: RandomNumberGenerator>(using rng: inout G) {
        guard count > 1 else { return }
        for i in stride(from: count - 1, to: 0, by: -1) {
            swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
    }

    /// A copy shuffled by `fisherYatesShuffle(using:)`.
    public func fisherYatesShuffled<G: RandomNumberGenerator>(using rng: inout G) -> [Element] {
        var v = self
        v.fisherYatesShuffle(using: &rng)
        return v
    }
}
