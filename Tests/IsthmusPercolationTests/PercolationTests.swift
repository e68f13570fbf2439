import XCTest
@testable import IsthmusPercolation

final class UnionFindTests: XCTestCase {
    func testInvariants() {
        var rng = PercolationRNG(seed: 7)
        var uf = UnionFind(count: 500)
        for _ in 0..<400 {
            let a = rng.below(500), b = rng.below(500)
            let sa = uf.size(of: a), sb = uf.size(of: b), wasConnected = uf.connected(a, b)
            let ra = uf.find(a), rb = uf.find(b)
            let root = uf.union(a, b)
            if !wasConnected {
                XCTAssertEqual(root, sa >= sb ? ra : rb, "union by size keeps the larger root")
                XCTAssertEqual(uf.size(of: a), sa + sb)
            }
            XCTAssertTrue(uf.connected(a, b))
            XCTAssertEqual(uf.componentSizes.reduce(0, +), 500)
            XCTAssertEqual(uf.componentSizes.count, uf.componentCount)
        }
        for x in 0..<500 {
            let r = uf.find(x)
            XCTAssertEqual(uf.find(r), r, "find is idempotent")
            XCTAssertLessThan(uf.parent[r], 0)
        }
    }
}

final class GraphTests: XCTestCase {
    func checkAdjacency(_ g: PercolationGraph, degree: (Int) -> Int, adjacent: ([Int], [Int]) -> Bool) {
        var degreeSum = 0
        for v in 0..<g.vertexCount {
            let nb = g.neighbours(of: v)
            XCTAssertEqual(nb.count, degree(v), "vertex \(v)")
            XCTAssertEqual(Set(nb).count, nb.count)
            for w in nb { XCTAssertTrue(adjacent(g.coordinates(of: v), g.coordinates(of: w))) }
            degreeSum += nb.count
        }
        XCTAssertEqual(degreeSum, 2 * g.edgeCount)
        let ids = g.edgeIDs()
        XCTAssertEqual(ids.count, g.edgeCount)
        var pairs = Set<[Int]>()
        for id in ids {
            let (u, v) = g.endpoints(ofEdge: Int(id))
            XCTAssertTrue(g.neighbours(of: u).contains(v))
            pairs.insert([min(u, v), max(u, v)])
        }
        XCTAssertEqual(pairs.count, ids.count, "edges are distinct")
    }

    static func differsInOne(_ a: [Int], _ b: [Int]) -> Bool { zip(a, b).filter { $0 != $1 }.count == 1 }

    func testHypercube() {
        let g = PercolationGraph.hypercube(dim: 5)
        XCTAssertEqual(g.vertexCount, 32); XCTAssertEqual(g.degree, 5); XCTAssertEqual(g.edgeCount, 80)
        checkAdjacency(g, degree: { _ in 5 }, adjacent: Self.differsInOne)
    }

    func testHamming() {
        let g = PercolationGraph.hamming(dim: 4, alphabet: 3)
        XCTAssertEqual(g.degree, 8); XCTAssertEqual(g.edgeCount, 81 * 8 / 2)
        checkAdjacency(g, degree: { _ in 8 }, adjacent: Self.differsInOne)
    }

    func testHypercubicBoxes() {
        let periodic = PercolationGraph.hypercubic(dim: 3, size: 4, boundary: .periodic)
        checkAdjacency(periodic, degree: { _ in 6 }) { a, b in
            Self.differsInOne(a, b) && zip(a, b).allSatisfy { ($0 - $1 + 4) % 4 != 2 }
        }
        let open = PercolationGraph.hypercubic(dim: 3, size: 4, boundary: .open)
        checkAdjacency(open, degree: { v in open.coordinates(of: v).reduce(0) { $0 + ($1 == 0 || $1 == 3 ? 1 : 2) } }) { a, b in
            Self.differsInOne(a, b) && zip(a, b).allSatisfy { abs($0 - $1) <= 1 }
        }
        XCTAssertEqual(open.edgeCount, 3 * 16 * 3)
    }
}

final class BinomialTests: XCTestCase {
    func testWeights() {
        let (s, w) = Binomial.weights(count: 10, p: 0.3)
        for (i, x) in w.enumerated() {
            let n = s + i
            let choose: Int = (0..<n).reduce(1) { acc, j in acc * (10 - j) / (j + 1) }
            let exact = Double(choose) * pow(0.3, Double(n)) * pow(0.7, Double(10 - n))
            XCTAssertEqual(x, exact, accuracy: 1e-14)
        }
        let big = Binomial.weights(count: 50_000_000, p: 0.123)
        XCTAssertEqual(big.weights.reduce(0, +), 1, accuracy: 1e-12)
        let mean = big.weights.enumerated().reduce(0.0) { $0 + Double(big.start + $1.offset) * $1.element }
        XCTAssertEqual(mean, 50_000_000 * 0.123, accuracy: 1e-3)
        XCTAssertFalse(big.weights.contains { !$0.isFinite })
    }
}

