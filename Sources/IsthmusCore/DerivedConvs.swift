import Foundation

/// A value derived from frozen convolution layers (stacked or zero-padded weights): built off the tape when a
/// source's weight or bias changes (storage version or identity) or `variant` changes, else the same value, and so
/// the same tensors and the same cached blocked weights, on every call. One instance caches one derivation.
public final class DerivedConvs<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stamp: [UInt64] = []
    private var sources: [ObjectIdentifier] = []
    private var derived: Value?

    public init() {}

    /// `build(layers)`, cached.
    public func value(_ layers: [ChainedConv], variant: Int = 0, _ build: ([ChainedConv]) -> Value) -> Value {
        let key = [UInt64(bitPattern: Int64(variant))]
            + layers.flatMap { [$0.weight.storage.version, $0.bias?.storage.version ?? .max] }
        let ids = layers.flatMap { [ObjectIdentifier($0.weight.storage)] + ($0.bias.map { [ObjectIdentifier($0.storage)] } ?? []) }
        lock.lock(); defer { lock.unlock() }
        if let derived, key == stamp, ids == sources { return derived }
        // Built off the tape: the cached tensors outlive the recording that first asked for them.
        let d = withoutGradients { build(layers) }
        derived = d; stamp = key; sources = ids
        return d
    }
}

/// n rounded up to a multiple of `block`.
@inlinable public func roundUp(_ n: Int, toMultipleOf block: Int) -> Int { (n + block - 1) / block * block }

extension ChainedConv {
    /// This layer with `extra` zero filters after its K (zero bias): [K + extra, C/groups, R, S]. Dense layers only.
    public func withZeroOutputs(_ extra: Int) -> ChainedConv {
        guard extra > 0 else { return self }
        var l = self
        let k = weight.shape[0]
        l.weight = concat([weight, Tensor.zeros([extra] + weight.shape.dropFirst())], axis: 0)
        l.bias = concat([bias ?? Tensor.zeros([k]), Tensor.zeros([extra])], axis: 0)
        return l
    }

    /// This layer reading `channels` input channels, the ones past its own C ignored: a dense layer gets zero input
    /// channels, [K, channels, R, S]; a depthwise one (groups = C = K) zero filters, `channels` groups. nil for
    /// other grouped layers.
    public func withInputs(_ channels: Int) -> ChainedConv? {
        let (k, cg) = (weight.shape[0], weight.shape[1]), c = cg * groups
        guard channels > c else { return channels == c ? self : nil }
        var l = self
        if groups == 1 {
            l.weight = concat([weight, Tensor.zeros([k, channels - c, weight.shape[2], weight.shape[3]])], axis: 1)
        } else if cg == 1 && groups == k {
            l = withZeroOutputs(channels - k)
            l.groups = channels
        } else {
            return nil
        }
        return l
    }
}
