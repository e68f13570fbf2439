import Foundation

/// PyTorch checkpoints written by `torch.save(model.state_dict(), path)`: the ZIP format of PyTorch >= 1.6
/// (`<prefix>/data.pkl` plus one `<prefix>/data/<key>` file per storage, STORED or DEFLATE, zip64 allowed)
/// and the legacy format (a sequence of pickles followed by raw storages).
///
/// The pickle is read by a restricted unpickler that only understands `collections.OrderedDict`,
/// `torch._utils._rebuild_tensor_v2`, `torch._utils._rebuild_parameter` and the `torch.*Storage` types;
/// any other global (e.g. `os.system`) is refused, and no code is ever run.
///
/// The top-level object must be a dict. If it holds tensors, it is the state dict; otherwise its
/// `state_dict` or `model` entry (a dict) is used, as in training checkpoints such as
/// `{"epoch": 3, "state_dict": ...}`. Entries of the state dict that are not tensors are skipped.
/// Tensors come back in C order, whatever their strides, storage offsets, or shared storages.
public enum TorchCheckpoint {
    public static func read(_ path: String) throws -> [(name: String, array: RawArray)] {
        try decode(bytes: readFile(path), label: path)
    }

    /// Tensors by name.
    public static func readDictionary(_ path: String) throws -> [String: RawArray] {
        Dictionary(try read(path).map { ($0.name, $0.array) }, uniquingKeysWith: { a, _ in a })
    }

