/// Observables of percolation. `n_occ` is the number of occupied sites (site percolation: sites opened so
/// far; bond percolation: all N sites), `s` runs over cluster sizes, `s_max` is the largest.
public enum Observable: String, Codable, Sendable, CaseIterable {
    /// A cluster spans (open box, Hamming graph: touches x_0 = 0 and x_0 = side-1) or wraps
    /// (periodic box: winds around axis 0).
    case spanning
    /// s_max / n_occ: fraction of occupied sites in the largest cluster.
    case largestFraction
    /// s_max / N: percolation strength P_∞.
    case strength
    /// Σ s² / n_occ²: probability that two occupied sites drawn uniformly with replacement are connected.
    case connectivity
    /// Σ s(s-1) / (n_occ(n_occ-1)): the same for two distinct sites (0 when n_occ < 2). This is the
    /// paper's "two random points of class c are connected" (Sec. 5).
    case pairConnectivity
    /// Σ' s² / Σ' s over clusters other than the largest: mean size of the cluster of a random occupied site
    /// outside the largest cluster (the susceptibility; 0 when every site is in the largest cluster).
    case meanClusterSize
}

/// State of one Newman–Ziff sweep after n = 0...count additions (Newman & Ziff, PRE 64, 016706 (2001)).
public struct Microcanonical: Sendable {
    public let graph: PercolationGraph
    public let kind: PercolationKind
    /// Largest cluster size after n additions.
    public var largest: [Int32]
    /// Σ s² over clusters after n additions.
    public var sumSquares: [Int64]
    /// First n with a spanning (wrapping) cluster, nil if none within the sweep.
    public var spanStep: Int?

    public var count: Int { largest.count - 1 }

    /// Occupied sites after n additions.
    public func occupied(_ n: Int) -> Int { kind == .site ? n : graph.vertexCount }

    public func value(_ o: Observable, at n: Int) -> Double {
        microValue(o, occ: occupied(n), total: graph.vertexCount, largest: Double(largest[n]),
                   sumSq: Double(sumSquares[n]), spanned: spanStep.map { n >= $0 } ?? false)
    }
}

@inline(__always)
func microValue(_ o: Observable, occ: Int, total: Int, largest: Double, sumSq: Double, spanned: Bool) -> Double {
    let n = Double(occ)
    switch o {
    case .spanning: return spanned ? 1 : 0
    case .largestFraction: return occ > 0 ? largest / n : 0
    case .strength: return largest / Double(total)
    case .connectivity: return occ > 0 ? sumSq / (n * n) : 0
    case .pairConnectivity: return occ > 1 ? (sumSq - n) / (n * (n - 1)) : 0
    case .meanClusterSize: return occ > Int(largest) ? (sumSq - largest * largest) / (n - largest) : 0
    }
}

public enum NewmanZiff {
    /// Adds sites (site percolation: vertex indices) or edges (bond: slot ids from `graph.edgeIDs()`)
    /// in the given order and records the state after every addition.
    public static func sweep(_ graph: PercolationGraph, kind: PercolationKind, order: [Int]) -> Microcanonical {
        let sweeper = Sweeper(graph, kind)
        var o = order.map { Int32($0) }
        o.withUnsafeMutableBufferPointer { sweeper.run(order: $0, count: $0.count, rng: nil) }
        return sweeper.snapshot(count: o.count)
    }

    /// One sweep over all sites or bonds in a uniformly random order drawn from `seed`.
    public static func randomSweep(_ graph: PercolationGraph, kind: PercolationKind, seed: UInt64) -> Microcanonical {
        let sweeper = Sweeper(graph, kind)
        var rng = PercolationRNG(seed: seed)
        sweeper.runRandom(count: sweeper.total, rng: &rng)
        return sweeper.snapshot(count: sweeper.total)
    }
}

/// Reusable workspace of Newman–Ziff sweeps on one graph.
final class Sweeper {
    let graph: PercolationGraph
    let kind: PercolationKind
    let wrap: Bool
    var parent: [Int32]
    var offset: [Int32]
    var flags: [UInt8]
    /// Random-order pool: all vertices (site) or all edge slots (bond); reshuffled in place per sweep.
    var pool: [Int32]
    var largest: [Int32]
    var sumSq: [Int64]
    var spanStep = Int.max

