import XCTest
import IsthmusCore

// Helpers shared by the test targets: finite-difference gradient checks, seeded tensors, closeness.

/// Central finite differences of a scalar function of several tensors, compared with the tape's gradients.
/// `f` must return a scalar. Perturbs up to `maxChecks` coordinates per tensor (seeded choice).
public func assertGradientsMatchFiniteDifferences(_ xs: [Tensor], _ message: String = "", eps: Float = 1e-2,
                                                  rtol: Float = 2e-2, atol: Float = 2e-3, maxChecks: Int = 24,
                                                  file: StaticString = #filePath, line: UInt = #line,
                                                  _ f: () -> Tensor) {
    let (_, grads) = valueWithGradient(wrt: xs, f)
    var rng = SplitMix64(seed: 99)
    for (k, x) in xs.enumerated() {
        let idx = x.count <= maxChecks ? Array(0..<x.count) : (0..<maxChecks).map { _ in Int(rng.next() % UInt64(x.count)) }
        for i in idx {
            let old = x[flat: i]
            x.mutableData[i] = old + eps
            let up = Double(withoutGradients(f).scalar)
            x.mutableData[i] = old - eps
            let down = Double(withoutGradients(f).scalar)
            x.mutableData[i] = old
            let numeric = Float((up - down) / (2 * Double(eps)))
            let analytic = grads[k][flat: i]
            XCTAssertLessThanOrEqual(abs(numeric - analytic), atol + rtol * max(abs(numeric), abs(analytic)),
                                     "\(message)\(message.isEmpty ? "" : ": ")tensor \(k) \(x.shape) element \(i): "
                                        + "numeric \(numeric) vs tape \(analytic)",
                                     file: file, line: line)
        }
    }
}

public func randn(_ shape: [Int], seed: UInt64, std: Float = 1) -> Tensor {
    var rng = SplitMix64(seed: seed)
    return Tensor.normal(shape, std: std, using: &rng)
}

/// Values kept away from 0 so ReLU/abs kinks are not crossed by the finite difference.
public func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
    let t = randn(shape, seed: seed)
    for i in 0..<t.count where abs(t[flat: i]) < 0.1 { t.mutableData[i] = t[flat: i] < 0 ? -0.3 : 0.3 }
    return t
}

/// A fixed random weighting so that sum(w * y) probes every output with a different weight.
public func probe(_ y: Tensor, seed: UInt64 = 5) -> Tensor { (y * randn(y.shape, seed: seed)).sum() }

/// max |a - b| / max |b| over the finite entries is at most `rtol`; a NaN must meet a NaN.
public func assertClose(_ a: Tensor, _ b: Tensor, rtol: Float = 1e-5, _ message: String,
                        file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, message, file: file, line: line)
    var diff: Float = 0, scale: Float = 1e-30
    for i in 0..<b.count {
        let u = a[flat: i], v = b[flat: i]
        if u.isNaN || v.isNaN {
            XCTAssertTrue(u.isNaN && v.isNaN, "\(message): \(u) vs \(v) at \(i)", file: file, line: line)
            continue
        }
        diff = max(diff, abs(u - v)); scale = max(scale, abs(v))
    }
    XCTAssertLessThanOrEqual(diff / scale, rtol, "\(message): relative error \(diff / scale)", file: file, line: line)
}
