import XCTest
@testable import IsthmusPercolation

/// Brute force over all configurations of tiny graphs versus Newman–Ziff sweeps + binomial convolution.
final class ExactEnumerationTests: XCTestCase {
    /// Clusters of the open vertices `open` joined by `edges`; returns per-config observables.
    struct Brute {
        var occupied = 0, largest = 0, sumSq = 0, spanning = false
    }

    /// Components by repeated relabelling (independent of the library's union-find). `delta` is the unwrapped
    /// axis-0 displacement of an edge, used to detect wrapping.
    static func brute(vertices: Int, open: [Bool], edges: [(Int, Int, Int)], x0: (Int) -> Int, side: Int,
                      wrapping: Bool) -> Brute {
        var label = Array(0..<vertices)
        var pos = [Int](repeating: 0, count: vertices)
        var seen = [Bool](repeating: false, count: vertices)
        var wraps = false
        var adj = [[(Int, Int)]](repeating: [], count: vertices)
        for (a, b, d) in edges where open[a] && open[b] { adj[a].append((b, d)); adj[b].append((a, -d)) }
        for s in 0..<vertices where open[s] && !seen[s] {
            seen[s] = true; pos[s] = 0; label[s] = s
            var stack = [s]
            while let a = stack.popLast() {
                for (b, d) in adj[a] {
                    if !seen[b] { seen[b] = true; label[b] = s; pos[b] = pos[a] + d; stack.append(b) }
                    else if pos[b] != pos[a] + d { wraps = true }
                }
            }
        }
        var r = Brute()
        var sizes = [Int: Int](), lo = Set<Int>(), hi = Set<Int>()
        for v in 0..<vertices where open[v] {
            r.occupied += 1
            sizes[label[v], default: 0] += 1
            if x0(v) == 0 { lo.insert(label[v]) }
            if x0(v) == side - 1 { hi.insert(label[v]) }
        }
        r.largest = sizes.values.max() ?? 0
        r.sumSq = sizes.values.reduce(0) { $0 + $1 * $1 }
        r.spanning = wrapping ? wraps : !lo.isDisjoint(with: hi)
        return r
    }

    static func value(_ o: Observable, _ b: Brute, total: Int) -> Double {
        microValue(o, occ: b.occupied, total: total, largest: Double(b.largest), sumSq: Double(b.sumSq), spanned: b.spanning)
    }

    /// Exhaustive check: for every subset of the M sites/bonds, a sweep whose order starts with that subset
    /// must agree with brute force after |subset| additions; the subset averages are then the exact
    /// microcanonical values, whose convolution must equal the brute-force polynomial in p.
    func checkExhaustively(_ g: PercolationGraph, _ kind: PercolationKind, file: StaticString = #filePath, line: UInt = #line) {
        let n = g.vertexCount
        let edgeIDs = g.edgeIDs().map(Int.init)
        let edges = edgeIDs.map { id -> (Int, Int, Int) in let e = g.edge(id)!; return (e.0, e.1, Int(e.2)) }
        let items = kind == .site ? Array(0..<n) : edgeIDs
        let m = items.count
        var micro = [[Double]](repeating: [Double](repeating: 0, count: m + 1), count: Observable.allCases.count)
        var subsets = [Double](repeating: 0, count: m + 1)
        let ps = [0.0, 0.1, 0.3, 0.5, 0.5927, 0.8, 1.0]
        var exact = [[Double]](repeating: [Double](repeating: 0, count: ps.count), count: Observable.allCases.count)
        for mask in 0..<(1 << m) {
            let chosen = (0..<m).filter { mask >> $0 & 1 == 1 }
            let k = chosen.count
            let open = kind == .site ? (0..<n).map { mask >> $0 & 1 == 1 } : [Bool](repeating: true, count: n)
            let usedEdges = kind == .site ? edges : chosen.map { edges[$0] }
            let b = Self.brute(vertices: n, open: open, edges: usedEdges, x0: { $0 % g.side }, side: g.side,
                               wrapping: g.tracksWrapping)
            let order = chosen.map { items[$0] } + (0..<m).filter { mask >> $0 & 1 == 0 }.map { items[$0] }
            let sweep = NewmanZiff.sweep(g, kind: kind, order: order)
            XCTAssertEqual(Int(sweep.largest[k]), b.largest, file: file, line: line)
            XCTAssertEqual(Int(sweep.sumSquares[k]), b.sumSq, file: file, line: line)
            XCTAssertEqual(sweep.value(.spanning, at: k) == 1, b.spanning, "mask \(mask)", file: file, line: line)
            subsets[k] += 1
            for (oi, o) in Observable.allCases.enumerated() {
                micro[oi][k] += sweep.value(o, at: k)
                let v = Self.value(o, b, total: n)
                for (pi, p) in ps.enumerated() { exact[oi][pi] += v * pow(p, Double(k)) * pow(1 - p, Double(m - k)) }
            }
        }
        for (oi, o) in Observable.allCases.enumerated() {
            let q = (0...m).map { micro[oi][$0] / subsets[$0] }
            for (pi, p) in ps.enumerated() {
                XCTAssertEqual(Binomial.convolve(q, p: p), exact[oi][pi], accuracy: 1e-9, "\(o) p=\(p)", file: file, line: line)
            }
        }
    }

    func testSiteOpen3x3() { checkExhaustively(.hypercubic(dim: 2, size: 3, boundary: .open), .site) }
    func testSitePeriodic3x3Wrapping() { checkExhaustively(.hypercubic(dim: 2, size: 3, boundary: .periodic), .site) }
    func testBondOpen3x3() { checkExhaustively(.hypercubic(dim: 2, size: 3, boundary: .open), .bond) }
    func testBondPeriodicRing() { checkExhaustively(.hypercubic(dim: 1, size: 5, boundary: .periodic), .bond) }
    func testSiteHamming() { checkExhaustively(.hamming(dim: 2, alphabet: 3), .site) }
    func testBondHypercube() { checkExhaustively(.hypercube(dim: 3), .bond) }

    /// Closed forms: a periodic ring of L sites wraps iff all sites are open (p^L); an open chain spans
    /// iff all are open; bond ring of L edges wraps iff all edges are open.
    func testClosedForms() {
        let ring = NewmanZiff.sweep(.hypercubic(dim: 1, size: 6, boundary: .periodic), kind: .site, order: [3, 1, 4, 0, 5, 2])
        XCTAssertEqual(ring.spanStep, 6)
        let q = (0...6).map { ring.value(.spanning, at: $0) }
        XCTAssertEqual(Binomial.convolve(q, p: 0.7), pow(0.7, 6), accuracy: 1e-14)
    }
}
