import Foundation

/// One percolation experiment on one graph: curves of all observables in p and optionally p_c.
/// Backs `isthmus percolate --graph G --kind K --dim D --size L --boundary B --trials T --seed S
/// [--threshold] [--p 0.1,0.2] --out DIR`.
public enum PercolationExperiment {
    public struct Config: Codable, Equatable, Sendable {
        public var graph: GraphFamily
        public var kind: PercolationKind
        public var dim: Int
        /// Box side L (hypercubic) or alphabet size k (hamming); ignored for the hypercube {0,1}^dim.
        public var size: Int
        /// Hypercubic boxes only.
        public var boundary: Boundary
        public var trials: Int
        public var seed: UInt64
        /// Also estimate p_c.
        public var threshold: Bool
        /// nil: `.crossing` on hypercubic boxes, `.susceptibilityPeak` otherwise.
        public var method: ThresholdMethod?
        /// Evaluate curves at these p; nil: `points` equally spaced p in [0, 1].
        public var pValues: [Double]?
        public var points: Int
        /// Batches of trials for error bars and jackknife; nil: min(trials, 20).
        public var batches: Int?
        /// Worker threads; nil: all cores. Results do not depend on it.
        public var threads: Int?

        public init(graph: GraphFamily = .hypercubic, kind: PercolationKind = .site, dim: Int = 2, size: Int = 64,
                    boundary: Boundary = .periodic, trials: Int = 100, seed: UInt64 = 1, threshold: Bool = false,
                    method: ThresholdMethod? = nil, pValues: [Double]? = nil, points: Int = 101,
                    batches: Int? = nil, threads: Int? = nil) {
            self.graph = graph; self.kind = kind; self.dim = dim; self.size = size; self.boundary = boundary
            self.trials = trials; self.seed = seed; self.threshold = threshold; self.method = method
            self.pValues = pValues; self.points = points; self.batches = batches; self.threads = threads
        }

        public func percolationGraph(size s: Int? = nil) -> PercolationGraph {
            PercolationGraph(family: graph, dim: dim, side: s ?? size, boundary: boundary)
        }

        public var grid: [Double] {
            pValues ?? (0..<max(points, 2)).map { Double($0) / Double(max(points, 2) - 1) }
        }

        public var resolvedMethod: ThresholdMethod { method ?? (graph == .hypercubic ? .crossing : .susceptibilityPeak) }

        /// Sides used by the crossing method: ⌈L/2⌉ (at least 3 periodic, 2 open) and L.
        public var crossingSizes: [Int] { [max((size + 1) / 2, boundary == .periodic ? 3 : 2), size] }
    }

    public struct Result: Codable, Equatable, Sendable {
        public var config: Config
        public var vertexCount: Int
        public var edgeCount: Int
        /// One curve per simulated size, the configured size last.
        public var curves: [PercolationCurve]
        public var threshold: ThresholdEstimate?
        public var pc: Double?
        public var pcError: Double?
        public var seconds: Double
    }

    /// Fine p grid of the susceptibility-peak method.
    static let fineGrid = (0...800).map { Double($0) / 800 }

    /// The sizes simulated, each with its vertex count (the threshold's crossing method runs two box sides).
    public static func simulatedVertexCounts(_ config: Config) -> [Int] {
        config.threshold && config.resolvedMethod == .crossing
            ? config.crossingSizes.map { config.percolationGraph(size: $0).vertexCount } : [config.percolationGraph().vertexCount]
    }

    /// Runs the experiment; `onTrial(vertices)` is called (from worker threads) after each trial with the vertex
    /// count of its graph, for progress weighted by work (`simulatedVertexCounts` x trials in all).
    public static func run(_ config: Config, onTrial: (@Sendable (Int) -> Void)? = nil) -> Result {
        let start = Date()
        let threads = config.threads ?? Engine.defaultThreads
        let graph = config.percolationGraph()
        func simulate(_ g: PercolationGraph, fine: Bool) -> Ensemble {
            Engine.simulate(g, config.kind, trials: config.trials, batches: Engine.batchCount(trials: config.trials,
                            requested: config.batches), seed: config.seed, threads: threads, grid: config.grid,
                            fineGrid: fine ? fineGrid : [], fullSweep: config.threshold,
                            onTrial: onTrial.map { f in { f(g.vertexCount) } })
        }
        var curves = [PercolationCurve]()
        var estimate: ThresholdEstimate?
        let label = "\(config.graph.rawValue) \(config.kind.rawValue) d=\(config.dim)"
        if config.threshold && config.resolvedMethod == .crossing {
            precondition(config.graph == .hypercubic, "the crossing method needs hypercubic boxes")
            let sizes = config.crossingSizes
            let small = simulate(config.percolationGraph(size: sizes[0]), fine: false)
            let large = simulate(graph, fine: false)
            curves = [small.curve(label: label + " L=\(sizes[0])"), large.curve(label: label + " L=\(sizes[1])")]
            estimate = Threshold.crossing(small: small, large: large)
        } else {
            let e = simulate(graph, fine: config.threshold)
            curves = [e.curve(label: label + " size=\(graph.side)")]
            if config.threshold { estimate = Threshold.peak(e) }
        }
        return Result(config: config, vertexCount: graph.vertexCount, edgeCount: graph.edgeCount, curves: curves,
                      threshold: estimate, pc: estimate?.pc, pcError: estimate?.pcError,
                      seconds: Date().timeIntervalSince(start))
    }
}
