import Dispatch
import Foundation

/// Batch of trials reduced to canonical values on a p grid.
struct BatchSummary {
    var trials: Int
    /// `values[o][i]`: batch mean of observable `Observable.allCases[o]` at grid point i.
    var values: [[Double]]
    /// Batch mean of the mean cluster size on the fine grid (threshold by susceptibility peak).
    var fine: [Double]
    /// First step with a spanning/wrapping cluster per trial (`Int.max`: none).
    var spanSteps: [Int]
}

/// Trials of Newman–Ziff sweeps on one graph, split into batches (the unit of parallelism, of error bars
/// and of jackknife resampling).
struct Ensemble {
    let graph: PercolationGraph
    let kind: PercolationKind
    /// Number of sites or bonds in a full sweep (M).
    let total: Int
    let grid: [Double]
    let fineGrid: [Double]
    let batches: [BatchSummary]

    var trials: Int { batches.reduce(0) { $0 + $1.trials } }

    /// Probability of a spanning (wrapping) cluster at p, optionally leaving out one batch.
    func spanning(at p: Double, excluding skip: Int? = nil) -> Double {
        let (start, w) = Binomial.weights(count: total, p: p)
        var suffix = [Double](repeating: 0, count: w.count + 1)
        for i in stride(from: w.count - 1, through: 0, by: -1) { suffix[i] = suffix[i + 1] + w[i] }
        var sum = 0.0, n = 0
        for (b, batch) in batches.enumerated() where b != skip {
            n += batch.trials
            for s in batch.spanSteps { sum += s <= start ? 1 : (s - start >= w.count ? 0 : suffix[s - start]) }
        }
        return n > 0 ? sum / Double(n) : 0
    }

    /// Mean and standard error over batches (weights n_b/T; stderr² = B/(B-1) Σ (n_b/T)² (v_b - mean)²,
    /// zero when there is one batch).
    static func meanAndError(_ values: [Double], weights: [Int]) -> (Double, Double) {
        let total = Double(weights.reduce(0, +))
        let mean = zip(values, weights).reduce(0) { $0 + $1.0 * Double($1.1) } / total
        let b = Double(values.count)
        guard values.count > 1 else { return (mean, 0) }
        let v = zip(values, weights).reduce(0) { acc, x in
            let f = Double(x.1) / total
            return acc + f * f * (x.0 - mean) * (x.0 - mean)
        }
        return (mean, (v * b / (b - 1)).squareRoot())
    }

    func curve(label: String) -> PercolationCurve {
        let w = batches.map(\.trials)
        var series = [ObservableSeries]()
        for o in Observable.allCases.indices {
            var mean = [Double](), err = [Double]()
            for i in grid.indices {
                let (m, e) = Ensemble.meanAndError(batches.map { $0.values[o][i] }, weights: w)
                mean.append(m); err.append(e)
            }
            series.append(ObservableSeries(mean: mean, stderr: err))
        }
        return PercolationCurve(label: label, graph: graph, kind: kind, trials: trials, p: grid, series: series)
    }
}

