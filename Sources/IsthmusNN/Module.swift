import IsthmusCore

/// A named entry of a model's state: a parameter or a buffer, with PyTorch `state_dict` naming.
public struct StateEntry {
    public let name: String
    public let tensor: Tensor
    /// Stored as int64 on disk (`num_batches_tracked`).
    public let isInteger: Bool
    public let isParameter: Bool
}

/// Base of every layer and model: explicit, ordered, named parameters and buffers; children prefix their
/// names as PyTorch does (`layer1.0.conv1.weight`). Parameters are tensors updated in place, so their
/// identity is stable for optimizers and for loading weights.
open class Module {
    public private(set) var training = false

    public init() {}

    /// Direct children in registration order.
    open var children: [(String, Module)] { [] }
    /// This module's own parameters, in PyTorch registration order.
    open var ownParameters: [(String, Tensor)] { [] }
    /// This module's own buffers (running statistics), in PyTorch registration order.
    open var ownBuffers: [(String, Tensor, isInteger: Bool)] { [] }

    open func forward(_ x: Tensor) -> Tensor { fatalError("\(type(of: self)) must override forward(_:)") }

    public func callAsFunction(_ x: Tensor) -> Tensor { forward(x) }

    /// All entries of the state dict, in PyTorch order (own parameters, own buffers, then children).
    public var state: [StateEntry] {
        var out = ownParameters.map { StateEntry(name: $0.0, tensor: $0.1, isInteger: false, isParameter: true) }
        out += ownBuffers.map { StateEntry(name: $0.0, tensor: $0.1, isInteger: $0.isInteger, isParameter: false) }
        for (prefix, child) in children {
            out += child.state.map { StateEntry(name: prefix + "." + $0.name, tensor: $0.tensor, isInteger: $0.isInteger,
                                                isParameter: $0.isParameter) }
        }
        return out
    }

    /// Trainable parameters with their full names.
    public var parameters: [(name: String, tensor: Tensor)] {
        state.filter(\.isParameter).map { ($0.name, $0.tensor) }
    }

    public var parameterCount: Int { parameters.map(\.tensor.count).reduce(0, +) }

    /// Train mode (batch statistics, dropout) or eval mode, recursively.
    public func setTraining(_ on: Bool) {
        training = on
        for (_, c) in children { c.setTraining(on) }
    }
}

/// Children run in order; named "0", "1", ... as `nn.Sequential`.
public final class Sequential: Module {
    public let layers: [Module]
    public init(_ layers: [Module]) { self.layers = layers }
    public convenience init(_ layers: Module...) { self.init(layers) }
    public override var children: [(String, Module)] { layers.enumerated().map { (String($0.offset), $0.element) } }
    public override func forward(_ x: Tensor) -> Tensor { layers.reduce(x) { $1($0) } }
}

/// A module built from a closure, for parameter-free steps (activations, flatten).
public final class Lambda: Module {
    let f: (Tensor) -> Tensor
    public init(_ f: @escaping (Tensor) -> Tensor) { self.f = f }
    public override func forward(_ x: Tensor) -> Tensor { f(x) }
}

public final class Identity: Module {
    public override func forward(_ x: Tensor) -> Tensor { x }
}

public func ReLU() -> Module { Lambda { $0.relu() } }
public func ReLU6() -> Module { Lambda { $0.relu6() } }
public func GELU() -> Module { Lambda { $0.gelu() } }
public func Flatten() -> Module { Lambda { $0.flattened() } }
