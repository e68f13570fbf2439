import Foundation

/// Published critical probabilities on Z^d and the large-d expansions (Sec. 5 of the paper appeals to
/// p_c(d) ~ 1/(2d); these make it quantitative).
public enum Literature {
    public struct Value: Codable, Equatable, Sendable {
        public var pc: Double
        public var error: Double
        public var source: String
    }

    /// Site: d=2 Newman & Ziff, PRL 85, 4104 (2000); d=3 Wang, Zhou, Zhang, Garoni & Deng, PRE 87, 052107
    /// (2013); d=4..6 Grassberger, PRE 67, 036101 (2003). Bond: d=2 exact (Kesten 1980); d=3 Lorenz & Ziff,
    /// PRE 57, 230 (1998); d=4..6 Grassberger (2003).
    public static func threshold(_ kind: PercolationKind, dim: Int) -> Value? {
        let gr = "Grassberger, PRE 67, 036101 (2003)"
        switch (kind, dim) {
        case (.site, 2): return Value(pc: 0.59274621, error: 1.3e-7, source: "Newman & Ziff, PRL 85, 4104 (2000)")
        case (.site, 3): return Value(pc: 0.3116077, error: 2e-7, source: "Wang et al., PRE 87, 052107 (2013)")
        case (.site, 4): return Value(pc: 0.196889, error: 3e-6, source: gr)
        case (.site, 5): return Value(pc: 0.14081, error: 1e-5, source: gr)
        case (.site, 6): return Value(pc: 0.109017, error: 2e-6, source: gr)
        case (.bond, 2): return Value(pc: 0.5, error: 0, source: "exact, Kesten, Commun. Math. Phys. 74, 41 (1980)")
        case (.bond, 3): return Value(pc: 0.2488126, error: 5e-7, source: "Lorenz & Ziff, PRE 57, 230 (1998)")
        case (.bond, 4): return Value(pc: 0.1601314, error: 1.3e-6, source: gr)
        case (.bond, 5): return Value(pc: 0.118172, error: 1e-6, source: gr)
        case (.bond, 6): return Value(pc: 0.0942019, error: 6e-7, source: gr)
        default: return nil
        }
    }

    /// Large-d expansions. Bond: 1/(2d) + 1/(2d)² + (7/2)/(2d)³ (Hara & Slade, J. Stat. Phys. 59, 1469
    /// (1990) and Combin. Probab. Comput. 4, 197 (1995); Gaunt & Ruskin, J. Phys. A 11, 1369 (1978)).
    /// Site: σ⁻¹ + (3/2)σ⁻² + (15/4)σ⁻³ with σ = 2d-1 (Gaunt, Ruskin & Sykes, J. Phys. A 9, 1899 (1976)).
    public static func asymptotic(_ kind: PercolationKind, dim: Int) -> Double {
        switch kind {
        case .bond:
            let x = 1 / Double(2 * dim)
            return x + x * x + 3.5 * x * x * x
        case .site:
            let s = 1 / Double(2 * dim - 1)
            return s + 1.5 * s * s + 3.75 * s * s * s
        }
    }
}

/// p_c(d) on periodic hypercubic boxes for a range of dimensions, by wrapping-probability crossings of
/// sizes L/2 and L, against the literature and against 1/(2d) (the scaling behind Conjecture 5.1).
public enum DimensionScan {
    public struct Config: Codable, Equatable, Sendable {
        public var kind: PercolationKind
        public var dims: [Int]
        /// Larger box side per entry of `dims`; nil: `defaultSize(dim:targetSites:)`.
        public var sizes: [Int]?
        public var targetSites: Int
        public var trials: Int
        public var seed: UInt64
        public var batches: Int?
        public var threads: Int?

        public init(kind: PercolationKind = .site, dims: [Int] = Array(2...6), sizes: [Int]? = nil,
                    targetSites: Int = 1 << 16, trials: Int = 100, seed: UInt64 = 1, batches: Int? = nil,
                    threads: Int? = nil) {
            self.kind = kind; self.dims = dims; self.sizes = sizes; self.targetSites = targetSites
            self.trials = trials; self.seed = seed; self.batches = batches; self.threads = threads
        }
    }

