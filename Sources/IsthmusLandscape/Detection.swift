// Detecting adversarial inputs from the loss landscape between them and a real image of the same class
// (Vrabel et al., ICLR 2025, Sec 4.2.1): single-score detectors, learned detectors on the loss curve, and metrics.
import Foundation
import IsthmusCore
import IsthmusNN

/// A detector maps a feature vector to a score; higher = more likely adversarial (the positive class).
public protocol Detector {
    mutating func fit(features: [[Double]], labels: [Bool])
    func score(_ features: [Double]) -> Double
}

/// One feature column as the score (barrier max, barrier gap, bypassed max, ...); nothing to fit.
public struct ColumnDetector: Detector {
    public var column: Int
    public init(column: Int) { self.column = column }
    public mutating func fit(features: [[Double]], labels: [Bool]) {}
    public func score(_ features: [Double]) -> Double { features[column] }
}

/// Per-feature z-scoring fitted on training rows (a constant feature gets std 1).
public struct Standardizer: Codable, Equatable, Sendable {
    public var mean: [Double] = []
    public var std: [Double] = []
    public init() {}
    public init(fitting rows: [[Double]]) {
        let d = rows.first?.count ?? 0, n = Double(max(rows.count, 1))
        mean = (0..<d).map { j in rows.map { $0[j] }.reduce(0, +) / n }
        std = (0..<d).map { j in
            let s = (rows.map { ($0[j] - mean[j]) * ($0[j] - mean[j]) }.reduce(0, +) / n).squareRoot()
            return s > 1e-12 && s.isFinite ? s : 1
        }
    }
    public func apply(_ x: [Double]) -> [Double] { x.indices.map { (x[$0] - mean[$0]) / std[$0] } }
}

/// L2-penalized logistic regression on standardized features, fitted by Newton's method (deterministic):
/// minimize sum_i log(1 + exp(-s_i (w.z_i + b))) + (l2 / 2) ||w||^2, s_i = +-1; the bias is not penalized.
/// The penalty keeps the optimum finite on separable data.
public struct LogisticRegression: Detector, Codable, Equatable, Sendable {
    public var l2: Double
    public var maxIterations: Int
    public var weights: [Double] = []
    public var bias: Double = 0
    public var standardizer = Standardizer()

    public init(l2: Double = 1e-2, maxIterations: Int = 50) { self.l2 = l2; self.maxIterations = maxIterations }

    /// How `fit` solves each Newton system: over the d + 1 coefficients, or (`.dual`) over the n training rows by the
    /// Woodbury identity, which is much cheaper when n < d (an ImageNet loss curve plus 1000 logits, a few pairs).
    /// Both reach the same optimum; `.automatic` takes the smaller system.
    public enum Solver: String, Codable, Sendable { case automatic, primal, dual }

    public mutating func fit(features: [[Double]], labels: [Bool]) { fit(features: features, labels: labels, solver: .automatic) }

