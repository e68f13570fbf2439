// The chains of many pairs with their bends optimized together in one batch.
import Foundation
import IsthmusCore
import IsthmusNN

extension Chain {
    /// Runs the chains of pairs 0..<count, their bends optimized up to `batch` at a time in one `Bypass.Batch`
    /// (all with the config `bypass`); each pair's result equals `Chain.run` on it up to float32 rounding.
    /// A free slot takes the next waiting bend of a started pair, else starts the next pair (`start(i)`, in index
    /// order). `finished(i, chain)` gets each pair as soon as its last round completes, so pairs finish out of order.
    public static func runMany(count: Int, batch: Int, model: Module, bypass: Bypass.Config,
                               start: (Int) throws -> Progress, finished: (Int, Progress) throws -> Void) throws {
        let bends = Bypass.Batch(model: model, config: bypass, capacity: max(batch, 1))
        var chains: [Int: Progress] = [:]
        var outcomes: [Int: [Bypass.Outcome?]] = [:]
        var waiting: [(pair: Int, job: Int)] = []
        var next = 0
        /// Queues the bends of a pair's current round, or reports the pair if it has none left.
        func schedule(_ i: Int, _ chain: Progress) throws {
            if chain.isFinished {
                chains[i] = nil; outcomes[i] = nil
                try finished(i, chain)
            } else {
                outcomes[i] = Array(repeating: nil, count: chain.jobs.count)
                waiting += chain.jobs.indices.map { (i, $0) }
            }
        }
        while true {
            while bends.free > 0 {
                if !waiting.isEmpty {
                    let w = waiting.removeFirst()
                    bends.add(chains[w.pair]!.jobs[w.job], id: w.pair * 1_000_000 + w.job)
                } else if next < count {
                    let chain = try start(next)
                    precondition(chain.config.bypass == bypass, "Chain.runMany: pair \(next) has another bypass config")
                    chains[next] = chain
                    try schedule(next, chain)
                    next += 1
                } else { break }
            }
            if bends.isEmpty { break }
            for (id, out) in try bends.step() {
                let i = id / 1_000_000, j = id % 1_000_000
                outcomes[i]![j] = out
                if outcomes[i]!.allSatisfy({ $0 != nil }) {
                    let chain = chains[i]!
                    chain.complete(outcomes[i]!.map { $0! })
                    try schedule(i, chain)
                }
            }
        }
    }
}
