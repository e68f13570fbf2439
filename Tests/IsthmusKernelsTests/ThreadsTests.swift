import XCTest
import IsthmusKernels

/// Threads: parallelFor runs every index once at any thread count, and measures oversubscription.
final class ThreadsTests: XCTestCase {
    func testEveryIndexRunsExactlyOnce() {
        let saved = Threads.count
        defer { Threads.set(saved) }
        for threads in [1, 2, 3] {
            Threads.set(threads)
            for (count, grain) in [(0, 1), (1, 1), (7, 1), (1000, 10), (1000, 600), (100_003, 1000)] {
                let hits = UnsafeMutablePointer<Int32>.allocate(capacity: max(count, 1))
                hits.initialize(repeating: 0, count: max(count, 1))
                defer { hits.deallocate() }
                Threads.parallelFor(count, grain: grain) { range in
                    for i in range { hits[i] += 1 }
                }
                XCTAssertTrue((0..<count).allSatisfy { hits[$0] == 1 }, "threads \(threads) count \(count) grain \(grain)")
            }
        }
    }
}

extension ThreadsTests {
    func testPoolingOnTwoThreadsEqualsOneThread() {
        let saved = Threads.count
        defer { Threads.set(saved) }
        for s in [Pool2DShape(N: 8, C: 32, H: 28, W: 28, R: 2, S: 2, strideH: 2, strideW: 2),
                  Pool2DShape(N: 4, C: 16, H: 56, W: 56, R: 3, S: 3, strideH: 2, strideW: 2, ceilMode: true)] {
            var rng = TestRNG(3)
            let x = rng.array(s.N * s.C * s.H * s.W), g = rng.array(s.outputCount)
            var results: [[Float]] = []
            for threads in [1, 2] {
                Threads.set(threads)
                var out = [Float](repeating: 0, count: s.outputCount), arg = [Int32](repeating: 0, count: s.outputCount)
                var values = out, dx = x
                maxPool2dForward(out: &out, argmax: &arg, x: x, s, relu: true)
                maxPool2dForward(out: &values, x: x, s, relu: true)
                maxPool2dBackward(dX: &dx, dOut: g, argmax: arg, s, reluOut: out)
                results.append(out + values + dx + arg.map(Float.init))
            }
            XCTAssertEqual(results[0], results[1], "\(s)")
        }
    }
}

extension ThreadsTests {
    /// parallelFor measures its threads' descheduled time: a fraction in [0, 1] once enough work was timed.
    func testParallelRegionsMeasureOversubscription() throws {
        let saved = Threads.count
        defer { Threads.set(saved) }
        Threads.set(2)
        let n = 1 << 20
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: n)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 1, count: n)
        let start = Date()
        while Threads.oversubscription == nil && Date().timeIntervalSince(start) < 20 {
            Threads.parallelFor(n, grain: 1024) { range in
                for i in range { buffer[i] = (buffer[i] * 1.000001).squareRoot() }
            }
        }
        let share = try XCTUnwrap(Threads.oversubscription, "0.5 s of parallel work was measured")
        XCTAssertTrue((0...1).contains(share), "\(share)")
    }
}
