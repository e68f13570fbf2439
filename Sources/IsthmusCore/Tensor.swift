import Foundation
/// A dense Float32 tensor in row-major (C) order; images are NCHW, as in PyTorch.
///
/// Tensors are reference objects over a shared `Storage`: `reshaped` is a free view, every other op
/// writes a new buffer. Optimizers update parameters and inputs in place (`update`).
/// Ops record their pullback on the active `Tape` when one of their inputs is being differentiated.
public final class Tensor: @unchecked Sendable {
    public let shape: [Int]
    public let count: Int
    public let storage: Storage
    // Autodiff bookkeeping: the tape that tracks this tensor and its slot there.
    var tapeID: Int = 0
    var slot: Int = -1

    /// Uninitialized tensor of `shape` (callers fill every element).
    public init(uninitialized shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        self.shape = shape
        self.count = shape.reduce(1, *)
        storage = Storage(count: count)
    }

    init(shape: [Int], storage: Storage) {
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = storage
    }

    public convenience init(shape: [Int], scalars: [Float]) {
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.init(uninitialized: shape)
        scalars.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: count) }
    }

    public convenience init(_ scalars: [Float]) { self.init(shape: [scalars.count], scalars: scalars) }

    public convenience init(scalar: Float) { self.init(shape: [], scalars: [scalar]) }

    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        let t = Tensor(uninitialized: shape)
        t.storage.pointer.update(repeating: value, count: t.count)
        return t
    }

    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, 0) }
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }

    /// [start, start + step, ...) up to (excluding) `end`.
    public static func arange(_ start: Float, _ end: Float, step: Float = 1) -> Tensor {
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor(shape: [n], scalars: (0..<n).map { start + Float($0) * step })
    }

    /// `count` evenly spaced values from `start` to `end`, both included (torch.linspace).
    public static func linspace(_ start: Float, _ end: Float, count: Int) -> Tensor {
        if count == 1 { return Tensor([start]) }
        let step = (end - start) / Float(count - 1)
        return Tensor(shape: [count], scalars: (0..<count).map { i in
            i == count - 1 ? end : start + Float(i) * step
        })
    }

    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                               using rng: inout SplitMix64) -> Tensor {
        let t = Tensor(uninitialized: shape)
        let p = t.storage.pointer
        for i in 0..<t.count { p[i] = low + (high - low) * rng.nextUniform() }
        return t
    }

    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1,
                              using rng: inout SplitMix64) -> Tensor {
        let t = Tensor(uninitialized: shape)
        let p = t.storage.pointer
        for i in 0..<t.count { p[i] = mean + std * rng.nextNormal() }
        return t
    }

    // MARK: - Access

    public var rank: Int { shape.count }
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: storage.pointer, count: count)) }
    public var scalar: Float {
        precondition(count == 1, "scalar of a tensor with \(count) elements")
        return storage.pointer[0]
    }
    public subscript(flat i: Int) -> Float { storage.pointer[i] }

    /// Read-only pointer for kernels.
    @inline(__always) public var data: UnsafePointer<Float> { UnsafePointer(storage.pointer) }
    /// Mutable pointer: only for code that owns this tensor (optimizers, freshly built outputs). Taking it renews the
    /// storage's version, so write through it right away (not after running ops that read this tensor).
    @inline(__always) public var mutableData: UnsafeMutablePointer<Float> {
        storage.touch()
        return storage.pointer
    }

    /// A deep copy that is not tracked by any tape.
    public func copy() -> Tensor {
        let t = Tensor(uninitialized: shape)
        t.storage.pointer.update(from: storage.pointer, count: count)
        return t
    }

    /// The same values, cut from the tape (gradients do not flow through).
    public var detached: Tensor { Tensor(shape: shape, storage: storage) }

    /// Overwrite the values in place with those of `other` (same count).
    public func assign(_ other: Tensor) {
        precondition(other.count == count, "assign: \(other.shape) into \(shape)")
        storage.touch()
        storage.pointer.update(from: other.storage.pointer, count: count)
    }

    public var isFinite: Bool {
        let p = data
        for i in 0..<count where !p[i].isFinite { return false }
        return true
    }

    /// Size along `axis`; negative axes count from the end.
    public func size(_ axis: Int) -> Int { shape[normalize(axis)] }

    @inline(__always) func normalize(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "axis \(axis) out of range for shape \(shape)")
        return a
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String(format: "%.5g", $0) }.joined(separator: ", ")
        return "Tensor(\(shape): [\(shown)\(count > 8 ? ", ..." : "")])"
    }
}
