/// Mean and standard error of an observable at each p of a curve.
public struct ObservableSeries: Codable, Equatable, Sendable {
    public var mean: [Double]
    public var stderr: [Double]
}

/// Canonical observables (Newman–Ziff sweeps convolved with Binomial(M, p)) as functions of p.
/// Errors are standard errors over independent batches of trials (zero for a single trial).
public struct PercolationCurve: Codable, Equatable, Sendable {
    public var label: String
    public var graph: PercolationGraph
    public var kind: PercolationKind
    public var trials: Int
    public var p: [Double]
    /// Spanning probability (open boxes, Hamming graphs) or wrapping probability along axis 0 (periodic).
    public var spanning: ObservableSeries
    public var largestFraction: ObservableSeries
    public var strength: ObservableSeries
    public var connectivity: ObservableSeries
    public var pairConnectivity: ObservableSeries
    public var meanClusterSize: ObservableSeries

    init(label: String, graph: PercolationGraph, kind: PercolationKind, trials: Int, p: [Double], series: [ObservableSeries]) {
        self.label = label; self.graph = graph; self.kind = kind; self.trials = trials; self.p = p
        spanning = series[0]; largestFraction = series[1]; strength = series[2]
        connectivity = series[3]; pairConnectivity = series[4]; meanClusterSize = series[5]
    }

    public subscript(_ o: Observable) -> ObservableSeries {
        switch o {
        case .spanning: return spanning
        case .largestFraction: return largestFraction
        case .strength: return strength
        case .connectivity: return connectivity
        case .pairConnectivity: return pairConnectivity
        case .meanClusterSize: return meanClusterSize
        }
    }

    /// Column names: `p`, then `<observable>` and `<observable>_err` (spanning is named `wrapping` on periodic boxes).
    public var csvHeader: [String] {
        ["p"] + Observable.allCases.flatMap { o -> [String] in
            let name = o == .spanning && graph.tracksWrapping ? "wrapping" : o.rawValue
            return [name, name + "_err"]
        }
    }

    /// One row per p, aligned with `csvHeader`.
    public var csvRows: [[Double]] {
        p.indices.map { i in [p[i]] + Observable.allCases.flatMap { [self[$0].mean[i], self[$0].stderr[i]] } }
    }

    /// Header and rows as CSV text.
    public var csv: String { csvText(header: csvHeader, rows: csvRows) }
}

func csvText(header: [String], rows: [[Double]]) -> String {
    ([header.joined(separator: ",")] + rows.map { $0.map { "\($0)" }.joined(separator: ",") })
        .joined(separator: "\n") + "\n"
}
