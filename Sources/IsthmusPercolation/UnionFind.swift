/// Flat union-find kernels on `Int32` parent arrays: a root stores `-size`, any other vertex its parent.
/// Path compression (two-pass) and union by size; the `offset` variant also carries, per vertex, the
/// displacement `pos(v) - pos(parent(v))` along one axis, which detects wrapping clusters on a torus
/// (Newman & Ziff, Phys. Rev. E 64, 016706 (2001), Sec. II.D).
@usableFromInline let emptySite: Int32 = .min

@inline(__always)
func ufFind(_ parent: UnsafeMutablePointer<Int32>, _ x: Int) -> Int {
    var r = x
    while parent[r] >= 0 { r = Int(parent[r]) }
    var y = x
    while parent[y] >= 0 {
        let next = Int(parent[y])
        parent[y] = Int32(truncatingIfNeeded: r)
        y = next
    }
    return r
}

/// Root of `x` and the displacement `pos(x) - pos(root)`.
@inline(__always)
func ufFind(_ parent: UnsafeMutablePointer<Int32>, _ offset: UnsafeMutablePointer<Int32>, _ x: Int) -> (Int, Int32) {
    var r = x
    var total: Int32 = 0
    while parent[r] >= 0 { total &+= offset[r]; r = Int(parent[r]) }
    var y = x
    var remaining = total
    while parent[y] >= 0 {
        let next = Int(parent[y])
        let o = offset[y]
        parent[y] = Int32(truncatingIfNeeded: r)
        offset[y] = remaining
        remaining &-= o
        y = next
    }
    return (r, total)
}

/// Disjoint sets over `0..<count` with path compression and union by size.
public struct UnionFind: Sendable {
    /// Root: `-(component size)`; otherwise the parent index.
    public private(set) var parent: [Int32]
    public private(set) var componentCount: Int

    public init(count: Int) {
        precondition(count >= 0 && count < Int(Int32.max))
        parent = [Int32](repeating: -1, count: count)
        componentCount = count
    }

    public var count: Int { parent.count }

    public mutating func find(_ x: Int) -> Int {
        parent.withUnsafeMutableBufferPointer { ufFind($0.baseAddress!, x) }
    }

    public mutating func size(of x: Int) -> Int { Int(-parent[find(x)]) }

    public mutating func connected(_ a: Int, _ b: Int) -> Bool { find(a) == find(b) }

    /// Merges the sets of `a` and `b`, hanging the smaller root under the larger. Returns the new root.
    @discardableResult
    public mutating func union(_ a: Int, _ b: Int) -> Int {
        let ra = find(a), rb = find(b)
        if ra == rb { return ra }
        let (big, small) = parent[ra] <= parent[rb] ? (ra, rb) : (rb, ra)
        parent[big] += parent[small]
        parent[small] = Int32(big)
        componentCount -= 1
        return big
    }

    /// Sizes of all components (one entry per root), in root order.
    public var componentSizes: [Int] { parent.filter { $0 < 0 }.map { Int(-$0) } }
}
