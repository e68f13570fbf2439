// Connectivity statistics over many within-class pairs (beyond the paper: its code has no such statistics).
import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

public enum Connectivity {
    public struct Config: Codable, Equatable, Sendable {
        public var pairs = 100
        public var seed: UInt64 = 0
        /// Per class, which images may be endpoints (default: those the model classifies correctly, so both
        /// endpoints are low-loss modes).
        public var selection = ImageSelection.correct
        /// `.lowestLoss`: images kept per class.
        public var lowestLossCount = 10
        public var chain = Chain.Config()
        public init() {}

        /// `selection == .correct` (true) or `.all` (false).
        public var requireCorrect: Bool {
            get { selection != .all }
            set { selection = newValue ? .correct : .all }
        }
    }

    /// A within-class pair of test images.
    public struct Pair: Codable, Equatable, Sendable {
        public var classIndex: Int
        public var indexA: Int
        public var indexC: Int
    }

    /// One CSV row per pair.
    public struct Row: Codable, Equatable, Sendable {
        public var pair: Int
        public var classIndex: Int
        public var indexA: Int
        public var indexC: Int
        public var lossA: Double
        public var lossC: Double
        public var primaryMax: Double
        public var primaryGap: Double
        public var primaryBlendGap: Double
        public var finalMax: Double
        public var finalGap: Double
        /// The primary segment was bent (false only with conditional bending); the deviation fields of an unbent
        /// pair are 0 (bend angle 180) and are left out of the summary's deviation statistics.
        public var bent: Bool
        public var deviationRatio: Double
        public var pixelDeviation: Double
        public var hyperplaneDistance: Double
        public var bendAngle: Double
        public var pathLengthRatio: Double
        public var rounds: Int
        public var connected: [String: Bool]
        public var gradientEvaluations: Int
        public var seconds: Double
        /// Planned endpoints that could not be read and were replaced (`ImageSource.readable`); nil when none.
        public var skipped: [Int]? = nil

        public init(pair: Int, _ p: Pair, _ r: Chain.Result) {
            self.pair = pair; classIndex = p.classIndex; indexA = p.indexA; indexC = p.indexC
            lossA = r.lossA; lossC = r.lossC; primaryMax = r.primaryMax; primaryGap = r.primaryGap
            primaryBlendGap = r.primaryBarrier.blendGap; finalMax = r.finalMax; finalGap = r.finalGap
            bent = r.deviation != nil
            deviationRatio = r.deviation?.deviationRatio ?? 0; pixelDeviation = r.deviation?.pixelDeviation ?? 0
            hyperplaneDistance = r.deviation?.hyperplaneDistance ?? 0; bendAngle = r.deviation?.bendAngle ?? 180
            pathLengthRatio = r.pathLengthRatio; rounds = r.rounds.count; connected = r.connected
            gradientEvaluations = r.gradientEvaluations; seconds = r.seconds
        }
    }

    public struct Summary: Codable, Equatable, Sendable {
        public var pairs: Int
        public var medianPrimaryGap: Double
        public var medianFinalGap: Double
        /// eps (as "0.05") -> fraction of pairs connected at that tolerance.
        public var connectedFraction: [String: Double]
        /// Pairs whose primary segment was bent, and those left straight (conditional bending only).
        public var bentPairs: Int
        public var unbentPairs: Int
        /// Deviation statistics over the bent pairs only.
        public var medianDeviationRatio: Double
        public var medianPixelDeviation: Double
        public var primaryGap: IsthmusReport.Summary
        public var finalGap: IsthmusReport.Summary
        public var deviationRatio: IsthmusReport.Summary
        public var pixelDeviation: IsthmusReport.Summary
        /// Pairs whose primary segment is monotone (gap 0), as the paper's 8.6% figure.
        public var monotoneFraction: Double
        public var meanSecondsPerPair: Double
    }

    /// N within-class pairs of distinct test images, seeded: a class uniformly at random, then two of its images.
    /// The list depends only on the seed, the data and (with `requireCorrect`) the model's predictions, so shards
    /// and resumed runs see the same pairs.
    public static func samplePairs(_ data: some ImageSource, model: Module, count: Int, seed: UInt64,
                                   requireCorrect: Bool) throws -> [Pair] {
        try samplePairs(data, model: model, count: count, seed: seed, selection: requireCorrect ? .correct : .all)
    }

    /// `samplePairs` over the images `selection` admits (`ImageSelection.pool`; with `.all` from the labels alone).
    public static func samplePairs(_ data: some ImageSource, model: Module, count: Int, seed: UInt64, selection: ImageSelection,
                                   lowestLossCount: Int = 10, progress: ((Int) -> Void)? = nil) throws -> [Pair] {
        try samplePairs(selection.pool(data, model: model, lowestLossCount: lowestLossCount, progress: progress), count: count, seed: seed)
    }

