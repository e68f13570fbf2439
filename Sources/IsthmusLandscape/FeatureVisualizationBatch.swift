// Many FVO runs stepped together: one [K, C, H, W] forward/backward per step for K independent runs.
import Foundation
import IsthmusCore
import IsthmusNN

extension FeatureVisualization {
    /// Up to `capacity` FVO runs (pixel parameterization, no robustness transforms, no colour decorrelation), each
    /// `FeatureVisualization.run` with its own class, weights, Adam state, step count, best iterate and stop. Per
    /// step one forward and backward of the stacked inputs on J = sum_k J_k (CE per row, TV/L1/L2 of each row's own
    /// slice, so row k gets grad J_k). Run k's check after its step t, CE(x_t), is the CE of the next step's forward
    /// of x_t (the same input, pixel space, no transform), so a step costs one forward and backward, not two
    /// forwards and a backward; a run that stops early costs one extra forward and backward, a run that reaches
    /// `maxIterations` one extra forward. The batch is padded to `capacity` rows, so a run does not depend on its
    /// batch-mates; results equal `run`'s up to the float32 rounding of batched kernels.
    public final class Batch {
        public let model: Module
        public let inputShape: [Int]
        public let capacity: Int

        final class Slot {
            let id: Int, config: Config
            let x: Tensor
            let opt: Adam
            var taken = 0
            var initial: Float = .nan
            var trace: [Float] = []
            var best: Tensor, bestLoss = Float.infinity, bestStep = 0
            init(id: Int, config c: Config, start: Tensor) {
                self.id = id; config = c
                x = start.copy()
                best = Tensor.zeros(start.shape)
                opt = Adam([x], lr: c.lr, weightDecay: c.weightDecay)
                trace.reserveCapacity(min(c.maxIterations, 1 << 16))
            }
        }
        var slots: [Slot] = []
        var classes: Int?

        public init(model: Module, inputShape: [Int], capacity: Int) {
            precondition(capacity >= 1, "FeatureVisualization.Batch: capacity \(capacity) < 1")
            self.model = model; self.inputShape = inputShape; self.capacity = capacity
        }

        public var free: Int { capacity - slots.count }
        public var isEmpty: Bool { slots.isEmpty }

        /// Adds a run under the caller's `id`, from `start` [1, C, H, W] or the seeded x0 of `config`. Throws for a
        /// config `run` refuses, or one this batch does not run (fourier, transforms, decorrelation).
        public func add(_ config: Config, start: Tensor? = nil, id: Int) throws {
            precondition(free > 0, "FeatureVisualization.Batch: full")
            try config.validate(inputShape: inputShape)
            guard config.parameterization == .pixel, !config.usesTransforms, !config.decorrelateColors else {
                throw FeatureVisualizationError.invalidConfig("the batched runs take the pixel parameterization without transforms or decorrelation")
            }
            let shape = [1] + inputShape
            var root = SplitMix64(seed: config.seed)
            var initRNG = root.split()
            let x0 = try start ?? { () throws -> Tensor in Tensor.normal(shape, std: config.initStd, using: &initRNG) }()
            if x0.shape != shape {
                throw FeatureVisualizationError.invalidConfig("start has shape \(x0.shape), expected \(shape)")
            }
            if classes == nil {
                let logits = withoutGradients { model(x0) }
                guard logits.rank == 2, logits.shape[0] == 1 else {
                    throw FeatureVisualizationError.invalidConfig("the model returns logits of shape \(logits.shape), not [1, classes]")
                }
                classes = logits.shape[1]
            }
            guard config.classIndex < classes! else {
                throw FeatureVisualizationError.invalidConfig("class \(config.classIndex) out of range: the model has \(classes!) classes")
            }
            slots.append(Slot(id: id, config: config, start: x0))
        }

        /// CE(x_t) of a run after its step t: trace, best iterate, stop.
        func check(_ s: Slot, _ ce: Float) throws -> Bool {
            guard ce.isFinite else { throw FeatureVisualizationError.nonFinite(step: s.taken, what: "cross-entropy") }
            s.trace.append(ce)
            if ce < s.bestLoss { s.bestLoss = ce; s.bestStep = s.taken; s.best = s.x.copy() }
            return ce < s.config.lossThreshold
        }