    /// Newton's method from beta = 0 until the largest step is below 1e-10 (at most `maxIterations` steps). With
    /// Z the standardized rows, p_i = sigmoid(w.z_i + b), r = p - y, W = diag(max(p(1 - p), 1e-12)), the step solves
    /// [[Z'WZ + l2 I, Z'W1], [1'WZ, 1'W1 + 1e-9]] [dw; db] = [Z'r + l2 w; 1'r].
    public mutating func fit(features: [[Double]], labels: [Bool], solver: Solver) {
        precondition(features.count == labels.count && !features.isEmpty, "fit: \(features.count) rows, \(labels.count) labels")
        standardizer = Standardizer(fitting: features)
        let Z = features.map { standardizer.apply($0) }
        let n = Z.count, m = Z[0].count
        let dual = solver == .dual || (solver == .automatic && n < m + 1)
        // The rows' Gram matrix K = Z Z' (n x n), once for all steps of the dual solver.
        let gram = dual ? (0..<n).map { i in (0..<n).map { j in dot(Z[i], Z[j]) } } : []
        var w = [Double](repeating: 0, count: m), b = 0.0
        for _ in 0..<maxIterations {
            var r = [Double](repeating: 0, count: n), h = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let p = Self.sigmoid(dot(w, Z[i]) + b)
                r[i] = p - (labels[i] ? 1 : 0); h[i] = max(p * (1 - p), 1e-12)
            }
            var gw = w.map { l2 * $0 }
            for i in 0..<n { for a in 0..<m { gw[a] += r[i] * Z[i][a] } }
            let gb = r.reduce(0, +)
            let (dw, db) = dual ? dualStep(Z, gram: gram, h: h, gw: gw, gb: gb) : primalStep(Z, h: h, gw: gw, gb: gb)
            for a in 0..<m { w[a] -= dw[a] }
            b -= db
            if max(dw.map(abs).max() ?? 0, abs(db)) < 1e-10 { break }
        }
        weights = w; bias = b
    }

    /// The Newton step from the full (m + 1) x (m + 1) system.
    func primalStep(_ Z: [[Double]], h: [Double], gw: [Double], gb: Double) -> (dw: [Double], db: Double) {
        let m = gw.count, d = m + 1
        var hess = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for (z0, hi) in zip(Z, h) {
            let z = z0 + [1]
            for a in 0..<d { for c in 0...a { hess[a][c] += hi * z[a] * z[c] } }
        }
        for a in 0..<d {
            for c in 0..<a { hess[c][a] = hess[a][c] }
            hess[a][a] += a < m ? l2 : 1e-9
        }
        let delta = Self.solve(hess, gw + [gb])
        return (Array(delta.prefix(m)), delta[m])
    }

    /// The same step through n x n systems: A = Z'HZ + l2 I has A^-1 v = (v - Z'S M^-1 S Z v) / l2 with
    /// S = H^(1/2), M = l2 I + S K S (Woodbury), and the bias row is eliminated by its Schur complement
    /// s = 1'H1 + 1e-9 - c'A^-1 c, c = Z'H1: db = (gb - c'A^-1 gw) / s, dw = A^-1 gw - A^-1 c db.
    func dualStep(_ Z: [[Double]], gram: [[Double]], h: [Double], gw: [Double], gb: Double) -> (dw: [Double], db: Double) {
        let n = Z.count, m = gw.count
        let sq = h.map { $0.squareRoot() }
        var M = (0..<n).map { i in (0..<n).map { j in sq[i] * gram[i][j] * sq[j] } }
        for i in 0..<n { M[i][i] += l2 }
        func inverseA(_ v: [Double]) -> [Double] {
            let t = Self.solve(M, (0..<n).map { i in sq[i] * dot(Z[i], v) })
            var out = v
            for i in 0..<n { let f = sq[i] * t[i]; for a in 0..<m { out[a] -= f * Z[i][a] } }
            return out.map { $0 / l2 }
        }
        var c = [Double](repeating: 0, count: m)
        for i in 0..<n { for a in 0..<m { c[a] += h[i] * Z[i][a] } }
        let aInvG = inverseA(gw), aInvC = inverseA(c)
        let schur = h.reduce(0, +) + 1e-9 - dot(c, aInvC)
        let db = (gb - dot(c, aInvG)) / schur
        return (zip(aInvG, aInvC).map { $0 - $1 * db }, db)
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }

    /// The logit w.z + b (monotone in the probability).
    public func score(_ features: [Double]) -> Double {
        zip(weights, standardizer.apply(features)).map(*).reduce(bias, +)
    }

    static func sigmoid(_ v: Double) -> Double { v >= 0 ? 1 / (1 + exp(-v)) : exp(v) / (1 + exp(v)) }

    /// Solves H x = g for symmetric positive definite H (Gaussian elimination with partial pivoting).
    static func solve(_ H: [[Double]], _ g: [Double]) -> [Double] {
        let n = g.count
        var a = H, b = g
        for col in 0..<n {
            let p = (col..<n).max { abs(a[$0][col]) < abs(a[$1][col]) }!
            a.swapAt(col, p); b.swapAt(col, p)
            let piv = a[col][col]
            guard abs(piv) > 1e-300 else { continue }
            for r in (col + 1)..<max(n, col + 1) {
                let f = a[r][col] / piv
                if f == 0 { continue }
                for c in col..<n { a[r][c] -= f * a[col][c] }
                b[r] -= f * b[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var s = b[r]
            for c in (r + 1)..<max(n, r + 1) { s -= a[r][c] * x[c] }
            x[r] = abs(a[r][r]) > 1e-300 ? s / a[r][r] : 0
        }
        return x
    }
}

/// A one-hidden-layer perceptron on standardized features: z -> ReLU(W1 z + b1) -> w2.h + b2 (the score, a logit),
/// trained full-batch with Adam on the mean binary cross-entropy softplus(u) - y u (+ weight decay), seeded
/// PyTorch initialization. Built on the Isthmus tensor engine.
public struct MLPDetector: Detector {
    public var hidden: Int
    public var epochs: Int
    public var lr: Double
    public var weightDecay: Double
    public var seed: UInt64
    public private(set) var standardizer = Standardizer()
    var layers: [Linear] = []

    public init(hidden: Int = 16, epochs: Int = 500, lr: Double = 0.01, weightDecay: Double = 1e-4, seed: UInt64 = 0) {
        self.hidden = hidden; self.epochs = epochs; self.lr = lr; self.weightDecay = weightDecay; self.seed = seed
    }

    func forward(_ x: Tensor) -> Tensor { layers[1](layers[0](x).relu()) }

    public mutating func fit(features: [[Double]], labels: [Bool]) {
        precondition(features.count == labels.count && !features.isEmpty, "fit: \(features.count) rows, \(labels.count) labels")
        standardizer = Standardizer(fitting: features)
        let d = features[0].count, n = features.count
        var rng = SplitMix64(seed: seed)
        layers = [Linear(d, hidden, using: &rng), Linear(hidden, 1, using: &rng)]
        let x = Tensor(shape: [n, d], scalars: features.flatMap { standardizer.apply($0).map(Float.init) })
        let y = Tensor(shape: [n, 1], scalars: labels.map { $0 ? 1 : 0 })
        let params = layers.flatMap { $0.parameters.map(\.tensor) }
        let adam = Adam(params, lr: Float(lr), weightDecay: Float(weightDecay))
        for _ in 0..<epochs {
            let (_, g) = valueWithGradient(wrt: params) {
                let u = forward(x)
                let softplus = u.relu() + ((-u.abs()).exp() + 1).log()
                return (softplus - y * u).mean()
            }
            adam.step(g)
        }
    }

    public func score(_ features: [Double]) -> Double {
        let z = standardizer.apply(features).map(Float.init)
        return Double(withoutGradients { forward(Tensor(shape: [1, z.count], scalars: z)) }.scalar)
    }
}

/// Metrics of a score against binary labels (positive = adversarial).
public struct DetectionMetrics: Codable, Equatable, Sendable {
    /// P(s+ > s-) + P(s+ = s-) / 2 over all positive-negative pairs (Mann-Whitney U / (n+ n-)).
    public var auroc: Double
    /// Threshold tau = the (floor(0.05 n-) + 1)-th largest negative score; positive iff s > tau. At most 5% of the
    /// negatives lie strictly above tau, and no lower threshold keeps that. Value: the fraction of positives above tau.
    public var tprAt5FPR: Double
    /// Threshold tau = the (floor(0.05 n+) + 1)-th smallest positive score; positive iff s >= tau, so at least 95% of the
    /// positives are caught. Value: the fraction of negatives below tau.
    public var tnrAt95TPR: Double
    /// max over thresholds (s > tau, tau from -inf, the scores, +inf) of (TP + TN) / n.
    public var accuracy: Double
    /// Stratified bootstrap (positives and negatives resampled separately) 2.5% and 97.5% percentiles.
    public var aurocCI: Interval
    public var tprAt5FPRCI: Interval

    public struct Interval: Codable, Equatable, Sendable {
        public var lower: Double
        public var upper: Double
        public init(lower: Double, upper: Double) { self.lower = lower; self.upper = upper }
    }
}

/// One scored pair: its label, split and every detector's score.
public struct ScoreRow: Codable, Equatable, Sendable {
    public var index: Int
    public var adversarial: Bool
    public var split: String
    public var scores: [String: Double]
}

/// Everything a detection run reports: `detection` = {score name -> metrics on the test split}, and per-sample rows.
public struct DetectionReport: Codable, Equatable, Sendable {
    public var detection: [String: DetectionMetrics]
    public var rows: [ScoreRow]
    public var trainCount: Int
    public var testCount: Int
}

public enum Detection {
    /// The score names the CLI reports.
    public static let scoreNames = ["barrierMax", "barrierGap", "bypassedMax", "learned"]

    // MARK: - Features

    /// `curve` resampled to `points` values at u_j = j / (points - 1) by linear interpolation in the index.
    public static func resample(_ curve: [Float], points: Int = 32) -> [Double] {
        precondition(!curve.isEmpty && points >= 1)
        if curve.count == 1 || points == 1 { return Array(repeating: Double(curve[0]), count: points) }
        return (0..<points).map { j in
            let u = Double(j) / Double(points - 1) * Double(curve.count - 1)
            let i = min(Int(u), curve.count - 2), f = u - Double(i)
            return Double(curve[i]) * (1 - f) + Double(curve[i + 1]) * f
        }
    }

    /// The learned detectors' input: the loss curve resampled to `points`, then the logits.
    public static func features(curve: [Float], logits: [Float], points: Int = 32) -> [Double] {
        resample(curve, points: points) + logits.map(Double.init)
    }

    // MARK: - Metrics

    /// Mann-Whitney AUROC with ties counted as 1/2, via average ranks: (R+ - n+(n+ + 1)/2) / (n+ n-).
    public static func auroc(positives: [Double], negatives: [Double]) -> Double {
        let np = positives.count, nn = negatives.count
        guard np > 0 && nn > 0 else { return .nan }
        let all = (positives.map { ($0, true) } + negatives.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var rankSum = 0.0, i = 0
        while i < all.count {
            var j = i
            while j + 1 < all.count && all[j + 1].0 == all[i].0 { j += 1 }
            let rank = Double(i + j + 2) / 2
            for k in i...j where all[k].1 { rankSum += rank }
            i = j + 1
        }
        return (rankSum - Double(np) * Double(np + 1) / 2) / (Double(np) * Double(nn))
    }

    /// See `DetectionMetrics.tprAt5FPR`; `fpr` = 0.05 by default.
    public static func tprAtFPR(positives: [Double], negatives: [Double], fpr: Double = 0.05) -> Double {
        guard !positives.isEmpty && !negatives.isEmpty else { return .nan }
        let neg = negatives.sorted(by: >)
        let tau = neg[min(Int((fpr * Double(neg.count)).rounded(.down)), neg.count - 1)]
        return Double(positives.filter { $0 > tau }.count) / Double(positives.count)
    }

    /// See `DetectionMetrics.tnrAt95TPR`; `tpr` = 0.95 by default.
    public static func tnrAtTPR(positives: [Double], negatives: [Double], tpr: Double = 0.95) -> Double {
        guard !positives.isEmpty && !negatives.isEmpty else { return .nan }
        let pos = positives.sorted()
        let tau = pos[min(Int(((1 - tpr) * Double(pos.count) + 1e-9).rounded(.down)), pos.count - 1)]
        return Double(negatives.filter { $0 < tau }.count) / Double(negatives.count)
    }

    /// The best (TP + TN) / n over thresholds "positive iff s > tau".
    public static func bestAccuracy(positives: [Double], negatives: [Double]) -> Double {
        let n = positives.count + negatives.count
        guard n > 0 else { return .nan }
        // tau = -inf: everything positive.
        let all = (positives.map { ($0, true) } + negatives.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var correct = positives.count, best = correct, i = 0
        while i < all.count {
            var j = i
            while j + 1 < all.count && all[j + 1].0 == all[i].0 { j += 1 }
            for k in i...j { correct += all[k].1 ? -1 : 1 }   // tau = this value: these become negative
            best = max(best, correct)
            i = j + 1
        }
        return Double(best) / Double(n)
    }

    /// ROC points from (0, 0) to (1, 1): one point per distinct score, thresholds descending, "positive iff s >= v".
    /// The trapezoidal area under these points equals `auroc` (ties make diagonal segments).
    public static func roc(positives: [Double], negatives: [Double]) -> (fpr: [Double], tpr: [Double]) {
        let np = Double(max(positives.count, 1)), nn = Double(max(negatives.count, 1))
        let all = (positives.map { ($0, true) } + negatives.map { ($0, false) }).sorted { $0.0 > $1.0 }
        var fpr = [0.0], tpr = [0.0], tp = 0, fp = 0, i = 0
        while i < all.count {
            var j = i
            while j + 1 < all.count && all[j + 1].0 == all[i].0 { j += 1 }
            for k in i...j { if all[k].1 { tp += 1 } else { fp += 1 } }
            fpr.append(Double(fp) / nn); tpr.append(Double(tp) / np)
            i = j + 1
        }
        return (fpr, tpr)
    }

    /// Percentile interval (linear interpolation between order statistics) of a statistic over `resamples`
    /// stratified bootstrap draws: positives and negatives are each resampled with replacement, keeping their counts.
    public static func bootstrap(positives: [Double], negatives: [Double], resamples: Int = 1000, level: Double = 0.95,
                                 seed: UInt64 = 0, _ statistic: ([Double], [Double]) -> Double) -> DetectionMetrics.Interval {
        guard !positives.isEmpty && !negatives.isEmpty && resamples > 0 else { return .init(lower: .nan, upper: .nan) }
        var rng = SplitMix64(seed: seed)
        func draw(_ v: [Double]) -> [Double] { (0..<v.count).map { _ in v[Int(rng.next() % UInt64(v.count))] } }
        var stats: [Double] = []
        stats.reserveCapacity(resamples)
        for _ in 0..<resamples {
            let p = draw(positives), n = draw(negatives)
            stats.append(statistic(p, n))
        }
        let s = stats.sorted()
        func q(_ p: Double) -> Double {
            let h = p * Double(s.count - 1), i = Int(h.rounded(.down)), f = h - Double(i)
            return i + 1 < s.count ? s[i] * (1 - f) + s[i + 1] * f : s[i]
        }
        return .init(lower: q((1 - level) / 2), upper: q(1 - (1 - level) / 2))
    }

    /// All metrics of a score; the bootstrap uses `seed` and `resamples`.
    public static func metrics(positives: [Double], negatives: [Double], resamples: Int = 1000, seed: UInt64 = 0) -> DetectionMetrics {
        DetectionMetrics(
            auroc: auroc(positives: positives, negatives: negatives),
            tprAt5FPR: tprAtFPR(positives: positives, negatives: negatives),
            tnrAt95TPR: tnrAtTPR(positives: positives, negatives: negatives),
            accuracy: bestAccuracy(positives: positives, negatives: negatives),
            aurocCI: bootstrap(positives: positives, negatives: negatives, resamples: resamples, seed: seed) { auroc(positives: $0, negatives: $1) },
            tprAt5FPRCI: bootstrap(positives: positives, negatives: negatives, resamples: resamples, seed: seed) { tprAtFPR(positives: $0, negatives: $1) })
    }

    /// Metrics of scores split by label.
    public static func metrics(scores: [Double], labels: [Bool], resamples: Int = 1000, seed: UInt64 = 0) -> DetectionMetrics {
        precondition(scores.count == labels.count, "\(scores.count) scores, \(labels.count) labels")
        let pos = zip(scores, labels).filter { $0.1 }.map(\.0), neg = zip(scores, labels).filter { !$0.1 }.map(\.0)
        return metrics(positives: pos, negatives: neg, resamples: resamples, seed: seed)
    }

    // MARK: - Splits and evaluation

    /// A seeded stratified split: each class is shuffled (Fisher-Yates) and round(testFraction * n_class) of it goes
    /// to the test set. Index lists are sorted.
    public static func stratifiedSplit(labels: [Bool], testFraction: Double = 0.5, seed: UInt64 = 0) -> (train: [Int], test: [Int]) {
        var rng = SplitMix64(seed: seed)
        var train: [Int] = [], test: [Int] = []
        for cls in [true, false] {
            var idx = labels.indices.filter { labels[$0] == cls }
            idx.fisherYatesShuffle(using: &rng)
            let k = Int((testFraction * Double(idx.count)).rounded())
            test += idx[..<k]; train += idx[k...]
        }
        return (train.sorted(), test.sorted())
    }

    /// Evaluates fixed scores (e.g. `barrierMax`, `barrierGap`, `bypassedMax`, each one value per pair) and a learned
    /// detector (fitted on the train split of `features`, stored under `learnedName`) on the same held-out test split.
    /// Rows carry every score of every pair, train and test.
    public static func evaluate<D: Detector>(fixedScores: [String: [Double]], features: [[Double]], labels: [Bool],
                                             detector: D, learnedName: String = "learned", testFraction: Double = 0.5,
                                             seed: UInt64 = 0, resamples: Int = 1000) -> DetectionReport {
        let n = labels.count
        precondition(features.count == n && fixedScores.values.allSatisfy { $0.count == n }, "every score needs one value per pair")
        let (train, test) = stratifiedSplit(labels: labels, testFraction: testFraction, seed: seed)
        var d = detector
        d.fit(features: train.map { features[$0] }, labels: train.map { labels[$0] })
        var all = fixedScores
        all[learnedName] = features.map { d.score($0) }
        var detection: [String: DetectionMetrics] = [:]
        for (name, s) in all {
            detection[name] = metrics(scores: test.map { s[$0] }, labels: test.map { labels[$0] }, resamples: resamples, seed: seed)
        }
        let testSet = Set(test)
        let rows = (0..<n).map { i in
            ScoreRow(index: i, adversarial: labels[i], split: testSet.contains(i) ? "test" : "train",
                     scores: all.mapValues { $0[i] })
        }
        return DetectionReport(detection: detection, rows: rows, trainCount: train.count, testCount: test.count)
    }
}
