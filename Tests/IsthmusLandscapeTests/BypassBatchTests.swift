import XCTest
import IsthmusCore
import IsthmusNN
@testable import IsthmusLandscape

/// Bends optimized together in one batch equal the same bends optimized one by one (`Bypass.optimize`).
final class BypassBatchTests: XCTestCase {
    /// Tolerance on bend pixels and CE traces (inputs are N(0, 1)-scale, CE about 2). A batch of one is bit-identical
    /// to `Bypass.optimize`; larger batches change only the summation order inside the batched GEMM/convolution
    /// kernels, a relative error of a few float32 ulps (~1e-7) per gradient entry. Adam's step lr * m / sqrt(v)
    /// changes by about lr times that relative error, so n steps move a pixel by about n * lr * 1e-7 (24 * 0.005 *
    /// 1e-7 ~ 1e-8; observed: <= 1e-6 on bends, 2.4e-7 = 1 ulp on traces). 1e-5 leaves room for coordinates whose
    /// gradient is near 0, where m / sqrt(v) is more sensitive. The tests use the paper's lr 0.005: with 10x
    /// that, tens of steps can flip a ReLU or max-pool choice, after which two runs legitimately part by more than
    /// rounding (as runs with different thread counts do).
    static let tolerance: Float = 1e-5

    /// Thresholds are kept this far from every value they compare (10x the tolerance), so rounding cannot flip a stop.
    static let thresholdMargin = 1e-4

    static func cnn() -> Module {
        var rng = SplitMix64(seed: 5)
        return MnistCNN(classes: 10, using: &rng)
    }

