import IsthmusFormats

extension Tensor {
    /// A tensor from a disk array of any numeric dtype (converted to Float32). Refuses NaN or Inf values.
    public convenience init(_ raw: RawArray, file: String) throws {
        let values = try raw.floats()
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw FormatError(file: file, reason: "non-finite value \(values[bad]) at element \(bad)")
        }
        self.init(shape: raw.shape, scalars: values)
    }

    /// The values as a float32 disk array.
    public var raw: RawArray { RawArray(shape: shape, floats: scalars) }

    /// Reads a `.npy` file (float32/float64/integer, little-endian, C order).
    public static func readNpy(_ path: String) throws -> Tensor { try Tensor(Npy.read(path), file: path) }

    /// Writes a float32 `.npy` file atomically.
    public func writeNpy(_ path: String) throws { try Npy.write(raw, to: path) }
}