    init(_ graph: PercolationGraph, _ kind: PercolationKind) {
        self.graph = graph; self.kind = kind
        wrap = graph.tracksWrapping
        let n = graph.vertexCount
        parent = [Int32](repeating: 0, count: n)
        offset = [Int32](repeating: 0, count: wrap ? n : 0)
        flags = [UInt8](repeating: 0, count: wrap ? 0 : n)
        pool = kind == .site ? (0..<Int32(n)).map { $0 } : graph.edgeIDs()
        largest = []; sumSq = []
    }

    /// Number of sites or bonds that can be added.
    var total: Int { pool.count }

    func snapshot(count: Int) -> Microcanonical {
        Microcanonical(graph: graph, kind: kind, largest: Array(largest[0...count]), sumSquares: Array(sumSq[0...count]),
                       spanStep: spanStep == Int.max ? nil : spanStep)
    }

    /// Sweep adding the first `count` elements of a fresh uniform random permutation of the pool.
    func runRandom(count: Int, rng: inout PercolationRNG) {
        withUnsafeMutablePointer(to: &rng) { r in
            pool.withUnsafeMutableBufferPointer { run(order: $0, count: count, rng: r) }
        }
    }

    /// Core loop over `order[0..<count]`. With `rng`, element i is first swapped with a uniform element of
    /// `order[i...]` (lazy Fisher–Yates), so the additions are a uniform random sequence.
    func run(order: UnsafeMutableBufferPointer<Int32>, count: Int, rng: UnsafeMutablePointer<PercolationRNG>?) {
        let n = graph.vertexCount
        if largest.count < count + 1 {
            largest = [Int32](repeating: 0, count: count + 1)
            sumSq = [Int64](repeating: 0, count: count + 1)
        }
        let g = graph, wrap = self.wrap, site = kind == .site
        parent.withUnsafeMutableBufferPointer { pb in
        offset.withUnsafeMutableBufferPointer { ob in
        flags.withUnsafeMutableBufferPointer { fb in
        largest.withUnsafeMutableBufferPointer { lb in
        sumSq.withUnsafeMutableBufferPointer { sb in
            let p = pb.baseAddress!
            var big: Int32 = 0
            var s2: Int64 = 0
            var span = Int.max
            if site {
                for i in 0..<n { p[i] = emptySite }
            } else {
                for i in 0..<n {
                    p[i] = -1
                    if wrap { ob[i] = 0 } else { fb[i] = g.faceFlags(i); if fb[i] == 3 { span = 0 } }
                }
                big = n > 0 ? 1 : 0
                s2 = Int64(n)
            }
            lb[0] = big; sb[0] = s2

            @inline(__always) func link(_ u: Int, _ v: Int, _ delta: Int32, _ step: Int) {
                var ru: Int, rv: Int
                var a: Int32 = 0, b: Int32 = 0
                if wrap {
                    (ru, a) = ufFind(p, ob.baseAddress!, u)
                    (rv, b) = ufFind(p, ob.baseAddress!, v)
                } else {
                    ru = ufFind(p, u); rv = ufFind(p, v)
                }
                if ru == rv {
                    if wrap && span == Int.max && a &+ delta &- b != 0 { span = step }
                    return
                }
                let su = -p[ru], sv = -p[rv]
                let d = a &+ delta &- b          // pos(rv) - pos(ru)
                let root: Int
                if su >= sv {
                    p[rv] = Int32(truncatingIfNeeded: ru); p[ru] = -(su + sv); root = ru
                    if wrap { ob[rv] = d } else { fb[ru] |= fb[rv] }
                } else {
                    p[ru] = Int32(truncatingIfNeeded: rv); p[rv] = -(su + sv); root = rv
                    if wrap { ob[ru] = 0 &- d } else { fb[rv] |= fb[ru] }
                }
                s2 += 2 * Int64(su) * Int64(sv)
                if su + sv > big { big = su + sv }
                if !wrap && span == Int.max && fb[root] == 3 { span = step }
            }

            for i in 0..<count {
                if let rng {
                    let j = i + rng.pointee.below(order.count - i)
                    order.swapAt(i, j)
                }
                let x = Int(order[i])
                if site {
                    p[x] = -1
                    if wrap { ob[x] = 0 } else { fb[x] = g.faceFlags(x); if fb[x] == 3 && span == Int.max { span = i + 1 } }
                    s2 += 1
                    if big == 0 { big = 1 }
                    g.forEachNeighbour(x) { v, delta in
                        if p[v] != emptySite { link(x, v, delta, i + 1) }
                    }
                } else {
                    let (u, v, delta) = g.edge(x)!
                    link(u, v, delta, i + 1)
                }
                lb[i + 1] = big; sb[i + 1] = s2
            }
            spanStep = span
        }}}}}
    }
}
