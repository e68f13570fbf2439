// Conv2D kernels. x: [N, C, H, W], w: [K, Cg, R, S], out: [N, K, P, Q]. Every kernel overwrites its outputs.
// `conv2d*` dispatch to oneDNN's blocked-layout primitives when available; `conv2d*Im2col` are the
// im2col + GEMM twins the tests compare them with.

/// out = conv(x, w) + bias.
public func conv2dForward(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                          bias: UnsafePointer<Float>?, _ s: Conv2DShape) {
    if DNNLConv.enabled, let plan = DNNLConv.plan(s),
       (try? plan.forward(out: out, x: x, w: w, bias: bias)) != nil { return }
    conv2dForwardIm2col(out: out, x: x, w: w, bias: bias, s)
}

/// dX = d(out)/dx applied to dOut.
public func conv2dBackwardData(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                               w: UnsafePointer<Float>, _ s: Conv2DShape) {
    if DNNLConv.enabled, let plan = DNNLConv.plan(s),
       (try? plan.backwardData(dX: dX, dOut: dOut, w: w)) != nil { return }
    conv2dBackwardDataIm2col(dX: dX, dOut: dOut, w: w, s)
}

/// dW (and dBias if given) from dOut and x.
public func conv2dBackwardWeights(dW: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
                                  dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, _ s: Conv2DShape) {
    if DNNLConv.enabled, let plan = DNNLConv.plan(s),
       (try? plan.backwardWeights(dW: dW, dBias: dBias, dOut: dOut, x: x)) != nil { return }
    conv2dBackwardWeightsIm2col(dW: dW, dBias: dBias, dOut: dOut, x: x, s)
}

// MARK: - im2col + GEMM twin

/// col[(c*R + r)*S + q', p*Q + q] = x[c, p*sh - pt + r, q*sw - pl + q'] (zero outside), for the channels
/// [c0, c0 + Cg) of one image.
func im2col(_ col: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, c0: Int, _ s: Conv2DShape) {
    let (H, W, R, S, P, Q) = (s.H, s.W, s.R, s.S, s.P, s.Q)
    var row = 0
    for c in c0..<(c0 + s.Cg) {
        let xc = x + c * H * W
        for r in 0..<R {
            for t in 0..<S {
                let dst = col + row * P * Q
                for p in 0..<P {
                    let h = p * s.strideH - s.padTop + r
                    let d = dst + p * Q
                    if h < 0 || h >= H {
                        d.update(repeating: 0, count: Q)
                        continue
                    }
                    let xr = xc + h * W
                    for q in 0..<Q {
                        let ww = q * s.strideW - s.padLeft + t
                        d[q] = (ww >= 0 && ww < W) ? xr[ww] : 0
                    }
                }
                row += 1
            }
        }
    }
}

/// dx[c, h, w] += col[...] for every position the column matrix read it from (adjoint of `im2col`).
func col2im(_ dX: UnsafeMutablePointer<Float>, _ col: UnsafePointer<Float>, c0: Int, _ s: Conv2DShape) {
    let (H, W, R, S, P, Q) = (s.H, s.W, s.R, s.S, s.P, s.Q)
    var row = 0
    for c in c0..<(c0 + s.Cg) {
        let xc = dX + c * H * W
        for r in 0..<R {
            for t in 0..<S {
                let src = col + row * P * Q
                for p in 0..<P {
                    let h = p * s.strideH - s.padTop + r
                    if h < 0 || h >= H { continue }
                    let xr = xc + h * W, sr = src + p * Q
                    for q in 0..<Q {
                        let ww = q * s.strideW - s.padLeft + t
                        if ww >= 0 && ww < W { xr[ww] += sr[q] }
                    }
                }
                row += 1
            }
        }
    }
}

