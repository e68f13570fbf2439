// Pooling kernels over NCHW planes, PyTorch semantics. x: [N, C, H, W], out: [N, C, P, Q].

/// The input indices [lo, hi) that window i reads along one axis (padding excluded).
@inline(__always)
func poolWindow(_ i: Int, kernel: Int, stride: Int, pad: Int, size: Int) -> Range<Int> {
    let start = i &* stride &- pad
    let lo = max(start, 0)
    return lo..<max(lo, min(start &+ kernel, size))
}

/// Max pooling; padded positions never win, a NaN does (the last one, as PyTorch). `argmax` receives the flat
/// index h*W + w inside each plane.
public func maxPool2dForward(out: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>,
                             x: UnsafePointer<Float>, _ s: Pool2DShape) {
    let (H, W, P, Q) = (s.H, s.W, s.P, s.Q)
    if s.R == 2 && s.S == 2 && s.strideH == 2 && s.strideW == 2 && s.padH == 0 && s.padW == 0 && 2 * P <= H && 2 * Q <= W {
        maxPool2x2(out: out, argmax: argmax, x: x, planes: s.N &* s.C, H: H, W: W, P: P, Q: Q)
        return
    }
    for plane in 0..<(s.N * s.C) {
        let xp = x + plane &* H &* W, op = out + plane &* P &* Q, ap = argmax + plane &* P &* Q
        for p in 0..<P {
            let hs = poolWindow(p, kernel: s.R, stride: s.strideH, pad: s.padH, size: H)
            for q in 0..<Q {
                let ws = poolWindow(q, kernel: s.S, stride: s.strideW, pad: s.padW, size: W)
                var best = -Float.infinity, at = hs.lowerBound &* W &+ ws.lowerBound
                for h in hs {
                    let row = xp + h &* W
                    for w in ws {
                        let v = row[w]
                        if v > best || v.isNaN { best = v; at = h &* W &+ w }
                    }
                }
                op[p &* Q &+ q] = best
                ap[p &* Q &+ q] = Int32(truncatingIfNeeded: at)
            }
        }
    }
}

/// The common 2x2 stride-2 window without padding, same results as the general loop (ties: first; NaN: last),
/// branch-free except for a rare NaN path.
func maxPool2x2(out: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>, x: UnsafePointer<Float>,
                planes: Int, H: Int, W: Int, P: Int, Q: Int) {
    for plane in 0..<planes {
        let xp = x + plane &* H &* W, op = out + plane &* P &* Q, ap = argmax + plane &* P &* Q
        for p in 0..<P {
            let r0 = xp + (2 &* p) &* W, r1 = r0 + W, base = Int32(truncatingIfNeeded: (2 &* p) &* W)
            let w32 = Int32(truncatingIfNeeded: W)
            for q in 0..<Q {
                let w = 2 &* q, w1 = Int32(truncatingIfNeeded: w)
                let a = r0[w], b = r0[w &+ 1], c = r1[w], d = r1[w &+ 1]
                var best = a, at = base &+ w1
                if (a + b + c + d).isNaN {            // rare: the last NaN wins, as the general loop
                    for (v, i) in [(b, at &+ 1), (c, at &+ w32), (d, at &+ w32 &+ 1)] where v > best || v.isNaN { best = v; at = i }
                    if !best.isNaN && a.isNaN { best = a }
                } else {
                    if b > best { best = b; at = base &+ w1 &+ 1 }
                    if c > best { best = c; at = base &+ w32 &+ w1 }
                    if d > best { best = d; at = base &+ w32 &+ w1 &+ 1 }
                }
                op[p &* Q &+ q] = best
                ap[p &* Q &+ q] = at
            }
        }
    }
}

/// dX = scatter of dOut to the argmax positions (overwrites dX).
public func maxPool2dBackward(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                              argmax: UnsafePointer<Int32>, _ s: Pool2DShape) {
    let HW = s.H * s.W, PQ = s.P * s.Q
    dX.update(repeating: 0, count: s.N * s.C * HW)
    for plane in 0..<(s.N * s.C) {
        let dp = dX + plane * HW, gp = dOut + plane * PQ, ap = argmax + plane * PQ
        for i in 0..<PQ where ap[i] >= 0 { dp[Int(ap[i])] += gp[i] }
    }
}

