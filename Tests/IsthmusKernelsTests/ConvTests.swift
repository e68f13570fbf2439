import XCTest
@testable import IsthmusKernels

final class ConvTests: XCTestCase {
    static let shapes: [(String, Conv2DShape)] = [
        ("odd 3x2 s2x1 asym pad", Conv2DShape(N: 2, C: 3, H: 7, W: 5, K: 4, R: 3, S: 2, strideH: 2, strideW: 1,
                                              padTop: 1, padBottom: 2, padLeft: 0, padRight: 1)),
        ("1x1 s2", Conv2DShape(N: 2, C: 8, H: 9, W: 8, K: 5, R: 1, S: 1, strideH: 2, strideW: 2)),
        ("groups 2", Conv2DShape(N: 2, C: 6, H: 8, W: 7, K: 4, R: 3, S: 3, padTop: 1, padBottom: 1, padLeft: 1,
                                 padRight: 1, groups: 2)),
        ("depthwise SAME s2", Conv2DShape(N: 2, C: 6, H: 8, W: 8, K: 6, R: 3, S: 3, strideH: 2, strideW: 2,
                                          padTop: 0, padBottom: 1, padLeft: 0, padRight: 1, groups: 6)),
        ("7x7 s2 p3", Conv2DShape(N: 1, C: 3, H: 17, W: 16, K: 8, R: 7, S: 7, strideH: 2, strideW: 2,
                                  padTop: 3, padBottom: 3, padLeft: 3, padRight: 3)),
        ("1x1 s1 pointwise groups 2", Conv2DShape(N: 2, C: 4, H: 3, W: 5, K: 6, R: 1, S: 1, groups: 2)),
        ("5x5 over 3x4 p2", Conv2DShape(N: 1, C: 2, H: 3, W: 4, K: 3, R: 5, S: 5, padTop: 2, padBottom: 2,
                                        padLeft: 2, padRight: 2)),
        ("2x4 s3 asym pad", Conv2DShape(N: 1, C: 3, H: 10, W: 11, K: 2, R: 2, S: 4, strideH: 3, strideW: 3,
                                        padTop: 2, padBottom: 0, padLeft: 1, padRight: 3)),
        ("64ch 3x3 p1 (blocked)", Conv2DShape(N: 2, C: 64, H: 8, W: 8, K: 64, R: 3, S: 3, padTop: 1, padBottom: 1,
                                              padLeft: 1, padRight: 1)),
        // First layers (`hasThinInput`): mnist-cnn's conv1, an ImageNet-style 7x7 stem, four channels.
        ("mnist conv1", Conv2DShape(N: 2, C: 1, H: 28, W: 28, K: 32, R: 3, S: 3, padTop: 1, padBottom: 1,
                                    padLeft: 1, padRight: 1)),
        ("stem 7x7 s2 3->64", Conv2DShape(N: 1, C: 3, H: 40, W: 36, K: 64, R: 7, S: 7, strideH: 2, strideW: 2,
                                          padTop: 3, padBottom: 3, padLeft: 3, padRight: 3)),
        ("4 channels 3x3", Conv2DShape(N: 2, C: 4, H: 9, W: 10, K: 16, R: 3, S: 3, padTop: 1, padBottom: 1,
                                       padLeft: 1, padRight: 1)),
        // EfficientNet-Lite0's own shapes (TF SAME padding at 224; smaller planes, same layer types).
        ("effnet stem 3x3 s2 SAME", Conv2DShape(N: 1, C: 3, H: 32, W: 32, K: 32, R: 3, S: 3, strideH: 2, strideW: 2,
                                                 padTop: 0, padBottom: 1, padLeft: 0, padRight: 1)),
        ("effnet dw 3x3 s1", Conv2DShape(N: 1, C: 32, H: 16, W: 16, K: 32, R: 3, S: 3, padTop: 1, padBottom: 1,
                                         padLeft: 1, padRight: 1, groups: 32)),
        ("effnet dw 5x5 s2 SAME", Conv2DShape(N: 1, C: 144, H: 14, W: 14, K: 144, R: 5, S: 5, strideH: 2, strideW: 2,
                                              padTop: 1, padBottom: 2, padLeft: 1, padRight: 2, groups: 144)),
        ("effnet dw 5x5 s1", Conv2DShape(N: 1, C: 240, H: 7, W: 7, K: 240, R: 5, S: 5, padTop: 2, padBottom: 2,
                                         padLeft: 2, padRight: 2, groups: 240)),
        ("effnet project 1x1", Conv2DShape(N: 1, C: 144, H: 7, W: 7, K: 40, R: 1, S: 1)),
    ]

