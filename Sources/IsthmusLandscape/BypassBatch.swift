// Many bends optimized together: one [K, C, H, W] forward/backward per step for K independent bypasses.
import Foundation
import IsthmusCore
import IsthmusNN

extension Bypass {
    /// One bend to optimize: start B for the segment P->Q (v = Q - P), loss L_y with y = `classIndex`.
    public struct Job {
        public var p: Tensor, q: Tensor, start: Tensor
        public var classIndex: Int
        public init(p: Tensor, q: Tensor, start: Tensor, classIndex: Int) {
            self.p = p; self.q = q; self.start = start; self.classIndex = classIndex
        }
    }

    /// Up to `capacity` bends, each exactly `Bypass.optimize` (Sec 3.2), stepped together: per step one forward and
    /// backward of the stacked iterates [K, C, H, W] on J = sum_k J_k, so row k's gradient is grad J_k (the CE,
    /// mean((x_k - B_k)^2) and TV(x_k - B_k) are per bend; an eval-mode network treats batch rows independently).
    /// Each bend keeps its own Adam state, projection direction v_k, anchor B_k, step count and stop (stopLoss,
    /// certified stop, iteration limit); finished bends leave and `add` fills the free slots.
    /// Results equal the sequential ones up to the float32 rounding of batched kernels.
    public final class Batch {
        /// The loss function; each bend uses it for its own class (`Job.classIndex`).
        public let loss: ClassLoss
        public let config: Config
        public let capacity: Int

        final class Slot {
            let id: Int, job: Job, loss: ClassLoss
            let x: Tensor, anchor: Tensor, v: Tensor, vv: Double
            let opt: Adam
            var trace: [Float] = []
            var taken = 0
            let ends: Double
            init(id: Int, job: Job, loss base: ClassLoss, config c: Config) {
                self.id = id; self.job = job
                loss = base.withClass(job.classIndex)
                x = job.start.copy(); anchor = job.start.copy(); v = job.q - job.p
                vv = Euclidean.dot(v, v)
                opt = Adam([x], lr: Float(c.lr), weightDecay: Float(c.weightDecay))
                trace.reserveCapacity(c.iterations)
                ends = c.certifyEvery == nil ? 0 : Double(loss.losses(concat([job.p, job.q], axis: 0)).max()!)
            }
        }
        var slots: [Slot] = []

        public init(loss: ClassLoss, config: Config, capacity: Int) {
            precondition(capacity >= 1, "Bypass.Batch: capacity \(capacity) < 1")
            self.loss = loss; self.config = config; self.capacity = capacity
        }

        /// Bends on the cross-entropy of `model`.
        public convenience init(model: Module, config: Config, capacity: Int) {
            self.init(loss: ClassLoss(model: model, classIndex: 0), config: config, capacity: capacity)
        }

        /// Free slots.
        public var free: Int { capacity - slots.count }
        public var isEmpty: Bool { slots.isEmpty }

        /// Adds a bend under the caller's `id` (returned with its outcome).
        public func add(_ job: Job, id: Int) {
            precondition(free > 0, "Bypass.Batch: full")
            precondition(slots.isEmpty || job.start.shape == slots[0].x.shape, "Bypass.Batch: input shapes differ")
            slots.append(Slot(id: id, job: job, loss: loss, config: config))
        }

        func certified(_ s: Slot) -> Bool {
            let al = Interpolation.alphas(config.certifyPoints)
            let path = concat([Interpolation.points(from: s.job.p, to: s.x, alphas: al),
                               Interpolation.points(from: s.x, to: s.job.q, alphas: al)], axis: 0)
            return Double(s.loss.losses(path).max()!) <= s.ends + config.certifyTolerance
        }

        /// One Adam step of every bend in the batch (after each bend's certified-stop check, as in `optimize`);
        /// returns the bends that finished, which leave the batch. Throws if a loss becomes NaN or infinite.
        public func step() throws -> [(id: Int, outcome: Outcome)] {
            let c = config
            var done: [(id: Int, outcome: Outcome)] = []
            // The certified check precedes step s = taken + 1 (s > 1, s - 1 a multiple of certifyEvery).
            slots.removeAll { s in
                guard let every = c.certifyEvery, every > 0, s.taken > 0, s.taken % every == 0, certified(s) else { return false }
                done.append((s.id, Outcome(bend: s.x, trace: s.trace, iterations: s.taken)))
                return true
            }
            guard !slots.isEmpty else { return done }
            let n = slots[0].x.count
            // Always `capacity` rows (free slots repeat bend 0; their gradients are dropped): the batched kernels
            // then see one shape, so a bend's result does not depend on how many bends share its batch.
            let rows = slots + Array(repeating: slots[0], count: capacity - slots.count)
            let xs = concat(rows.map(\.x), axis: 0)
            var ce: [Float] = []
            let (_, grads) = valueWithGradient(wrt: [xs]) {
                let perRow = loss.perSample(xs, classes: rows.map(\.job.classIndex))
                ce = perRow.scalars
                let l = perRow.sum()
                guard c.mode != .free else { return l }
                let d = xs - concat(rows.map(\.anchor), axis: 0)
                // sum_k mean_k((x - B)^2): the same (sum * 1/n) * w as meanSquaredError per bend.
                return l + d.squared().sum() * (1 / Float(n)) * Float(c.mseWeight) + totalVariation(d) * Float(c.tvWeight)
            }
            let g = grads[0].data
            let limit = max(c.iterations, 1)
            var finished = Set<Int>()
            for (r, s) in slots.enumerated() {
                s.taken += 1
                guard ce[r].isFinite else { throw TrainingError("bypass: the loss became \(ce[r]) at step \(s.taken)") }
                s.trace.append(ce[r])
                let gr = Tensor.zeros(s.x.shape)
                gr.mutableData.update(from: g + r * n, count: n)
                if c.mode != .free && s.vv > 0 { projectOntoHyperplane(gr, v: s.v, vv: s.vv) }
                s.opt.step([gr])
                if c.mode == .exact && s.vv > 0 { projectOntoHyperplane(s.x, anchor: s.anchor, v: s.v, vv: s.vv) }
                if let stop = c.stopLoss, Double(ce[r]) < stop {
                    done.append((s.id, Outcome(bend: s.x, trace: s.trace, iterations: s.taken))); finished.insert(r)
                } else if s.taken == limit {
                    done.append((s.id, Outcome(bend: s.x, trace: s.trace, iterations: c.iterations))); finished.insert(r)
                }
            }
            slots = slots.enumerated().filter { !finished.contains($0.offset) }.map(\.element)
            return done
        }
    }

    /// `optimize` for each job (its own class `Job.classIndex`, the class of `loss` ignored), `batch` at a time in
    /// one `Batch` of capacity min(batch, jobs.count); outcomes in job order, equal to the sequential ones up to
    /// float32 rounding.
    public static func optimizeMany(_ jobs: [Job], loss: ClassLoss, _ c: Config, batch: Int) throws -> [Outcome] {
        guard !jobs.isEmpty else { return [] }
        let bends = Batch(loss: loss, config: c, capacity: max(1, min(batch, jobs.count)))
        var out = [Outcome?](repeating: nil, count: jobs.count), next = 0
        while true {
            while bends.free > 0, next < jobs.count { bends.add(jobs[next], id: next); next += 1 }
            if bends.isEmpty { break }
            for (id, o) in try bends.step() { out[id] = o }
        }
        return out.map { $0! }
    }
}
