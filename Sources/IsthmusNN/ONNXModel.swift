import Foundation
import IsthmusCore
import IsthmusFormats

/// A value flowing through an ONNX graph: float32 data as a `Tensor` (a constant or computed from the input), or
/// an integer / bool constant (shapes, indices, masks). Integer values never depend on the input's values, only
/// on its shape, so they are always folded at plan time.
public enum ONNXValue {
    case float(Tensor)
    case int(ONNXInts)

    var shape: [Int] {
        switch self {
        case .float(let t): return t.shape
        case .int(let a): return a.shape
        }
    }
}

/// A dense integer (or bool) array in C order.
public struct ONNXInts: Equatable {
    public var shape: [Int]
    public var values: [Int64]
    public var isBool = false
    public init(shape: [Int], values: [Int64], isBool: Bool = false) {
        self.shape = shape; self.values = values; self.isBool = isBool
    }
    public init(_ values: [Int64]) { self.init(shape: [values.count], values: values) }
    var count: Int { values.count }
}

/// A graph that cannot be run: one line naming the node, its op and the reason.
public struct ONNXError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
    init(node: ONNXNodeProto, _ why: String) {
        let name = node.name.isEmpty ? (node.outputs.first.map { "output '\($0)'" } ?? "?") : "'\(node.name)'"
        self.description = "node \(name) (\(node.opType)): \(why)"
    }
}

/// An ONNX classifier run through the tensor ops, so input gradients, the bypass and every optimizer work as on a
/// built-in model.
///
/// At load every node is checked against the supported ops and attributes (`ONNXOps`); a node outside them is
/// refused with its name and op. For each input shape a plan is built once: nodes whose inputs are all constants
/// (weights, shape arithmetic such as Shape -> Gather -> Concat -> Reshape) are evaluated then, and the plan keeps
/// the remaining float nodes as a straight line of tensor ops, replayed on each call. Conv followed by an
/// inference BatchNormalization is folded into one convolution, and a following Relu, Clip(0, 6) or HardSwish runs
/// inside it.
/// The output is the logits tensor: the graph's first output, or the input of a final Softmax / LogSoftmax.
public final class ONNXModel: Module, @unchecked Sendable {
    public let proto: ONNXModelProto
    /// The graph input that receives the images, and its declared shape (nil dimensions are symbolic).
    public let inputName: String
    public let declaredInputShape: [Int?]
    /// The tensor returned by `forward`.
    public let logitsName: String
    /// Set when a trailing Softmax / LogSoftmax was skipped: its op name.
    public let strippedOutputOp: String?
    public let opset: Int
    /// Float initializers by name (frozen weights).
    public let initializers: [(name: String, tensor: Tensor)]

    let nodes: [CompiledNode]
    let constants: [String: ONNXValue]
    private let lock = NSLock()
    private var plans: [[Int]: Plan] = [:]

    /// Loads `path` (and its external data files).
    public convenience init(path: String, logits: String? = nil) throws {
        try self.init(proto: try ONNXModelProto.read(path), logits: logits)
    }