    func testOneDNNAcceptsShapes() {
        for (name, s) in Self.shapes { XCTAssertNotNil(DNNLConv.plan(s), name) }
    }

    func testForwardMatchesDirectAndIm2col() {
        for (name, s) in Self.shapes {
            var rng = TestRNG(1)
            let x = rng.array(s.inputCount), w = rng.array(s.weightCount), bias = rng.array(s.K)
            for withBias in [false, true] {
                var direct = [Float](repeating: 0, count: s.outputCount)
                var twin = [Float](repeating: .nan, count: s.outputCount), fast = twin
                let b: UnsafePointer<Float>? = withBias ? bias.withUnsafeBufferPointer { $0.baseAddress! } : nil
                withExtendedLifetime(bias) {
                    conv2dForwardDirect(out: &direct, x: x, w: w, bias: b, s)
                    conv2dForwardIm2col(out: &twin, x: x, w: w, bias: b, s)
                    conv2dForward(out: &fast, x: x, w: w, bias: b, s)
                }
                assertClose(twin, direct, "\(name) im2col bias=\(withBias)")
                assertClose(fast, direct, "\(name) fast bias=\(withBias)")
            }
        }
    }

    func testBackwardMatchesIm2col() {
        for (name, s) in Self.shapes {
            var rng = TestRNG(2)
            let x = rng.array(s.inputCount), w = rng.array(s.weightCount), dOut = rng.array(s.outputCount)
            var dxTwin = [Float](repeating: .nan, count: s.inputCount), dxFast = dxTwin
            conv2dBackwardDataIm2col(dX: &dxTwin, dOut: dOut, w: w, s)
            conv2dBackwardData(dX: &dxFast, dOut: dOut, w: w, s)
            assertClose(dxFast, dxTwin, "\(name) dX")

            var dwTwin = [Float](repeating: .nan, count: s.weightCount), dwFast = dwTwin
            var dbTwin = [Float](repeating: .nan, count: s.K), dbFast = dbTwin
            conv2dBackwardWeightsIm2col(dW: &dwTwin, dBias: &dbTwin, dOut: dOut, x: x, s)
            conv2dBackwardWeights(dW: &dwFast, dBias: &dbFast, dOut: dOut, x: x, s)
            assertClose(dwFast, dwTwin, "\(name) dW")
            assertClose(dbFast, dbTwin, "\(name) dBias")
            var dwNoBias = [Float](repeating: .nan, count: s.weightCount)
            conv2dBackwardWeights(dW: &dwNoBias, dBias: nil, dOut: dOut, x: x, s)
            assertClose(dwNoBias, dwTwin, "\(name) dW without dBias")
            // dBias = sum of dOut over (N, P, Q).
            let PQ = s.P * s.Q
            let expected = (0..<s.K).map { k in
                Float((0..<s.N).reduce(0.0) { acc, n in
                    acc + dOut[(n * s.K + k) * PQ..<(n * s.K + k + 1) * PQ].reduce(0.0) { $0 + Double($1) }
                })
            }
            assertClose(dbFast, expected, "\(name) dBias vs sum")
        }
    }

    /// A layer with at most 4 input channels (an image's first layer) takes the im2col twin for its input gradient,
    /// from an NCHW or a blocked output gradient, and agrees with oneDNN's backward-data pass; a NaN in the output
    /// gradient reaches the same input pixels.
    func testThinInputBackwardDataEqualsOneDNN() throws {
        let thin = Self.shapes.filter { $0.1.hasThinInput }
        XCTAssertGreaterThanOrEqual(thin.count, 8)
        XCTAssertFalse(Conv2DShape(N: 1, C: 8, H: 9, W: 9, K: 16, R: 3, S: 3).hasThinInput)
        XCTAssertFalse(Conv2DShape(N: 1, C: 4, H: 9, W: 9, K: 4, R: 3, S: 3, groups: 2).hasThinInput)
        var blockedCases = 0, nanReached = false
        for (name, s) in thin {
            var rng = TestRNG(3)
            let w = rng.array(s.weightCount)
            var dOut = rng.array(s.outputCount)
            let plan = try XCTUnwrap(DNNLConv.plan(s), name)
            var reference = [Float](repeating: .nan, count: s.inputCount), plain = reference
            try plan.backwardData(dX: &reference, dOut: dOut, w: w)
            conv2dBackwardData(dX: &plain, dOut: dOut, w: w, s)
            assertClose(plain, reference, "\(name): NCHW")
            if let block = BlockedConv.blockSize(s, weightGradient: false) {
                var blocked = [Float](repeating: 0, count: s.outputCount)
                reorderBlocked(&blocked, dOut, N: s.N, C: s.K, HW: s.P * s.Q, block: block, toBlocked: true)
                var fromBlocked = [Float](repeating: .nan, count: s.inputCount)
                XCTAssertTrue(BlockedConv.backwardData(dX: &fromBlocked, dOut: blocked, w: w, s), name)
                assertClose(fromBlocked, reference, "\(name): blocked dOut (nChw\(block)c)")
                blockedCases += 1
            }
            // A NaN in dOut reaches the pixels oneDNN's pass sends it to (none, for an output that reads only padding).
            dOut[dOut.count / 2] = .nan
            try plan.backwardData(dX: &reference, dOut: dOut, w: w)
            conv2dBackwardData(dX: &plain, dOut: dOut, w: w, s)
            XCTAssertEqual(plain.map(\.isNaN), reference.map(\.isNaN), "\(name): NaN")
            nanReached = nanReached || plain.contains { $0.isNaN }
        }
        XCTAssertTrue(nanReached)
        if Self.expectsBlockedLayout { XCTAssertGreaterThan(blockedCases, 0, "the blocked route ran") }
    }

