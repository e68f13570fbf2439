import Foundation
import IsthmusCore
import IsthmusFormats

extension Module {
    /// Loads named arrays into this module's state (parameters and buffers) in place.
    /// Names must match exactly: missing or unexpected names, shape mismatches and non-finite values are errors
    /// that list the offenders. Entries whose name starts with one of `ignoring` are skipped.
    public func load(_ entries: [(name: String, array: RawArray)], file: String, ignoring: [String] = []) throws {
        let mine = state
        let wanted = Dictionary(uniqueKeysWithValues: mine.map { ($0.name, $0) })
        let given = entries.filter { e in !ignoring.contains { e.name.hasPrefix($0) } }
        let givenNames = Set(given.map(\.name))
        let missing = mine.map(\.name).filter { !givenNames.contains($0) }
        let unexpected = given.map(\.name).filter { wanted[$0] == nil }
        if !missing.isEmpty || !unexpected.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(missing.count) (\(missing.prefix(6).joined(separator: ", "))\(missing.count > 6 ? ", ..." : ""))") }
            if !unexpected.isEmpty { parts.append("unexpected \(unexpected.count) (\(unexpected.prefix(6).joined(separator: ", "))\(unexpected.count > 6 ? ", ..." : ""))") }
            throw FormatError(file: file, reason: "weights do not fit this model: " + parts.joined(separator: "; "))
        }
        for e in given {
            let target = wanted[e.name]!
            let shape = e.array.shape
            // A scalar buffer may be stored as [] or [1].
            let fits = shape == target.tensor.shape || (target.tensor.count == 1 && e.array.count == 1)
            guard fits else {
                throw FormatError(file: file, reason: "\(e.name) has shape \(shape), the model expects \(target.tensor.shape)")
            }
            let values = try e.array.floats()
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw FormatError(file: file, reason: "\(e.name) holds a non-finite value at element \(bad)")
            }
            values.withUnsafeBufferPointer { target.tensor.mutableData.update(from: $0.baseAddress!, count: values.count) }
        }
    }

    /// Loads `.safetensors`, or a PyTorch `torch.save` state_dict (`.pth`, `.pt`, `.bin`).
    public func loadWeights(_ path: String, ignoring: [String] = []) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw FormatError(file: path, reason: "no such file") }
        let entries = path.hasSuffix(".safetensors") ? try Safetensors.read(path) : try TorchCheckpoint.read(path)
        try load(entries, file: path, ignoring: ignoring)
    }

    /// Writes the state dict as safetensors (F32, and I64 for `num_batches_tracked`), loadable by PyTorch.
    public func saveSafetensors(_ path: String, metadata: [String: String]? = nil) throws {
        let entries: [(String, RawArray)] = state.map { e in
            e.isInteger ? (e.name, RawArray(shape: e.tensor.shape, int64s: e.tensor.scalars.map { Int64($0) }))
                        : (e.name, e.tensor.raw)
        }
        try Safetensors.write(entries, metadata: metadata, to: path)
    }
}