    public struct Row: Codable, Equatable, Sendable {
        public var kind: PercolationKind
        public var dim: Int
        public var sizes: [Int]
        public var trials: Int
        public var pc: Double
        public var pcError: Double
        public var literature: Literature.Value?
        /// (pc - literature) / sqrt(pcError² + literature error²).
        public var deviationSigma: Double?
        public var inverse2d: Double
        public var asymptotic: Double
        public var seconds: Double
    }

    public struct Result: Codable, Equatable, Sendable {
        public var config: Config
        public var rows: [Row]

        public var csvHeader: [String] {
            ["dim", "L_small", "L", "pc", "pc_err", "literature", "deviation_sigma", "inverse_2d", "asymptotic"]
        }
        /// Missing literature values are NaN.
        public var csvRows: [[Double]] {
            rows.map { r in
                [Double(r.dim), Double(r.sizes[0]), Double(r.sizes[1]), r.pc, r.pcError, r.literature?.pc ?? .nan,
                 r.deviationSigma ?? .nan, r.inverse2d, r.asymptotic]
            }
        }
        public var csv: String { csvText(header: csvHeader, rows: csvRows) }
    }

    /// Even side L ≥ 6 with L^d nearest to `targetSites`.
    public static func defaultSize(dim: Int, targetSites: Int) -> Int {
        let l = pow(Double(targetSites), 1 / Double(dim))
        return max(6, 2 * Int((l / 2).rounded()))
    }

    public static func run(_ config: Config) -> Result {
        let rows = config.dims.enumerated().map { i, d -> Row in
            let size = config.sizes?[i] ?? defaultSize(dim: d, targetSites: config.targetSites)
            let r = PercolationExperiment.run(.init(graph: .hypercubic, kind: config.kind, dim: d, size: size,
                                                    boundary: .periodic, trials: config.trials, seed: config.seed,
                                                    threshold: true, method: .crossing, points: 21,
                                                    batches: config.batches, threads: config.threads))
            let t = r.threshold!
            let lit = Literature.threshold(config.kind, dim: d)
            let dev = lit.map { (t.pc - $0.pc) / max((t.pcError * t.pcError + $0.error * $0.error).squareRoot(), 1e-300) }
            return Row(kind: config.kind, dim: d, sizes: t.sizes, trials: t.trials, pc: t.pc, pcError: t.pcError,
                       literature: lit, deviationSigma: dev, inverse2d: 1 / Double(2 * d),
                       asymptotic: Literature.asymptotic(config.kind, dim: d), seconds: r.seconds)
        }
        return Result(config: config, rows: rows)
    }
}

/// Site and bond p_c for d = 2...6 at modest sizes against the literature (about a minute in release
/// mode on 2 cores with the defaults). Small boxes in high d bias the crossing (finite-size corrections
/// ~ L^{-1/ν-ω}, and d = 6 is the upper critical dimension), so deviations there are expected.
public enum PercolationValidation {
    /// Larger box side per dimension 2...6.
    public static let sizes = [2: 256, 3: 48, 4: 20, 5: 12, 6: 8]

    public static func run(trials: Int = 300, seed: UInt64 = 1, threads: Int? = nil) -> [DimensionScan.Result] {
        let dims = Array(2...6)
        return PercolationKind.allCases.map { kind in
            DimensionScan.run(.init(kind: kind, dims: dims, sizes: dims.map { sizes[$0]! }, trials: trials,
                                    seed: seed, threads: threads))
        }
    }

    /// Markdown table of validation results.
    public static func markdown(_ results: [DimensionScan.Result]) -> String {
        var lines = ["| kind | d | L | p_c (ours) | literature | dev/σ | 1/(2d) | expansion | s |",
                     "|---|---|---|---|---|---|---|---|---|"]
        for r in results.flatMap(\.rows) {
            let lit = r.literature.map { String(format: "%.7f", $0.pc) } ?? "-"
            let dev = r.deviationSigma.map { String(format: "%+.1f", $0) } ?? "-"
            let f = { (x: Double, digits: Int) in String(format: "%.\(digits)f", x) }
            lines.append("| \(r.kind.rawValue) | \(r.dim) | \(r.sizes[0]),\(r.sizes[1]) | \(f(r.pc, 5)) ± \(f(r.pcError, 5)) "
                         + "| \(lit) | \(dev) | \(f(r.inverse2d, 4)) | \(f(r.asymptotic, 4)) | \(f(r.seconds, 1)) |")
        }
        return lines.joined(separator: "\n")
    }
}
