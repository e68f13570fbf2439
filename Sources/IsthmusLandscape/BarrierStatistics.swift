// Barrier statistics of within-class, real-adversarial and different-class pairs, and adversarial detection
// from the loss along the segment (paper Sec 4.2, Fig 4-6, Sec 4.2.1).
import Foundation
import IsthmusCore
import IsthmusNN
import IsthmusReport

public enum BarrierStatistics {
    public enum Group: String, Codable, CaseIterable, Sendable {
        /// Two real test images of class y.
        case within
        /// A real image A of class y and an adversarial example of y made from a carrier of another class.
        case adversarial
        /// Two real images of different classes (the baseline reviewers asked for); L_y with y the class of A.
        case differentClass
    }

    /// How pairs are drawn.
    public enum PairProtocol: String, Codable, CaseIterable, Sendable {
        /// `pairs` pairs per group, each of a class drawn at random (beyond the paper; also the differentClass group).
        case free
        /// Fig 6 as the paper: for every class, `pairsPerClass` within-class and real-adversarial pairs (each carrier
        /// from a random other class); per class and group the `keepPerClass` pairs with the smallest |L(A) - L(C)|
        /// are kept (7 -> 5). No differentClass group.
        case paper
    }

    public struct Config: Codable, Equatable, Sendable {
        public var pairProtocol = PairProtocol.free
        /// Pairs per group (free protocol).
        public var pairs = 100
        /// Paper protocol: pairs measured per class and group, and how many of them are kept.
        public var pairsPerClass = 7
        public var keepPerClass = 5
        /// Per class, which images may be endpoints (A, the second real image, the carrier).
        public var selection = ImageSelection.correct
        /// `.lowestLoss`: images kept per class.
        public var lowestLossCount = 10
        public var seed: UInt64 = 0
        /// Points on each segment (250 in Sec 4.2).
        public var steps = 250
        /// paper | pgd | adaptive (others work too).
        public var attack = Attacks.Config.paperStatistics
        /// One bypass per pair for the `bypassedMax` score (rounds 1); iterations settable.
        public var bypass = Bypass.Config()
        /// Points of the learned detector's resampled curve.
        public var curvePoints = 32
        public init() {}
    }

    /// A pair to measure, fixed by the seed before any work (shards and resumed runs see the same list).
    public struct Plan: Codable, Equatable, Sendable {
        public var group: Group
        public var classIndex: Int
        public var indexA: Int
        /// The second real image, or the carrier of the adversarial example.
        public var indexC: Int
    }

    /// One measured pair.
    public struct Unit: Codable, Equatable, Sendable {
        public var plan: Plan
        public var lossA: Double
        public var lossC: Double
        public var max: Double
        public var gap: Double
        public var blendGap: Double
        public var bypassedMax: Double
        /// The loss curve resampled to `curvePoints`, and the logits of C (the learned detector's features).
        public var curve: [Double]
        public var logitsC: [Float]
        /// Adversarial pairs: did the attack reach class y, with what size.
        public var attackSuccess: Bool?
        public var attackL2: Double?
        public var attackIterations: Int?
        /// Planned endpoints that could not be read and were replaced (`ImageSource.readable`); nil when none.
        public var skipped: [Int]? = nil
    }

    public struct GroupSummary: Codable, Equatable, Sendable {
        public var max: IsthmusReport.Summary
        public var gap: IsthmusReport.Summary
        public var bypassedMax: IsthmusReport.Summary
        /// Pairs whose segment is monotone (gap 0).
        public var monotoneFraction: Double
        /// Percentile-bootstrap 95% intervals of the medians of max and gap (1000 resamples, seeded).
        public var maxMedianCI: DetectionMetrics.Interval? = nil
        public var gapMedianCI: DetectionMetrics.Interval? = nil
    }

    public struct Result: Codable, Equatable, Sendable {
        public var groups: [String: GroupSummary]
        /// adversarial (positive) vs within-class: barrierMax, barrierGap, bypassedMax, learned.
        public var detection: [String: DetectionMetrics]
        public var attackSuccessRate: Double
    }

