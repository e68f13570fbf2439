import CDNNL
import Foundation

/// Thread count of the compute libraries. oneDNN (and its OpenMP pool) owns the threads; Swift code stays serial
/// inside an op and parallelises only whole independent work items. `ISTHMUS_THREADS` overrides the default
/// (all cores).
public enum Threads {
    nonisolated(unsafe) private static var configured = false
    nonisolated(unsafe) private static var current = 1

    /// Applies `ISTHMUS_THREADS` (or the core count) once.
    @inline(__always)
    public static func configure() {
        if configured { return }
        configured = true
        let env = ProcessInfo.processInfo.environment["ISTHMUS_THREADS"].flatMap { Int($0) }
        set(env.map { max(1, $0) } ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Sets the number of threads of the compute libraries.
    public static func set(_ n: Int) {
        configured = true
        current = max(1, n)
        omp_set_num_threads(Int32(current))
    }

    public static var count: Int { configure(); return current }
}
