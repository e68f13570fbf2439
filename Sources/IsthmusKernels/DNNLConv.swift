import CDNNL
import Foundation

// oneDNN convolutions for one Conv2DShape. Users keep NCHW / [K, Cg, R, S] (as goihw with dims
// [G, Kg, Cg, R, S] when grouped); the primitives are created with `dnnl_format_tag_any`, so oneDNN picks its
// blocked layouts (nChw16c / nChw8c-like activations, OIhw16i16o-like weights, by the CPU) and every call reorders in and out.
// A plan's forward may carry an activation as an eltwise post-op, applied to each output as it is written.

final class DNNLConv {
    let shape: Conv2DShape
    let activation: ConvActivation
    /// Direct, or Winograd F(4x4, 3x3) under `ISTHMUS_CONV=winograd`.
    let algorithm: dnnl_alg_kind_t
    private let lock = NSLock()
    private let forwardPD: dnnl_primitive_desc_t
    private let forwardPass: DNNLPass
    private var dataPass: Result<DNNLPass, any Error>?
    private var weightsPass: Result<DNNLPass, any Error>?
    // Stand-ins for a nil bias (K zeros) and a nil dBias (discarded).
    private let zeros: UnsafeMutablePointer<Float>
    private let discard: UnsafeMutablePointer<Float>

    // Plain (user) and `any` (primitive's choice) descriptors, and the geometry.
    private let x, w, b, y, xAny, wAny, yAny: dnnl_memory_desc_t
    private let strides, padL, padR: [Int64]