    /// The pairs to measure, seeded: free: N pairs per group; paper: `pairsPerClass` within-class and adversarial pairs
    /// per class. Endpoints are the images `c.selection` admits (`ImageSelection.pool`: with `.all` the plan comes
    /// from the labels alone, otherwise every image is evaluated once in batches); carriers come from a random class
    /// other than y. Classes with fewer than two eligible images take no part.
    public static func plan(_ c: Config, data: some ImageSource, model: Module, progress: ((Int) -> Void)? = nil) throws -> [Plan] {
        try plan(c, pool: c.selection.pool(data, model: model, lowestLossCount: c.lowestLossCount, progress: progress))
    }

    /// The plan of `plan(_:data:model:)` from an already selected pool.
    public static func plan(_ c: Config, pool: ImagePool) throws -> [Plan] {
        let byClass = pool.byClass
        let classes = pool.classes(minimum: 2)
        guard classes.count >= 2 else { throw TrainingError("need two classes with two eligible test images each (selection: \(c.selection.rawValue))") }
        var rng = SplitMix64(seed: c.seed)
        func pick(_ k: Int) -> Int { byClass[k]![Int(rng.next() % UInt64(byClass[k]!.count))] }
        func otherClass(_ y: Int) -> Int {
            let others = classes.filter { $0 != y }
            return others[Int(rng.next() % UInt64(others.count))]
        }
        var plans: [Plan] = []
        if c.pairProtocol == .paper {
            for y in classes {
                for g in [Group.within, .adversarial] {
                    for _ in 0..<c.pairsPerClass {
                        let a = pick(y)
                        if g == .within {
                            var b = pick(y)
                            while b == a { b = pick(y) }
                            plans.append(Plan(group: g, classIndex: y, indexA: a, indexC: b))
                        } else {
                            plans.append(Plan(group: g, classIndex: y, indexA: a, indexC: pick(otherClass(y))))
                        }
                    }
                }
            }
            return plans
        }
        for g in Group.allCases {
            for _ in 0..<c.pairs {
                let y = classes[Int(rng.next() % UInt64(classes.count))]
                let a = pick(y)
                switch g {
                case .within:
                    var b = pick(y)
                    while b == a { b = pick(y) }
                    plans.append(Plan(group: g, classIndex: y, indexA: a, indexC: b))
                case .adversarial, .differentClass:
                    plans.append(Plan(group: g, classIndex: y, indexA: a, indexC: pick(otherClass(y))))
                }
            }
        }
        return plans
    }

    /// Measures one planned pair (attacking the carrier first for adversarial pairs).
    /// An unreadable endpoint is replaced by the next readable image of its class, recorded in `Unit.skipped`.
    public static func measure(_ p: Plan, _ c: Config, model: Module, data: some ImageSource) throws -> Unit {
        let (p, a, real, skipped) = try endpoints(p, data: data)
        var other = real
        var attack: (success: Bool, l2: Double, iterations: Int)?
        if p.group == .adversarial {
            let ac = c.attack.targeting(p.classIndex, seed: c.seed &+ UInt64(p.indexA &* 7919 &+ p.indexC))
            let lossA = ClassLoss(model: model, classIndex: p.classIndex).losses(a)[0]
            let out = try Attacks.run(ac, model: model, normalization: data.normalization, images: other, labels: [data.labels[p.indexC]],
                                      thresholds: ac.method == .paper || ac.method == .adaptive ? [lossA] : nil,
                                      anchors: ac.method == .adaptive ? a : nil)
            other = out.adversarial
            attack = (out.result.samples[0].success, out.result.samples[0].l2, out.result.samples[0].iterations)
        }
        let (r, _) = try Chain.run(chainConfig(p, c), model: model, from: a, to: other, normalization: data.normalization)
        return unit(p, c, r, other: other, model: model, attack: attack, skipped: skipped)
    }

    /// The plan with its endpoints read: an unreadable one is replaced by the next readable image of its class (a
    /// within-class pair keeps two distinct images); `skipped` lists the planned indices replaced (nil when none).
    static func endpoints(_ p: Plan, data: some ImageSource) throws -> (plan: Plan, a: Tensor, c: Tensor, skipped: [Int]?) {
        let within = p.group == .within
        let (ia, a) = try data.readable(p.indexA, avoiding: within ? p.indexC : nil)
        let (ic, other) = try data.readable(p.indexC, avoiding: within ? ia : nil)
        let skipped = [p.indexA, p.indexC].enumerated().filter { $0.element != [ia, ic][$0.offset] }.map(\.element)
        var q = p
        q.indexA = ia; q.indexC = ic
        return (q, a, other, skipped.isEmpty ? nil : skipped)
    }

