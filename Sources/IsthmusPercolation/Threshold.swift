/// How p_c is estimated.
public enum ThresholdMethod: String, Codable, Sendable, CaseIterable {
    /// p where the spanning (open) or wrapping (periodic) probability curves of sizes ⌈L/2⌉ and L cross
    /// (hypercubic boxes). Wrapping on periodic boxes has the smallest finite-size shift (Newman & Ziff 2001).
    case crossing
    /// p maximising the mean cluster size excluding the largest cluster (any graph; shifted by O(L^{-1/ν})).
    case susceptibilityPeak
}

/// Estimate of the critical probability with a jackknife error over batches of trials.
public struct ThresholdEstimate: Codable, Equatable, Sendable {
    public var pc: Double
    public var pcError: Double
    public var method: ThresholdMethod
    /// Box sides (crossing) or the single side/alphabet size (peak).
    public var sizes: [Int]
    public var trials: Int
    public var batches: Int
    /// Spanning/wrapping probability of the larger size at p_c (crossing) or the peak mean cluster size.
    public var valueAtPc: Double
}

enum Threshold {
    /// Full-sample estimate and delete-one-batch jackknife error sqrt((B-1)/B Σ (θ_i - θ̄)²).
    static func jackknife(batches: Int, _ estimate: (Int?) -> Double) -> (Double, Double) {
        let full = estimate(nil)
        guard batches > 1 else { return (full, 0) }
        let th = (0..<batches).map { estimate($0) }
        let mean = th.reduce(0, +) / Double(batches)
        let ss = th.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (full, (ss * Double(batches - 1) / Double(batches)).squareRoot())
    }

    static func crossing(small: Ensemble, large: Ensemble) -> ThresholdEstimate {
        precondition(small.batches.count == large.batches.count)
        func f(_ p: Double, _ skip: Int?) -> Double {
            large.spanning(at: p, excluding: skip) - small.spanning(at: p, excluding: skip)
        }
        // The larger box spans less below p_c and more above: bracket between the extremes of f.
        let scan = (1..<200).map { Double($0) / 200 }
        let fs = scan.map { f($0, nil) }
        let iMin = fs.indices.min { fs[$0] < fs[$1] }!, iMax = fs.indices.max { fs[$0] < fs[$1] }!
        let bracket = (scan[min(iMin, iMax)], scan[max(iMin, iMax)])
        let rising = iMin < iMax
        func root(_ skip: Int?) -> Double {
            var (lo, hi) = bracket
            let sLo = f(lo, skip), sHi = f(hi, skip)
            if (sLo > 0) == (sHi > 0) { return abs(sLo) < abs(sHi) ? lo : hi }
            while hi - lo > 1e-12 {
                let mid = 0.5 * (lo + hi)
                if (f(mid, skip) < 0) == rising { lo = mid } else { hi = mid }
            }
            return 0.5 * (lo + hi)
        }
        let (pc, err) = jackknife(batches: large.batches.count, root)
        return ThresholdEstimate(pc: pc, pcError: err, method: .crossing, sizes: [small.graph.side, large.graph.side],
                                 trials: large.trials, batches: large.batches.count, valueAtPc: large.spanning(at: pc))
    }

    static func peak(_ e: Ensemble) -> ThresholdEstimate {
        let g = e.fineGrid
        func curve(_ skip: Int?) -> [Double] {
            var c = [Double](repeating: 0, count: g.count)
            var n = 0
            for (b, batch) in e.batches.enumerated() where b != skip {
                n += batch.trials
                for i in g.indices { c[i] += batch.fine[i] * Double(batch.trials) }
            }
            return c.map { $0 / Double(n) }
        }
        func argmax(_ skip: Int?) -> Double {
            let c = curve(skip)
            let i = c.indices.max { c[$0] < c[$1] }!
            guard i > 0 && i < c.count - 1 else { return g[i] }
            let den = c[i - 1] - 2 * c[i] + c[i + 1]
            let h = g[i + 1] - g[i]
            return den < 0 ? g[i] + 0.5 * h * (c[i - 1] - c[i + 1]) / den : g[i]
        }
        let (pc, err) = jackknife(batches: e.batches.count, argmax)
        return ThresholdEstimate(pc: pc, pcError: err, method: .susceptibilityPeak, sizes: [e.graph.side],
                                 trials: e.trials, batches: e.batches.count, valueAtPc: curve(nil).max() ?? 0)
    }
}
