import XCTest
import IsthmusKernels

final class BatchNormTests: XCTestCase {
    func testForwardStatistics() {
        let s = ChannelShape(N: 3, C: 2, HW: 5)
        var rng = TestRNG(30)
        let x = rng.array(s.count)
        var y = [Float](repeating: .nan, count: s.count)
        var mean = [Float](repeating: 0, count: 2), inv = mean, uvar = mean
        batchNormForwardTrain(y: &y, mean: &mean, invstd: &inv, unbiasedVar: &uvar, x: x, gamma: nil, beta: nil,
                              eps: 0, s)
        for c in 0..<s.C {
            let v = (0..<s.N).flatMap { n in (0..<s.HW).map { y[(n * s.C + c) * s.HW + $0] } }
            let m = v.reduce(0, +) / Float(v.count)
            let sq = v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Float(v.count)
            XCTAssertEqual(m, 0, accuracy: 1e-5)
            XCTAssertEqual(sq, 1, accuracy: 1e-4)
            XCTAssertEqual(uvar[c] * Float(v.count - 1) / Float(v.count), 1 / (inv[c] * inv[c]), accuracy: 1e-4)
        }
    }

    /// Gradients of L = sum(g * bn(x)) against central differences of a Double forward.
    func testBackwardMatchesFiniteDifferences() {
        let s = ChannelShape(N: 2, C: 3, HW: 4)
        let eps: Float = 1e-3
        var rng = TestRNG(31)
        let x = rng.array(s.count), g = rng.array(s.count)
        let gamma = rng.array(s.C).map { $0 + 1.5 }, beta = rng.array(s.C)
        func loss(_ x: [Double], _ gamma: [Double], _ beta: [Double]) -> Double {
            var total = 0.0
            for c in 0..<s.C {
                let idx = (0..<s.N).flatMap { n in (0..<s.HW).map { (n * s.C + c) * s.HW + $0 } }
                let m = idx.reduce(0.0) { $0 + x[$1] } / Double(idx.count)
                let v = idx.reduce(0.0) { $0 + (x[$1] - m) * (x[$1] - m) } / Double(idx.count)
                let inv = 1 / (v + Double(eps)).squareRoot()
                for i in idx { total += Double(g[i]) * ((x[i] - m) * inv * gamma[c] + beta[c]) }
            }
            return total
        }
        var y = [Float](repeating: 0, count: s.count)
        var mean = [Float](repeating: 0, count: s.C), inv = mean, uvar = mean
        batchNormForwardTrain(y: &y, mean: &mean, invstd: &inv, unbiasedVar: &uvar, x: x, gamma: gamma, beta: beta,
                              eps: eps, s)
        var dx = [Float](repeating: .nan, count: s.count), dg = [Float](repeating: .nan, count: s.C), db = dg
        batchNormBackwardTrain(dX: &dx, dGamma: &dg, dBeta: &db, dY: g, x: x, mean: mean, invstd: inv, gamma: gamma, s)
        let xd = x.map(Double.init), gd = gamma.map(Double.init), bd = beta.map(Double.init), h = 1e-5
        func fd(_ n: Int, _ perturb: (Int, Double) -> Double) -> [Double] {
            (0..<n).map { i in (perturb(i, h) - perturb(i, -h)) / (2 * h) }
        }
        let fdX = fd(s.count) { i, d in var p = xd; p[i] += d; return loss(p, gd, bd) }
        let fdG = fd(s.C) { i, d in var p = gd; p[i] += d; return loss(xd, p, bd) }
        let fdB = fd(s.C) { i, d in var p = bd; p[i] += d; return loss(xd, gd, p) }
        assertClose(dx.map(Double.init), fdX, rtol: 1e-3, "dX")
        assertClose(dg.map(Double.init), fdG, rtol: 1e-3, "dGamma")
        assertClose(db.map(Double.init), fdB, rtol: 1e-4, "dBeta")
    }
}
