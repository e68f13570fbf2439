import Foundation
import XCTest
import IsthmusCore

/// Cross-entropy and softmax: against hand computation, and at extreme logits (values and gradients stay finite
/// wherever the true value is representable).
final class LossesTests: XCTestCase {
    /// Reference CE in Double: logsumexp(x) - x[y].
    func referenceCE(_ row: [Float], _ y: Int) -> Double {
        let m = row.map(Double.init).max()!
        return Foundation.log(row.map { Foundation.exp(Double($0) - m) }.reduce(0, +)) + (m - Double(row[y]))
    }

    func testCrossEntropyAtAnyMagnitude() {
        let rows: [[Float]] = [
            [1e30, -1e30, 0], [-1e30, -1e30, -1e30], [1e38, -1e38, 0], [2e38, -2e38, 1],
            [Float.greatestFiniteMagnitude, -Float.greatestFiniteMagnitude, 0], [3e38, 3e38, -3e38],
            [1e-30, -1e-30, 0], [88, 89, -104], [1e4, 1e4 + 1, 1e4 - 1], [0, 0, 0],
        ]
        for row in rows {
            for y in 0..<3 {
                let ce = crossEntropyPerSample(logits: Tensor(shape: [1, 3], scalars: row), labels: [y])[flat: 0]
                let ref = referenceCE(row, y)
                XCTAssertFalse(ce.isNaN, "CE NaN for \(row), class \(y)")
                if ref < 3e38 {
                    XCTAssertEqual(Double(ce), ref, accuracy: Swift.max(1e-5, ref * 1e-6), "\(row), class \(y)")
                } else {
                    XCTAssertGreaterThan(ce, 3e38, "\(row), class \(y): true CE \(ref) is at the edge of Float")
                }
            }
        }
    }

    func testCrossEntropyGradientIsSoftmaxMinusOneHot() {
        for row: [Float] in [[1e30, -1e30, 0, 5], [2e38, -2e38, 1, 0], [-3e38, 3e38, 3e38, 0], [1, 2, 3, 4]] {
            for y in 0..<4 {
                let x = Tensor(shape: [1, 4], scalars: row)
                let (loss, g) = valueWithGradient(wrt: [x]) { crossEntropy(logits: x, labels: [y]) }
                XCTAssertFalse(loss.scalar.isNaN, "\(row) class \(y)")
                XCTAssertTrue(g[0].isFinite, "gradient \(g[0].scalars) for \(row), class \(y)")
                let m = row.map(Double.init).max()!
                let e = row.map { Foundation.exp(Double($0) - m) }, s = e.reduce(0, +)
                for k in 0..<4 {
                    XCTAssertEqual(Double(g[0][flat: k]), e[k] / s - (k == y ? 1 : 0), accuracy: 1e-6, "\(row) class \(y) logit \(k)")
                }
            }
        }
    }

    func testMixedBatchStaysFinite() {
        let logits = Tensor(shape: [4, 3], scalars: [1e30, 0, -1e30, 0, 0, 0, -2e38, 2e38, 0, 1e-20, 3, -7])
        let labels = [0, 2, 1, 1]
        let per = crossEntropyPerSample(logits: logits, labels: labels)
        XCTAssertTrue(per.isFinite, "\(per.scalars)")
        XCTAssertEqual(per[flat: 0], 0)
        XCTAssertEqual(per[flat: 2], 0)
        XCTAssertEqual(Double(crossEntropy(logits: logits, labels: labels).scalar), per.scalars.map(Double.init).reduce(0, +) / 4, accuracy: 1e-4)
    }

    func testSoftmaxAndLogSoftmaxAtExtremes() {
        let x = Tensor(shape: [4, 3], scalars: [1e30, -1e30, 0, 3e38, -3e38, 3e38, -1e30, -1e30, -1e30,
                                                 Float.greatestFiniteMagnitude, 0, -Float.greatestFiniteMagnitude])
        let s = x.softmax(axis: 1)
        XCTAssertTrue(s.isFinite, "\(s.scalars)")
        for r in 0..<4 { XCTAssertEqual((0..<3).map { s[flat: r * 3 + $0] }.reduce(0, +), 1, accuracy: 1e-6) }
        XCTAssertEqual(s[flat: 3], 0.5, accuracy: 1e-6)
        let ls = x.logSoftmax(axis: 1)
        XCTAssertFalse(ls.scalars.contains { $0.isNaN }, "\(ls.scalars)")
        XCTAssertTrue(ls.scalars.allSatisfy { $0 <= 0 })
    }

    func testSoftmaxRowsSumToOneEvenAtHugeLogits() {
        let x = Tensor(shape: [3, 4], scalars: [1, 2, 3, 4, 1e30, -1e30, 0, 5, -1e30, -1e30, -1e30, -1e30])
        let s = x.softmax(axis: 1)
        XCTAssertTrue(s.isFinite)
        for r in 0..<3 { XCTAssertEqual((0..<4).map { s[flat: r * 4 + $0] }.reduce(0, +), 1, accuracy: 1e-6) }
        let ce = crossEntropyPerSample(logits: x, labels: [3, 1, 0])
        XCTAssertTrue(ce.isFinite)
        XCTAssertEqual(ce[flat: 1], 2e30, accuracy: 1e24)
        XCTAssertEqual(ce[flat: 2], Float(log(4.0)), accuracy: 1e-6)
    }

    func testCrossEntropyMatchesHandComputation() {
        let logits = Tensor(shape: [1, 3], scalars: [1, 2, 3])
        let expected = -log(exp(1.0) / (exp(1.0) + exp(2.0) + exp(3.0)))
        XCTAssertEqual(crossEntropy(logits: logits, labels: [0]).scalar, Float(expected), accuracy: 1e-6)
    }
}
