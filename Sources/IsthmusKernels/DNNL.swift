import CDNNL
import Foundation

// Small wrapper over oneDNN's 2.x C API: one CPU engine and stream, memory descriptors, and `DNNLPass`, a
// primitive bound to NCHW user buffers with the reorders to and from the layouts it chose.

struct DNNLError: Error, CustomStringConvertible {
    let status: dnnl_status_t
    let call: String
    var description: String { "\(call) failed with dnnl_status \(status.rawValue)" }
}

@inline(__always)
func dnnlCheck(_ status: dnnl_status_t, _ call: @autoclosure () -> String) throws {
    if status != dnnl_success { throw DNNLError(status: status, call: call()) }
}

enum DNNL {
    struct Context: @unchecked Sendable {
        let engine: dnnl_engine_t
        let stream: dnnl_stream_t
    }

    /// The CPU engine and its stream, created on first use (Swift initialises globals once, under a lock);
    /// nil when oneDNN cannot create them.
    static let context: Context? = {
        Threads.configure()
        var engine: dnnl_engine_t?
        guard dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success, let engine else { return nil }
        var stream: dnnl_stream_t?
        guard dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success,
              let stream else { return nil }
        return Context(engine: engine, stream: stream)
    }()

    static func engine() throws -> Context {
        guard let context else { throw DNNLError(status: dnnl_runtime_error, call: "dnnl_engine_create") }
        return context
    }

    /// f32 descriptor of `dims` in layout `tag` (`dnnl_format_tag_any` lets the primitive choose).
    static func md(_ dims: [Int], _ tag: dnnl_format_tag_t) throws -> dnnl_memory_desc_t {
        var d = dnnl_memory_desc_t()
        try dnnlCheck(dnnl_memory_desc_init_by_tag(&d, Int32(dims.count), dims.map { Int64($0) }, dnnl_f32, tag),
                      "dnnl_memory_desc_init_by_tag")
        return d
    }

    static func memory(_ desc: dnnl_memory_desc_t, allocate: Bool) throws -> dnnl_memory_t {
        var d = desc
        var m: dnnl_memory_t?
        try dnnlCheck(dnnl_memory_create(&m, &d, try engine().engine, allocate ? dnnl_shim_memory_allocate() : nil),
                      "dnnl_memory_create")
        return m!
    }

    static func primitive(_ pd: dnnl_primitive_desc_t) throws -> dnnl_primitive_t {
        var p: dnnl_primitive_t?
        try dnnlCheck(dnnl_primitive_create(&p, pd), "dnnl_primitive_create")
        return p!
    }

    /// Reorder primitive from `src` to `dst` layout.
    static func reorder(_ src: dnnl_memory_desc_t, _ dst: dnnl_memory_desc_t) throws -> dnnl_primitive_t {
        let e = try engine().engine
        var s = src, d = dst
        var pd: dnnl_primitive_desc_t?
        try dnnlCheck(dnnl_reorder_primitive_desc_create(&pd, &s, e, &d, e, nil), "dnnl_reorder_primitive_desc_create")
        defer { dnnl_primitive_desc_destroy(pd) }
        return try primitive(pd!)
    }
}

/// Process-wide buffers for the operands that primitives keep in their own layouts (blocked activations). A pass
/// borrows slot i for its i-th such operand while it runs, so the memory held is that of the largest pass, not the
/// sum over every shape's plan (which reached several GB for 224x224 batches of 64). `lock` serializes passes;
/// each primitive already uses all compute threads.
enum DNNLArena {
    static let lock = NSLock()
    nonisolated(unsafe) private static var slots: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []

    /// Slot `i`, grown to at least `bytes`. The caller holds `lock`.
    static func buffer(_ i: Int, bytes: Int) -> UnsafeMutableRawPointer {
        while slots.count <= i { slots.append((.allocate(byteCount: 64, alignment: 64), 64)) }
        if slots[i].bytes < bytes {
            slots[i].pointer.deallocate()
            slots[i] = (.allocate(byteCount: bytes, alignment: 64), bytes)
        }
        return slots[i].pointer
    }
}

/// One oneDNN primitive with its operands. Each operand has a user-side memory in plain layout whose data handle is
/// set per call; when the primitive chose another layout it also has a memory in that layout (on an arena slot) and the reorder
/// between the two (user -> arena before an input is read, arena -> user after an output is written).
/// `run` holds `DNNLArena.lock`.
final class DNNLPass {
    struct Operand {
        let arg: Int32
        let isInput: Bool
        let user: dnnl_memory_t
        let inner: dnnl_memory_t?
        let innerBytes: Int
        let reorder: dnnl_primitive_t?
        /// The layout the primitive chose for this operand.
        let chosen: dnnl_memory_desc_t
    }

    let primitive: dnnl_primitive_t
    private var operands: [Operand] = []
    private var args: [dnnl_exec_arg_t] = []
    /// Reordered copies of one input operand (the weights), per user buffer: (version stamp, memory in the
    /// primitive's layout). Reused while the stamp is unchanged; refreshed in place when it changes.
    private var cache: [UnsafeMutableRawPointer: (version: UInt64, memory: dnnl_memory_t)] = [:]
    private static let maxCached = 256
    /// Reorders of a cached operand into the primitive's layout so far, over all passes (under `DNNLArena.lock`).
    nonisolated(unsafe) static var cachedReorders = 0