public func conv2dForwardIm2col(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                                bias: UnsafePointer<Float>?, _ s: Conv2DShape) {
    let PQ = s.P * s.Q, CRS = s.Cg * s.R * s.S
    let col = UnsafeMutablePointer<Float>.allocate(capacity: CRS * PQ)
    defer { col.deallocate() }
    for n in 0..<s.N {
        for g in 0..<s.groups {
            im2col(col, x + n * s.C * s.H * s.W, c0: g * s.Cg, s)
            sgemm(transA: false, transB: false, M: s.Kg, N: PQ, K: CRS, A: w + g * s.Kg * CRS, lda: CRS,
                  B: col, ldb: PQ, C: out + (n * s.K + g * s.Kg) * PQ, ldc: PQ)
        }
        if let bias {
            for k in 0..<s.K {
                let o = out + (n * s.K + k) * PQ, b = bias[k]
                for i in 0..<PQ { o[i] += b }
            }
        }
    }
}

public func conv2dBackwardDataIm2col(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                     w: UnsafePointer<Float>, _ s: Conv2DShape) {
    let PQ = s.P * s.Q, CRS = s.Cg * s.R * s.S
    dX.update(repeating: 0, count: s.inputCount)
    let col = UnsafeMutablePointer<Float>.allocate(capacity: CRS * PQ)
    defer { col.deallocate() }
    for n in 0..<s.N {
        for g in 0..<s.groups {
            sgemm(transA: true, transB: false, M: CRS, N: PQ, K: s.Kg, A: w + g * s.Kg * CRS, lda: CRS,
                  B: dOut + (n * s.K + g * s.Kg) * PQ, ldb: PQ, C: col, ldc: PQ)
            col2im(dX + n * s.C * s.H * s.W, col, c0: g * s.Cg, s)
        }
    }
}

public func conv2dBackwardWeightsIm2col(dW: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
                                        dOut: UnsafePointer<Float>, x: UnsafePointer<Float>, _ s: Conv2DShape) {
    let PQ = s.P * s.Q, CRS = s.Cg * s.R * s.S
    dW.update(repeating: 0, count: s.weightCount)
    let col = UnsafeMutablePointer<Float>.allocate(capacity: CRS * PQ)
    defer { col.deallocate() }
    for n in 0..<s.N {
        for g in 0..<s.groups {
            im2col(col, x + n * s.C * s.H * s.W, c0: g * s.Cg, s)
            sgemm(transA: false, transB: true, M: s.Kg, N: CRS, K: PQ, A: dOut + (n * s.K + g * s.Kg) * PQ, lda: PQ,
                  B: col, ldb: PQ, beta: 1, C: dW + g * s.Kg * CRS, ldc: CRS)
        }
    }
    if let dBias {
        for k in 0..<s.K {
            var acc: Float = 0
            for n in 0..<s.N {
                let o = dOut + (n * s.K + k) * PQ
                for i in 0..<PQ { acc += o[i] }
            }
            dBias[k] = acc
        }
    }
}

// MARK: - Direct loops (reference for tests)

/// The textbook seven-loop convolution, used only by tests as the ground truth for both fast paths.
public func conv2dForwardDirect(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                                bias: UnsafePointer<Float>?, _ s: Conv2DShape) {
    for n in 0..<s.N {
        for k in 0..<s.K {
            let g = k / s.Kg
            for p in 0..<s.P {
                for q in 0..<s.Q {
                    var acc = Double(bias?[k] ?? 0)
                    for c in 0..<s.Cg {
                        for r in 0..<s.R {
                            let h = p * s.strideH - s.padTop + r
                            if h < 0 || h >= s.H { continue }
                            for t in 0..<s.S {
                                let ww = q * s.strideW - s.padLeft + t
                                if ww < 0 || ww >= s.W { continue }
                                let xv = x[((n * s.C + g * s.Cg + c) * s.H + h) * s.W + ww]
                                acc += Double(xv) * Double(w[((k * s.Cg + c) * s.R + r) * s.S + t])
                            }
                        }
                    }
                    out[((n * s.K + k) * s.P + p) * s.Q + q] = Float(acc)
                }
            }
        }
    }
}
