import Foundation
import XCTest

/// Tolerances of float32 results from a stated error model, and whole-tensor parity against float32 and float64
/// references (scripts/golden/make_reference_gradients.py).
///
/// Model: with unit roundoff u = 2^-24, a float32 dot product of n terms has a relative error of at most about
/// lambda * sqrt(n) * u (rounding errors behave as a random walk: Higham and Mary's probabilistic bound, lambda = 4
/// holds with overwhelming probability). Layers add their relative errors, so a network of `depth` layers whose
/// longest dot product has n terms is within depth * lambda * sqrt(n) * u of the exact result, relative to the
/// tensor's scale; a gradient goes through the network twice (forward and backward), twice that.
///
/// Where the result is not a smooth function of the weights and input (a ReLU or ReLU6 input within rounding of
/// its kink, a max-pool tie), a flipped kink moves whole entries and no such bound holds. Rounding alone then moves
/// PyTorch float32 away from float64 too: Isthmus is held to at most `ratio` (1.5) times PyTorch float32's own
/// relative L2 error against float64, or the model bound where PyTorch happens to be closer.
public enum Float32ErrorModel {
    public static let unitRoundoff = 0x1p-24
    public static let lambda = 4.0

    /// depth * lambda * sqrt(n) * u.
    public static func bound(depth: Int, summationLength n: Int) -> Double {
        Double(depth) * lambda * Double(n).squareRoot() * unitRoundoff
    }
}

/// ||a - b||_2 / ||b||_2 in Double.
public func relativeL2(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count)
    var d = 0.0, n = 0.0
    for i in a.indices {
        let x = Double(a[i]), y = Double(b[i])
        d += (x - y) * (x - y); n += y * y
    }
    return (d / max(n, 1e-300)).squareRoot()
}

/// relativeL2 without the `trim` fraction of entries where |a - b| is largest: a kink that flips moves a patch of
/// entries (its receptive field) and leaves the rest at rounding level, while a defect moves them all.
public func trimmedRelativeL2(_ a: [Float], _ b: [Float], trim: Double) -> Double {
    precondition(a.count == b.count)
    let order = a.indices.sorted { abs(a[$0] - b[$0]) < abs(a[$1] - b[$1]) }
    let kept = order.prefix(a.count - Int((Double(a.count) * trim).rounded(.down)))
    var d = 0.0, n = 0.0
    for i in kept {
        let x = Double(a[i]), y = Double(b[i])
        d += (x - y) * (x - y); n += y * y
    }
    return (d / max(n, 1e-300)).squareRoot()
}

/// The fraction of entries with |a - b| > tolerance * max |b|.
public func fractionOff(_ a: [Float], _ b: [Float], tolerance: Double) -> Double {
    let scale = Double(b.map { abs($0) }.max() ?? 0)
    let off = zip(a, b).filter { abs(Double($0) - Double($1)) > tolerance * scale }.count
    return Double(off) / Double(max(b.count, 1))
}

/// Isthmus's `actual` against PyTorch's float32 and float64 results of the same computation. Passes when
/// - relL2(actual, float64) <= max(ratio * relL2(float32, float64), floor), and
/// - fractionOff(actual, float64) <= max(ratio * fractionOff(float32, float64), 1e-3) at `fractionTolerance`.
///
/// `kinkAllowance`: a computation that rounds differently from PyTorch by design (eval-mode BatchNorm folded into the
/// convolution) may flip kinks that PyTorch's rounding leaves alone, on an input that lies within rounding of one.
/// Then up to that fraction of the entries may be off, and the L2 rule applies to the rest (`trimmedRelativeL2`):
/// a flipped kink moves its receptive field, a defect moves everything.
/// Returns (relL2 against float32, against float64, PyTorch float32 against float64) for the log.
@discardableResult
public func assertParity(_ actual: [Float], float32: [Float], float64: [Float], floor: Double, ratio: Double = 1.5,
                         fractionTolerance: Double = 1e-3, kinkAllowance: Double? = nil, _ label: String,
                         file: StaticString = #filePath, line: UInt = #line) -> (Double, Double, Double) {
    XCTAssertEqual(actual.count, float64.count, "\(label): size", file: file, line: line)
    guard actual.count == float64.count, actual.count == float32.count else { return (.nan, .nan, .nan) }
    let own = relativeL2(float32, float64), e64 = relativeL2(actual, float64), e32 = relativeL2(actual, float32)
    let trim = kinkAllowance ?? 0
    let judged = trim > 0 ? trimmedRelativeL2(actual, float64, trim: trim) : e64
    let ownJudged = trim > 0 ? trimmedRelativeL2(float32, float64, trim: trim) : own
    let limit = max(ratio * ownJudged, floor)
    let what = trim > 0 ? String(format: "without the worst %.1f%% of entries", 100 * trim) : "over the whole tensor"
    XCTAssertLessThanOrEqual(judged, limit, String(format: "%@: relative L2 error %.3g against PyTorch float64 %@ "
        + "exceeds %.3g (PyTorch float32's own error %.3g, error-model floor %.3g)", label, judged, what, limit,
        ownJudged, floor), file: file, line: line)
    let ownOff = fractionOff(float32, float64, tolerance: fractionTolerance)
    let off = fractionOff(actual, float64, tolerance: fractionTolerance)
    let offLimit = max(ratio * ownOff, kinkAllowance ?? 1e-3)
    XCTAssertLessThanOrEqual(off, offLimit,
        String(format: "%@: %.3g of the entries are off by more than %.0e of the largest (limit %.3g, PyTorch float32 "
               + "%.3g)", label, off, fractionTolerance, offLimit, ownOff), file: file, line: line)
    print(String(format: "%@: relative L2 against PyTorch float32 %.2e, against float64 %.2e (PyTorch float32 against "
                 + "float64 %.2e); judged %@ %.2e <= %.2e; entries off by > %.0e: %.2e (PyTorch %.2e)", label, e32, e64,
                 own, what, judged, limit, fractionTolerance, off, ownOff))
    return (e32, e64, own)
}
