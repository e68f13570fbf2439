import Foundation

/// Float32 buffers recycled by size, so hot loops that build the same graph every step stop calling malloc.
/// A buffer returns to its bucket when the last `Storage` that owns it dies.
enum BufferPool {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    nonisolated(unsafe) private static var pooledBytes = 0
    /// An eighth of the physical memory (at least 1 GiB): a 224x224 batch of 64 has activations of 200 MB, and a
    /// buffer handed back to malloc returns as fresh pages (a page fault and a page clearing per 4 KiB).
    private static let maxPooledBytes = max(1 << 30, Int(ProcessInfo.processInfo.physicalMemory / 8))
    /// Small buffers are cheap to malloc; pooling them only costs lock traffic.
    private static let minPooledCount = 4096
    /// Larger buffers go back to malloc, which reuses their memory for any later size (best fit and splitting;
    /// the heap is never trimmed, see `Threads.configure`), where exact-size buckets would hold one buffer per
    /// layer size and let the process grow to several GB on 224x224 batches.
    private static let maxPooledCount = 1 << 22

    static func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count >= minPooledCount && count <= maxPooledCount {
            lock.lock()
            if var list = free[count], let p = list.popLast() {
                free[count] = list
                pooledBytes -= count * 4
                lock.unlock()
                return p
            }
            lock.unlock()
        }
        return UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
    }

    static func give(_ p: UnsafeMutablePointer<Float>, _ count: Int) {
        if count >= minPooledCount && count <= maxPooledCount {
            lock.lock()
            if pooledBytes + count * 4 <= maxPooledBytes {
                free[count, default: []].append(p)
                pooledBytes += count * 4
                lock.unlock()
                return
            }
            lock.unlock()
        }
        p.deallocate()
    }
}

/// Owner of a contiguous Float32 buffer. Several tensors may share one storage (views, reshapes).
public final class Storage: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int
    /// A stamp unique over the whole run, renewed whenever the contents may change (`Tensor.mutableData`,
    /// `assign`): kernels may cache derived forms of a buffer (oneDNN's blocked weights) under (pointer, version).
    public private(set) var version: UInt64

    init(count: Int) {
        self.count = count
        pointer = BufferPool.take(count)
        version = Storage.nextVersion()
    }

    func touch() { version = Storage.nextVersion() }

    private static let versionLock = NSLock()
    nonisolated(unsafe) private static var lastVersion: UInt64 = 0
    static func nextVersion() -> UInt64 {
        versionLock.lock(); defer { versionLock.unlock() }
        lastVersion &+= 1
        return lastVersion
    }

    deinit { BufferPool.give(pointer, count) }
}
