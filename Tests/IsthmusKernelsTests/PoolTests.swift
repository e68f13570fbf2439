import XCTest
import IsthmusKernels

final class PoolTests: XCTestCase {
    func testOutputSizesMatchPyTorch() {
        func size(_ h: Int, _ k: Int, _ s: Int, _ p: Int, _ ceil: Bool) -> Int {
            Pool2DShape(N: 1, C: 1, H: h, W: h, R: k, S: k, strideH: s, strideW: s, padH: p, padW: p, ceilMode: ceil).P
        }
        XCTAssertEqual(size(7, 3, 2, 1, true), 4)
        XCTAssertEqual(size(7, 3, 2, 1, false), 4)
        XCTAssertEqual(size(6, 3, 2, 0, true), 3)
        XCTAssertEqual(size(6, 3, 2, 0, false), 2)
        // Ceil mode drops a last window that would start in the right padding.
        XCTAssertEqual(size(5, 2, 2, 1, true), 3)
        XCTAssertEqual(size(32, 2, 2, 0, true), 16)
    }

    /// Window bounds of output i along one axis (clipped to the input).
    static func window(_ i: Int, _ k: Int, _ stride: Int, _ pad: Int, _ size: Int) -> Range<Int> {
        let lo = i * stride - pad
        return max(lo, 0)..<min(lo + k, size)
    }

    /// The vector kernels equal the naive twins (values, argmax with ties, the NaN rule, backward), over the window
    /// shapes of the zoo (2x2 stride 2, GoogLeNet's 3x3 stride 2 ceil, 3x3 stride 1 pad 1) and odd sizes.
    func testMaxPoolEqualsItsNaiveTwin() {
        let shapes = [Pool2DShape(N: 2, C: 3, H: 28, W: 28, R: 2, S: 2, strideH: 2, strideW: 2),
                      Pool2DShape(N: 1, C: 2, H: 16, W: 6, R: 2, S: 2, strideH: 2, strideW: 2),
                      Pool2DShape(N: 1, C: 4, H: 15, W: 17, R: 3, S: 3, strideH: 2, strideW: 2, padH: 1, padW: 1,
                                  ceilMode: true),
                      Pool2DShape(N: 2, C: 2, H: 9, W: 11, R: 3, S: 3, strideH: 1, strideW: 1, padH: 1, padW: 1),
                      Pool2DShape(N: 1, C: 1, H: 7, W: 5, R: 2, S: 3, strideH: 1, strideW: 2)]
        for s in shapes {
            for withNaN in [false, true] {
                var rng = TestRNG(UInt64(s.H * 31 + s.W))
                var x = (0..<(s.N * s.C * s.H * s.W)).map { _ in Float(Int(rng.next() % 5)) - 2 }   // ties
                if withNaN { x[x.count / 3] = .nan; x[x.count / 2] = .infinity }
                let g = rng.array(s.outputCount)
                for relu in [false, true] {
                    var o1 = [Float](repeating: 0, count: s.outputCount), a1 = [Int32](repeating: 0, count: s.outputCount)
                    var o2 = o1, a2 = a1, d1 = x, d2 = x
                    maxPool2dForward(out: &o1, argmax: &a1, x: x, s, relu: relu)
                    maxPool2dForwardNaive(out: &o2, argmax: &a2, x: x, s, relu: relu)
                    XCTAssertEqual(o1.map(\.bitPattern), o2.map(\.bitPattern), "\(s) nan \(withNaN) relu \(relu)")
                    XCTAssertEqual(a1, a2, "\(s) nan \(withNaN) relu \(relu)")
                    maxPool2dBackward(dX: &d1, dOut: g, argmax: a1, s, reluOut: relu ? o1 : nil)
                    maxPool2dBackwardNaive(dX: &d2, dOut: g, argmax: a2, s, reluOut: relu ? o2 : nil)
                    XCTAssertEqual(d1, d2, "\(s) nan \(withNaN) relu \(relu)")
                }
            }
        }
    }

    func testMaxPoolForwardBackward() {
        for s in [Pool2DShape(N: 2, C: 3, H: 7, W: 6, R: 3, S: 3, strideH: 2, strideW: 2, padH: 1, padW: 1,
                              ceilMode: true),
                  Pool2DShape(N: 1, C: 2, H: 6, W: 9, R: 3, S: 2, strideH: 2, strideW: 3, ceilMode: true),
                  Pool2DShape(N: 1, C: 2, H: 8, W: 8, R: 2, S: 2, strideH: 2, strideW: 2)] {
            var rng = TestRNG(20)
            let x = rng.array(s.N * s.C * s.H * s.W)
            var out = [Float](repeating: .nan, count: s.outputCount)
            var arg = [Int32](repeating: -7, count: s.outputCount)
            maxPool2dForward(out: &out, argmax: &arg, x: x, s)
            for plane in 0..<(s.N * s.C) {
                for p in 0..<s.P {
                    for q in 0..<s.Q {
                        var best = -Float.infinity
                        for h in Self.window(p, s.R, s.strideH, s.padH, s.H) {
                            for w in Self.window(q, s.S, s.strideW, s.padW, s.W) {
                                best = max(best, x[(plane * s.H + h) * s.W + w])
                            }
                        }
                        let o = (plane * s.P + p) * s.Q + q
                        XCTAssertEqual(out[o], best)
                        XCTAssertEqual(x[plane * s.H * s.W + Int(arg[o])], best)
                    }
                }
            }
            let g = rng.array(s.outputCount)
            var dx = [Float](repeating: .nan, count: x.count)
            maxPool2dBackward(dX: &dx, dOut: g, argmax: arg, s)
            var expected = [Float](repeating: 0, count: x.count)
            for o in 0..<s.outputCount { expected[o / (s.P * s.Q) * s.H * s.W + Int(arg[o])] += g[o] }
            XCTAssertEqual(dx, expected)
        }
    }

