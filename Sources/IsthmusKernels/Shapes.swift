/// Shapes of the kernels, llm.c style: one struct per kernel family, sizes bound once.

/// 2-D convolution, NCHW. x: [N, C, H, W], w: [K, C/groups, R, S], bias: [K], out: [N, K, P, Q].
/// Padding may be asymmetric (TensorFlow "SAME" puts the extra row/column at the bottom/right).
public struct Conv2DShape: Hashable, Sendable {
    public var N, C, H, W: Int
    public var K, R, S: Int
    public var strideH, strideW: Int
    public var padTop, padBottom, padLeft, padRight: Int
    public var groups: Int

    public init(N: Int, C: Int, H: Int, W: Int, K: Int, R: Int, S: Int,
                strideH: Int = 1, strideW: Int = 1,
                padTop: Int = 0, padBottom: Int = 0, padLeft: Int = 0, padRight: Int = 0, groups: Int = 1) {
        self.N = N; self.C = C; self.H = H; self.W = W; self.K = K; self.R = R; self.S = S
        self.strideH = strideH; self.strideW = strideW
        self.padTop = padTop; self.padBottom = padBottom; self.padLeft = padLeft; self.padRight = padRight
        self.groups = groups
    }
    public var P: Int { (H + padTop + padBottom - R) / strideH + 1 }
    public var Q: Int { (W + padLeft + padRight - S) / strideW + 1 }
    /// Input channels per group.
    public var Cg: Int { C / groups }
    /// Output channels per group.
    public var Kg: Int { K / groups }
    public var inputCount: Int { N * C * H * W }
    public var weightCount: Int { K * Cg * R * S }
    public var outputCount: Int { N * K * P * Q }
    /// Multiply-adds of the forward pass, times 2.
    public var flops: Double { 2 * Double(N) * Double(K) * Double(P * Q) * Double(Cg * R * S) }
    public var isValid: Bool {
        N > 0 && C > 0 && H > 0 && W > 0 && K > 0 && R > 0 && S > 0 && strideH > 0 && strideW > 0 &&
            padTop >= 0 && padBottom >= 0 && padLeft >= 0 && padRight >= 0 && groups > 0 &&
            C % groups == 0 && K % groups == 0 && P > 0 && Q > 0
    }
}

/// 2-D pooling window over NCHW, PyTorch semantics: out = floor or ceil((H + 2 pad - R) / stride) + 1,
/// and with ceil mode the last window must start inside the input or the left padding.
public struct Pool2DShape: Hashable, Sendable {
    public var N, C, H, W: Int
    public var R, S: Int
    public var strideH, strideW: Int
    public var padH, padW: Int
    public var ceilMode: Bool

    public init(N: Int, C: Int, H: Int, W: Int, R: Int, S: Int, strideH: Int, strideW: Int,
                padH: Int = 0, padW: Int = 0, ceilMode: Bool = false) {
        self.N = N; self.C = C; self.H = H; self.W = W; self.R = R; self.S = S
        self.strideH = strideH; self.strideW = strideW; self.padH = padH; self.padW = padW; self.ceilMode = ceilMode
    }
    static func outSize(_ size: Int, _ k: Int, _ s: Int, _ pad: Int, _ ceil: Bool) -> Int {
        let span = size + 2 * pad - k
        var out = (ceil ? (span + s - 1) / s : span / s) + 1
        if ceil && (out - 1) * s >= size + pad { out -= 1 }
        return out
    }
    public var P: Int { Pool2DShape.outSize(H, R, strideH, padH, ceilMode) }
    public var Q: Int { Pool2DShape.outSize(W, S, strideW, padW, ceilMode) }
    public var outputCount: Int { N * C * P * Q }
    public var isValid: Bool {
        N > 0 && C > 0 && H > 0 && W > 0 && R > 0 && S > 0 && strideH > 0 && strideW > 0 &&
            padH >= 0 && padW >= 0 && 2 * padH <= R && 2 * padW <= S && P > 0 && Q > 0
    }
}