    /// oneDNN keeps blocked activations with AVX2 and AVX-512 (not under a lower ISA cap).
    static var expectsBlockedLayout: Bool {
        KernelSettings.hasAVX512 || KernelSettings.oneDNNISA.hasPrefix("avx2")
    }

    func testConcurrentCallsOnOneShape() {
        let s = Self.shapes.last!.1
        var rng = TestRNG(4)
        let x = rng.array(s.inputCount), w = rng.array(s.weightCount)
        var expected = [Float](repeating: 0, count: s.outputCount)
        conv2dForwardIm2col(out: &expected, x: x, w: w, bias: nil, s)
        let results = UnsafeMutableBufferPointer<Float>.allocate(capacity: 4 * s.outputCount)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            for _ in 0..<3 {
                conv2dForward(out: results.baseAddress! + i * s.outputCount, x: x, w: w, bias: nil, s)
            }
        }
        for i in 0..<4 {
            assertClose(Array(results[(i * s.outputCount)..<((i + 1) * s.outputCount)]), expected, "thread \(i)")
        }
    }

    /// Shapes share the arena's blocked buffers: interleaving a large and a small shape, from several threads,
    /// leaves every result equal to the im2col twin's.
    func testArenaSharedAcrossShapes() {
        let shapes = [Conv2DShape(N: 4, C: 16, H: 24, W: 24, K: 32, R: 3, S: 3, padTop: 1, padBottom: 1, padLeft: 1,
                                  padRight: 1),
                      Conv2DShape(N: 1, C: 32, H: 6, W: 6, K: 16, R: 3, S: 3, strideH: 2, strideW: 2)]
        var rng = TestRNG(6)
        let inputs = shapes.map { (rng.array($0.inputCount), rng.array($0.weightCount)) }
        let expected = zip(shapes, inputs).map { s, xw -> [Float] in
            var out = [Float](repeating: 0, count: s.outputCount)
            conv2dForwardIm2col(out: &out, x: xw.0, w: xw.1, bias: nil, s)
            return out
        }
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for k in 0..<6 {
                let i = (t + k) % 2, s = shapes[i]
                var out = [Float](repeating: .nan, count: s.outputCount)
                conv2dForward(out: &out, x: inputs[i].0, w: inputs[i].1, bias: nil, s)
                assertClose(out, expected[i], "thread \(t) step \(k)")
            }
        }
    }

    /// Gradients of L = sum(g * conv(x, w) + g * bias) against central differences of a Double direct conv.
    func testGradientsMatchFiniteDifferences() {
        let s = Conv2DShape(N: 2, C: 4, H: 5, W: 6, K: 6, R: 3, S: 2, strideH: 2, strideW: 1,
                            padTop: 1, padBottom: 0, padLeft: 1, padRight: 1, groups: 2)
        var rng = TestRNG(3)
        let x = rng.array(s.inputCount), w = rng.array(s.weightCount), g = rng.array(s.outputCount)
        let loss = { (x: [Double], w: [Double]) -> Double in
            let y = directConvDouble(x, w, s)
            return zip(y, g).reduce(0) { $0 + $1.0 * Double($1.1) }
        }
        let xd = x.map(Double.init), wd = w.map(Double.init), h = 1e-4
        var dx = [Float](repeating: .nan, count: s.inputCount), dw = [Float](repeating: .nan, count: s.weightCount)
        var db = [Float](repeating: .nan, count: s.K)
        conv2dBackwardData(dX: &dx, dOut: g, w: w, s)
        conv2dBackwardWeights(dW: &dw, dBias: &db, dOut: g, x: x, s)
        let fdX = (0..<s.inputCount).map { i -> Double in
            var p = xd, m = xd; p[i] += h; m[i] -= h
            return (loss(p, wd) - loss(m, wd)) / (2 * h)
        }
        let fdW = (0..<s.weightCount).map { i -> Double in
            var p = wd, m = wd; p[i] += h; m[i] -= h
            return (loss(xd, p) - loss(xd, m)) / (2 * h)
        }
        assertClose(dx.map(Double.init), fdX, rtol: 1e-4, "dX")
        assertClose(dw.map(Double.init), fdW, rtol: 1e-4, "dW")
        let PQ = s.P * s.Q
        let fdB = (0..<s.K).map { k in (0..<s.N).reduce(0.0) { acc, n in
            acc + (0..<PQ).reduce(0.0) { $0 + Double(g[(n * s.K + k) * PQ + $1]) } } }
        assertClose(db.map(Double.init), fdB, rtol: 1e-5, "dBias")
    }
}

