// Many targeted attacks of the paper (Sec 4.2) stepped together: one [K, C, H, W] forward/backward per step for K
// independent carriers, each with its own target, threshold, Adam state and stop.
import Foundation
import IsthmusCore
import IsthmusNN

extension Attacks {
    /// One carrier K [1, C, H, W] of true class `label` to attack toward `target`, stopping early once
    /// CE < `threshold` (nil: all steps).
    public struct Job {
        public var carrier: Tensor
        public var label: Int
        public var target: Int
        public var threshold: Float?
        public init(carrier: Tensor, label: Int, target: Int, threshold: Float?) {
            self.carrier = carrier; self.label = label; self.target = target; self.threshold = threshold
        }
    }

    /// A finished attack: the returned iterate [1, C, H, W] and its record (as `Attacks.run` on the carrier alone).
    public struct JobOutcome {
        public var adversarial: Tensor
        public var sample: Sample
        /// trace[i] = L_t(x_i), the CE of each iterate whose gradient was taken.
        public var trace: [Float]
    }

    /// Up to `capacity` attacks of the paper's method (targets per job), each exactly the
    /// single-carrier `Attacks.run`: per step one forward and backward of the stacked iterates on
    /// J = sum_k [CE(f(x_k), t_k) + mseWeight mean((x_k - K_k)^2) + lambda TV(x_k - K_k)], so row k gets grad J_k
    /// (an eval-mode network treats rows independently). Each attack keeps its own Adam state, target, threshold,
    /// step count and stop (the paper's order: after step i, stop if i > minSteps and CE_i < threshold, returning
    /// x_(i+1); else x_steps). Finished attacks leave and `add` fills the free slots. The batch is always padded to
    /// `capacity` rows, so a result does not depend on its batch-mates; results equal the sequential ones up to the
    /// float32 rounding of batched kernels.
    public final class PaperBatch {
        public let model: Module
        public let config: PaperConfig
        public let normalization: Normalization
        public let capacity: Int

        final class Slot {
            let id: Int, job: Job
            let x: Tensor
            let opt: Adam
            var trace: [Float] = []
            var taken = 0
            init(id: Int, job: Job, config c: PaperConfig) {
                self.id = id; self.job = job
                x = job.carrier.copy()
                opt = Adam([x], lr: Float(c.lr))
                trace.reserveCapacity(c.steps)
            }
        }
        var slots: [Slot] = []

        /// Throws unless `config` has at least one step.
        public init(model: Module, config: PaperConfig, normalization: Normalization, capacity: Int) throws {
            precondition(capacity >= 1, "Attacks.PaperBatch: capacity \(capacity) < 1")
            guard config.steps >= 1 else { throw AttackError("steps must be >= 1, got \(config.steps)") }
            self.model = model; self.config = config; self.normalization = normalization; self.capacity = capacity
        }

        /// Throws unless `config` is the paper's method with at least one step.
        public convenience init(model: Module, config: Config, normalization: Normalization, capacity: Int) throws {
            guard case .paper(let c) = config else {
                throw AttackError("the batched attack runs the paper's method, not \(config.method.rawValue)")
            }
            try self.init(model: model, config: c, normalization: normalization, capacity: capacity)
        }

        public var free: Int { capacity - slots.count }
        public var isEmpty: Bool { slots.isEmpty }

        /// Adds an attack under the caller's `id` (returned with its outcome).
        public func add(_ job: Job, id: Int) {
            precondition(free > 0, "Attacks.PaperBatch: full")
            precondition(job.carrier.shape.first == 1, "Attacks.PaperBatch: a carrier is [1, C, H, W]")
            precondition(slots.isEmpty || job.carrier.shape == slots[0].x.shape, "Attacks.PaperBatch: input shapes differ")
            slots.append(Slot(id: id, job: job, config: config))
        }

        /// One Adam step of every attack; returns the attacks that finished, which leave the batch.
        public func step() throws -> [(id: Int, outcome: JobOutcome)] {
            guard !slots.isEmpty else { return [] }
            let c = config
            let D = slots[0].x.count
            let rows = slots + Array(repeating: slots[0], count: capacity - slots.count)
            let xs = concat(rows.map(\.x), axis: 0), ks = concat(rows.map(\.job.carrier), axis: 0)
            let mse = Float(c.mseWeight) / Float(D), tv = Float(c.tvWeight)
            var ce: [Float] = []
            let (_, grads) = valueWithGradient(wrt: [xs]) {
                let perRow = crossEntropyPerSample(logits: model(xs), labels: rows.map(\.job.target))
                ce = perRow.scalars
                let d = xs - ks
                return perRow.sum() + mse * d.squared().sum() + tv * totalVariation(d)
            }
            let g = grads[0].data
            var done: [(id: Int, outcome: JobOutcome)] = [], finished = Set<Int>()
            for (r, s) in slots.enumerated() {
                let i = s.taken
                guard ce[r].isFinite else { throw AttackError("attack: the loss became \(ce[r]) at step \(i + 1)") }
                s.trace.append(ce[r])
                let stop = s.job.threshold.map { ce[r] < $0 } ?? false
                let gr = Tensor.zeros(s.x.shape)
                gr.mutableData.update(from: g + r * D, count: D)
                s.opt.step([gr])
                s.taken += 1
                if (stop && i > c.minSteps) || s.taken == c.steps {
                    done.append((s.id, try record(s))); finished.insert(r)
                }
            }
            slots = slots.enumerated().filter { !finished.contains($0.offset) }.map(\.element)
            return done
        }

        /// The record of a finished attack, as `Attacks.run` computes it.
        func record(_ s: Slot) throws -> JobOutcome {
            let adv = s.x
            let logits = withoutGradients { model(adv) }
            let row = logits.scalars
            let loss = withoutGradients { crossEntropyPerSample(logits: logits, labels: [s.job.target]) }.scalars[0]
            let pred = row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }!
            let space = PixelSpace(normalization, channels: adv.shape[1])
            let (l2, linf) = space.distances(adv, s.job.carrier)
            let sample = Sample(index: 0, label: s.job.label, target: s.job.target, prediction: pred, success: pred == s.job.target,
                                loss: Double(loss), l2: l2[0], linf: linf[0], iterations: s.taken,
                                threshold: s.job.threshold.map(Double.init), barrierPenalty: nil)
            return JobOutcome(adversarial: adv, sample: sample, trace: s.trace)
        }
    }
}
