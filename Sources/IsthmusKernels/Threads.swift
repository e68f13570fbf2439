import CDNNL
import Foundation

/// Thread count of the compute libraries. oneDNN (and its OpenMP pool) owns the threads; Swift kernels borrow the
/// same pool through `parallelFor` (no second pool competing for the cores). `ISTHMUS_THREADS` overrides the default:
/// all cores, or 1 when other processes already keep the cores busy at start-up (1-minute load average at least
/// 75% of the cores): a parallel region waits for its slowest thread, and a thread that shares its core with
/// another process makes every op as slow as a time slice.
public enum Threads {
    nonisolated(unsafe) private static var configured = false
    nonisolated(unsafe) private static var current = 1

    /// Applies `ISTHMUS_THREADS` (or the core count) once.
    @inline(__always)
    public static func configure() {
        if configured { return }
        configured = true
        // Activations of large inputs are tens of MB each. By default glibc maps such blocks fresh and unmaps them
        // on free, so every op pays page faults and page clearing (60% of a batch-64 224x224 sweep). Keeping them in
        // the heap lets freed blocks be reused.
        isthmus_keep_large_blocks()
        // oneDNN's ITT profiling hooks cost several percent per primitive; they only serve VTune.
        if getenv("DNNL_ITT_TASK_LEVEL") == nil { setenv("DNNL_ITT_TASK_LEVEL", "0", 1) }
        if getenv("ONEDNN_ITT_TASK_LEVEL") == nil { setenv("ONEDNN_ITT_TASK_LEVEL", "0", 1) }
        let env = ProcessInfo.processInfo.environment["ISTHMUS_THREADS"].flatMap { Int($0) }
        set(env.map { max(1, $0) } ?? defaultCount())
    }

    /// Sets the number of threads of the compute libraries.
    public static func set(_ n: Int) {
        configured = true
        current = max(1, n)
        active = current
        omp_set_num_threads(Int32(current))
    }

    public static var count: Int { configure(); return current }

    /// All cores on an idle machine, 1 on a busy one (see the type's documentation).
    static func defaultCount() -> Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var load = [Double](repeating: 0, count: 1)
        if getloadavg(&load, 1) == 1 && load[0] >= 0.75 * Double(cores) { return 1 }
        return cores
    }

    /// Splits 0..<count into contiguous ranges, one per thread of the OpenMP pool, and runs `body` on each; serial
    /// when one thread is configured or when a thread would get fewer than `grain` items (the pool's wake-up costs
    /// about what a thread does with 100k floats). `body` must only touch memory (no tape, no tensors).
    public static func parallelFor(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        configure()
        let n = min(current, count / max(grain, 1))
        if n <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let job = ParallelJob(count: count, body: body)
            withExtendedLifetime(job) {
                GOMP_parallel({ raw in
                    let job = Unmanaged<ParallelJob>.fromOpaque(raw!).takeUnretainedValue()
                    let t = Int(omp_get_thread_num()), n = Int(omp_get_num_threads())
                    let lo = job.count * t / n, hi = job.count * (t + 1) / n
                    if lo < hi { job.body(lo..<hi) }
                }, Unmanaged.passUnretained(job).toOpaque(), UInt32(n), 0)
            }
        }
    }

    /// Below this many flops an op runs on one thread: waking a second thread costs ~45 us on this kind of VM,
    /// and a spinning pool collapses when other processes share the cores.
    public nonisolated(unsafe) static var parallelThreshold: Double = 1e7

    nonisolated(unsafe) private static var active = -1

    /// Sets the library thread count for an op of `flops` work: 1 for small ops, `count` for large ones.
    @inline(__always)
    public static func forWork(_ flops: Double) {
        configure()
        let n = flops < parallelThreshold ? 1 : current
        if n != active {
            active = n
            omp_set_num_threads(Int32(n))
        }
    }
}

private final class ParallelJob {
    let count: Int
    let body: (Range<Int>) -> Void
    init(count: Int, body: @escaping (Range<Int>) -> Void) { self.count = count; self.body = body }
}
