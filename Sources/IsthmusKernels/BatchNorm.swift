// Batch normalization over NCHW: statistics per channel c over (N, H, W). M = N*H*W.
// y = (x - mean) * invstd * gamma + beta, invstd = 1 / sqrt(var + eps), var biased.

/// Shape of a per-channel normalization: x: [N, C, HW].
public struct ChannelShape: Hashable, Sendable {
    public var N, C, HW: Int
    public init(N: Int, C: Int, HW: Int) { self.N = N; self.C = C; self.HW = HW }
    public var count: Int { N * C * HW }
}

/// Train mode: batch statistics. Writes y, the batch mean and invstd (saved for backward) and the unbiased
/// variance (for the running-average update).
public func batchNormForwardTrain(y: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>,
                                  invstd: UnsafeMutablePointer<Float>, unbiasedVar: UnsafeMutablePointer<Float>,
                                  x: UnsafePointer<Float>, gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?,
                                  eps: Float, _ s: ChannelShape) {
    let M = s.N * s.HW
    for c in 0..<s.C {
        var sum = 0.0
        for n in 0..<s.N { let p = x + (n * s.C + c) * s.HW; for i in 0..<s.HW { sum += Double(p[i]) } }
        let mu = sum / Double(M)
        var sq = 0.0
        for n in 0..<s.N { let p = x + (n * s.C + c) * s.HW; for i in 0..<s.HW { let d = Double(p[i]) - mu; sq += d * d } }
        let v = sq / Double(M)
        let inv = Float(1 / (v + Double(eps)).squareRoot())
        mean[c] = Float(mu); invstd[c] = inv
        unbiasedVar[c] = Float(M > 1 ? sq / Double(M - 1) : v)
        let a = inv * (gamma?[c] ?? 1), b = (beta?[c] ?? 0) - Float(mu) * a
        for n in 0..<s.N {
            let p = x + (n * s.C + c) * s.HW, o = y + (n * s.C + c) * s.HW
            for i in 0..<s.HW { o[i] = p[i] * a + b }
        }
    }
}

/// Backward of the train-mode forward: dx = invstd/M * (M*dxhat - sum(dxhat) - xhat*sum(dxhat*xhat)),
/// dxhat = dy*gamma; dgamma = sum(dy*xhat); dbeta = sum(dy). Any output may be nil when not needed.
public func batchNormBackwardTrain(dX: UnsafeMutablePointer<Float>?, dGamma: UnsafeMutablePointer<Float>?,
                                   dBeta: UnsafeMutablePointer<Float>?, dY: UnsafePointer<Float>,
                                   x: UnsafePointer<Float>, mean: UnsafePointer<Float>, invstd: UnsafePointer<Float>,
                                   gamma: UnsafePointer<Float>?, _ s: ChannelShape) {
    let M = Float(s.N * s.HW)
    for c in 0..<s.C {
        let mu = mean[c], inv = invstd[c], g = gamma?[c] ?? 1
        var sumDy: Float = 0, sumDyXhat: Float = 0
        for n in 0..<s.N {
            let xp = x + (n * s.C + c) * s.HW, dp = dY + (n * s.C + c) * s.HW
            for i in 0..<s.HW { sumDy += dp[i]; sumDyXhat += dp[i] * (xp[i] - mu) * inv }
        }
        dGamma?[c] = sumDyXhat
        dBeta?[c] = sumDy
        guard let dX else { continue }
        let k = g * inv / M
        for n in 0..<s.N {
            let xp = x + (n * s.C + c) * s.HW, dp = dY + (n * s.C + c) * s.HW, o = dX + (n * s.C + c) * s.HW
            for i in 0..<s.HW {
                let xhat = (xp[i] - mu) * inv
                o[i] = k * (M * dp[i] - sumDy - xhat * sumDyXhat)
            }
        }
    }
}