    /// `samplePairs` from an already selected pool.
    public static func samplePairs(_ pool: ImagePool, count: Int, seed: UInt64) throws -> [Pair] {
        let byClass = pool.byClass
        let classes = pool.classes(minimum: 2)
        guard !classes.isEmpty else { throw TrainingError("no class has two eligible test images") }
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let k = classes[Int(rng.next() % UInt64(classes.count))]
            let members = byClass[k]!
            let i = Int(rng.next() % UInt64(members.count))
            var j = Int(rng.next() % UInt64(members.count - 1))
            if j >= i { j += 1 }
            return Pair(classIndex: k, indexA: members[i], indexC: members[j])
        }
    }

    /// The pair's endpoints, an unreadable one replaced by the next readable image of its class: the pair as
    /// measured, its images, and the planned indices that were replaced.
    public static func endpoints(_ pair: Pair, data: some ImageSource) throws -> (Pair, Tensor, Tensor, [Int]?) {
        let (ia, a) = try data.readable(pair.indexA, avoiding: pair.indexC)
        let (ic, c) = try data.readable(pair.indexC, avoiding: ia)
        let skipped = [pair.indexA, pair.indexC].enumerated().filter { $0.element != [ia, ic][$0.offset] }.map(\.element)
        return (Pair(classIndex: pair.classIndex, indexA: ia, indexC: ic), a, c, skipped.isEmpty ? nil : skipped)
    }

    /// Runs the chain on one pair (an unreadable endpoint replaced, see `Row.skipped`).
    public static func run(_ c: Config, pair: Pair, index: Int, model: Module, data: some ImageSource) throws -> Row {
        var chain = c.chain
        chain.classIndex = pair.classIndex
        let (p, a, z, skipped) = try endpoints(pair, data: data)
        let (r, _) = try Chain.run(chain, model: model, from: a, to: z, normalization: data.normalization)
        var row = Row(pair: index, p, r)
        row.skipped = skipped
        return row
    }

    /// Runs the chain on pairs[i] for every i in `indices`, their bends optimized `batch` at a time
    /// (`Chain.runMany`); `row` gets each pair's row as soon as it is done (out of order). A row's `seconds` is
    /// the pair's wall time from its start to its end, which overlaps with the other pairs of the batch.
    public static func runMany(_ c: Config, pairs: [Pair], indices: [Int], batch: Int, model: Module, data: some ImageSource,
                               row: (Row) throws -> Void) throws {
        var measured: [Int: (Pair, [Int]?)] = [:]
        try Chain.runMany(count: indices.count, batch: batch, model: model, bypass: c.chain.bypass, start: { k in
            let (pair, a, z, skipped) = try endpoints(pairs[indices[k]], data: data)
            measured[k] = (pair, skipped)
            var chain = c.chain
            chain.classIndex = pair.classIndex
            return Chain.Progress(chain, model: model, from: a, to: z, normalization: data.normalization)
        }, finished: { k, chain in
            let (pair, skipped) = measured.removeValue(forKey: k)!
            var r = Row(pair: indices[k], pair, chain.result().0)
            r.skipped = skipped
            try row(r)
        })
    }

    public static func summarize(_ rows: [Row], epsilons: [Double]) -> Summary {
        func col(_ f: (Row) -> Double) -> [Double] { rows.map(f) }
        let bent = rows.filter(\.bent)
        func bentCol(_ f: (Row) -> Double) -> [Double] { bent.map(f) }
        let n = Double(max(rows.count, 1))
        return Summary(
            pairs: rows.count,
            medianPrimaryGap: Stats.median(col(\.primaryGap)), medianFinalGap: Stats.median(col(\.finalGap)),
            connectedFraction: Dictionary(uniqueKeysWithValues: epsilons.map { e in
                (Chain.key(e), Double(rows.filter { $0.connected[Chain.key(e)] == true }.count) / n)
            }),
            bentPairs: bent.count, unbentPairs: rows.count - bent.count,
            medianDeviationRatio: Stats.median(bentCol(\.deviationRatio)), medianPixelDeviation: Stats.median(bentCol(\.pixelDeviation)),
            primaryGap: IsthmusReport.Summary(col(\.primaryGap)), finalGap: IsthmusReport.Summary(col(\.finalGap)),
            deviationRatio: IsthmusReport.Summary(bentCol(\.deviationRatio)), pixelDeviation: IsthmusReport.Summary(bentCol(\.pixelDeviation)),
            monotoneFraction: Double(rows.filter { $0.primaryGap <= 0 }.count) / n,
            meanSecondsPerPair: Stats.mean(col(\.seconds)))
    }
}