enum Engine {
    /// Runs `body(i)` for i in 0..<count on up to `threads` workers; results in index order.
    static func parallelMap<T>(_ count: Int, threads: Int, _ body: (Int) -> T) -> [T] {
        let out = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        out.initialize(repeating: nil)
        defer { out.deallocate() }
        let workers = max(1, min(threads, count))
        if workers == 1 {
            for i in 0..<count { out[i] = body(i) }
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                for i in stride(from: w, to: count, by: workers) { out[i] = body(i) }
            }
        }
        return out.map { $0! }
    }

    static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Default number of batches: min(trials, 20).
    static func batchCount(trials: Int, requested: Int?) -> Int { max(1, min(trials, requested ?? 20)) }

    /// Precomputed binomial weights for a grid.
    struct WeightTable {
        let starts: [Int]
        let weights: [[Double]]
        init(total: Int, grid: [Double]) {
            let w = grid.map { Binomial.weights(count: total, p: $0) }
            starts = w.map(\.start); weights = w.map(\.weights)
        }
    }

    /// Runs `trials` random sweeps; trial t uses seed `derive(derive(seed, N), t)`, batch b holds trials
    /// b, b+B, ... in order, so results do not depend on `threads`. Sweeps stop once the binomial weight of
    /// every requested p is exhausted (`fullSweep` forces complete sweeps).
    static func simulate(_ graph: PercolationGraph, _ kind: PercolationKind, trials: Int, batches: Int, seed: UInt64,
                         threads: Int, grid: [Double], fineGrid: [Double] = [], fullSweep: Bool = false,
                         onTrial: (@Sendable () -> Void)? = nil) -> Ensemble {
        precondition(trials >= 1)
        let total = kind == .site ? graph.vertexCount : graph.edgeCount
        let count = fullSweep ? total : Binomial.upperEnd(count: total, ps: grid + fineGrid)
        let table = WeightTable(total: total, grid: grid)
        let fineTable = WeightTable(total: total, grid: fineGrid)
        let graphSeed = PercolationRNG.derive(seed, UInt64(graph.vertexCount) &* 2 &+ (kind == .bond ? 1 : 0))
        let nb = batchCount(trials: trials, requested: batches)
        let summaries = parallelMap(nb, threads: threads) { b -> BatchSummary in
            let sweeper = Sweeper(graph, kind)
            var sumL = [Double](repeating: 0, count: count + 1)
            var sumS = sumL, sumChi = sumL
            var spans = [Int]()
            var t = b
            while t < trials {
                var rng = PercolationRNG(seed: PercolationRNG.derive(graphSeed, UInt64(t)))
                sweeper.runRandom(count: count, rng: &rng)
                for n in 0...count {
                    let l = Double(sweeper.largest[n]), s = Double(sweeper.sumSq[n])
                    sumL[n] += l; sumS[n] += s
                    let occ = kind == .site ? n : graph.vertexCount
                    sumChi[n] += microValue(.meanClusterSize, occ: occ, total: graph.vertexCount, largest: l,
                                            sumSq: s, spanned: false)
                }
                spans.append(sweeper.spanStep)
                onTrial?()
                t += nb
            }
            let nt = Double(spans.count)
            // Microcanonical batch means of every observable except spanning, indexed [observable][n].
            var micro = [[Double]]()
            for o in Observable.allCases where o != .spanning {
                micro.append((0...count).map { n -> Double in
                    if o == .meanClusterSize { return sumChi[n] / nt }
                    let occ = kind == .site ? n : graph.vertexCount
                    return microValue(o, occ: occ, total: graph.vertexCount, largest: sumL[n] / nt,
                                      sumSq: sumS[n] / nt, spanned: false)
                })
            }
            func convolve(_ q: [Double], _ tab: WeightTable, _ i: Int) -> Double {
                let w = tab.weights[i], s = tab.starts[i]
                var acc = 0.0
                for k in w.indices { acc += w[k] * q[s + k] }
                return acc
            }
            var values = [[Double]]()
            values.append(grid.indices.map { i -> Double in
                let w = table.weights[i], s = table.starts[i]
                var acc = 0.0
                for step in spans where step < s + w.count {
                    acc += step <= s ? 1 : w[(step - s)...].reduce(0, +)
                }
                return acc / nt
            })
            for q in micro { values.append(grid.indices.map { convolve(q, table, $0) }) }
            let fine = fineGrid.indices.map { convolve(micro[micro.count - 1], fineTable, $0) }
            return BatchSummary(trials: spans.count, values: values, fine: fine, spanSteps: spans)
        }
        return Ensemble(graph: graph, kind: kind, total: total, grid: grid, fineGrid: fineGrid, batches: summaries)
    }
}