    init(_ s: Conv2DShape, activation: ConvActivation = .none) throws {
        guard s.isValid else { throw DNNLError(status: dnnl_invalid_arguments, call: "Conv2DShape \(s)") }
        shape = s
        self.activation = activation
        let xDims = [s.N, s.C, s.H, s.W], yDims = [s.N, s.K, s.P, s.Q]
        let wDims = s.groups == 1 ? [s.K, s.C, s.R, s.S] : [s.groups, s.Kg, s.Cg, s.R, s.S]
        x = try DNNL.md(xDims, dnnl_nchw)
        y = try DNNL.md(yDims, dnnl_nchw)
        w = try DNNL.md(wDims, s.groups == 1 ? dnnl_oihw : dnnl_goihw)
        b = try DNNL.md([s.K], dnnl_x)
        xAny = try DNNL.md(xDims, dnnl_format_tag_any)
        yAny = try DNNL.md(yDims, dnnl_format_tag_any)
        wAny = try DNNL.md(wDims, dnnl_format_tag_any)
        strides = [Int64(s.strideH), Int64(s.strideW)]
        padL = [Int64(s.padTop), Int64(s.padLeft)]
        padR = [Int64(s.padBottom), Int64(s.padRight)]

        let attr = try DNNLConv.attributes(activation)
        defer { if let attr { dnnl_primitive_attr_destroy(attr) } }
        // Winograd when asked for and oneDNN has it for the shape, else direct. Only for batches: the primitive
        // transforms the weights on every call, which costs more than it saves on one image.
        var chosen: (dnnl_alg_kind_t, dnnl_primitive_desc_t)?
        for alg in DNNLConv.winograd && s.N >= 16 && s.groups == 1 && s.R == 3 && s.S == 3 && s.strideH == 1 && s.strideW == 1
            ? [dnnl_convolution_winograd, dnnl_convolution_direct] : [dnnl_convolution_direct] {
            var (xa, wa, ba, ya) = (xAny, wAny, b, yAny)
            var cd = dnnl_convolution_desc_t()
            try dnnlCheck(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_training, alg, &xa, &wa, &ba, &ya,
                                                             strides, padL, padR),
                          "dnnl_convolution_forward_desc_init")
            if let pd = try? DNNLConv.create(&cd, attr: attr, hint: nil) { chosen = (alg, pd); break }
        }
        guard let chosen else {
            throw DNNLError(status: dnnl_unimplemented, call: "dnnl_primitive_desc_create(convolution \(s))")
        }
        algorithm = chosen.0
        forwardPD = chosen.1
        do {
            forwardPass = try DNNLPass(forwardPD, [(DNNL_ARG_SRC, true, x), (DNNL_ARG_WEIGHTS, true, w),
                                                   (DNNL_ARG_BIAS, true, b), (DNNL_ARG_DST, false, y)])
        } catch {
            dnnl_primitive_desc_destroy(forwardPD)
            throw error
        }
        zeros = .allocate(capacity: s.K)
        zeros.initialize(repeating: 0, count: s.K)
        discard = .allocate(capacity: s.K)
    }

    deinit {
        dnnl_primitive_desc_destroy(forwardPD)
        zeros.deallocate()
        discard.deallocate()
    }

    private static func create(_ cd: inout dnnl_convolution_desc_t, attr: dnnl_primitive_attr_t? = nil,
                               hint: dnnl_primitive_desc_t?) throws -> dnnl_primitive_desc_t {
        var pd: dnnl_primitive_desc_t?
        try dnnlCheck(dnnl_primitive_desc_create(&pd, &cd, attr, try DNNL.engine().engine, hint),
                      "dnnl_primitive_desc_create(convolution)")
        return pd!
    }

    /// Primitive attributes holding `a` as the one eltwise post-op (relu: max(y, 0); clip: min(max(y, 0), 6);
    /// hardswish: y relu6(y + 3) / 6);
    /// nil for `.none`. The caller destroys them.
    private static func attributes(_ a: ConvActivation) throws -> dnnl_primitive_attr_t? {
        let (alg, alpha, beta): (dnnl_alg_kind_t, Float, Float)
        switch a {
        case .none: return nil
        case .relu: (alg, alpha, beta) = (dnnl_eltwise_relu, 0, 0)
        case .relu6: (alg, alpha, beta) = (dnnl_eltwise_clip, 0, 6)
        case .hardSwish: (alg, alpha, beta) = (dnnl_eltwise_hardswish, 0, 0)
        }
        var ops: dnnl_post_ops_t?
        try dnnlCheck(dnnl_post_ops_create(&ops), "dnnl_post_ops_create")
        defer { dnnl_post_ops_destroy(ops) }
        try dnnlCheck(dnnl_post_ops_append_eltwise(ops, 1, alg, alpha, beta), "dnnl_post_ops_append_eltwise")
        var attr: dnnl_primitive_attr_t?
        try dnnlCheck(dnnl_primitive_attr_create(&attr), "dnnl_primitive_attr_create")
        do {
            try dnnlCheck(dnnl_primitive_attr_set_post_ops(attr, ops), "dnnl_primitive_attr_set_post_ops")
        } catch {
            dnnl_primitive_attr_destroy(attr)
            throw error
        }
        return attr
    }

    private func makeDataPass() throws -> DNNLPass {
        var (xa, wa, ya) = (xAny, wAny, yAny)
        var cd = dnnl_convolution_desc_t()
        try dnnlCheck(dnnl_convolution_backward_data_desc_init(&cd, algorithm, &xa, &wa, &ya,
                                                               strides, padL, padR),
                      "dnnl_convolution_backward_data_desc_init")
        let pd = try DNNLConv.create(&cd, hint: forwardPD)
        defer { dnnl_primitive_desc_destroy(pd) }
        return try DNNLPass(pd, [(DNNL_ARG_DIFF_DST, true, y), (DNNL_ARG_WEIGHTS, true, w),
                                 (DNNL_ARG_DIFF_SRC, false, x)])
    }

    private func makeWeightsPass() throws -> DNNLPass {
        var (xa, wa, ba, ya) = (xAny, wAny, b, yAny)
        var cd = dnnl_convolution_desc_t()
        try dnnlCheck(dnnl_convolution_backward_weights_desc_init(&cd, algorithm, &xa, &wa, &ba, &ya,
                                                                  strides, padL, padR),
                      "dnnl_convolution_backward_weights_desc_init")
        let pd = try DNNLConv.create(&cd, hint: forwardPD)
        defer { dnnl_primitive_desc_destroy(pd) }
        return try DNNLPass(pd, [(DNNL_ARG_SRC, true, x), (DNNL_ARG_DIFF_DST, true, y),
                                 (DNNL_ARG_DIFF_WEIGHTS, false, w), (DNNL_ARG_DIFF_BIAS, false, b)])
    }

    /// Forward passes this plan has run (under `lock`).
    private var forwardRuns = 0

    func forward(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                 bias: UnsafePointer<Float>?, weightsVersion: UInt64? = nil) throws {
        lock.lock(); defer { lock.unlock() }
        try forwardPass.run([.init(reading: x), .init(reading: w), .init(reading: bias ?? UnsafePointer(zeros)), .init(out)],
                            cached: weightsVersion.map { (1, $0) })
        forwardRuns += 1
    }

    func backwardData(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, w: UnsafePointer<Float>,
                      weightsVersion: UInt64? = nil) throws {
        lock.lock(); defer { lock.unlock() }
        if dataPass == nil { dataPass = Result { try makeDataPass() } }
        try dataPass!.get().run([.init(reading: dOut), .init(reading: w), .init(dX)], cached: weightsVersion.map { (1, $0) })
    }

    func backwardWeights(dW: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
                         dOut: UnsafePointer<Float>, x: UnsafePointer<Float>) throws {
        lock.lock(); defer { lock.unlock() }
        if weightsPass == nil { weightsPass = Result { try makeWeightsPass() } }
        try weightsPass!.get().run([.init(reading: x), .init(reading: dOut), .init(dW), .init(dBias ?? discard)])
    }

    // MARK: - Activations kept in blocked layouts (nChw16c on AVX-512, nChw8c on AVX2)

    /// The channel block (16 or 8) of the layout nChw{b}c, [N, K/b, P, Q, b], in which oneDNN keeps the output
    /// (and the output gradient in both backward passes), so a consumer may read and write them there (`native` runs
    /// below); nil when all three passes do not agree on such a layout.
    var blockedOutput: Int? { blockedLayouts().output }
    /// `blockedOutput` for the forward and backward-data passes alone (no weight gradient: frozen weights). A
    /// depthwise 5x5 convolution, for one, keeps nChw{b}c there while its backward-weights pass runs in NCHW.
    var blockedDataOutput: Int? { blockedLayouts().dataOutput }
    /// The channel block of the input (and the input gradient of backward-data), nChw{b}c [N, C/b, H, W, b]; nil when
    /// the passes do not keep it in such a layout.
    var blockedInput: Int? { blockedLayouts().input }
    private var blocked: (input: Int?, output: Int?, dataOutput: Int?)?

    /// The channel blocks in which the forward pass alone keeps its input and its output (inference: no backward
    /// pass to agree with), each the first of 16 and 8 that it chooses; nil where it keeps another layout.
    var forwardBlocks: (input: Int?, output: Int?) {
        lock.lock(); defer { lock.unlock() }
        if let forwardBlocked { return forwardBlocked }
        let s = shape
        var result: (input: Int?, output: Int?) = (nil, nil)
        for (b, tag) in DNNLConv.channelBlocks {
            if result.output == nil, s.K % b == 0, let out = try? DNNL.md([s.N, s.K, s.P, s.Q], tag),
               forwardPass.chooses(out, for: 3) { result.output = b }
            if result.input == nil, s.C % b == 0, let inp = try? DNNL.md([s.N, s.C, s.H, s.W], tag),
               forwardPass.chooses(inp, for: 0) { result.input = b }
        }
        forwardBlocked = result
        return result
    }
    private var forwardBlocked: (input: Int?, output: Int?)?

    /// Blocks oneDNN uses for activations: 16 floats (one AVX-512 register) or 8 (one AVX2 register).
    static let channelBlocks: [(size: Int, tag: dnnl_format_tag_t)] = [(16, dnnl_aBcd16b), (8, dnnl_aBcd8b)]

    private func blockedLayouts() -> (input: Int?, output: Int?, dataOutput: Int?) {
        lock.lock(); defer { lock.unlock() }
        if let blocked { return blocked }
        let s = shape
        if dataPass == nil { dataPass = Result { try makeDataPass() } }
        if weightsPass == nil { weightsPass = Result { try makeWeightsPass() } }
        var result: (input: Int?, output: Int?, dataOutput: Int?) = (nil, nil, nil)
        if let d = try? dataPass!.get() {
            let w = try? weightsPass!.get()
            for (b, tag) in DNNLConv.channelBlocks {
                if s.K % b == 0, let out = try? DNNL.md([s.N, s.K, s.P, s.Q], tag),
                   forwardPass.chooses(out, for: 3) && d.chooses(out, for: 0) {
                    if result.dataOutput == nil { result.dataOutput = b }
                    if result.output == nil, let w, w.chooses(out, for: 1) { result.output = b }
                }
                if result.input == nil, s.C % b == 0, let inp = try? DNNL.md([s.N, s.C, s.H, s.W], tag),
                   forwardPass.chooses(inp, for: 0) && d.chooses(inp, for: 2) {
                    result.input = b
                }
            }
        }
        blocked = result
        return result
    }

    /// The forward pass with x and/or out in their blocked layouts (as `blockedInput` / `blockedOutput` allow).
    func forward(out: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
                 bias: UnsafePointer<Float>?, weightsVersion: UInt64?, blockedInput: Bool, blockedOutput: Bool) throws {
        lock.lock(); defer { lock.unlock() }
        try forwardPass.run([.init(reading: x), .init(reading: w), .init(reading: bias ?? UnsafePointer(zeros)),
                             .init(out)], cached: weightsVersion.map { (1, $0) },
                            native: Set((blockedInput ? [0] : []) + (blockedOutput ? [3] : [])))
        forwardRuns += 1
    }

    /// Backward-data with dOut and/or dX in their blocked layouts.
    func backwardData(dX: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>, w: UnsafePointer<Float>,
                      weightsVersion: UInt64?, blockedInput: Bool, blockedOutput: Bool) throws {
        lock.lock(); defer { lock.unlock() }
        try dataPass!.get().run([.init(reading: dOut), .init(reading: w), .init(dX)],
                                cached: weightsVersion.map { (1, $0) },
                                native: Set((blockedOutput ? [0] : []) + (blockedInput ? [2] : [])))
    }

    func backwardWeights(dW: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
                         dOutBlocked: UnsafePointer<Float>, x: UnsafePointer<Float>) throws {
        lock.lock(); defer { lock.unlock() }
        try weightsPass!.get().run([.init(reading: x), .init(reading: dOutBlocked), .init(dW), .init(dBias ?? discard)],
                                   native: [1])
    }

    // MARK: - Plan cache

    // oneDNN sizes a primitive's work split for the OpenMP thread count at creation, so plans are per thread count.
    private struct Key: Hashable {
        let shape: Conv2DShape; let activation: ConvActivation; let threads: Int32; let winograd: Bool
    }
    nonisolated(unsafe) private static var plans: [Key: Result<DNNLConv, any Error>] = [:]
    private static let plansLock = NSLock()

    /// The cached plan of `s` (forward with `activation` as post-op) for the calling thread's OpenMP thread count,
    /// built on first request; nil (also cached) when oneDNN cannot run the shape.
    static func plan(_ s: Conv2DShape, activation: ConvActivation = .none) -> DNNLConv? {
        Threads.forWork(s.flops)
        if winograd && !winogradAvailable { warnNoWinograd }
        let key = Key(shape: s, activation: activation, threads: omp_get_max_threads(), winograd: winograd)
        plansLock.lock(); defer { plansLock.unlock() }
        if let p = plans[key] { return try? p.get() }
        let p = Result { try DNNLConv(s, activation: activation) }
        plans[key] = p
        return try? p.get()
    }

    /// Forward passes run so far by the plans with `activation` as post-op, over all shapes and threads.
    static func forwardRuns(activation: ConvActivation) -> Int {
        plansLock.lock()
        let ps = plans.filter { $0.key.activation == activation }.compactMap { try? $0.value.get() }
        plansLock.unlock()
        return ps.reduce(0) { n, p in p.lock.lock(); defer { p.lock.unlock() }; return n + p.forwardRuns }
    }

    // Per version of a finite weight buffer, its `weightBound` (versions are unique over the run, so a stale entry
    // never matches).
    nonisolated(unsafe) private static var weightBounds = [UInt64: Float]()
    private static let finiteLock = NSLock()

    /// max over output channels k of sum |w[k, :, :, :]|, rounded up by 1%: |conv(x, w)| <= this * max |x|. nil when
    /// w is not finite. Remembered under `weightsVersion`.
    static func weightBound(_ w: UnsafePointer<Float>, _ s: Conv2DShape, weightsVersion: UInt64?) -> Float? {
        if let v = weightsVersion {
            finiteLock.lock()
            let known = weightBounds[v]
            finiteLock.unlock()
            if let known { return known }
        }
        guard allFinite(w, count: s.weightCount) else { return nil }
        let row = s.weightCount / max(1, s.K)
        var bound: Float = 0
        for k in 0..<s.K {
            var sum: Float = 0
            for i in 0..<row { sum += abs(w[k * row + i]) }
            bound = max(bound, sum)
        }
        bound *= 1.01
        if let v = weightsVersion {
            finiteLock.lock()
            if weightBounds.count >= 4096 { weightBounds.removeAll() }
            weightBounds[v] = bound
            finiteLock.unlock()
        }
        return bound
    }

    /// max |bias|, 0 without one; nil when a value is not finite.
    static func biasBound(_ bias: UnsafePointer<Float>?, count: Int) -> Float? {
        guard let bias else { return 0 }
        var m: Float = 0
        for i in 0..<count {
            guard bias[i].isFinite else { return nil }
            m = max(m, abs(bias[i]))
        }
        return m
    }

    /// Whether x, w and bias of `s` hold only finite values, the condition for an activation post-op to equal the
    /// activation applied afterwards (oneDNN's eltwise post-ops map a NaN to 0; non-finite operands are the source
    /// of NaN pre-activations, short of sums overflowing to inf - inf). A finite w is remembered under
    /// `weightsVersion`.
    static func operandsAreFinite(x: UnsafePointer<Float>, w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                  _ s: Conv2DShape, weightsVersion: UInt64?) -> Bool {
        if let bias, !allFinite(bias, count: s.K) { return false }
        guard weightBound(w, s, weightsVersion: weightsVersion) != nil else { return false }
        return allFinite(x, count: s.inputCount)
    }

    /// Whether the `conv2d*` dispatchers try oneDNN first (`ISTHMUS_CONV=im2col` disables it).
    static let enabled: Bool = ProcessInfo.processInfo.environment["ISTHMUS_CONV"]?.lowercased() != "im2col"

    /// See `ConvolutionSettings.winogradAvailable`.
    static let winogradAvailable: Bool = {
        let s = Conv2DShape(N: 16, C: 64, H: 32, W: 32, K: 64, R: 3, S: 3, padTop: 1, padBottom: 1, padLeft: 1,
                            padRight: 1)
        guard let x = try? DNNL.md([s.N, s.C, s.H, s.W], dnnl_format_tag_any),
              let w = try? DNNL.md([s.K, s.C, s.R, s.S], dnnl_format_tag_any),
              let y = try? DNNL.md([s.N, s.K, s.P, s.Q], dnnl_format_tag_any), let b = try? DNNL.md([s.K], dnnl_x),
              let engine = try? DNNL.engine().engine else { return false }
        var (xa, wa, ba, ya) = (x, w, b, y)
        var cd = dnnl_convolution_desc_t()
        guard dnnl_convolution_forward_desc_init(&cd, dnnl_forward_training, dnnl_convolution_winograd, &xa, &wa, &ba,
                                                 &ya, [1, 1], [1, 1], [1, 1]) == dnnl_success else { return false }
        var pd: dnnl_primitive_desc_t?
        guard dnnl_primitive_desc_create(&pd, &cd, nil, engine, nil) == dnnl_success, let pd else { return false }
        dnnl_primitive_desc_destroy(pd)
        return true
    }()

    /// Said once when Winograd is asked for on a CPU without it.
    private static let warnNoWinograd: Void = {
        FileHandle.standardError.write(Data(("isthmus: Winograd convolution is not available with oneDNN ISA "
            + "\(KernelSettings.oneDNNISA) (it needs AVX-512); using the direct algorithm\n").utf8))
    }()

    /// See `ConvolutionSettings.winograd`.
    nonisolated(unsafe) static var winograd: Bool =
        ProcessInfo.processInfo.environment["ISTHMUS_CONV"]?.lowercased() == "winograd"
}

private extension UnsafeMutableRawPointer {
    // oneDNN takes `void *` handles also for buffers it only reads.
    init<T>(reading p: UnsafePointer<T>) { self.init(mutating: p) }
}
