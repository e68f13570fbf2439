import XCTest
@testable import IsthmusKernels

/// The activation fused into the convolution (oneDNN eltwise post-op) against the convolution followed by a plain loop.
final class ConvActivationTests: XCTestCase {
    static func reference(_ v: Float, _ a: ConvActivation) -> Float {
        switch a {
        case .none: return v
        case .relu: return v.isNaN ? v : max(v, 0)
        case .relu6: return v.isNaN ? v : min(max(v, 0), 6)
        case .hardSwish: return v.isNaN ? v : v * min(max(v + 3, 0), 6) / 6
        }
    }

    func assertSameValues(_ a: [Float], _ b: [Float], rtol: Float, _ message: String,
                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        var scale: Float = 1e-12
        for v in b where v.isFinite { scale = max(scale, abs(v)) }
        for i in a.indices {
            if a[i].isNaN || b[i].isNaN || a[i].isInfinite || b[i].isInfinite {
                XCTAssertTrue(a[i] == b[i] || (a[i].isNaN && b[i].isNaN), "\(message) at \(i): \(a[i]) vs \(b[i])",
                              file: file, line: line)
            } else {
                XCTAssertLessThanOrEqual(abs(a[i] - b[i]), rtol * scale, "\(message) at \(i): \(a[i]) vs \(b[i])",
                                         file: file, line: line)
            }
        }
    }

    func testApplyActivationMatchesThePlainFormula() {
        let v: [Float] = [-7, -3.001, -3, -1.5, -0.0, 0, 1e-30, 0.5, 3, 3.001, 5.999, 6, 6.001, 1e30, .infinity, -.infinity, .nan]
        for a in [ConvActivation.none, .relu, .relu6, .hardSwish] {
            var y = v
            applyActivation(&y, count: y.count, a)
            assertSameValues(y, v.map { Self.reference($0, a) }, rtol: 0, "\(a)")
        }
    }

    func testPostOpMatchesConvolutionThenLoop() {
        var clipped = (low: 0, high: 0)
        for (name, s) in ConvTests.shapes {
            var rng = TestRNG(7)
            // Weights scaled so that outputs cross both 0 and 6.
            let x = rng.array(s.inputCount), w = rng.array(s.weightCount).map { $0 * 3 }, bias = rng.array(s.K)
            var direct = [Float](repeating: 0, count: s.outputCount)
            conv2dForwardDirect(out: &direct, x: x, w: w, bias: bias, s)
            for a in [ConvActivation.relu, .relu6, .hardSwish] {
                var fused = [Float](repeating: .nan, count: s.outputCount)
                conv2dForward(out: &fused, x: x, w: w, bias: bias, s, activation: a)
                var plain = [Float](repeating: .nan, count: s.outputCount)
                conv2dForward(out: &plain, x: x, w: w, bias: bias, s)
                applyActivation(&plain, count: plain.count, a)
                var twin = [Float](repeating: .nan, count: s.outputCount)
                conv2dForwardIm2col(out: &twin, x: x, w: w, bias: bias, s)
                applyActivation(&twin, count: twin.count, a)
                let expected = direct.map { Self.reference($0, a) }
                assertSameValues(fused, expected, rtol: 1e-5, "\(name) \(a) fused vs direct")
                assertSameValues(fused, plain, rtol: 1e-5, "\(name) \(a) fused vs conv + loop")
                assertSameValues(twin, expected, rtol: 1e-5, "\(name) \(a) im2col + loop vs direct")
                if a == .relu6 { clipped.low += fused.filter { $0 == 0 }.count; clipped.high += fused.filter { $0 == 6 }.count }
            }
        }
        XCTAssertGreaterThan(min(clipped.low, clipped.high), 100, "outputs must cross both kinks")
    }

    func testPlansAreKeyedByActivation() {
        let s = ConvTests.shapes[8].1
        let all = [ConvActivation.none, .relu, .relu6, .hardSwish]
        let plans = all.map { DNNLConv.plan(s, activation: $0) }
        XCTAssertEqual(plans.map { $0?.activation }, all)
        XCTAssertEqual(Set(plans.compactMap { $0.map(ObjectIdentifier.init) }).count, 4)
        XCTAssertTrue(DNNLConv.plan(s, activation: .relu) === plans[1])
    }

    /// oneDNN's post-ops turn a NaN into 0; the dispatcher keeps PyTorch's NaN (and infinity) results.
    func testNonFiniteOperandsKeepPyTorchSemantics() {
        let s = Conv2DShape(N: 1, C: 16, H: 6, W: 6, K: 16, R: 3, S: 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)
        var rng = TestRNG(8)
        let cleanX = rng.array(s.inputCount), cleanW = rng.array(s.weightCount), cleanB = rng.array(s.K)
        var badX = cleanX; badX[3] = .nan; badX[40] = .infinity; badX[100] = -.infinity
        var badW = cleanW; badW[5] = .nan
        var badB = cleanB; badB[2] = .nan
        let cases: [(String, [Float], [Float], [Float], UInt64?)] = [
            ("x", badX, cleanW, cleanB, 1_000_001), ("w", cleanX, badW, cleanB, nil), ("w versioned", cleanX, badW, cleanB, 1_000_002),
            ("bias", cleanX, cleanW, badB, nil),
        ]
        for (name, x, w, b, version) in cases {
            for a in [ConvActivation.relu, .relu6, .hardSwish] {
                var fused = [Float](repeating: 7, count: s.outputCount)
                conv2dForward(out: &fused, x: x, w: w, bias: b, s, weightsVersion: version, activation: a)
                var plain = [Float](repeating: 7, count: s.outputCount)
                conv2dForward(out: &plain, x: x, w: w, bias: b, s)
                applyActivation(&plain, count: plain.count, a)
                XCTAssertTrue(plain.contains { $0.isNaN }, "\(name) \(a): the case must produce a NaN")
                assertSameValues(fused, plain, rtol: 1e-5, "\(name) \(a)")
            }
        }
    }