final class ExperimentTests: XCTestCase {
    func testMonotoneInP() {
        for kind in PercolationKind.allCases {
            let r = PercolationExperiment.run(.init(kind: kind, dim: 2, size: 12, boundary: .open, trials: 8, points: 41))
            let c = r.curves[0]
            for o in [Observable.spanning, .strength] {
                let m = c[o].mean
                for i in 1..<m.count { XCTAssertGreaterThanOrEqual(m[i], m[i - 1] - 1e-12, "\(kind) \(o)") }
                let start = o == .strength && kind == .bond ? 1 / Double(r.vertexCount) : 0
                XCTAssertEqual(m.first!, start, accuracy: 1e-12); XCTAssertEqual(m.last!, 1, accuracy: 1e-12)
            }
        }
    }

    func testRepeatableAndThreadIndependent() {
        var cfg = PercolationExperiment.Config(kind: .bond, dim: 3, size: 6, trials: 12, seed: 42, threshold: true, threads: 1)
        let a = PercolationExperiment.run(cfg)
        cfg.threads = 4
        let b = PercolationExperiment.run(cfg)
        XCTAssertEqual(a.curves, b.curves)
        XCTAssertEqual(a.threshold, b.threshold)
        cfg.seed = 43
        XCTAssertNotEqual(PercolationExperiment.run(cfg).curves, a.curves)
        let json = try! JSONEncoder().encode(a)
        XCTAssertEqual(try! JSONDecoder().decode(PercolationExperiment.Result.self, from: json).curves, a.curves)
    }

    func testSquareLatticeThreshold() {
        let r = PercolationExperiment.run(.init(dim: 2, size: 24, trials: 60, threshold: true))
        let t = r.threshold!
        XCTAssertEqual(t.sizes, [12, 24])
        XCTAssertEqual(t.pc, 0.5927, accuracy: max(0.02, 4 * t.pcError))
        XCTAssertGreaterThan(t.pcError, 0)
        XCTAssertEqual(r.pc, t.pc)
        XCTAssertEqual(r.curves[1].csvRows.count, 101)
        XCTAssertEqual(r.curves[1].csvHeader[1], "wrapping")
        XCTAssertEqual(r.curves[1].csvRows[0].count, r.curves[1].csvHeader.count)
    }

    func testSusceptibilityPeakOnHypercube() {
        let r = PercolationExperiment.run(.init(graph: .hypercube, kind: .bond, dim: 8, trials: 20, threshold: true))
        let t = r.threshold!
        XCTAssertEqual(t.method, .susceptibilityPeak)
        XCTAssertGreaterThan(t.pc, 0.05); XCTAssertLessThan(t.pc, 0.4)
    }

    func testPaperModelAndCorrelated() {
        let r = ClassConnectivity.run(.init(dims: [1, 2, 4], cells: 4096, classes: 4, trials: 4))
        XCTAssertEqual(r.rows.map(\.side), [4096, 64, 8])
        XCTAssertEqual(r.rows[0].p, 0.25)
        XCTAssertLessThan(r.rows[0].connection, r.rows[2].connection, "connectivity at fixed p grows with d")
        let c = CorrelatedConnectivity.run(.init(dim: 2, size: 16, rounds: [0, 3], pValues: [0.3, 0.6], trials: 4))
        XCTAssertEqual(c.rows.count, 4); XCTAssertEqual(c.thresholds.count, 2)
        XCTAssertEqual(c.csvRows.count, 4)
        let c1 = CorrelatedConnectivity.run(.init(dim: 2, size: 16, rounds: [0, 3], pValues: [0.3, 0.6], trials: 4, threads: 1))
        XCTAssertEqual(c.rows, c1.rows); XCTAssertEqual(c.thresholds, c1.thresholds)
    }

    func testScanRowsAndAsymptotics() {
        let r = DimensionScan.run(.init(kind: .site, dims: [2, 3], sizes: [8, 6], trials: 10))
        XCTAssertEqual(r.rows.map(\.dim), [2, 3])
        XCTAssertNotNil(r.rows[0].deviationSigma)
        XCTAssertEqual(Literature.asymptotic(.bond, dim: 6), 1.0 / 12 + 1.0 / 144 + 3.5 / 1728, accuracy: 1e-15)
        for kind in PercolationKind.allCases {
            let gaps = (3...6).map { abs(Literature.asymptotic(kind, dim: $0) - Literature.threshold(kind, dim: $0)!.pc) }
            XCTAssertEqual(gaps, gaps.sorted(by: >), "the expansion improves with d")
            XCTAssertLessThan(gaps.last!, 0.003)
        }
    }
}
