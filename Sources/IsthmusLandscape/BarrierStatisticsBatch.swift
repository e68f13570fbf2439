// Barrier statistics of many planned pairs with their attacks and bypasses optimized together in batches.
import Foundation
import IsthmusCore
import IsthmusNN

extension BarrierStatistics {
    /// The chain config `measure` uses for every pair (one round, `steps` points per segment).
    static func chainConfig(_ p: Plan, _ c: Config) -> Chain.Config {
        var chain = Chain.Config()
        chain.classIndex = p.classIndex
        chain.primarySteps = c.steps
        chain.pointsPerSegment = c.steps
        chain.bypass = c.bypass
        chain.rounds = 1
        return chain
    }

    /// The measured pair from its chain and the second endpoint (real image or adversarial example).
    static func unit(_ p: Plan, _ c: Config, _ r: Chain.Result, other: Tensor, model: Module,
                     attack: (success: Bool, l2: Double, iterations: Int)?, skipped: [Int]? = nil) -> Unit {
        let logits = withoutGradients { model(other).scalars }
        return Unit(plan: p, lossA: r.lossA, lossC: r.lossC, max: r.primaryMax, gap: r.primaryGap, blendGap: r.primaryBarrier.blendGap,
                    bypassedMax: r.finalMax, curve: Detection.resample(r.primaryLosses, points: c.curvePoints), logitsC: logits,
                    attackSuccess: attack?.success, attackL2: attack?.l2, attackIterations: attack?.iterations, skipped: skipped)
    }

    /// `measure` for each of `plans`, `batch` optimizations at a time: the adversarial pairs' attacks in one
    /// `Attacks.PaperBatch`, then every pair's bypass in one `Bypass.Batch` (`Chain.runMany`). Each unit equals
    /// `measure` on its plan up to float32 rounding. Plans are taken in chunks of `4 * batch`, and `finished(k, unit)`
    /// gets each unit of plans[k] as soon as it is done (out of order within a chunk). batch 1, or an attack method
    /// other than the paper's, measures the pairs one by one with `measure`.
    public static func measureMany(_ plans: [Plan], _ c: Config, model: Module, data: some ImageSource, batch: Int,
                                   finished: (Int, Unit) throws -> Void) throws {
        guard batch > 1, c.attack.method == .paper else {
            for (k, p) in plans.enumerated() { try finished(k, try measure(p, c, model: model, data: data)) }
            return
        }
        let chunk = 4 * batch
        var start = 0
        while start < plans.count {
            let range = start..<min(plans.count, start + chunk)
            // Endpoints read once per pair (unreadable ones replaced, as `measure` does).
            var ends: [Int: (plan: Plan, a: Tensor, c: Tensor, skipped: [Int]?)] = [:]
            for k in range { ends[k] = try endpoints(plans[k], data: data) }
            // Attacks first: the second endpoint of every adversarial pair.
            var other: [Int: Tensor] = [:], attack: [Int: (success: Bool, l2: Double, iterations: Int)] = [:]
            let attacks = try Attacks.PaperBatch(model: model, config: c.attack, normalization: data.normalization, capacity: batch)
            var waiting = range.filter { ends[$0]!.plan.group == .adversarial }
            while !waiting.isEmpty || !attacks.isEmpty {
                while attacks.free > 0, !waiting.isEmpty {
                    let k = waiting.removeFirst(), e = ends[k]!, p = e.plan
                    let lossA = ClassLoss(model: model, classIndex: p.classIndex).losses(e.a)[0]
                    attacks.add(Attacks.Job(carrier: e.c, label: data.labels[p.indexC], target: p.classIndex,
                                            threshold: lossA), id: k)
                }
                for (k, out) in try attacks.step() {
                    other[k] = out.adversarial
                    attack[k] = (out.sample.success, out.sample.l2, out.sample.iterations)
                }
            }
            let ks = Array(range)
            try Chain.runMany(count: ks.count, batch: batch, model: model, bypass: c.bypass, start: { j in
                let e = ends[ks[j]]!
                return Chain.Progress(chainConfig(e.plan, c), model: model, from: e.a,
                                      to: other[ks[j]] ?? e.c, normalization: data.normalization)
            }, finished: { j, chain in
                let k = ks[j], e = ends[k]!
                let (r, _) = chain.result()
                try finished(k, unit(e.plan, c, r, other: other[k] ?? e.c, model: model, attack: attack[k], skipped: e.skipped))
            })
            start = range.upperBound
        }
    }
}