    /// The pairs the statistics use: all (free protocol), or per class and group the `keepPerClass` with the smallest
    /// |L(A) - L(C)| (paper protocol; ties keep the planned order).
    public static func selected(_ units: [Unit], _ c: Config) -> [Unit] { keptPositions(units, c).map { units[$0] } }

    /// Whether each unit is one `selected` keeps, by position (a pair planned twice is kept or dropped per copy).
    public static func keptMask(_ units: [Unit], _ c: Config) -> [Bool] {
        var mask = [Bool](repeating: false, count: units.count)
        for i in keptPositions(units, c) { mask[i] = true }
        return mask
    }

    /// Positions of the kept units: grouped by group and class in order of first appearance, each group by rising
    /// |L(A) - L(C)|.
    static func keptPositions(_ units: [Unit], _ c: Config) -> [Int] {
        guard c.pairProtocol == .paper else { return Array(units.indices) }
        var groups: [String: [Int]] = [:], order: [String] = []
        for (i, u) in units.enumerated() {
            let key = "\(u.plan.group.rawValue)/\(u.plan.classIndex)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(i)
        }
        return order.flatMap { key in
            groups[key]!.sorted { (abs(units[$0].lossA - units[$0].lossC), $0) < (abs(units[$1].lossA - units[$1].lossC), $1) }.prefix(c.keepPerClass)
        }
    }

    /// Adversarial (positive) vs within-class detection from measured pairs (different-class pairs are left out):
    /// the single scores barrierMax, barrierGap and bypassedMax, and `detector` ("learned") fitted on the resampled
    /// curve followed by the logits of C, on a stratified `1 - testFraction` of the pairs.
    public static func detection<D: Detector>(_ units: [Unit], detector: D, testFraction: Double = 0.5, seed: UInt64,
                                             resamples: Int = 1000) -> DetectionReport {
        let pairs = units.filter { $0.plan.group != .differentClass }
        return Detection.evaluate(
            fixedScores: ["barrierMax": pairs.map(\.max), "barrierGap": pairs.map(\.gap), "bypassedMax": pairs.map(\.bypassedMax)],
            features: pairs.map { $0.curve + $0.logitsC.map(Double.init) }, labels: pairs.map { $0.plan.group == .adversarial },
            detector: detector, learnedName: "learned", testFraction: testFraction, seed: seed, resamples: resamples)
    }

    /// Group summaries and detection (adversarial vs within-class) from measured pairs. The learned detector is a
    /// logistic regression on the resampled curve and the logits of C, fitted on a stratified half and evaluated
    /// with the single scores on the other half.
    public static func summarize(_ units: [Unit], seed: UInt64, resamples: Int = 1000) -> (Result, DetectionReport) {
        var groups: [String: GroupSummary] = [:]
        for g in Group.allCases {
            let u = units.filter { $0.plan.group == g }
            guard !u.isEmpty else { continue }
            var rng = SplitMix64(seed: seed &+ UInt64(g.rawValue.utf8.count))
            func ci(_ v: [Double]) -> DetectionMetrics.Interval {
                let (lo, hi) = Stats.bootstrapCI(v, resamples: resamples, statistic: Stats.median, using: &rng)
                return .init(lower: lo, upper: hi)
            }
            groups[g.rawValue] = GroupSummary(max: IsthmusReport.Summary(u.map(\.max)), gap: IsthmusReport.Summary(u.map(\.gap)),
                                              bypassedMax: IsthmusReport.Summary(u.map(\.bypassedMax)),
                                              monotoneFraction: Double(u.filter { $0.gap <= 0 }.count) / Double(u.count),
                                              maxMedianCI: ci(u.map(\.max)), gapMedianCI: ci(u.map(\.gap)))
        }
        let report = detection(units, detector: LogisticRegression(), seed: seed, resamples: resamples)
        let adv = units.filter { $0.plan.group == .adversarial }
        let rate = adv.isEmpty ? 0 : Double(adv.filter { $0.attackSuccess == true }.count) / Double(adv.count)
        return (Result(groups: groups, detection: report.detection, attackSuccessRate: rate), report)
    }
}