        func finish(_ s: Slot, stopped: Bool) -> (id: Int, result: Result, input: Tensor) {
            (s.id, Result(classIndex: s.config.classIndex, loss: s.bestLoss, iterations: s.trace.count, bestIteration: s.bestStep,
                          initialLoss: s.initial, trace: s.trace, stoppedEarly: stopped), s.best)
        }

        /// One Adam step of every run (after the check of its previous step); returns the runs that finished,
        /// which leave the batch.
        public func step() throws -> [(id: Int, result: Result, input: Tensor)] {
            guard !slots.isEmpty else { return [] }
            let n = slots[0].x.count
            let rows = slots + Array(repeating: slots[0], count: capacity - slots.count)
            let xs = concat(rows.map(\.x), axis: 0)
            var ce: [Float] = [], objective: [Float] = []
            let (_, grads) = valueWithGradient(wrt: [xs]) { () -> Tensor in
                let perRow = crossEntropyPerSample(logits: model(xs), labels: rows.map(\.config.classIndex))
                ce = perRow.scalars
                objective = ce
                var j = perRow.sum()
                for (k, s) in slots.enumerated() {
                    let c = s.config, x = xs.narrowed(axis: 0, start: k, length: 1)
                    var extra: [Tensor] = []
                    if c.tvWeight != 0 { extra.append(c.tvWeight * totalVariation(x)) }
                    if c.l1Weight != 0 { extra.append(c.l1Weight * x.abs().sum()) }
                    if c.l2Weight != 0 { extra.append(c.l2Weight * (x.squared().sum() + 1e-6).sqrt()) }
                    for e in extra { objective[k] += e.scalar; j = j + e }
                }
                return j
            }
            let g = grads[0].data
            var done: [(id: Int, result: Result, input: Tensor)] = []
            var stepped: [Slot] = [], reached: [Slot] = []
            for (r, s) in slots.enumerated() {
                if s.taken == 0 {
                    s.initial = ce[r]
                    guard ce[r].isFinite else { throw FeatureVisualizationError.nonFinite(step: 0, what: "cross-entropy") }
                } else if try check(s, ce[r]) {
                    done.append(finish(s, stopped: true)); continue
                }
                let gr = Tensor.zeros(s.x.shape)
                gr.mutableData.update(from: g + r * n, count: n)
                guard objective[r].isFinite, gr.isFinite else {
                    throw FeatureVisualizationError.nonFinite(step: s.taken + 1, what: objective[r].isFinite ? "gradient" : "objective")
                }
                s.opt.step([gr])
                s.taken += 1
                if s.taken == s.config.maxIterations { reached.append(s) } else { stepped.append(s) }
            }
            // Runs at their last step: the check needs a forward of their final iterate.
            if !reached.isEmpty {
                let pad = reached + Array(repeating: reached[0], count: capacity - reached.count)
                let last = withoutGradients {
                    crossEntropyPerSample(logits: model(concat(pad.map(\.x), axis: 0)), labels: pad.map(\.config.classIndex)).scalars
                }
                for (r, s) in reached.enumerated() { done.append(finish(s, stopped: try check(s, last[r]))) }
            }
            slots = stepped
            return done
        }
    }

    /// `run` for each of `configs` (with `starts[k]` or the seeded x0), `batch` runs at a time in one `Batch`;
    /// results in the order of `configs`.
    public static func runMany(_ configs: [Config], model: Module, inputShape: [Int], starts: [Tensor?]? = nil,
                               batch: Int) throws -> [(result: Result, input: Tensor)] {
        precondition(starts == nil || starts!.count == configs.count, "FeatureVisualization.runMany: one start per config")
        let runs = Batch(model: model, inputShape: inputShape, capacity: max(1, min(batch, configs.count)))
        var out = [(result: Result, input: Tensor)?](repeating: nil, count: configs.count)
        var next = 0
        while true {
            while runs.free > 0, next < configs.count {
                try runs.add(configs[next], start: starts?[next], id: next)
                next += 1
            }
            if runs.isEmpty { break }
            for (k, r, x) in try runs.step() { out[k] = (r, x) }
        }
        return out.map { $0! }
    }
}
