import XCTest
import IsthmusKernels

/// The vectorized 2x2 max-pool (with and without the fused ReLU) and the Adam update against plain loops.
final class FusedKernelTests: XCTestCase {
    /// Reference: maxpool(relu(x)) (or maxpool(x)) with the first maximum in scan order, NaN wins (the last one).
    static func reference(_ x: [Float], _ s: Pool2DShape, relu: Bool) -> (out: [Float], arg: [Int32]) {
        var out = [Float](), arg = [Int32]()
        for plane in 0..<(s.N * s.C) {
            for p in 0..<s.P {
                for q in 0..<s.Q {
                    var best = -Float.infinity, at = -1
                    for h in PoolTests.window(p, s.R, s.strideH, s.padH, s.H) {
                        for w in PoolTests.window(q, s.S, s.strideW, s.padW, s.W) {
                            var v = x[(plane * s.H + h) * s.W + w]
                            if relu && v < 0 { v = 0 }
                            if at < 0 || v > best || v.isNaN { best = v; at = h * s.W + w }
                        }
                    }
                    out.append(best); arg.append(Int32(at))
                }
            }
        }
        return (out, arg)
    }

    func testVectorized2x2PoolMatchesTheScanOrderRule() {
        // Widths cover the general loop (Q < 4), the 4-wide step (4 <= Q < 8), the 8-wide step with an
        // overlapping tail, and odd sizes (an unused last row and column).
        for (h, w) in [(4, 6), (6, 9), (8, 14), (28, 28), (14, 14), (7, 7), (5, 33), (2, 16)] {
            let s = Pool2DShape(N: 2, C: 3, H: h, W: w, R: 2, S: 2, strideH: 2, strideW: 2)
            var rng = TestRNG(UInt64(h * 100 + w))
            // Small integers: many ties, and many windows whose maximum is <= 0.
            var x = (0..<(s.N * s.C * h * w)).map { _ in Float(Int(rng.next() % 7) - 4) }
            if h == 28 { x[5] = .nan; x[200] = .infinity; x[201] = -.infinity; x[1000] = .nan; x[1001] = .nan }
            for relu in [false, true] {
                var out = [Float](repeating: 99, count: s.outputCount), arg = [Int32](repeating: -9, count: s.outputCount)
                maxPool2dForward(out: &out, argmax: &arg, x: x, s, relu: relu)
                let ref = Self.reference(x, s, relu: relu)
                // With the fused ReLU a window whose maximum is <= 0 passes no gradient, so its argmax is free.
                for o in 0..<s.outputCount where !relu || !(ref.out[o] <= 0) {
                    XCTAssertEqual(arg[o], ref.arg[o], "\(h)x\(w) relu \(relu) output \(o)")
                }
                for (a, b) in zip(out, ref.out) {
                    XCTAssertTrue(a == b || (a.isNaN && b.isNaN), "\(h)x\(w) relu \(relu): \(a) vs \(b)")
                }
                // Backward: the scatter, gated by the fused ReLU's output (PyTorch: no gradient where y <= 0).
                let g = (0..<s.outputCount).map { Float($0 % 13) - 6 }
                var dx = [Float](repeating: .nan, count: x.count)
                maxPool2dBackward(dX: &dx, dOut: g, argmax: arg, s, reluOut: relu ? out : nil)
                var expected = [Float](repeating: 0, count: x.count)
                for o in 0..<s.outputCount where !(relu && out[o] <= 0) {
                    expected[o / (s.P * s.Q) * h * w + Int(arg[o])] += g[o]
                }
                XCTAssertEqual(dx, expected, "\(h)x\(w) relu \(relu)")
            }
        }
    }

    func testFusedReluPoolEqualsReluThenPoolOnGeneralWindows() {
        let s = Pool2DShape(N: 1, C: 2, H: 9, W: 11, R: 3, S: 3, strideH: 2, strideW: 2, padH: 1, padW: 1, ceilMode: true)
        var rng = TestRNG(5)
        let x = rng.array(s.N * s.C * s.H * s.W)
        var out = [Float](repeating: 0, count: s.outputCount), arg = [Int32](repeating: 0, count: s.outputCount)
        maxPool2dForward(out: &out, argmax: &arg, x: x, s, relu: true)
        let ref = Self.reference(x, s, relu: true)
        XCTAssertEqual(out, ref.out)
        for o in 0..<s.outputCount where ref.out[o] > 0 { XCTAssertEqual(arg[o], ref.arg[o]) }
    }

