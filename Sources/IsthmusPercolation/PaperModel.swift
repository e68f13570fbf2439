import Foundation

/// The model behind Conjecture 5.1 (paper Sec. 5): each cell of a grid over input space gets one of K
/// labels independently, class c with probability p and each other class (1-p)/(K-1). Cells of class c are
/// then site-percolation clusters at occupation p (the other labels only matter through "not c"), and the
/// conjecture says that two random class-c cells are connected through class-c cells with probability
/// bounded away from 0 once d is large enough that p > p_c(d) ~ 1/(2d). The grid is an open box with ±1
/// moves (`.hypercubic`) or the Hamming graph where one feature may change to any value (`.hamming`).
public enum ClassConnectivity {
    public struct Config: Codable, Equatable, Sendable {
        public var dims: [Int]
        /// Approximate number of cells; side L = max(2, round(cells^(1/d))).
        public var cells: Int
        public var classes: Int
        /// Class-c probability; nil: 1/classes.
        public var p: Double?
        /// `.hypercubic` (open box, ±1 moves) or `.hamming` (any change of one coordinate).
        public var adjacency: GraphFamily
        public var trials: Int
        public var seed: UInt64
        public var batches: Int?
        public var threads: Int?

        public init(dims: [Int] = Array(1...10), cells: Int = 1_000_000, classes: Int = 10, p: Double? = nil,
                    adjacency: GraphFamily = .hypercubic, trials: Int = 20, seed: UInt64 = 1, batches: Int? = nil,
                    threads: Int? = nil) {
            self.dims = dims; self.cells = cells; self.classes = classes; self.p = p; self.adjacency = adjacency
            self.trials = trials; self.seed = seed; self.batches = batches; self.threads = threads
        }

        public var probability: Double { p ?? 1 / Double(classes) }
    }

    public struct Row: Codable, Equatable, Sendable {
        public var dim: Int
        public var side: Int
        public var cells: Int
        public var p: Double
        /// Probability that two distinct random class-c cells are connected (Σ s(s-1) / (n(n-1))).
        public var connection: Double
        public var connectionError: Double
        /// Fraction of class-c cells in the largest class-c region.
        public var largestFraction: Double
        public var largestFractionError: Double
        /// Probability that a class-c region spans the box along axis 0.
        public var spanning: Double
        public var spanningError: Double
        /// Site p_c of Z^d where published (d = 2...6), and 1/(2d) for comparison.
        public var latticePc: Double?
        public var inverse2d: Double
    }

    public struct Result: Codable, Equatable, Sendable {
        public var config: Config
        public var rows: [Row]

        public var csvHeader: [String] {
            ["dim", "side", "cells", "p", "connection", "connection_err", "largest_fraction", "largest_fraction_err",
             "spanning", "spanning_err", "lattice_pc", "inverse_2d"]
        }
        /// Missing lattice p_c is NaN.
        public var csvRows: [[Double]] {
            rows.map { r in
                [Double(r.dim), Double(r.side), Double(r.cells), r.p, r.connection, r.connectionError, r.largestFraction,
                 r.largestFractionError, r.spanning, r.spanningError, r.latticePc ?? .nan, r.inverse2d]
            }
        }
        public var csv: String { csvText(header: csvHeader, rows: csvRows) }
    }

    public static func side(dim: Int, cells: Int) -> Int { max(2, Int(pow(Double(cells), 1 / Double(dim)).rounded())) }

    public static func run(_ config: Config) -> Result {
        let p = config.probability
        let threads = config.threads ?? Engine.defaultThreads
        let rows = config.dims.map { d -> Row in
            let l = side(dim: d, cells: config.cells)
            let g = PercolationGraph(family: config.adjacency, dim: d, side: l, boundary: .open)
            let e = Engine.simulate(g, .site, trials: config.trials,
                                    batches: Engine.batchCount(trials: config.trials, requested: config.batches),
                                    seed: config.seed, threads: threads, grid: [p])
            let c = e.curve(label: "class connectivity d=\(d)")
            return Row(dim: d, side: l, cells: g.vertexCount, p: p, connection: c.pairConnectivity.mean[0],
                       connectionError: c.pairConnectivity.stderr[0], largestFraction: c.largestFraction.mean[0],
                       largestFractionError: c.largestFraction.stderr[0], spanning: c.spanning.mean[0],
                       spanningError: c.spanning.stderr[0], latticePc: Literature.threshold(.site, dim: d)?.pc,
                       inverse2d: 1 / Double(2 * d))
        }
        return Result(config: config, rows: rows)
    }
}