func directConvDouble(_ x: [Double], _ w: [Double], _ s: Conv2DShape) -> [Double] {
    var out = [Double](repeating: 0, count: s.outputCount)
    for n in 0..<s.N {
        for k in 0..<s.K {
            let g = k / s.Kg
            for p in 0..<s.P {
                for q in 0..<s.Q {
                    var acc = 0.0
                    for c in 0..<s.Cg {
                        for r in 0..<s.R {
                            let h = p * s.strideH - s.padTop + r
                            if h < 0 || h >= s.H { continue }
                            for t in 0..<s.S {
                                let ww = q * s.strideW - s.padLeft + t
                                if ww < 0 || ww >= s.W { continue }
                                acc += x[((n * s.C + g * s.Cg + c) * s.H + h) * s.W + ww] *
                                    w[((k * s.Cg + c) * s.R + r) * s.S + t]
                            }
                        }
                    }
                    out[((n * s.K + k) * s.P + p) * s.Q + q] = acc
                }
            }
        }
    }
    return out
}

extension ConvTests {
    /// Winograd (opt-in) agrees with the direct convolution to float32 rounding of its transforms, in all passes.
    func testWinogradOptInAgreesWithDirect() {
        let s = Conv2DShape(N: 16, C: 32, H: 12, W: 12, K: 32, R: 3, S: 3, padTop: 1, padBottom: 1, padLeft: 1,
                            padRight: 1)
        var rng = TestRNG(8)
        let x = rng.array(s.inputCount), w = rng.array(s.weightCount), g = rng.array(s.outputCount)
        func passes() -> [Float] {
            var y = [Float](repeating: 0, count: s.outputCount), dx = [Float](repeating: 0, count: s.inputCount)
            var dw = [Float](repeating: 0, count: s.weightCount)
            conv2dForward(out: &y, x: x, w: w, bias: nil, s)
            conv2dBackwardData(dX: &dx, dOut: g, w: w, s)
            conv2dBackwardWeights(dW: &dw, dBias: nil, dOut: g, x: x, s)
            return y + dx + dw
        }
        let direct = passes()
        XCTAssertFalse(ConvolutionSettings.usesWinograd(s), "off by default")
        ConvolutionSettings.winograd = true
        defer { ConvolutionSettings.winograd = false }
        let wino = passes()
        // oneDNN implements Winograd with AVX-512 only; elsewhere the request falls back to the direct algorithm.
        XCTAssertEqual(ConvolutionSettings.winogradAvailable, KernelSettings.hasAVX512, KernelSettings.summary)
        if ConvolutionSettings.winogradAvailable {
            XCTAssertTrue(ConvolutionSettings.usesWinograd(s))
            XCTAssertLessThan(relError(wino, direct), 1e-4)
            XCTAssertGreaterThan(relError(wino, direct), 0, "Winograd ran (it rounds differently)")
        } else {
            XCTAssertFalse(ConvolutionSettings.usesWinograd(s), "fell back to direct (\(KernelSettings.summary))")
            XCTAssertEqual(wino, direct, "the fallback is the direct convolution, bit for bit")
        }
        // Batch 1 never uses it.
        XCTAssertFalse(ConvolutionSettings.usesWinograd(Conv2DShape(N: 1, C: 32, H: 12, W: 12, K: 32, R: 3, S: 3,
                                                                    padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)))
    }
}
