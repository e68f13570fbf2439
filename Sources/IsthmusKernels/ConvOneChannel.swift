// The input gradient of a convolution with one input channel (a grayscale image's first layer, as mnist-cnn's conv1),
// from an output gradient in oneDNN's blocked layout. oneDNN's backward-data pass has a single output channel to
// vectorize over there and ran at 3-15 GFLOP/s (61 us of a 270 us mnist-cnn bypass step at batch 1); this kernel
// vectorizes over the K channels it sums instead.

/// Whether `conv2dBackwardDataOneChannel` takes `s`: one input channel, no groups, stride 1, and K a multiple of
/// `block` (8 or 16).
public func conv2dBackwardDataOneChannelApplies(_ s: Conv2DShape, block: Int) -> Bool {
    s.isValid && s.C == 1 && s.groups == 1 && s.strideH == 1 && s.strideW == 1 && (block == 8 || block == 16)
        && s.K % block == 0
}

/// dX [N, 1, H, W] (NCHW, every element written) of y = conv(x, w) for x with one channel, from dOut in nChw{block}c
/// [N, K/block, P, Q, block] and w [K, 1, R, S], stride 1, any padding:
///   dX[n, h, x] = sum_k sum_{r,t} dOut[n, k, h + padTop - r, x + padLeft - t] * w[k, 0, r, t]
/// over the (r, t) whose output position lies inside P x Q. Each sample's gradient is first copied into zero-bordered
/// NCHW planes G[k][i][j] = dOut[k, i - (R - 1) + padTop, j - (S - 1) + padLeft], so that
///   dX[h, x] = sum_k sum_{r,t} w[k, r, t] * G[k][h + R - 1 - r][x + S - 1 - t]
/// runs as fused multiply-adds of broadcast weights on 8 consecutive x at a time, with no bounds inside the loops.
/// The sum runs in another order than oneDNN's (float32 rounding apart, the same values). Samples' planes and rows
/// of the output run on the compute threads. Requires `conv2dBackwardDataOneChannelApplies(s, block:)`.
public func conv2dBackwardDataOneChannel(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                         w: UnsafePointer<Float>, _ s: Conv2DShape, block: Int) {
    precondition(conv2dBackwardDataOneChannelApplies(s, block: block),
                 "conv2dBackwardDataOneChannel: shape \(s), block \(block)")
    let (K, R, S, P, Q, H, W) = (s.K, s.R, s.S, s.P, s.Q, s.H, s.W)
    let vectorsPerRow = (W + 7) / 8
    // One spare zero row: the second row of the last pair of an odd H reads it (and writes nothing).
    let rowsG = H + R, colsG = vectorsPerRow * 8 + S - 1, planeG = rowsG * colsG
    let sampleG = K * planeG, plane = P * Q * block
    let chunk = max(1, min(s.N, (2 << 20) / max(1, sampleG * 4)))     // samples whose planes fit in ~2 MB
    let g = UnsafeMutablePointer<Float>.allocate(capacity: chunk * sampleG)
    defer { g.deallocate() }
    let offH = R - 1 - s.padTop, offW = S - 1 - s.padLeft
    for n0 in stride(from: 0, to: s.N, by: chunk) {
        let count = min(chunk, s.N - n0)
        // G of each sample of the chunk, one block of channels per task: zero, then the interior, read one pixel's
        // block at a time (a channel at a time would read each cache line of dOut `block` times).
        Threads.parallelFor(count * (K / block), grain: max(1, 50_000 / (block * planeG))) { range in
            for task in range {
                let n = n0 + task / (K / block), kb = task % (K / block)
                let dst = g + task * block * planeG
                dst.update(repeating: 0, count: block * planeG)
                let src = dOut + (n * (K / block) + kb) * plane
                for p in 0..<P {
                    let i = p + offH
                    guard i >= 0 && i < rowsG else { continue }
                    for q in 0..<Q {
                        let j = q + offW
                        guard j >= 0 && j < colsG else { continue }
                        let pixel = src + (p &* Q &+ q) &* block, at = dst + (i &* colsG &+ j)
                        for l in 0..<block { at[l &* planeG] = pixel[l] }
                    }
                }
            }
        }
        // Pairs of rows of dX (one weight load serves both: eight independent sums keep both FMA units busy),
        // 8 x at a time, four vectors per pass over the taps.
        let pairs = (H + 1) / 2
        // ~400k flops a thread: a batch-1 28x28 image runs on one thread (19 us there against 24 us on two).
        Threads.parallelFor(count * pairs, grain: max(1, 400_000 / max(1, 4 * K * R * S * vectorsPerRow * 8))) { range in
            for task in range {
                let n = task / pairs, h = task % pairs * 2, both = h + 1 < H
                let gs = g + n * planeG * K, out = dX + ((n0 + n) * H + h) * W
                for v0 in stride(from: 0, to: vectorsPerRow, by: 4) {
                    let vs = min(4, vectorsPerRow - v0)
                    var a = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
                    var b = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
                    for k in 0..<K {
                        let wk = w + k * R * S, gk = gs + k * planeG + v0 * 8
                        for r in 0..<R {
                            // Row h reads G row h + R - 1 - r; row h + 1 the next one (inside G when h + 1 < H).
                            let row = gk + ((h + R - 1 - r) * colsG + S - 1)
                            for t in 0..<S {
                                let weight = SIMD8<Float>(repeating: wk[r * S + t]), at = row - t, next = at + colsG
                                a.0 = a.0.addingProduct(weight, load8(at))
                                b.0 = b.0.addingProduct(weight, load8(next))
                                if vs > 1 {
                                    a.1 = a.1.addingProduct(weight, load8(at + 8))
                                    b.1 = b.1.addingProduct(weight, load8(next + 8))
                                }
                                if vs > 2 {
                                    a.2 = a.2.addingProduct(weight, load8(at + 16))
                                    b.2 = b.2.addingProduct(weight, load8(next + 16))
                                }
                                if vs > 3 {
                                    a.3 = a.3.addingProduct(weight, load8(at + 24))
                                    b.3 = b.3.addingProduct(weight, load8(next + 24))
                                }
                            }
                        }
                    }
                    for (i, (top, bottom)) in zip([a.0, a.1, a.2, a.3], [b.0, b.1, b.2, b.3]).prefix(vs).enumerated() {
                        let x0 = (v0 + i) * 8
                        for l in 0..<min(8, W - x0) {
                            out[x0 + l] = top[l]
                            if both { out[W + x0 + l] = bottom[l] }
                        }
                    }
                }
            }
        }
    }
}

@inline(__always)
private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

/// The naive twin of `conv2dBackwardDataOneChannel`: one product at a time from the layouts' index formulas, summed
/// in Double.
public func conv2dBackwardDataOneChannelNaive(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                                              w: UnsafePointer<Float>, _ s: Conv2DShape, block: Int) {
    precondition(conv2dBackwardDataOneChannelApplies(s, block: block),
                 "conv2dBackwardDataOneChannelNaive: shape \(s), block \(block)")
    for n in 0..<s.N {
        for h in 0..<s.H {
            for x in 0..<s.W {
                var acc = 0.0
                for k in 0..<s.K {
                    for r in 0..<s.R {
                        for t in 0..<s.S {
                            let p = h + s.padTop - r, q = x + s.padLeft - t
                            guard p >= 0, p < s.P, q >= 0, q < s.Q else { continue }
                            let g = dOut[(((n * (s.K / block) + k / block) * s.P + p) * s.Q + q) * block + k % block]
                            acc += Double(g) * Double(w[(k * s.R + r) * s.S + t])
                        }
                    }
                }
                dX[(n * s.H + h) * s.W + x] = Float(acc)
            }
        }
    }
}