    /// `specs`: (exec arg, is input, user-side descriptor), in the order `run` receives the buffers.
    init(_ pd: dnnl_primitive_desc_t, _ specs: [(arg: Int32, isInput: Bool, user: dnnl_memory_desc_t)]) throws {
        primitive = try DNNL.primitive(pd)
        for spec in specs {
            let user = try DNNL.memory(spec.user, allocate: false)
            var userMD = spec.user
            guard let chosen = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, spec.arg) else {
                throw DNNLError(status: dnnl_invalid_arguments, call: "dnnl_primitive_desc_query_md(\(spec.arg))")
            }
            var inner: dnnl_memory_t?, reorder: dnnl_primitive_t?
            if dnnl_memory_desc_equal(&userMD, chosen) == 0 {
                inner = try DNNL.memory(chosen.pointee, allocate: false)     // bound to an arena slot per run
                reorder = try spec.isInput ? DNNL.reorder(userMD, chosen.pointee) : DNNL.reorder(chosen.pointee, userMD)
            }
            operands.append(Operand(arg: spec.arg, isInput: spec.isInput, user: user, inner: inner,
                                    innerBytes: inner == nil ? 0 : dnnl_memory_desc_get_size(chosen), reorder: reorder,
                                    chosen: chosen.pointee))
            args.append(dnnl_exec_arg_t(arg: spec.arg, memory: inner ?? user))
        }
    }
    deinit {
        for c in cache.values { dnnl_memory_destroy(c.memory) }
        for o in operands {
            dnnl_memory_destroy(o.user)
            if let inner = o.inner { dnnl_memory_destroy(inner) }
            if let reorder = o.reorder { dnnl_primitive_destroy(reorder) }
        }
        dnnl_primitive_destroy(primitive)
    }

    /// Runs the primitive on `buffers` (one per operand, in plain layout) and waits for it. `cached`: (operand index,
    /// version stamp of its buffer): that input's reordered copy is kept per buffer and reused while the stamp holds.
    /// Whether operand `index` is kept in layout `md` by the primitive.
    func chooses(_ md: dnnl_memory_desc_t, for index: Int) -> Bool {
        var a = operands[index].chosen, b = md
        return dnnl_memory_desc_equal(&a, &b) != 0
    }

    /// `native`: operands whose buffer already is in the primitive's layout (no reorder in or out).
    func run(_ buffers: [UnsafeMutableRawPointer], cached: (index: Int, version: UInt64)? = nil,
             native: Set<Int> = []) throws {
        let stream = try DNNL.engine().stream
        precondition(buffers.count == operands.count)
        DNNLArena.lock.lock()
        defer { DNNLArena.lock.unlock() }
        var slot = 0
        var exec = args
        for (i, (o, b)) in zip(operands, buffers).enumerated() {
            if native.contains(i) {
                try dnnlCheck(dnnl_memory_set_data_handle(o.inner ?? o.user, b), "dnnl_memory_set_data_handle")
                continue
            }
            try dnnlCheck(dnnl_memory_set_data_handle(o.user, b), "dnnl_memory_set_data_handle")
            if let inner = o.inner {
                try dnnlCheck(dnnl_memory_set_data_handle(inner, DNNLArena.buffer(slot, bytes: o.innerBytes)),
                              "dnnl_memory_set_data_handle")
                slot += 1
            }
        }
        for (i, o) in operands.enumerated() where o.isInput && !native.contains(i) {
            guard let c = cached, c.index == i, let reorder = o.reorder, let inner = o.inner else { try Self.move(o, stream); continue }
            let key = buffers[i]
            if let hit = cache[key], hit.version == c.version {
                exec[i].memory = hit.memory
                continue
            }
            let memory: dnnl_memory_t
            if let stale = cache[key] { memory = stale.memory } else {
                if cache.count >= Self.maxCached {
                    for v in cache.values { dnnl_memory_destroy(v.memory) }
                    cache.removeAll()
                }
                var md: UnsafePointer<dnnl_memory_desc_t>?
                try dnnlCheck(dnnl_memory_get_memory_desc(inner, &md), "dnnl_memory_get_memory_desc")
                memory = try DNNL.memory(md!.pointee, allocate: true)
            }
            var a = [dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: o.user), dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: memory)]
            try dnnlCheck(dnnl_primitive_execute(reorder, stream, 2, &a), "dnnl_primitive_execute(reorder)")
            Self.cachedReorders += 1
            cache[key] = (c.version, memory)
            exec[i].memory = memory
        }
        try dnnlCheck(dnnl_primitive_execute(primitive, stream, Int32(exec.count), &exec), "dnnl_primitive_execute")
        for (i, o) in operands.enumerated() where !o.isInput && !native.contains(i) { try Self.move(o, stream) }
        try dnnlCheck(dnnl_stream_wait(stream), "dnnl_stream_wait")
    }

    private static func move(_ o: Operand, _ stream: dnnl_stream_t) throws {
        guard let reorder = o.reorder, let inner = o.inner else { return }
        var a = o.isInput
            ? [dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: o.user), dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: inner)]
            : [dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: inner), dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: o.user)]
        try dnnlCheck(dnnl_primitive_execute(reorder, stream, 2, &a), "dnnl_primitive_execute(reorder)")
    }
}