    /// Builds the model from a parsed ModelProto; `logits` names the tensor to return (default: see the type doc).
    public init(proto: ONNXModelProto, logits: String? = nil) throws {
        self.proto = proto
        let g = proto.graph
        guard let opset = proto.opsetVersion else { throw ONNXError("the model imports no standard operator set") }
        guard (1...23).contains(opset) else { throw ONNXError("operator set version \(opset) is not supported (1-23)") }
        self.opset = opset
        if g.sparseInitializerCount > 0 { throw ONNXError("sparse initializers are not supported") }
        var consts = [String: ONNXValue]()
        var inits = [(String, Tensor)]()
        for t in g.initializers {
            let v = try ONNXModel.value(of: t, label: "initializer '\(t.name)'")
            consts[t.name] = v
            if case .float(let x) = v { inits.append((t.name, x)) }
        }
        initializers = inits
        let realInputs = g.inputs.filter { consts[$0.name] == nil }
        guard let input = realInputs.first else { throw ONNXError("the graph has no input besides its initializers") }
        guard realInputs.count == 1 else {
            throw ONNXError("the graph has \(realInputs.count) inputs (\(realInputs.map(\.name).joined(separator: ", "))); only one image input is supported")
        }
        if let t = input.elementType, t != ONNXDataType.float.rawValue {
            throw ONNXError("input '\(input.name)' is \(ONNXDataType.name(t)); only float inputs are supported")
        }
        inputName = input.name
        declaredInputShape = (input.shape ?? []).map { if case .value(let v) = $0, v > 0 { return v } else { return nil } }

        var compiled = [CompiledNode]()
        for n in g.nodes {
            guard n.domain.isEmpty || n.domain == "ai.onnx" else {
                throw ONNXError(node: n, "operator domain '\(n.domain)' is not supported")
            }
            compiled.append(CompiledNode(node: n, run: try ONNXOps.compile(n, opset: opset)))
        }
        // Logits: the named tensor, or the first output with a trailing Softmax / LogSoftmax skipped.
        guard let first = g.outputs.first?.name else { throw ONNXError("the graph has no output") }
        var target = logits ?? first
        var stripped: String?
        if logits == nil, let producer = g.nodes.last(where: { $0.outputs.contains(first) }),
           ["Softmax", "LogSoftmax"].contains(producer.opType), let src = producer.inputs.first {
            target = src
            stripped = producer.opType
        }
        let produced = Set(g.nodes.flatMap(\.outputs)).union([inputName]).union(consts.keys)
        guard produced.contains(target) else { throw ONNXError("no tensor named '\(target)' in the graph (--logits)") }
        logitsName = target
        strippedOutputOp = stripped
        // Only the nodes the logits depend on are kept.
        var needed: Set<String> = [target]
        var keep = [Bool](repeating: false, count: compiled.count)
        for i in compiled.indices.reversed() where compiled[i].node.outputs.contains(where: needed.contains) {
            keep[i] = true
            for x in compiled[i].node.inputs where !x.isEmpty { needed.insert(x) }
        }
        // Nodes that read only constants (weights, Constant nodes, not the input's shape) are evaluated now, so that
        // the fusions below see their values (a Pad's pads, a Clip's bounds). One that fails stays, to fail in a plan.
        var kept = [CompiledNode]()
        for i in compiled.indices where keep[i] {
            let c = compiled[i]
            let ins = c.node.inputs.filter { !$0.isEmpty }
            if ins.allSatisfy({ consts[$0] != nil }),
               let outs = try? withoutGradients({ try c.run(c.node.inputs.map { $0.isEmpty ? nil : consts[$0] }) }),
               outs.count >= c.node.outputs.count {
                for (k, name) in c.node.outputs.enumerated() where !name.isEmpty { consts[name] = outs[k] }
                continue
            }
            kept.append(c)
        }
        nodes = ONNXFusion.fuse(kept, constants: consts, keep: [target])
        constants = consts
        super.init()
        // Check the graph on its declared shape (batch 1 where symbolic) so that errors surface at load.
        if declaredInputShape.count >= 2, declaredInputShape.dropFirst().allSatisfy({ $0 != nil }) {
            let shape = [declaredInputShape[0] ?? 1] + declaredInputShape.dropFirst().map { $0! }
            _ = try withoutGradients { try forwardThrowing(Tensor.zeros(shape)) }
        }
    }

    /// Inputs [C, H, W] when the graph states them.
    public var statedInputShape: [Int]? {
        guard declaredInputShape.count >= 2, declaredInputShape.dropFirst().allSatisfy({ $0 != nil }) else { return nil }
        return declaredInputShape.dropFirst().map { $0! }
    }

    public override var ownBuffers: [(String, Tensor, isInteger: Bool)] { initializers.map { ($0.name, $0.tensor, false) } }

    /// The nodes that run after folding and fusion ("op name", fused names joined by "+"), in order.
    public var operations: [String] { nodes.map { $0.node.name.isEmpty ? $0.node.opType : $0.node.opType + " " + $0.node.name } }

    /// Number of float weights.
    public var weightCount: Int { initializers.map(\.tensor.count).reduce(0, +) }

    public override func forward(_ x: Tensor) -> Tensor {
        do { return try forwardThrowing(x) } catch {
            fatalError("ONNX model: \(error)")  // unreachable for shapes checked at load; see forwardThrowing
        }
    }

    /// Runs the graph on x [N, ...]. A graph whose input is stated with batch 1, or whose shapes do not fit a larger
    /// batch, runs sample by sample.
    public func forwardThrowing(_ x: Tensor) throws -> Tensor {
        let n = x.rank >= 1 ? x.shape[0] : 1
        if n > 1 && declaredInputShape.first == 1 { return try samples(x) }
        do {
            return try plan(for: x).run(x)
        } catch let e as ONNXError {
            guard n > 1 else { throw e }
            return try samples(x)
        }
    }

    /// The graph run on each sample of x and the results concatenated (graphs fixed to batch 1).
    private func samples(_ x: Tensor) throws -> Tensor {
        let one = try plan(for: x.rows(0..<1))
        let outs = try (0..<x.shape[0]).map { try one.run(x.rows($0..<($0 + 1))) }
        guard outs[0].rank >= 1, outs[0].shape[0] == 1 else {
            throw ONNXError("the graph's output \(outs[0].shape) has no batch axis for a batch of \(x.shape[0])")
        }
        return concat(outs, axis: 0)
    }

    private func plan(for x: Tensor) throws -> Plan {
        lock.lock()
        if let p = plans[x.shape] { lock.unlock(); return p }
        lock.unlock()
        let p = try Plan(model: self, input: x)
        lock.lock(); plans[x.shape] = p; lock.unlock()
        return p
    }

