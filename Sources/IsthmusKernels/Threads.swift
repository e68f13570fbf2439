import CDNNL
import Foundation

/// Thread count of the compute libraries. oneDNN (and its OpenMP pool) owns the threads; Swift kernels borrow the
/// same pool through `parallelFor` (no second pool competing for the cores). The default is all cores;
/// `ISTHMUS_THREADS` overrides it. A parallel region waits for its slowest thread, so a thread that shares its core
/// with another process makes every op as slow as a time slice: `parallelFor` measures how long its threads wait
/// descheduled (wall time against thread CPU time) and says so once on stderr when that exceeds a third of their
/// time (`oversubscription`), never changing the count by itself.
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
        set(env.map { max(1, $0) } ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Sets the number of threads of the compute libraries.
    public static func set(_ n: Int) {
        configured = true
        current = max(1, n)
        active = current
        omp_set_num_threads(Int32(current))
    }

    public static var count: Int { configure(); return current }

    /// Wall time and thread CPU time summed over the threads of every parallel region of `parallelFor` so far
    /// (seconds), and whether the warning was given.
    nonisolated(unsafe) private static var measured = (wall: 0.0, cpu: 0.0, warned: false)
    private static let measuredLock = NSLock()

    /// The fraction of the threads' time in `parallelFor` regions spent waiting descheduled, (wall - cpu) / wall:
    /// near 0 on idle cores, large when other processes share them. nil before 0.5 s of measured work.
    public static var oversubscription: Double? {
        measuredLock.lock(); defer { measuredLock.unlock() }
        return measured.wall < 0.5 ? nil : max(0, measured.wall - measured.cpu) / measured.wall
    }

    private static func record(wall: Double, cpu: Double) {
        measuredLock.lock()
        measured.wall += wall; measured.cpu += cpu
        let warn = !measured.warned && measured.wall >= 2 && measured.wall - measured.cpu > measured.wall / 3
        if warn { measured.warned = true }
        let share = measured.wall > 0 ? (measured.wall - measured.cpu) / measured.wall : 0
        measuredLock.unlock()
        if warn {
            FileHandle.standardError.write(Data(String(format: "isthmus: the %d compute threads spend %.0f%% of their "
                + "time descheduled: other processes share the cores; ISTHMUS_THREADS=1 may be faster\n",
                current, 100 * share).utf8))
        }
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
            let job = ParallelJob(count: count, threads: n, body: body)
            withExtendedLifetime(job) {
                GOMP_parallel({ raw in
                    let job = Unmanaged<ParallelJob>.fromOpaque(raw!).takeUnretainedValue()
                    let t = Int(omp_get_thread_num()), n = Int(omp_get_num_threads())
                    let lo = job.count * t / n, hi = job.count * (t + 1) / n
                    let wall0 = ParallelJob.seconds(CLOCK_MONOTONIC), cpu0 = ParallelJob.seconds(CLOCK_THREAD_CPUTIME_ID)
                    if lo < hi { job.body(lo..<hi) }
                    if t < job.threads {
                        job.times[2 * t] = ParallelJob.seconds(CLOCK_MONOTONIC) - wall0
                        job.times[2 * t + 1] = ParallelJob.seconds(CLOCK_THREAD_CPUTIME_ID) - cpu0
                    }
                }, Unmanaged.passUnretained(job).toOpaque(), UInt32(n), 0)
            }
            record(wall: (0..<n).reduce(0) { $0 + job.times[2 * $1] }, cpu: (0..<n).reduce(0) { $0 + job.times[2 * $1 + 1] })
        }
    }

    /// Below this many flops an op runs on one thread (~20 us of one core): waking the others costs more than the
    /// split saves. Measured on 2-core Zen 3 (AVX2): 1e6 against the former 1e7 makes an FVO step of ResNet-18 at
    /// 32x32, batch 1 (every 3x3 convolution ~5 Mflop), 1.6x faster and leaves the mnist-cnn steps and the sweeps as
    /// they were.
    public nonisolated(unsafe) static var parallelThreshold: Double = 1e6

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
    let threads: Int
    /// Per thread t: wall (2t) and CPU (2t + 1) seconds of its share; each thread writes its own slots.
    let times: UnsafeMutablePointer<Double>
    init(count: Int, threads: Int, body: @escaping (Range<Int>) -> Void) {
        self.count = count; self.body = body; self.threads = threads
        times = .allocate(capacity: 2 * threads)
        times.initialize(repeating: 0, count: 2 * threads)
    }
    deinit { times.deallocate() }

    static func seconds(_ clock: clockid_t) -> Double {
        var t = timespec()
        clock_gettime(clock, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