/// Correlated labels: Gaussian white noise on the grid, smoothed by `rounds` of nearest-neighbour averaging
/// x_u ← (x_u + Σ_{v~u} x_v) / (1 + deg u), and class c = the cells holding the top fraction p of values
/// (the quantile threshold gives exactly n = round(pN) cells). Adding cells in decreasing field order is a
/// Newman–Ziff sweep, so all p come from one sweep per trial. `rounds = 0` is uncorrelated labelling.
public enum CorrelatedConnectivity {
    public struct Config: Codable, Equatable, Sendable {
        public var graph: GraphFamily
        public var dim: Int
        public var size: Int
        public var rounds: [Int]
        public var pValues: [Double]
        public var trials: Int
        public var seed: UInt64
        public var threads: Int?

        public init(graph: GraphFamily = .hypercubic, dim: Int = 3, size: Int = 32, rounds: [Int] = [0, 1, 2, 4, 8],
                    pValues: [Double] = [0.05, 0.1, 0.2, 0.3], trials: Int = 20, seed: UInt64 = 1, threads: Int? = nil) {
            self.graph = graph; self.dim = dim; self.size = size; self.rounds = rounds; self.pValues = pValues
            self.trials = trials; self.seed = seed; self.threads = threads
        }
    }

    public struct Row: Codable, Equatable, Sendable {
        public var rounds: Int
        public var p: Double
        /// Σ s(s-1) / (n(n-1)) over class-c regions.
        public var connection: Double
        public var connectionError: Double
        public var largestFraction: Double
        public var largestFractionError: Double
        public var spanning: Double
        public var spanningError: Double
    }

    /// Fraction of cells at which a spanning class-c region first appears (finite-box threshold).
    public struct Threshold: Codable, Equatable, Sendable {
        public var rounds: Int
        public var spanningFraction: Double
        public var spanningFractionError: Double
    }

    public struct Result: Codable, Equatable, Sendable {
        public var config: Config
        public var rows: [Row]
        public var thresholds: [Threshold]

        public var csvHeader: [String] {
            ["rounds", "p", "connection", "connection_err", "largest_fraction", "largest_fraction_err", "spanning",
             "spanning_err"]
        }
        public var csvRows: [[Double]] {
            rows.map { [Double($0.rounds), $0.p, $0.connection, $0.connectionError, $0.largestFraction,
                        $0.largestFractionError, $0.spanning, $0.spanningError] }
        }
        public var csv: String { csvText(header: csvHeader, rows: csvRows) }
    }

    /// Smoothed Gaussian field on the vertices of `graph`.
    public static func field(_ graph: PercolationGraph, rounds: Int, seed: UInt64) -> [Double] {
        var rng = PercolationRNG(seed: seed)
        var x = (0..<graph.vertexCount).map { _ in rng.gaussian() }
        var y = x
        for _ in 0..<rounds {
            for u in x.indices {
                var s = x[u], k = 1.0
                graph.forEachNeighbour(u) { v, _ in s += x[v]; k += 1 }
                y[u] = s / k
            }
            swap(&x, &y)
        }
        return x
    }

    public static func run(_ config: Config) -> Result {
        let g = PercolationGraph(family: config.graph, dim: config.dim, side: config.size, boundary: .open)
        let n = g.vertexCount
        let threads = config.threads ?? Engine.defaultThreads
        var rows = [Row](), thresholds = [Threshold]()
        for r in config.rounds {
            // Per trial: (connection, largest fraction, spanning) per p, then first spanning fraction.
            let perTrial = Engine.parallelMap(config.trials, threads: threads) { t -> [Double] in
                let f = field(g, rounds: r, seed: PercolationRNG.derive(PercolationRNG.derive(config.seed, UInt64(r)), UInt64(t)))
                let order = (0..<n).sorted { f[$0] > f[$1] || (f[$0] == f[$1] && $0 < $1) }
                let m = NewmanZiff.sweep(g, kind: .site, order: order)
                var out = [Double]()
                for p in config.pValues {
                    let k = Int((p * Double(n)).rounded())
                    out += [m.value(.pairConnectivity, at: k), m.value(.largestFraction, at: k), m.value(.spanning, at: k)]
                }
                return out + [Double(m.spanStep ?? n) / Double(n)]
            }
            func stat(_ i: Int) -> (Double, Double) {
                let v = perTrial.map { $0[i] }
                return Ensemble.meanAndError(v, weights: [Int](repeating: 1, count: v.count))
            }
            for (j, p) in config.pValues.enumerated() {
                let c = stat(3 * j), l = stat(3 * j + 1), s = stat(3 * j + 2)
                rows.append(Row(rounds: r, p: p, connection: c.0, connectionError: c.1, largestFraction: l.0,
                                largestFractionError: l.1, spanning: s.0, spanningError: s.1))
            }
            let th = stat(3 * config.pValues.count)
            thresholds.append(Threshold(rounds: r, spanningFraction: th.0, spanningFractionError: th.1))
        }
        return Result(config: config, rows: rows, thresholds: thresholds)
    }
}
