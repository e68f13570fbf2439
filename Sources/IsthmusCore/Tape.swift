import Foundation

/// Reverse-mode autodiff on a tape.
///
/// Ops executed while a tape is active and whose inputs are tracked append one record: the slots of their
/// inputs and a pullback `(dOut, needs) -> [dInput?]`. The records are in execution order, which is a
/// topological order, so backward walks them in reverse and sums the gradients of tensors used twice.
/// Tensors that are not differentiated (frozen weights) are simply not tracked: no record, no gradient work.
public final class Tape {
    struct Record {
        let output: Int
        let inputs: [Int]          // slot per input, -1 when the input is not tracked
        let pullback: (Tensor, [Bool]) -> [Tensor?]
    }

    nonisolated(unsafe) private static var nextID = 1
    private static let idLock = NSLock()
    let id: Int
    var records: [Record] = []
    var slotCount = 0

    init() {
        Tape.idLock.lock(); id = Tape.nextID; Tape.nextID += 1; Tape.idLock.unlock()
    }

    func track(_ t: Tensor) {
        t.tapeID = id
        t.slot = slotCount
        slotCount += 1
    }

    // MARK: - The active tape (per thread)

    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    /// The tape recording on this thread, if any.
    @inline(__always) static var current: Tape? {
        guard let p = pthread_getspecific(key) else { return nil }
        return Unmanaged<Tape>.fromOpaque(p).takeUnretainedValue()
    }

    static func setCurrent(_ tape: Tape?) {
        pthread_setspecific(key, tape.map { Unmanaged.passUnretained($0).toOpaque() })
    }

    // MARK: - Recording

    /// Connects an op's output to its inputs. Returns `output`.
    @inline(__always)
    static func record(_ output: Tensor, _ inputs: [Tensor], _ pullback: @escaping (Tensor, [Bool]) -> [Tensor?]) -> Tensor {
        guard let tape = current else { return output }
        var any = false
        for x in inputs where x.tapeID == tape.id { any = true; break }
        if !any { return output }
        tape.track(output)
        tape.records.append(Record(output: output.slot, inputs: inputs.map { $0.tapeID == tape.id ? $0.slot : -1 },
                                   pullback: pullback))
        return output
    }

    /// Runs the recorded pullbacks from `output` (seeded with ones, or `seed`) and returns the gradient of each
    /// tensor in `wrt` (zeros for a tensor the output does not depend on).
    func gradients(of output: Tensor, wrt: [Tensor], seed: Tensor? = nil) -> [Tensor] {
        var grads = [Tensor?](repeating: nil, count: slotCount)
        if output.tapeID == id && output.slot >= 0 {
            grads[output.slot] = seed ?? Tensor.ones(output.shape)
            let keep = Set(wrt.filter { $0.tapeID == id }.map(\.slot))
            for r in records.reversed() {
                guard let g = grads[r.output] else { continue }
                if !keep.contains(r.output) { grads[r.output] = nil }  // free activations' gradients early
                let needs = r.inputs.map { $0 >= 0 }
                let results = r.pullback(g, needs)
                for (i, s) in r.inputs.enumerated() where s >= 0 {
                    guard let d = results[i] else { continue }
                    grads[s] = grads[s].map { Tensor.addSameShape($0, d) } ?? d
                }
            }
        }
        return wrt.map { w in
            (w.tapeID == id && w.slot >= 0 ? grads[w.slot] : nil) ?? Tensor.zeros(w.shape)
        }
    }
}

extension Tensor {
    /// Whether the tape recording on this thread differentiates through this tensor (ops may skip saving what
    /// only a pullback needs when it does not).
    public var isTracked: Bool { tapeID != 0 && tapeID == Tape.current?.id }
}

/// Evaluates `f` on a tape and returns its (scalar or not) value and the gradients of `value.sum()` with
/// respect to each tensor in `wrt`: an input image, the parameters, or both. Only what is in `wrt` is tracked,
/// so frozen weights cost no gradient work.
///
///     let (loss, grads) = valueWithGradient(wrt: [x]) { crossEntropy(logits: model(x), labels: [y]) }
public func valueWithGradient(wrt: [Tensor], _ f: () throws -> Tensor) rethrows -> (value: Tensor, gradients: [Tensor]) {
    let outer = Tape.current
    let tape = Tape()
    let saved = wrt.map { ($0.tapeID, $0.slot) }
    for w in wrt where w.tapeID != tape.id { tape.track(w) }
    Tape.setCurrent(tape)
    defer {
        Tape.setCurrent(outer)
        for (w, s) in zip(wrt, saved) { w.tapeID = s.0; w.slot = s.1 }
    }
    let value = try f()
    Tape.setCurrent(nil)
    let grads = tape.gradients(of: value, wrt: wrt)
    return (value, grads)
}

/// Runs `f` with recording switched off (inference paths of sweeps): no tape, no saved activations.
public func withoutGradients<T>(_ f: () throws -> T) rethrows -> T {
    let outer = Tape.current
    Tape.setCurrent(nil)
    defer { Tape.setCurrent(outer) }
    return try f()
}

/// An op the tape cannot trace, given by its value and pullback (analytic potentials in place of a network):
/// `value` = f(x) and `pullback(dOut)` = the gradient of sum(dOut * f) with respect to x, shaped like x.
/// Recorded like a primitive when x is tracked; otherwise `value` is returned as is.
public func customOp(_ x: Tensor, value: Tensor, pullback: @escaping (Tensor) -> Tensor) -> Tensor {
    Tape.record(value, [x]) { g, _ in [pullback(g)] }
}