    static func input(_ seed: UInt64) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor.normal([1, 1, 28, 28], using: &rng)
    }

    /// Six bends on an untrained mnist-cnn: endpoints, classes and midpoints differ per bend.
    static func jobs() -> [Bypass.Job] {
        (0..<6).map { k in
            let p = input(UInt64(100 + k)), q = input(UInt64(200 + k))
            return Bypass.Job(p: p, q: q, start: Interpolation.points(from: p, to: q, alphas: [0.5]), classIndex: (3 * k) % 10)
        }
    }

    /// Runs `jobs` through a batch of `capacity` slots; outcomes by job index, and the batch sizes seen per step.
    static func batched(_ model: Module, _ jobs: [Bypass.Job], _ c: Bypass.Config, capacity: Int) throws -> ([Bypass.Outcome], [Int]) {
        let batch = Bypass.Batch(model: model, config: c, capacity: capacity)
        var out = [Bypass.Outcome?](repeating: nil, count: jobs.count)
        var next = 0, sizes: [Int] = []
        while true {
            while batch.free > 0 && next < jobs.count { batch.add(jobs[next], id: next); next += 1 }
            if batch.isEmpty { break }
            sizes.append(batch.capacity - batch.free)
            for (id, o) in try batch.step() { XCTAssertNil(out[id]); out[id] = o }
        }
        return (out.map { $0! }, sizes)
    }

    static func sequential(_ model: Module, _ jobs: [Bypass.Job], _ c: Bypass.Config) throws -> [Bypass.Outcome] {
        try jobs.map { try Bypass.optimize(ClassLoss(model: model, classIndex: $0.classIndex), from: $0.p, to: $0.q, start: $0.start, c) }
    }

    func assertEqual(_ a: [Bypass.Outcome], _ b: [Bypass.Outcome], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.map(\.iterations), b.map(\.iterations), "stop steps", file: file, line: line)
        for (x, y) in zip(a, b) {
            XCTAssertEqual(x.trace.count, y.trace.count, file: file, line: line)
            for (s, t) in zip(x.trace, y.trace) { XCTAssertEqual(s, t, accuracy: Self.tolerance, file: file, line: line) }
            let d = zip(x.bend.scalars, y.bend.scalars).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(d, Self.tolerance, "bend max |batched - sequential|", file: file, line: line)
        }
    }

    /// A threshold between two neighbouring values of `values` (so no value is within half their gap of it) that
    /// gives the most distinct first-crossing steps over the bends; `steps(t)` maps a threshold to those steps.
    static func splittingThreshold(_ values: [Double], _ steps: (Double) -> [Int]) -> (Double, Int) {
        let v = Array(Set(values)).sorted()
        var best = (v[0], 0)
        for i in 1..<v.count where v[i] - v[i - 1] > 2 * thresholdMargin {
            let t = (v[i] + v[i - 1]) / 2, n = Set(steps(t)).count
            if n > best.1 { best = (t, n) }
        }
        return best
    }

    /// The paper's faithful bypass of 24 steps with a loss stop that `jobs`, run one by one, cross at different
    /// steps (some never).
    static func splitStopConfig(_ model: Module, _ jobs: [Bypass.Job]) throws -> Bypass.Config {
        var c = Bypass.Config()
        c.iterations = 24
        let free = try sequential(model, jobs, c)
        let (t, distinct) = splittingThreshold(free.flatMap { $0.trace.map(Double.init) }) { t in
            free.map { o in (o.trace.firstIndex { Double($0) < t } ?? c.iterations) + 1 }
        }
        XCTAssertGreaterThanOrEqual(distinct, 3, "the bends must stop at different steps")
        c.stopLoss = t
        return c
    }

    /// The paper's faithful bypass (MSE + TV terms, projected gradient) with the loss stop: bends leave at different
    /// steps and waiting bends join the freed slots.
    func testBatchedEqualsSequentialWithLossStopsAtDifferentSteps() throws {
        let model = Self.cnn(), jobs = Self.jobs()
        let c = try Self.splitStopConfig(model, jobs)
        let seq = try Self.sequential(model, jobs, c)
        XCTAssertGreaterThanOrEqual(Set(seq.map(\.iterations)).count, 3)
        let (bat, sizes) = try Self.batched(model, jobs, c, capacity: 4)
        assertEqual(bat, seq)
        XCTAssertEqual(sizes.max(), 4)
        XCTAssertGreaterThan(sizes.count, seq.map(\.iterations).max()!, "bends joined after others left")
        // Batch of one is the sequential procedure.
        assertEqual(try Self.batched(model, jobs, c, capacity: 1).0, seq)
    }

    /// The exactly-projected mode with the certified stop (checked every 4 steps against each bend's own ends).
    func testBatchedEqualsSequentialWithCertifiedStops() throws {
        let model = Self.cnn(), jobs = Self.jobs()
        var c = Bypass.Config()
        c.mode = .exact; c.iterations = 16; c.certifyEvery = 4; c.certifyPoints = 8
        // Each bend's certificate margin (path max - max(L(P), L(Q))) at the checks, from prefix runs.
        let checks = [4, 8, 12]
        let margins: [[Double]] = try jobs.map { job in
            let loss = ClassLoss(model: model, classIndex: job.classIndex)
            let ends = Double(loss.losses(concat([job.p, job.q], axis: 0)).max()!)
            return try checks.map { n in
                var prefix = c; prefix.certifyEvery = nil; prefix.iterations = n
                let x = try Bypass.optimize(loss, from: job.p, to: job.q, start: job.start, prefix).bend
                let al = Interpolation.alphas(c.certifyPoints)
                let path = concat([Interpolation.points(from: job.p, to: x, alphas: al), Interpolation.points(from: x, to: job.q, alphas: al)], axis: 0)
                return Double(loss.losses(path).max()!) - ends
            }
        }
        // The tolerance may come out negative (a path already below its ends must go lower still): it only has to
        // make the bends stop at different checks.
        let (t, distinct) = Self.splittingThreshold(margins.flatMap { $0 }) { t in
            margins.map { m in m.firstIndex { $0 <= t }.map { checks[$0] } ?? c.iterations }
        }
        XCTAssertGreaterThanOrEqual(distinct, 2, "the bends must stop at different checks")
        c.certifyTolerance = t
        let seq = try Self.sequential(model, jobs, c)
        XCTAssertGreaterThanOrEqual(Set(seq.map(\.iterations)).count, 2)
        assertEqual(try Self.batched(model, jobs, c, capacity: 3).0, seq)
    }

    /// Free mode (Sec 4.3 setting: no anchor, no projection, weight decay), at the faithful mode's lr.
    func testBatchedEqualsSequentialInFreeMode() throws {
        let model = Self.cnn(), jobs = Array(Self.jobs().prefix(3))
        var c = Bypass.Config.untrained
        c.iterations = 12; c.lr = 0.005
        assertEqual(try Self.batched(model, jobs, c, capacity: 3).0, try Self.sequential(model, jobs, c))
    }

    /// `optimizeMany`: the jobs through min(batch, count) slots, outcomes in job order, stops at different steps.
    func testOptimizeManyEqualsSequentialInJobOrder() throws {
        let model = Self.cnn(), jobs = Self.jobs()
        let c = try Self.splitStopConfig(model, jobs)
        let seq = try Self.sequential(model, jobs, c)
        // The loss's own class is not used: every job has its own.
        let loss = ClassLoss(model: model, classIndex: 9)
        assertEqual(try Bypass.optimizeMany(jobs, loss: loss, c, batch: 4), seq)
        assertEqual(try Bypass.optimizeMany(jobs, loss: loss, c, batch: 100), seq)
        assertEqual(try Bypass.optimizeMany(jobs, loss: loss, c, batch: 1), seq)
        XCTAssertTrue(try Bypass.optimizeMany([], loss: loss, c, batch: 4).isEmpty)
    }
}