    func testMaxPoolPropagatesNaN() {
        let s = Pool2DShape(N: 1, C: 1, H: 2, W: 4, R: 2, S: 2, strideH: 2, strideW: 2)
        let x: [Float] = [1, .nan, 3, 4,
                          5, 6, -.infinity, -.infinity]
        var out = [Float](repeating: 0, count: 2), arg = [Int32](repeating: -1, count: 2)
        maxPool2dForward(out: &out, argmax: &arg, x: x, s)
        XCTAssertTrue(out[0].isNaN)
        XCTAssertEqual(arg[0], 1)
        XCTAssertEqual(out[1], 4)
        XCTAssertEqual(arg[1], 3)
    }

    func testAvgPoolCountIncludePad() {
        let s = Pool2DShape(N: 1, C: 2, H: 5, W: 6, R: 3, S: 3, strideH: 2, strideW: 2, padH: 1, padW: 1,
                            ceilMode: true)
        var rng = TestRNG(21)
        let x = rng.array(s.N * s.C * s.H * s.W), g = rng.array(s.outputCount)
        for include in [true, false] {
            var out = [Float](repeating: .nan, count: s.outputCount)
            avgPool2dForward(out: &out, x: x, s, countIncludePad: include)
            var expected = [Float](repeating: 0, count: s.outputCount)
            for plane in 0..<(s.N * s.C) {
                for p in 0..<s.P {
                    for q in 0..<s.Q {
                        let hs = Self.window(p, s.R, s.strideH, s.padH, s.H)
                        let ws = Self.window(q, s.S, s.strideW, s.padW, s.W)
                        // PyTorch: the padded window is clipped to H + pad (W + pad) before counting.
                        let h0 = p * s.strideH - s.padH, w0 = q * s.strideW - s.padW
                        let padded = (min(h0 + s.R, s.H + s.padH) - h0) * (min(w0 + s.S, s.W + s.padW) - w0)
                        var acc: Float = 0
                        for h in hs { for w in ws { acc += x[(plane * s.H + h) * s.W + w] } }
                        expected[(plane * s.P + p) * s.Q + q] = acc / Float(include ? padded : hs.count * ws.count)
                    }
                }
            }
            assertClose(out, expected, rtol: 1e-6, "include \(include)")
            // Backward is the adjoint: <avg(x), g> = <x, avg^T(g)>.
            var dx = [Float](repeating: .nan, count: x.count)
            avgPool2dBackward(dX: &dx, dOut: g, s, countIncludePad: include)
            let lhs = zip(out, g).reduce(0.0) { $0 + Double($1.0 * $1.1) }
            let rhs = zip(x, dx).reduce(0.0) { $0 + Double($1.0 * $1.1) }
            XCTAssertEqual(lhs, rhs, accuracy: 1e-5)
        }
        // Corner output (0, 0) of a 3x3 window with pad 1 covers 4 inputs: divisor 9 vs 4.
        let ones = [Float](repeating: 1, count: 5 * 6)
        let one = Pool2DShape(N: 1, C: 1, H: 5, W: 6, R: 3, S: 3, strideH: 2, strideW: 2, padH: 1, padW: 1)
        var o = [Float](repeating: 0, count: one.outputCount)
        avgPool2dForward(out: &o, x: ones, one, countIncludePad: true)
        XCTAssertEqual(o[0], 4 / 9, accuracy: 1e-6)
        avgPool2dForward(out: &o, x: ones, one, countIncludePad: false)
        XCTAssertEqual(o[0], 1, accuracy: 1e-6)
    }

    func testAdaptiveAvgPool() {
        // 7 -> 3: windows [0,3) [2,5) [4,7); 5 -> 2: [0,3) [2,5).
        let H = 7, W = 5
        let x = (0..<(H * W)).map { Float($0) }
        var out = [Float](repeating: .nan, count: 6)
        adaptiveAvgPool2dForward(out: &out, x: x, planes: 1, H: H, W: W, P: 3, Q: 2)
        let rows = [0..<3, 2..<5, 4..<7], cols = [0..<3, 2..<5]
        for p in 0..<3 {
            for q in 0..<2 {
                var acc: Float = 0
                for h in rows[p] { for w in cols[q] { acc += x[h * W + w] } }
                XCTAssertEqual(out[p * 2 + q], acc / 9, accuracy: 1e-4)
            }
        }
        var rng = TestRNG(22)
        let g = rng.array(6)
        var dx = [Float](repeating: .nan, count: H * W)
        adaptiveAvgPool2dBackward(dX: &dx, dOut: g, planes: 1, H: H, W: W, P: 3, Q: 2)
        let lhs = zip(out, g).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        let rhs = zip(x, dx).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        XCTAssertEqual(lhs, rhs, accuracy: 1e-3)
    }
}
