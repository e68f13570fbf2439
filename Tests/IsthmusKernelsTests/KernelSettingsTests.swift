import XCTest
@testable import IsthmusKernels

/// The portable (plain Swift) fallbacks of the AVX2 kernels, forced by `KernelSettings.portable`, give the same bits
/// as the AVX2 code: pooling (values, argmax, tie rule, backward) and Adam. Also what the kernels report of the CPU.
final class KernelSettingsTests: XCTestCase {
    override func tearDown() { KernelSettings.portable = false }

    /// Runs `body` with the AVX2 kernels and with the portable ones.
    func bothPaths<T>(_ body: () -> T) -> (vector: T, portable: T) {
        KernelSettings.portable = false
        let v = body()
        KernelSettings.portable = true
        defer { KernelSettings.portable = false }
        return (v, body())
    }

    func testPortablePoolingEqualsAVX2() {
        let shapes = [Pool2DShape(N: 2, C: 3, H: 28, W: 28, R: 2, S: 2, strideH: 2, strideW: 2),      // 2x2 rows
                      Pool2DShape(N: 2, C: 3, H: 32, W: 32, R: 2, S: 2, strideH: 2, strideW: 2),      // 2x2 backward tiles
                      Pool2DShape(N: 1, C: 4, H: 15, W: 17, R: 3, S: 3, strideH: 2, strideW: 2, padH: 1, padW: 1,
                                  ceilMode: true),                                                    // GoogLeNet's
                      Pool2DShape(N: 1, C: 2, H: 9, W: 9, R: 3, S: 3, strideH: 1, strideW: 1, padH: 1, padW: 1)]
        for s in shapes {
            var rng = TestRNG(UInt64(s.H * 100 + s.W))
            // Small integers: many ties, so the scan-order tie rule is exercised.
            let x = (0..<(s.N * s.C * s.H * s.W)).map { _ in Float(Int(rng.next() % 5)) - 2 }
            let g = rng.array(s.outputCount)
            for relu in [false, true] {
                let (v, p) = bothPaths { () -> [Float] in
                    var out = [Float](repeating: 0, count: s.outputCount), arg = [Int32](repeating: 0, count: s.outputCount)
                    var values = out, dx = x
                    maxPool2dForward(out: &out, argmax: &arg, x: x, s, relu: relu)
                    maxPool2dForward(out: &values, x: x, s, relu: relu)
                    maxPool2dBackward(dX: &dx, dOut: g, argmax: arg, s, reluOut: relu ? out : nil)
                    return out + values + dx + arg.map(Float.init)
                }
                XCTAssertEqual(v, p, "\(s) relu \(relu)")
            }
        }
    }

    func testPortableAdamEqualsAVX2() {
        var rng = TestRNG(4)
        let n = 1003                                     // whole vectors and a scalar tail
        let p0 = rng.array(n), g = rng.array(n)
        for weightDecay: Float in [0, 0.01] {
            let (v, p) = bothPaths { () -> [Float] in
                var p = p0, m = [Float](repeating: 0, count: n), vv = m
                for t in 1...3 {
                    let b1: Float = 0.9, b2: Float = 0.999
                    adamUpdate(&p, g, &m, &vv, count: n, beta1: b1, beta2: b2, eps: 1e-8, weightDecay: weightDecay,
                               stepSize: 1e-2 / (1 - pow(b1, Float(t))), bc2Sqrt: (1 - pow(b2, Float(t))).squareRoot())
                }
                return p + m + vv
            }
            XCTAssertEqual(v, p, "weight decay \(weightDecay)")
        }
    }

    func testISAIsReported() {
        let isa = KernelSettings.oneDNNISA
        XCTAssertFalse(isa.isEmpty)
        XCTAssertTrue(KernelSettings.summary.contains(isa))
        if let cap = ProcessInfo.processInfo.environment["ONEDNN_MAX_CPU_ISA"], cap.uppercased() == "AVX2" {
            XCTAssertEqual(isa, "avx2", "the cap is in force")
        }
    }
}