    static func value(of t: ONNXTensorProto, label: String) throws -> ONNXValue {
        guard let type = ONNXDataType(rawValue: t.dataType) else {
            throw ONNXError("\(label): unknown data type \(t.dataType)")
        }
        do {
            if type.isFloatingPoint {
                return .float(Tensor(shape: t.dims, scalars: try t.floats(label: label)))
            }
            if type == .string { throw ONNXError("\(label): string tensors are not supported") }
            return .int(ONNXInts(shape: t.dims, values: try t.int64s(label: label), isBool: type == .bool))
        } catch let e as FormatError { throw ONNXError(e.description) }
    }
}

struct CompiledNode {
    let node: ONNXNodeProto
    let run: ONNXOps.Run
}

/// The graph for one input shape: constants folded, the remaining float nodes in order.
final class Plan: @unchecked Sendable {
    enum Ref { case constant(ONNXValue), slot(Int), absent }
    struct Step { let run: ONNXOps.Run; let inputs: [Ref]; let outputs: [Int?]; var frees: [Int] = [] }
    let steps: [Step]
    let output: Ref
    let slotCount: Int

    /// Builds the plan by running the graph once on `input` (without recording).
    init(model: ONNXModel, input: Tensor) throws {
        var refs = [String: Ref]()
        for (k, v) in model.constants { refs[k] = .constant(v) }
        refs[model.inputName] = .slot(0)
        var slots = 1
        var env: [Tensor?] = [input.detached]
        var steps = [Step]()
        // While building, an intermediate is dropped after its last reader (the plan itself keeps only steps).
        var lastReader = [String: Int]()
        for (i, c) in model.nodes.enumerated() { for name in c.node.inputs where !name.isEmpty { lastReader[name] = i } }
        lastReader[model.logitsName] = Int.max
        for (index, c) in model.nodes.enumerated() {
            let n = c.node
            var ins = [Ref]()
            for name in n.inputs {
                if name.isEmpty { ins.append(.absent); continue }
                guard let r = refs[name] else { throw ONNXError(node: n, "input '\(name)' is not computed before this node") }
                ins.append(r)
            }
            let values: [ONNXValue?] = ins.map {
                switch $0 {
                case .constant(let v): return v
                case .slot(let s): return .float(env[s]!)
                case .absent: return nil
                }
            }
            let dynamic = ins.contains { if case .slot = $0 { return true } else { return false } }
            let outs = try withoutGradients { try c.run(values) }
            guard outs.count >= n.outputs.filter({ !$0.isEmpty }).count || outs.count == n.outputs.count else {
                throw ONNXError(node: n, "produced \(outs.count) outputs for \(n.outputs.count)")
            }
            var outSlots = [Int?]()
            for (i, name) in n.outputs.enumerated() {
                guard i < outs.count, !name.isEmpty else { outSlots.append(nil); continue }
                if dynamic, case .float(let t) = outs[i] {
                    refs[name] = .slot(slots)
                    env.append(t)
                    outSlots.append(slots)
                    slots += 1
                } else {
                    if dynamic, !ONNXOps.shapeOnly.contains(n.opType) {
                        throw ONNXError(node: n, "an integer result computed from the input's values is not supported")
                    }
                    refs[name] = .constant(outs[i])
                    outSlots.append(nil)
                }
            }
            if dynamic && outSlots.contains(where: { $0 != nil }) {
                steps.append(Step(run: c.run, inputs: ins, outputs: outSlots))
            }
            for name in Set(n.inputs) where lastReader[name] == index {
                if case .slot(let k)? = refs[name], k > 0 { env[k] = nil }
            }
        }
        guard let out = refs[model.logitsName] else { throw ONNXError("the logits tensor '\(model.logitsName)' is never computed") }
        if case .constant(.int) = out { throw ONNXError("the logits tensor '\(model.logitsName)' is an integer tensor") }
        // Each intermediate is released after its last reader (the tape keeps what a pullback needs).
        var last = [Int](repeating: -1, count: slots)
        for (i, s) in steps.enumerated() { for case .slot(let k) in s.inputs { last[k] = i } }
        if case .slot(let k) = out { last[k] = Int.max }
        for k in 1..<slots where last[k] >= 0 && last[k] < steps.count { steps[last[k]].frees.append(k) }
        self.steps = steps
        output = out
        slotCount = slots
    }

    func run(_ x: Tensor) throws -> Tensor {
        var env = [Tensor?](repeating: nil, count: slotCount)
        env[0] = x
        for s in steps {
            let values: [ONNXValue?] = s.inputs.map {
                switch $0 {
                case .constant(let v): return v
                case .slot(let i): return .float(env[i]!)
                case .absent: return nil
                }
            }
            let outs = try s.run(values)
            for (i, slot) in s.outputs.enumerated() {
                guard let slot else { continue }
                guard case .float(let t) = outs[i] else { throw ONNXError("internal: a float output became integer") }
                env[slot] = t
            }
            for k in s.frees { env[k] = nil }
        }
        switch output {
        case .slot(let i): return env[i]!
        case .constant(.float(let t)): return t
        default: throw ONNXError("the logits tensor is not a float tensor")
        }
    }
}