    static let legacyMagic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]

    /// Parses checkpoint bytes (ZIP format, or the legacy pre-1.6 format); `label` names the source in errors.
    /// Tensors are in state-dict order.
    public static func decode(bytes: [UInt8], label: String = "<checkpoint>") throws -> [(name: String, array: RawArray)] {
        if bytes.starts(with: legacyMagic) { return try decodeLegacy(bytes, label: label) }
        let zip = try ZipArchive(bytes: bytes, label: label)
        let pkls = zip.entries.map(\.name).filter { $0.hasSuffix("/data.pkl") && $0.split(separator: "/").count == 2 }
        guard let pkl = pkls.first, pkls.count == 1 else {
            throw FormatError(file: label, reason: "expected exactly one <prefix>/data.pkl in the archive, found \(pkls.count)")
        }
        let prefix = String(pkl.dropLast("data.pkl".count))
        if zip.entry(prefix + "byteorder") != nil, try zip.data(prefix + "byteorder", limit: 16) != Array("little".utf8) {
            throw FormatError(file: label, reason: "big-endian checkpoints are not supported")
        }
        var unpickler = RestrictedUnpickler(data: try zip.data(pkl, limit: 1 << 28), label: label)
        return try tensors(in: unpickler.load(), label: label) { try zip.data(prefix + "data/" + $0) }
    }

    /// Legacy format: pickles of the magic number, protocol version 1001, system info, the object, and the
    /// list of storage keys; then for each key an i64 element count followed by the raw elements.
    static func decodeLegacy(_ bytes: [UInt8], label: String) throws -> [(name: String, array: RawArray)] {
        var u = RestrictedUnpickler(data: bytes, label: label, start: legacyMagic.count)
        guard case .int(1001) = try u.load() else { throw FormatError(file: label, reason: "unsupported legacy protocol version") }
        guard case .dict(let info) = try u.load(),
              info.items.contains(where: { if case .string("little_endian") = $0.key, case .bool(true) = $0.value { return true } else { return false } })
        else { throw FormatError(file: label, reason: "legacy checkpoint is not little-endian") }
        let root = try u.load()
        guard case .list(let keyList) = try u.load() else { throw FormatError(file: label, reason: "legacy storage key list missing") }
        // Storage element sizes come from the object's persistent ids. The memo lets a pickle share one value many
        // times (a tuple of itself, 60 levels deep, has 2^60 leaves), so the walk has a budget.
        var itemSize = [String: Int]()
        var visits = 0
        func collect(_ v: RestrictedUnpickler.Value) throws {
            visits += 1
            guard visits <= 1 << 20 else { throw FormatError(file: label, reason: "pickled object has more than \(1 << 20) parts (shared by the memo)") }
            switch v {
            case .tensor(let t): itemSize[t.storage.key] = t.storage.dtype.itemSize
            case .dict(let d): try d.items.forEach { try collect($0.value) }
            case .list(let l): try l.items.forEach(collect)
            case .tuple(let items, _): try items.forEach(collect)
            default: break
            }
        }
        try collect(root)
        let r = ByteReader(bytes: bytes, label: label)
        var pos = u.pos
        var storages = [String: ArraySlice<UInt8>]()
        for k in keyList.items {
            guard case .string(let key) = k else { throw FormatError(file: label, reason: "legacy storage key is not a string") }
            let numel = try r.le(Int64.self, pos, "size of storage \(key)")
            guard let item = itemSize[key] else { throw FormatError(file: label, reason: "storage \(key) is used by no tensor") }
            guard numel >= 0, numel <= Int64(bytes.count / item) else {
                throw FormatError(file: label, reason: "storage \(key) declares \(numel) elements, more than the file holds")
            }
            storages[key] = try r.slice(pos + 8, Int(numel) * item, "storage \(key)")
            pos += 8 + Int(numel) * item
        }
        return try tensors(in: root, label: label) { key in
            guard let s = storages[key] else { throw FormatError(file: label, reason: "storage \(key) is missing") }
            return Array(s)
        }
    }

    /// The tensors of the state dict `root` (or of its `state_dict` / `model` entry).
    static func tensors(in root: RestrictedUnpickler.Value, label: String,
                        storage load: (String) throws -> [UInt8]) throws -> [(name: String, array: RawArray)] {
        guard case .dict(let top) = root else { throw FormatError(file: label, reason: "top-level object is not a dict") }
        var dict = top
        if !top.items.contains(where: { if case .tensor = $0.value { return true } else { return false } }) {
            for key in ["state_dict", "model"] {
                if let v = top.items.first(where: { if case .string(key) = $0.key { return true } else { return false } }),
                   case .dict(let inner) = v.value {
                    dict = inner
                    break
                }
            }
        }
        var storages = [String: [UInt8]]()
        var out = [(name: String, array: RawArray)]()
        for (k, v) in dict.items {
            guard case .tensor(let t) = v else { continue }
            guard case .string(let name) = k else { throw FormatError(file: label, reason: "state dict key is not a string") }
            let s = t.storage
            if storages[s.key] == nil { storages[s.key] = try load(s.key) }
            let data = storages[s.key] ?? []
            guard let need = checkedByteCount([s.numel], s.dtype), data.count >= need else {
                throw FormatError(file: label, reason: "storage \(s.key) has \(data.count) bytes, fewer than \(s.numel) \(s.dtype.rawValue) elements")
            }
            out.append((name, try materialize(t, storage: data, name: name, label: label)))
        }
        guard !out.isEmpty else { throw FormatError(file: label, reason: "no tensors found in the state dict") }
        return out
    }

    /// Gathers the strided view `t` of `storage` into a C-order array, after checking it stays inside the storage.
    static func materialize(_ t: RestrictedUnpickler.Tensor, storage: [UInt8], name: String, label: String) throws -> RawArray {
        func bad(_ why: String) -> FormatError { FormatError(file: label, reason: "tensor '\(name)': \(why)") }
        let item = t.storage.dtype.itemSize
        guard let n = checkedCount(t.size) else { throw bad("size \(t.size) is negative or too large") }
        guard t.offset >= 0, t.offset <= Int.max / 2, t.stride.allSatisfy({ $0 >= 0 }) else {
            throw bad("bad storage offset \(t.offset) or negative stride \(t.stride)")
        }
        if n == 0 { return RawArray(shape: t.size, dtype: t.storage.dtype, bytes: []) }
        let offset = t.storage.base + t.offset
        var last = offset  // index of the last element touched
        for (d, s) in zip(t.size, t.stride) {
            let (a, o1) = (d - 1).multipliedReportingOverflow(by: s)
            let (b, o2) = last.addingReportingOverflow(a)
            guard !o1, !o2 else { throw bad("strides overflow") }
            last = b
        }
        guard last < t.storage.numel, (last + 1) * item <= storage.count else {
            throw bad("view (offset \(t.offset), size \(t.size), stride \(t.stride)) exceeds its storage of \(t.storage.numel) elements")
        }
        var contiguous = [Int](repeating: 1, count: t.size.count)
        for i in stride(from: t.size.count - 2, through: 0, by: -1) { contiguous[i] = contiguous[i + 1] * t.size[i + 1] }
        let isContiguous = zip(zip(t.size, t.stride), contiguous).allSatisfy { $0.0.0 == 1 || $0.0.1 == $0.1 }
        if isContiguous {
            return RawArray(shape: t.size, dtype: t.storage.dtype, bytes: Array(storage[(offset * item)..<((offset + n) * item)]))
        }
        var bytes = [UInt8](repeating: 0, count: n * item)
        var index = [Int](repeating: 0, count: t.size.count)
        var src = offset
        for k in 0..<n {
            for b in 0..<item { bytes[k * item + b] = storage[src * item + b] }
            var d = t.size.count - 1
            while d >= 0 {
                index[d] += 1
                src += t.stride[d]
                if index[d] < t.size[d] { break }
                src -= t.stride[d] * t.size[d]
                index[d] = 0
                d -= 1
            }
        }
        return RawArray(shape: t.size, dtype: t.storage.dtype, bytes: bytes)
    }
}
