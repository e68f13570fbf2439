import CDNNL
import Foundation

/// GFLOP/s micro-benchmark of the compute kernels: sgemm (raw `dnnl_sgemm` vs the `sgemm` wrapper) and the
/// 64-channel 32x32 3x3 pad-1 convolution (forward, backward-data, backward-weights) through the oneDNN fast path
/// and the im2col + GEMM twin, at batch 1 and 64.
public enum KernelBenchmark {
    public struct Row: Sendable, CustomStringConvertible {
        public var name: String
        public var threads: Int
        /// Median wall time of one repetition, in milliseconds.
        public var ms: Double
        public var gflops: Double
        public var description: String {
            name.padding(toLength: 36, withPad: " ", startingAt: 0)
                + String(format: " %d thr %10.3f ms %8.1f GFLOP/s", threads, ms, gflops)
        }
    }

    /// Runs every case (`only`: those whose name contains it) once per entry of `threads` (set through
    /// `Threads.set`, restored afterwards), printing each row as it completes.
    public static func run(threads: [Int], only: String? = nil) -> [Row] {
        let saved = Threads.count
        defer { Threads.set(saved) }
        var rows: [Row] = []
        func add(_ name: String, _ t: Int, flops: Double, minReps: Int = 5, _ body: () -> Void) {
            if let only, !name.contains(only) { return }
            let ms = medianMilliseconds(minReps: minReps, body)
            let row = Row(name: name, threads: t, ms: ms, gflops: flops / (ms * 1e6))
            print(row)
            rows.append(row)
        }
        for t in threads {
            Threads.set(t)
            for (M, N, K) in [(64, 1024, 576), (128, 256, 1152), (512, 512, 512)] {
                let a = randomBuffer(M * K), b = randomBuffer(K * N), c = randomBuffer(M * N)
                defer { a.deallocate(); b.deallocate(); c.deallocate() }
                let flops = 2 * Double(M) * Double(N) * Double(K)
                add("dnnl_sgemm \(M)x\(N)x\(K)", t, flops: flops) {
                    _ = dnnl_sgemm(78, 78, Int64(M), Int64(N), Int64(K), 1, a, Int64(K), b, Int64(N), 0, c, Int64(N))
                }
                add("sgemm \(M)x\(N)x\(K)", t, flops: flops) {
                    sgemm(transA: false, transB: false, M: M, N: N, K: K, A: a, lda: K, B: b, ldb: N, C: c, ldc: N)
                }
            }
            let cases: [(String, Conv2DShape)] = [1, 64].map { batch in
                ("conv64 32x32 b\(batch)", Conv2DShape(N: batch, C: 64, H: 32, W: 32, K: 64, R: 3, S: 3, padTop: 1,
                                                     padBottom: 1, padLeft: 1, padRight: 1))
            } + [("mnist conv1 b64", Conv2DShape(N: 64, C: 1, H: 28, W: 28, K: 32, R: 3, S: 3, padTop: 1, padBottom: 1,
                                                 padLeft: 1, padRight: 1)),
                 ("mnist conv2 b64", Conv2DShape(N: 64, C: 32, H: 14, W: 14, K: 64, R: 3, S: 3, padTop: 1,
                                                 padBottom: 1, padLeft: 1, padRight: 1))]
            for (tag, s) in cases {
                let batch = s.N
                let x = randomBuffer(s.inputCount), w = randomBuffer(s.weightCount), y = randomBuffer(s.outputCount)
                let dx = randomBuffer(s.inputCount), dw = randomBuffer(s.weightCount), db = randomBuffer(s.K)
                defer { for p in [x, w, y, dx, dw, db] { p.deallocate() } }
                let reps = batch == 1 ? 5 : 3
                if let plan = DNNLConv.plan(s) {
                    add("\(tag) onednn fwd", t, flops: s.flops, minReps: reps) {
                        try? plan.forward(out: y, x: x, w: w, bias: nil)
                    }
                    add("\(tag) onednn bwd-data", t, flops: s.flops, minReps: reps) {
                        try? plan.backwardData(dX: dx, dOut: y, w: w)
                    }
                    add("\(tag) onednn bwd-weights", t, flops: s.flops, minReps: reps) {
                        try? plan.backwardWeights(dW: dw, dBias: db, dOut: y, x: x)
                    }
                }
                add("\(tag) conv2d* fwd+bwd", t, flops: 3 * s.flops, minReps: reps) {
                    conv2dForward(out: y, x: x, w: w, bias: nil, s)
                    conv2dBackwardData(dX: dx, dOut: y, w: w, s)
                    conv2dBackwardWeights(dW: dw, dBias: db, dOut: y, x: x, s)
                }
                add("\(tag) im2col fwd+bwd", t, flops: 3 * s.flops, minReps: reps) {
                    conv2dForwardIm2col(out: y, x: x, w: w, bias: nil, s)
                    conv2dBackwardDataIm2col(dX: dx, dOut: y, w: w, s)
                    conv2dBackwardWeightsIm2col(dW: dw, dBias: db, dOut: y, x: x, s)
                }
            }
            // Memory-bound kernels of the MNIST training step (GFLOP/s column: G elements read per second).
            let pool = Pool2DShape(N: 64, C: 32, H: 28, W: 28, R: 2, S: 2, strideH: 2, strideW: 2)
            let px = randomBuffer(pool.N * pool.C * 28 * 28), po = randomBuffer(pool.outputCount)
            let pa = UnsafeMutablePointer<Int32>.allocate(capacity: pool.outputCount)
            defer { px.deallocate(); po.deallocate(); pa.deallocate() }
            let elements = Double(pool.N * pool.C * 28 * 28)
            add("relu-maxpool2x2 64x32x28x28 fwd", t, flops: elements) {
                maxPool2dForward(out: po, argmax: pa, x: px, pool, relu: true)
            }
            add("relu-maxpool2x2 64x32x28x28 bwd", t, flops: elements) {
                maxPool2dBackward(dX: px, dOut: po, argmax: pa, pool, reluOut: po)
            }
            // mnist-cnn's fused conv-ReLU-pool at batch 64 (a sweep's) and 1 (a bypass step's), in the block oneDNN
            // picks: the pool with argmax (a step's forward), without (inference), and its backward.
            for batch in [64, 1] {
                let c1 = Conv2DShape(N: batch, C: 1, H: 28, W: 28, K: 32, R: 3, S: 3, padTop: 1, padBottom: 1,
                                     padLeft: 1, padRight: 1)
                guard let b = BlockedConv.blockSize(c1, weightGradient: false) else { continue }
                let y = randomBuffer(c1.outputCount), dy = randomBuffer(c1.outputCount), o = randomBuffer(c1.outputCount / 4)
                let a = UnsafeMutablePointer<Int32>.allocate(capacity: c1.outputCount / 4)
                defer { for p in [y, dy, o] { p.deallocate() }; a.deallocate() }
                // Valid argmax for the backward row, whichever rows `only` keeps.
                _ = reluMaxPool2x2Blocked(out: o, argmax: a, y: y, N: batch, C: 32, H: 28, W: 28, block: b)
                let tag = "mnist b\(batch) nChw\(b)c", elements = Double(c1.outputCount)
                add("\(tag) relu-pool2x2 fwd", t, flops: elements) {
                    _ = reluMaxPool2x2Blocked(out: o, argmax: a, y: y, N: batch, C: 32, H: 28, W: 28, block: b)
                }
                add("\(tag) relu-pool2x2 fwd inference", t, flops: elements) {
                    _ = reluMaxPool2x2Blocked(out: o, argmax: nil, y: y, N: batch, C: 32, H: 28, W: 28, block: b)
                }
                add("\(tag) relu-pool2x2 bwd", t, flops: elements) {
                    reluMaxPool2x2BlockedBackward(dY: dy, dOut: o, argmax: a, out: o, N: batch, C: 32, H: 28, W: 28,
                                                  block: b)
                }
            }
            // The input gradient of first layers at batch 1 (a bypass step), oneDNN against the im2col twin (which
            // `hasThinInput` layers take): GoogLeNet's and ResNet-18's 7x7 stride 2, EfficientNet-Lite0's 3x3
            // stride 2, ResNet-18-CIFAR's 3x3, mnist-cnn's conv1, and 8 and 16 input channels (where oneDNN leads).
            for (tag, st) in [("stem 7x7s2 3->64 224", Conv2DShape(N: 1, C: 3, H: 224, W: 224, K: 64, R: 7, S: 7,
                                                                    strideH: 2, strideW: 2, padTop: 3, padBottom: 3,
                                                                    padLeft: 3, padRight: 3)),
                              ("stem 3x3s2 3->32 224", Conv2DShape(N: 1, C: 3, H: 224, W: 224, K: 32, R: 3, S: 3,
                                                                    strideH: 2, strideW: 2, padTop: 0, padBottom: 1,
                                                                    padLeft: 0, padRight: 1)),
                              ("stem 3x3 3->64 32", Conv2DShape(N: 1, C: 3, H: 32, W: 32, K: 64, R: 3, S: 3,
                                                                 padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)),
                              ("stem 3x3 1->32 28", Conv2DShape(N: 1, C: 1, H: 28, W: 28, K: 32, R: 3, S: 3,
                                                                 padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)),
                              ("stem 3x3 8->64 32", Conv2DShape(N: 1, C: 8, H: 32, W: 32, K: 64, R: 3, S: 3,
                                                                 padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)),
                              ("stem 3x3 16->64 32", Conv2DShape(N: 1, C: 16, H: 32, W: 32, K: 64, R: 3, S: 3,
                                                                  padTop: 1, padBottom: 1, padLeft: 1, padRight: 1))] {
                let g = randomBuffer(st.outputCount), w = randomBuffer(st.weightCount), dx = randomBuffer(st.inputCount)
                defer { for p in [g, w, dx] { p.deallocate() } }
                if let plan = DNNLConv.plan(st) {
                    add("\(tag) bwd-data onednn", t, flops: st.flops) {
                        try? plan.backwardData(dX: dx, dOut: g, w: w, weightsVersion: 1)
                    }
                }
                add("\(tag) bwd-data im2col", t, flops: st.flops) { conv2dBackwardDataIm2col(dX: dx, dOut: g, w: w, st) }
            }
            // GoogLeNet's blocked inference max-pools (maxpool2 and an Inception's pool branch) at batch 64, and
            // maxpool2 at batch 4 (in cache), in the block oneDNN picks on this CPU, with and without the finiteness
            // check.
            let block = (BlockedConv.forwardBlockSize(Conv2DShape(N: 64, C: 64, H: 56, W: 56, K: 64, R: 1, S: 1),
                                                      activation: .relu)) ?? 8
            for (tag, b) in [("mp3x3s2 192x56x56", Pool2DShape(N: 64, C: 192, H: 56, W: 56, R: 3, S: 3, strideH: 2,
                                                                      strideW: 2, ceilMode: true)),
                             ("mp3x3s2 192x56x56 n4", Pool2DShape(N: 4, C: 192, H: 56, W: 56, R: 3, S: 3, strideH: 2,
                                                                      strideW: 2, ceilMode: true)),
                             ("mp3x3s1 256x28x28", Pool2DShape(N: 64, C: 256, H: 28, W: 28, R: 3, S: 3, strideH: 1,
                                                                      strideW: 1, padH: 1, padW: 1, ceilMode: true))] {
                let bx = randomBuffer(b.N * b.C * b.H * b.W), bo = randomBuffer(b.outputCount)
                defer { bx.deallocate(); bo.deallocate() }
                for check in [true, false] {
                    add("\(tag) b\(block)\(check ? "" : " unchecked")", t, flops: Double(b.N * b.C * b.H * b.W)) {
                        _ = maxPool2dBlocked(out: bo, x: bx, b, block: block, checkFinite: check)
                    }
                }
            }
            let n = 3136 * 128
            let ap = randomBuffer(n), ag = randomBuffer(n), am = randomBuffer(n), av = randomBuffer(n)
            defer { for b in [ap, ag, am, av] { b.deallocate() } }
            for i in 0..<n { av[i] = Swift.abs(av[i]) }
            add("adam 3136x128", t, flops: Double(n)) {
                adamUpdate(ap, ag, am, av, count: n, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0,
                           stepSize: 1e-9, bc2Sqrt: 0.5)
            }
        }
        return rows
    }

    /// One warm-up call, then repetitions until at least `minReps` ran and 0.2 s passed (at most 1000).
    static func medianMilliseconds(minReps: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        body()
        var times: [Double] = []
        var total = 0.0
        while times.count < minReps || (total < 0.2 && times.count < 1000) {
            let d = clock.measure(body)
            let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
            times.append(seconds * 1e3)
            total += seconds
        }
        times.sort()
        return times[times.count / 2]
    }

    static func randomBuffer(_ n: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
        var state: UInt32 = 12345
        for i in 0..<n {
            state = state &* 1_664_525 &+ 1_013_904_223
            p[i] = Float(state >> 8) / Float(1 << 24) - 0.5
        }
        return p
    }
}
