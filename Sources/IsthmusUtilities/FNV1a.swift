/// FNV-1a, 64 bits (Fowler-Noll-Vo): `h = 0xcbf29ce484222325`, then per byte `h = (h ^ b) * 0x100000001b3`
/// (wrapping). A stable, non-cryptographic hash of configs, file listings and SVG clip ids.
public struct FNV1a {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func feed<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for b in bytes { value = (value ^ UInt64(b)) &* 0x100_0000_01b3 }
    }

    public mutating func feed(_ s: String) { feed(s.utf8) }

    /// The hash of `bytes`.
    public static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = FNV1a(); h.feed(bytes); return h.value
    }

    /// The hash of `s`'s UTF-8 bytes.
    public static func hash(_ s: String) -> UInt64 { hash(s.utf8) }
}