/// The window of output (p, q) and its divisor, as PyTorch's avg_pool2d.
@inline(__always)
func avgWindow(_ p: Int, _ q: Int, _ s: Pool2DShape, countIncludePad: Bool) -> (Int, Int, Int, Int, Float) {
    var h0 = p * s.strideH - s.padH, w0 = q * s.strideW - s.padW
    var h1 = min(h0 + s.R, s.H + s.padH), w1 = min(w0 + s.S, s.W + s.padW)
    let padded = (h1 - h0) * (w1 - w0)
    h0 = max(h0, 0); w0 = max(w0, 0); h1 = min(h1, s.H); w1 = min(w1, s.W)
    let divisor = countIncludePad ? padded : (h1 - h0) * (w1 - w0)
    return (h0, h1, w0, w1, divisor > 0 ? 1 / Float(divisor) : 0)
}

/// Average pooling (count_include_pad as PyTorch, default true).
public func avgPool2dForward(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, _ s: Pool2DShape,
                             countIncludePad: Bool = true) {
    let (H, W, P, Q) = (s.H, s.W, s.P, s.Q)
    for plane in 0..<(s.N * s.C) {
        let xp = x + plane * H * W, op = out + plane * P * Q
        for p in 0..<P {
            for q in 0..<Q {
                let (h0, h1, w0, w1, scale) = avgWindow(p, q, s, countIncludePad: countIncludePad)
                var acc: Float = 0
                for h in h0..<max(h1, h0) {
                    let row = xp + h &* W
                    for w in w0..<max(w1, w0) { acc += row[w] }
                }
                op[p &* Q &+ q] = acc * scale
            }
        }
    }
}

public func avgPool2dBackward(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, _ s: Pool2DShape,
                              countIncludePad: Bool = true) {
    let (H, W, P, Q) = (s.H, s.W, s.P, s.Q)
    dX.update(repeating: 0, count: s.N * s.C * H * W)
    for plane in 0..<(s.N * s.C) {
        let dp = dX + plane * H * W, gp = dOut + plane * P * Q
        for p in 0..<P {
            for q in 0..<Q {
                let (h0, h1, w0, w1, scale) = avgWindow(p, q, s, countIncludePad: countIncludePad)
                let g = gp[p &* Q &+ q] * scale
                for h in h0..<max(h1, h0) {
                    let row = dp + h &* W
                    for w in w0..<max(w1, w0) { row[w] += g }
                }
            }
        }
    }
}

/// Adaptive average pooling to [P, Q]: window i covers [floor(i*H/P), ceil((i+1)*H/P)).
public func adaptiveAvgPool2dForward(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
                                     planes: Int, H: Int, W: Int, P: Int, Q: Int) {
    for plane in 0..<planes {
        let xp = x + plane * H * W, op = out + plane * P * Q
        for p in 0..<P {
            let h0 = (p * H) / P, h1 = ((p + 1) * H + P - 1) / P
            for q in 0..<Q {
                let w0 = (q * W) / Q, w1 = ((q + 1) * W + Q - 1) / Q
                var acc: Float = 0
                for h in h0..<h1 { for w in w0..<w1 { acc += xp[h * W + w] } }
                op[p * Q + q] = acc / Float((h1 - h0) * (w1 - w0))
            }
        }
    }
}

public func adaptiveAvgPool2dBackward(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                      planes: Int, H: Int, W: Int, P: Int, Q: Int) {
    dX.update(repeating: 0, count: planes * H * W)
    for plane in 0..<planes {
        let dp = dX + plane * H * W, gp = dOut + plane * P * Q
        for p in 0..<P {
            let h0 = (p * H) / P, h1 = ((p + 1) * H + P - 1) / P
            for q in 0..<Q {
                let w0 = (q * W) / Q, w1 = ((q + 1) * W + Q - 1) / Q
                let g = gp[p * Q + q] / Float((h1 - h0) * (w1 - w0))
                for h in h0..<h1 { for w in w0..<w1 { dp[h * W + w] += g } }
            }
        }
    }
}
