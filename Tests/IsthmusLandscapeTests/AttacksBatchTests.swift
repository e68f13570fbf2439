import XCTest
import IsthmusTestSupport
import IsthmusCore
import IsthmusNN
@testable import IsthmusLandscape

/// The paper's attack on many carriers in one batch equals the single-carrier `Attacks.run` on each.
final class AttacksBatchTests: XCTestCase {
    /// As BypassBatchTests: batched kernels change only summation orders (a few float32 ulps per gradient entry);
    /// at lr 0.005 over 40 steps that moves a pixel by far less than 1e-5.
    static let tolerance: Float = 1e-5
    /// A ReLU or max-pool input within rounding of its kink may flip in one summation order and not the other (oneDNN
    /// picks other kernels for a batch of 3 than of 1 on some CPUs). The flip changes the gradient of the pixels in
    /// its receptive field (up to ~100 of mnist-cnn's 784), and Adam's scale-free step turns that into a move of up
    /// to lr per step there, while the loss trace barely changes. So up to this fraction of pixels may be off...
    static let kinkAllowance = 0.15
    /// ...and the rest of the perturbation (adversarial - carrier) agrees to this relative L2: rounding alone moves
    /// each Adam step by ~1e-6 of its size; a defect (a slot's Adam state or direction mixed up) moves it all.
    static let relativeTolerance = 1e-4
    /// Thresholds are kept this far from every CE they are compared with, so rounding cannot flip a stop.
    static let margin: Float = 1e-4

    static func config() -> Attacks.PaperConfig {
        var c = Attacks.PaperConfig.statistics
        c.steps = 40; c.minSteps = 4
        return c
    }

    /// Five carriers of an untrained mnist-cnn, each toward its own target.
    static func jobs() -> [(carrier: Tensor, label: Int, target: Int)] {
        (0..<5).map { k in
            var rng = SplitMix64(seed: UInt64(300 + k))
            return (Tensor.normal([1, 1, 28, 28], using: &rng), k, (2 * k + 3) % 10)
        }
    }

    static func sequential(_ model: Module, _ c: Attacks.PaperConfig, _ jobs: [(carrier: Tensor, label: Int, target: Int)],
                           _ thresholds: [Float?]) throws -> [Attacks.Outcome] {
        try zip(jobs, thresholds).map { job, thr in
            var a = c
            a.targetClass = job.target
            return try Attacks.run(.paper(a), model: model, normalization: Normalization(mean: [0], std: [1]), images: job.carrier,
                                   labels: [job.label], thresholds: thr.map { [$0] })
        }
    }

    /// A threshold for `trace` (kept `margin` from every value) whose first crossing after `minSteps` is as close
    /// as possible to step `target`.
    static func threshold(_ trace: [Float], minSteps: Int, near target: Int) -> Float? {
        let v = Array(Set(trace)).sorted()
        var best: (Float, Int)?
        for i in 1..<v.count where v[i] - v[i - 1] > 2 * margin {
            let t = (v[i] + v[i - 1]) / 2
            guard let s = trace.indices.first(where: { $0 > minSteps && trace[$0] < t }) else { continue }
            if best == nil || abs(s - target) < abs(best!.1 - target) { best = (t, s) }
        }
        return best?.0
    }

    func testBatchedEqualsSequentialWithStopsAtDifferentSteps() throws {
        var rng = SplitMix64(seed: 5)
        let model = MnistCNN(classes: 10, using: &rng)
        let c = Self.config(), jobs = Self.jobs()
        let free = try Self.sequential(model, c, jobs, Array(repeating: nil, count: jobs.count))
        // Four attacks stop early at different steps; the last runs all steps.
        var thresholds: [Float?] = (0..<4).map { k in Self.threshold(free[k].traces[0], minSteps: c.minSteps, near: 8 + 7 * k) }
        thresholds.append(nil)
        let seq = try Self.sequential(model, c, jobs, thresholds)
        let its = seq.map { $0.result.samples[0].iterations }
        XCTAssertGreaterThanOrEqual(Set(its).count, 3, "attacks must stop at different steps: \(its)")
        XCTAssertEqual(its.last, c.steps)

        for capacity in [1, 3] {
            let batch = try Attacks.PaperBatch(model: model, config: c, normalization: Normalization(mean: [0], std: [1]), capacity: capacity)
            var out = [Attacks.JobOutcome?](repeating: nil, count: jobs.count)
            var next = 0, steps = 0
            while true {
                while batch.free > 0, next < jobs.count {
                    batch.add(Attacks.Job(carrier: jobs[next].carrier, label: jobs[next].label, target: jobs[next].target,
                                          threshold: thresholds[next]), id: next)
                    next += 1
                }
                if batch.isEmpty { break }
                steps += 1
                for (id, o) in try batch.step() { XCTAssertNil(out[id]); out[id] = o }
            }
            if capacity > 1 { XCTAssertLessThan(steps, its.reduce(0, +), "attacks shared steps") }
            for (k, o) in out.enumerated() {
                let o = o!, s = seq[k].result.samples[0]
                XCTAssertEqual(o.sample.iterations, s.iterations, "attack \(k)")
                XCTAssertEqual(o.sample.prediction, s.prediction)
                XCTAssertEqual(o.sample.success, s.success)
                XCTAssertEqual(o.sample.target, s.target)
                XCTAssertEqual(o.sample.label, s.label)
                XCTAssertEqual(o.sample.threshold, s.threshold)
                XCTAssertEqual(o.sample.l2, s.l2, accuracy: 1e-4)
                XCTAssertEqual(o.sample.loss, s.loss, accuracy: 1e-4)
                XCTAssertEqual(o.trace.count, seq[k].traces[0].count)
                for (a, b) in zip(o.trace, seq[k].traces[0]) { XCTAssertEqual(a, b, accuracy: Self.tolerance) }
                let carrier = jobs[k].carrier.scalars
                let step = zip(o.adversarial.scalars, carrier).map { $0 - $1 }
                let reference = zip(seq[k].adversarial.scalars, carrier).map { $0 - $1 }
                if capacity == 1 {
                    let d = zip(step, reference).map { abs($0 - $1) }.max()!
                    XCTAssertLessThanOrEqual(d, Self.tolerance, "attack \(k): a batch of one runs the single-carrier kernels")
                } else {
                    let off = fractionOff(step, reference, tolerance: Double(Self.tolerance))
                    let rest = trimmedRelativeL2(step, reference, trim: Self.kinkAllowance)
                    XCTAssertLessThanOrEqual(off, Self.kinkAllowance, "attack \(k): pixels moved by a flipped kink")
                    XCTAssertLessThanOrEqual(rest, Self.relativeTolerance, "attack \(k): the other pixels")
                }
            }
        }
    }

    func testOnlyThePapersMethodIsBatched() {
        var rng = SplitMix64(seed: 5)
        let model = MnistCNN(classes: 10, using: &rng)
        XCTAssertThrowsError(try Attacks.PaperBatch(model: model, config: Attacks.Config(method: .pgd),
                                                    normalization: Normalization(mean: [0], std: [1]), capacity: 2))
    }
}