    /// oneDNN has hardswish as an eltwise post-op on this ISA (also under ONEDNN_MAX_CPU_ISA=AVX2): the dispatcher
    /// runs the fused plan, not the convolution plus a loop.
    func testHardSwishRunsAsAPostOp() {
        for (name, s) in ConvTests.shapes {
            var rng = TestRNG(9)
            let x = rng.array(s.inputCount), w = rng.array(s.weightCount), bias = rng.array(s.K)
            let before = ConvolutionSettings.postOpForwards(.hardSwish)
            var y = [Float](repeating: .nan, count: s.outputCount)
            conv2dForward(out: &y, x: x, w: w, bias: bias, s, activation: .hardSwish)
            XCTAssertEqual(ConvolutionSettings.postOpForwards(.hardSwish), before + 1, "\(name) on \(KernelSettings.oneDNNISA)")
        }
    }

    func testAllFinite() {
        for n in [0, 1, 15, 16, 17, 40, 1000] {
            var v = (0..<n).map { Float($0) - 3 }
            XCTAssertTrue(allFinite(v, count: n))
            for bad in [Float.nan, .infinity, -.infinity] where n > 0 {
                for at in Set([0, n / 2, n - 1]) {
                    let keep = v[at]
                    v[at] = bad
                    XCTAssertFalse(allFinite(v, count: n), "\(n) \(bad) at \(at)")
                    v[at] = keep
                }
            }
        }
        XCTAssertTrue(allFinite([Float.greatestFiniteMagnitude, -.greatestFiniteMagnitude], count: 2))
    }

    func testMaxAbsIfFiniteEqualsTheLoop() {
        for n in [0, 1, 15, 16, 17, 40, 1000, 200_001] {
            var rng = TestRNG(UInt64(n) + 3)
            var v = rng.array(n).map { $0 * 5 }
            XCTAssertEqual(maxAbsIfFinite(v, count: n), v.reduce(Float(0)) { max($0, abs($1)) }, "\(n)")
            for bad in [Float.nan, .infinity, -.infinity] where n > 0 {
                for at in Set([0, n / 2, n - 1]) {
                    let keep = v[at]
                    v[at] = bad
                    XCTAssertNil(maxAbsIfFinite(v, count: n), "\(n) \(bad) at \(at)")
                    v[at] = keep
                }
            }
        }
    }

    /// `BlockedConv.forward(..., inputBound:)`: the values of `conv2dForward` with the activation, |out| within the
    /// bound it returns (<= 6 after ReLU6); with the bound unknown a NaN input is refused before a post-op, and
    /// runs (bound unknown) without one.
    func testBoundedForwardBoundsItsOutput() throws {
        var checked = 0
        for (name, s) in ConvTests.shapes {
            guard let block = BlockedConv.forwardBlockSize(s, activation: .relu, plainInput: true), s.K % block == 0,
                  s.groups == 1 else { continue }
            var rng = TestRNG(11)
            let x = rng.array(s.inputCount).map { $0 * 2 }, w = rng.array(s.weightCount), bias = rng.array(s.K)
            let xb = try XCTUnwrap(maxAbsIfFinite(x, count: x.count))
            for a in [ConvActivation.none, .relu, .relu6] {
                var plain = [Float](repeating: .nan, count: s.outputCount)
                conv2dForward(out: &plain, x: x, w: w, bias: bias, s, activation: a)
                var expected = plain
                reorderBlockedNaive(&expected, plain, N: s.N, C: s.K, HW: s.P * s.Q, block: block, toBlocked: true)
                for inputBound in [Float.infinity, xb] {
                    var y = [Float](repeating: .nan, count: s.outputCount)
                    let bound = try XCTUnwrap(BlockedConv.forward(out: &y, x: x, w: w, bias: bias, s, activation: a,
                                                                  inputBound: inputBound),
                                              "\(name) \(a) runs")
                    assertSameValues(y, expected, rtol: 1e-5, "\(name) \(a)")
                    let m = y.reduce(Float(0)) { max($0, abs($1)) }
                    XCTAssertLessThanOrEqual(m, bound, "\(name) \(a), input bound \(inputBound)")
                    if a == .relu6 { XCTAssertLessThanOrEqual(bound, 6) }
                    if a != .none || inputBound.isFinite { XCTAssertTrue(bound.isFinite, "\(name) \(a): a bound is known") }
                }
                var bad = x
                bad[s.inputCount / 2] = .nan
                var y = [Float](repeating: 7, count: s.outputCount)
                let r = BlockedConv.forward(out: &y, x: bad, w: w, bias: bias, s, activation: a, inputBound: .infinity)
                if a == .none { XCTAssertEqual(r, .infinity, "\(name): no post-op, so no check") } else {
                    XCTAssertNil(r, "\(name) \(a): a NaN input is refused")
                }
            }
            checked += 1
        }
        if checked == 0 { throw XCTSkip("oneDNN runs none of the shapes here (\(KernelSettings.summary))") }
    }
}
