/// Graph families for percolation.
/// - `hypercubic`: the box {0..L-1}^d of Z^d; neighbours differ by ±1 in one coordinate (wrapping mod L
///   when periodic). Degree 2d (periodic, L ≥ 3).
/// - `hypercube`: {0,1}^d, neighbours differ in one bit; degree d. Same graph as `hamming` with k = 2.
/// - `hamming`: the Hamming graph K_k^d on [k]^d; cells are adjacent when they differ in exactly one
///   coordinate by any amount, the natural adjacency of a discretized input space where one feature
///   changes (paper Sec. 5). Degree d(k-1).
public enum GraphFamily: String, Codable, Sendable, CaseIterable { case hypercubic, hypercube, hamming }

public enum Boundary: String, Codable, Sendable, CaseIterable { case periodic, open }

/// Site percolation opens vertices, bond percolation opens edges (all vertices present).
public enum PercolationKind: String, Codable, Sendable, CaseIterable { case site, bond }

/// A graph on `side^dim` vertices; vertex index `Σ x_j side^j` (axis 0 is contiguous).
/// Neighbours are computed arithmetically. The spanning axis is axis 0 (faces x_0 = 0 and x_0 = side-1);
/// on periodic boxes wrapping is tracked along axis 0.
public struct PercolationGraph: Codable, Equatable, Sendable {
    public let family: GraphFamily
    public let dim: Int
    /// Box side L (hypercubic), alphabet size k (hamming), 2 (hypercube).
    public let side: Int
    public let boundary: Boundary
    public let vertexCount: Int
    let strides: [Int]

    public init(family: GraphFamily, dim: Int, side: Int, boundary: Boundary = .open) {
        precondition(dim >= 1, "dimension must be positive")
        let s = family == .hypercube ? 2 : side
        let b: Boundary = family == .hypercubic ? boundary : .open
        precondition(s >= 1 && (b == .open || s >= 3), "periodic boxes need L >= 3 (L = 2 would double edges)")
        var strides = [Int]()
        var n = 1
        for _ in 0..<dim {
            strides.append(n)
            let (m, o) = n.multipliedReportingOverflow(by: s)
            precondition(!o && m < Int(Int32.max), "graph too large for Int32 indices")
            n = m
        }
        self.family = family; self.dim = dim; self.side = s; self.boundary = b
        self.vertexCount = n; self.strides = strides
    }

    public static func hypercubic(dim: Int, size: Int, boundary: Boundary) -> PercolationGraph {
        PercolationGraph(family: .hypercubic, dim: dim, side: size, boundary: boundary)
    }
    public static func hypercube(dim: Int) -> PercolationGraph { PercolationGraph(family: .hypercube, dim: dim, side: 2) }
    public static func hamming(dim: Int, alphabet: Int) -> PercolationGraph {
        PercolationGraph(family: .hamming, dim: dim, side: alphabet)
    }

    var isHypercubic: Bool { family == .hypercubic }
    /// Periodic hypercubic boxes report wrapping (along axis 0) instead of spanning.
    public var tracksWrapping: Bool { family == .hypercubic && boundary == .periodic }

    /// Maximal vertex degree.
    public var degree: Int {
        if !isHypercubic { return dim * (side - 1) }
        return side == 1 ? 0 : (boundary == .periodic || side > 2 ? 2 * dim : dim)
    }

    /// Number of edges.
    public var edgeCount: Int {
        if !isHypercubic { return vertexCount * dim * (side - 1) / 2 }
        return boundary == .periodic ? vertexCount * dim : dim * (vertexCount / side) * (side - 1)
    }

    public func coordinates(of v: Int) -> [Int] { strides.map { (v / $0) % side } }

    public func index(of x: [Int]) -> Int { zip(x, strides).reduce(0) { $0 + $1.0 * $1.1 } }

    public func neighbours(of v: Int) -> [Int] {
        var out = [Int]()
        forEachNeighbour(v) { w, _ in out.append(w) }
        return out
    }

    /// Calls `body(w, δ)` for every neighbour `w` of `u`; `δ` is the unwrapped displacement along axis 0.
    @inline(__always)
    func forEachNeighbour(_ u: Int, _ body: (Int, Int32) -> Void) {
        let L = side
        if isHypercubic {
            let periodic = boundary == .periodic
            for j in 0..<dim {
                let s = strides[j]
                let x = (u / s) % L
                let d: Int32 = j == 0 ? 1 : 0
                if x + 1 < L { body(u + s, d) } else if periodic { body(u - (L - 1) * s, d) }
                if x > 0 { body(u - s, -d) } else if periodic { body(u + (L - 1) * s, -d) }
            }
        } else {
            for j in 0..<dim {
                let s = strides[j]
                let base = u - ((u / s) % L) * s
                for w in 0..<L where base + w * s != u { body(base + w * s, 0) }
            }
        }
    }

    /// Bit 0: vertex lies on face x_0 = 0; bit 1: on face x_0 = side-1.
    @inline(__always)
    func faceFlags(_ u: Int) -> UInt8 {
        let x = u % side
        return (x == 0 ? 1 : 0) | (x == side - 1 ? 2 : 0)
    }

    /// Edge identifiers are slots `u·dim + j` (hypercubic: edge to the +1 neighbour along axis j) or
    /// `(u·dim + j)·k + w` (hamming: edge to the vertex with x_j = w > u_j); some slots are not edges.
    var edgeSlots: Int { isHypercubic ? vertexCount * dim : vertexCount * dim * side }

    /// Endpoints and axis-0 displacement of slot `id`, or nil if the slot holds no edge.
    @inline(__always)
    func edge(_ id: Int) -> (Int, Int, Int32)? {
        if isHypercubic {
            let u = id / dim, j = id - u * dim, s = strides[j]
            let x = (u / s) % side
            let d: Int32 = j == 0 ? 1 : 0
            if x + 1 < side { return (u, u + s, d) }
            return boundary == .periodic ? (u, u - (side - 1) * s, d) : nil
        }
        let w = id % side, uj = id / side, u = uj / dim, j = uj - u * dim, s = strides[j]
        let x = (u / s) % side
        return w > x ? (u, u + (w - x) * s, 0) : nil
    }

    /// All edges as slot identifiers, in increasing order.
    public func edgeIDs() -> [Int32] {
        precondition(edgeSlots < Int(Int32.max), "too many edge slots for Int32 indices")
        var ids = [Int32]()
        ids.reserveCapacity(edgeCount)
        for id in 0..<edgeSlots where edge(id) != nil { ids.append(Int32(id)) }
        return ids
    }

    /// Endpoints of the edge with slot identifier `id` (from `edgeIDs()`).
    public func endpoints(ofEdge id: Int) -> (Int, Int) {
        guard let e = edge(id) else { preconditionFailure("slot \(id) is not an edge") }
        return (e.0, e.1)
    }
}