    func testInferenceMaxPoolEqualsTheArgmaxKernel() {
        // GoogLeNet's windows (3x3 s1 p1, 3x3 s2 ceil, 2x2 s2 ceil), ResNet's stem (3x3 s2 p1), odd sizes, and
        // widths below, at and above one vector.
        let shapes = [Pool2DShape(N: 2, C: 3, H: 14, W: 14, R: 3, S: 3, strideH: 1, strideW: 1, padH: 1, padW: 1),
                      Pool2DShape(N: 1, C: 2, H: 7, W: 7, R: 3, S: 3, strideH: 1, strideW: 1, padH: 1, padW: 1),
                      Pool2DShape(N: 1, C: 2, H: 27, W: 29, R: 3, S: 3, strideH: 2, strideW: 2, ceilMode: true),
                      Pool2DShape(N: 1, C: 2, H: 14, W: 14, R: 2, S: 2, strideH: 2, strideW: 2, ceilMode: true),
                      Pool2DShape(N: 1, C: 2, H: 33, W: 33, R: 3, S: 3, strideH: 2, strideW: 2, padH: 1, padW: 1),
                      Pool2DShape(N: 1, C: 1, H: 3, W: 2, R: 2, S: 3, strideH: 1, strideW: 2, padH: 1, padW: 1,
                                  ceilMode: true)]
        for s in shapes {
            var rng = TestRNG(UInt64(s.H * 31 + s.W))
            var x = rng.array(s.N * s.C * s.H * s.W)
            x[3] = .nan                                  // plane 0 takes the general loop, the others the fast one
            if x.count > 100 { x[x.count - 2] = .infinity }
            for relu in [false, true] {
                var expected = [Float](repeating: 0, count: s.outputCount), arg = [Int32](repeating: 0, count: s.outputCount)
                maxPool2dForward(out: &expected, argmax: &arg, x: x, s, relu: relu)
                var out = [Float](repeating: 7, count: s.outputCount)
                maxPool2dForward(out: &out, x: x, s, relu: relu)
                for (a, b) in zip(out, expected) {
                    XCTAssertTrue(a == b || (a.isNaN && b.isNaN), "\(s) relu \(relu): \(a) vs \(b)")
                }
            }
        }
    }

    func testSeparableArgmaxKeepsTheScanOrderRuleOnGeneralWindows() {
        let shapes = [Pool2DShape(N: 2, C: 2, H: 14, W: 14, R: 3, S: 3, strideH: 1, strideW: 1, padH: 1, padW: 1),
                      Pool2DShape(N: 1, C: 2, H: 27, W: 29, R: 3, S: 3, strideH: 2, strideW: 2, ceilMode: true),
                      Pool2DShape(N: 1, C: 2, H: 33, W: 20, R: 3, S: 3, strideH: 2, strideW: 2, padH: 1, padW: 1),
                      Pool2DShape(N: 1, C: 1, H: 5, W: 3, R: 2, S: 3, strideH: 1, strideW: 2, padH: 1, padW: 1,
                                  ceilMode: true)]
        for s in shapes {
            var rng = TestRNG(UInt64(s.H * 7 + s.W))
            var x = (0..<(s.N * s.C * s.H * s.W)).map { _ in Float(Int(rng.next() % 5)) - 2 }   // ties everywhere
            x[1] = .nan
            var out = [Float](repeating: 0, count: s.outputCount), arg = [Int32](repeating: 0, count: s.outputCount)
            maxPool2dForward(out: &out, argmax: &arg, x: x, s)
            let ref = Self.reference(x, s, relu: false)
            XCTAssertEqual(arg, ref.arg, "\(s)")
            for (a, b) in zip(out, ref.out) { XCTAssertTrue(a == b || (a.isNaN && b.isNaN), "\(s)") }
        }
    }

    func testAdamUpdateMatchesTheScalarFormula() {
        for (count, wd) in [(1, Float(0)), (13, 0), (64, 0.01), (1001, 0.1)] {
            var rng = TestRNG(UInt64(count))
            var p = rng.array(count), m = rng.array(count).map { $0 * 0.1 }, v = rng.array(count).map { abs($0) * 0.01 }
            let g = rng.array(count)
            var (ep, em, ev) = (p, m, v)
            let (b1, b2, eps, stepSize, bc2): (Float, Float, Float, Float, Float) = (0.9, 0.999, 1e-8, 0.003, 0.0447)
            for i in 0..<count {
                let gi = wd != 0 ? g[i] + wd * ep[i] : g[i]
                em[i] += (1 - b1) * (gi - em[i])
                ev[i] = b2 * ev[i] + (1 - b2) * gi * gi
                ep[i] -= stepSize * em[i] / (ev[i].squareRoot() / bc2 + eps)
            }
            adamUpdate(&p, g, &m, &v, count: count, beta1: b1, beta2: b2, eps: eps, weightDecay: wd,
                       stepSize: stepSize, bc2Sqrt: bc2)
            XCTAssertEqual(p, ep, "count \(count)")
            XCTAssertEqual(m, em)
            XCTAssertEqual(v, ev)
        }
    }
}
