import Foundation
import IsthmusCore
import IsthmusFormats

extension ImagePreprocessing {
    /// Decoded images larger than this many pixels are first shrunk by `DecodedImage.downscaled(maxPixels:)`
    /// (bounds the float copy of a very large photo).
    public static let maxInputPixels = 1 << 24

    /// A decoded image as the input of a model taking `inputShape` [C, H, W] with `normalization`: downscaled to at most
    /// `maxInputPixels`, then `imagenet(_:resize:cropHeight:cropWidth:normalization:)` with the model's channels,
    /// the shorter side resized to `resizeSide(forCrop: max(H, W))` (256 for 224: torchvision Resize(256) +
    /// CenterCrop(224)), a center crop H x W and the model's normalization. [1, C, H, W].
    public static func modelInput(_ image: DecodedImage, inputShape: [Int], normalization: Normalization) -> Tensor {
        precondition(inputShape.count == 3, "model input shape [C, H, W], got \(inputShape)")
        let (H, W) = (inputShape[1], inputShape[2])
        return imagenet(image.downscaled(maxPixels: maxInputPixels), resize: resizeSide(forCrop: max(H, W)),
                        cropHeight: H, cropWidth: W, normalization: normalization)
    }
}

/// Labelled image files decoded on demand: `imagefolder:DIR` (torchvision's `ImageFolder` convention DIR/<class>/<image
/// files>) or `imagelist:FILE.csv` (rows `path,label`, paths relative to the CSV). The file list and labels come from the
/// listing alone; images are decoded and preprocessed (`ImagePreprocessing.modelInput`) when first asked for, and kept in
/// a least-recently-used cache of at most `cacheBytes` bytes. A file that cannot be read or decoded is skipped with a
/// one-line warning naming it, once, and counted in `skipped`.
public final class ImageFolder: @unchecked Sendable {
    /// One image file (absolute or relative to the working directory) and its class index.
    public struct Entry: Equatable, Sendable {
        public var path: String
        public var label: Int
        public init(path: String, label: Int) { self.path = path; self.label = label }
    }

    public let name: String
    public let entries: [Entry]
    /// The label of every entry, in order.
    public let labels: [Int]
    /// Class folder names in sorted order (imagefolder), or empty (imagelist).
    public let classNames: [String]
    /// Labels range over 0..<classes: 1000 when the class folders are ImageNet synset ids, else the folder count
    /// (imagefolder) or the largest label + 1 (imagelist).
    public let classes: Int
    /// Whether labels are the standard ImageNet indices of the folders' synset ids (`ImageNetClasses.indexOfSynset`).
    public let synsetLabels: Bool
    /// A digest of the listing (relative paths, labels and file sizes), for provenance.
    public let listingDigest: String
    public let inputShape: [Int]
    public let normalization: Normalization
    public let cacheBytes: Int
    /// Called once per file that is skipped, with a one-line message naming it.
    public var warn: @Sendable (String) -> Void

    private let lock = NSLock()
    private var cache: [Int: Tensor] = [:]
    private var order: [Int: UInt64] = [:]
    private var clock: UInt64 = 0
    private var bytes = 0
    private var bad: [Int: String] = [:]
    private var hits = 0, misses = 0

    public static let defaultCacheBytes = 256 << 20

    init(name: String, entries: [Entry], classNames: [String], classes: Int, synsetLabels: Bool, root: String,
         inputShape: [Int], normalization: Normalization, cacheBytes: Int) {
        self.name = name; self.entries = entries; labels = entries.map(\.label); self.classNames = classNames; self.classes = classes
        self.synsetLabels = synsetLabels; self.inputShape = inputShape; self.normalization = normalization
        self.cacheBytes = max(0, cacheBytes)
        self.warn = { FileHandle.standardError.write(Data(("warning: " + $0 + "\n").utf8)) }
        var h = FNV1a()
        let prefix = root.hasSuffix("/") ? root : root + "/"
        for e in entries {
            let rel = e.path.hasPrefix(prefix) ? String(e.path.dropFirst(prefix.count)) : e.path
            let size = (try? FileManager.default.attributesOfItem(atPath: e.path))?[.size] as? NSNumber
            h.feed("\(rel)\t\(e.label)\t\(size?.intValue ?? -1)\n")
        }
        listingDigest = String(format: "fnv1a64:%016llx", h.value)
    }

    public var count: Int { entries.count }

    /// The name of class `label`: its ImageNet name (synset folders), its folder name, or the label itself (imagelist).
    public func className(_ label: Int) -> String {
        if synsetLabels { return ImageNetClasses.name(label) }
        return classNames.indices.contains(label) ? classNames[label] : "\(label)"
    }

    /// The folder an `imagefolder:DIR` spec reads: DIR/`split` when that subfolder exists, else DIR/val when no split is
    /// given and DIR has val/, else DIR.
    public static func resolve(_ dir: String, split: String?) -> String {
        func isDir(_ p: String) -> Bool { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: p, isDirectory: &d) && d.boolValue }
        let base = dir.hasSuffix("/") && dir.count > 1 ? String(dir.dropLast()) : dir
        if let s = split { return isDir(base + "/" + s) ? base + "/" + s : base }
        return isDir(base + "/val") ? base + "/val" : base
    }

    /// DIR/<class>/<image files> (PNG/JPEG by extension, hidden files ignored), classes from the sorted folder names;
    /// synset-id folder names (all of them in `ImageNetClasses.synsets`) take their standard ImageNet index.
    /// Throws when DIR cannot be listed, has no class folders, or has no image file.
    public static func folder(_ dir: String, split: String? = nil, inputShape: [Int], normalization: Normalization,
                              cacheBytes: Int = defaultCacheBytes) throws -> ImageFolder {
        let root = resolve(dir, split: split)
        let fm = FileManager.default
        let names: [String]
        do { names = try fm.contentsOfDirectory(atPath: root) } catch {
            throw FormatError(file: root, reason: "cannot list the image folder")
        }
        let classNames = names.filter { n in
            var d: ObjCBool = false
            return !n.hasPrefix(".") && fm.fileExists(atPath: root + "/" + n, isDirectory: &d) && d.boolValue
        }.sorted()
        guard !classNames.isEmpty else {
            throw FormatError(file: root, reason: "no class folders (expected DIR/<class>/<image files>, as torchvision's ImageFolder)")
        }
        let synsets = classNames.allSatisfy { ImageNetClasses.indexOfSynset[$0] != nil }
        var entries: [Entry] = []
        for (k, c) in classNames.enumerated() {
            let label = synsets ? ImageNetClasses.indexOfSynset[c]! : k
            let files = ((try? fm.contentsOfDirectory(atPath: root + "/" + c)) ?? []).filter {
                !$0.hasPrefix(".") && PhotoSet.extensions.contains(($0 as NSString).pathExtension.lowercased())
            }.sorted()
            entries += files.map { Entry(path: root + "/" + c + "/" + $0, label: label) }
        }
        guard !entries.isEmpty else { throw FormatError(file: root, reason: "no .png/.jpg/.jpeg files in the class folders") }
        return ImageFolder(name: "imagefolder", entries: entries, classNames: classNames,
                           classes: synsets ? ImageNetClasses.synsets.count : classNames.count, synsetLabels: synsets, root: root,
                           inputShape: inputShape, normalization: normalization, cacheBytes: cacheBytes)
    }

    /// A CSV of rows `path,label` (paths relative to the CSV's folder unless absolute; an optional first row
    /// `path,label`; blank lines ignored). The label is the last comma-separated field, a non-negative integer.
    /// Throws, naming the line, on a row without a path or with a bad label, or when the file has no rows.
    public static func list(_ csv: String, inputShape: [Int], normalization: Normalization,
                            cacheBytes: Int = defaultCacheBytes) throws -> ImageFolder {
        guard let data = FileManager.default.contents(atPath: csv), let text = String(data: data, encoding: .utf8) else {
            throw FormatError(file: csv, reason: "cannot read the image list (UTF-8 CSV of rows path,label)")
        }
        let base = (csv as NSString).deletingLastPathComponent
        var entries: [Entry] = []
        for (n, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = String(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if entries.isEmpty && n == 0 && line.lowercased().replacingOccurrences(of: " ", with: "") == "path,label" { continue }
            guard let comma = line.lastIndex(of: ",") else {
                throw FormatError(file: csv, reason: "line \(n + 1): expected path,label, got '\(line)'")
            }
            let path = String(line[..<comma]).trimmingCharacters(in: .whitespaces)
            let field = line[line.index(after: comma)...].trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { throw FormatError(file: csv, reason: "line \(n + 1): empty path") }
            guard let label = Int(field), label >= 0 else {
                throw FormatError(file: csv, reason: "line \(n + 1): label '\(field)' is not a non-negative integer")
            }
            entries.append(Entry(path: path.hasPrefix("/") || base.isEmpty ? path : base + "/" + path, label: label))
        }
        guard !entries.isEmpty else { throw FormatError(file: csv, reason: "no rows (expected path,label)") }
        return ImageFolder(name: "imagelist", entries: entries, classNames: [], classes: entries.map(\.label).max()! + 1,
                           synsetLabels: false, root: base, inputShape: inputShape, normalization: normalization, cacheBytes: cacheBytes)
    }

    /// Image `i` as [1, C, H, W] (preprocessed for the model), or nil when its file cannot be read or decoded
    /// (warned once and counted in `skipped`).
    public func image(_ i: Int) -> Tensor? {
        lock.lock()
        if let t = cache[i] { clock += 1; order[i] = clock; hits += 1; lock.unlock(); return t }
        if bad[i] != nil { lock.unlock(); return nil }
        misses += 1
        lock.unlock()
        let path = entries[i].path
        let decoded: DecodedImage
        do { decoded = try ImageDecode.read(path) } catch {
            let reason = (error as? FormatError)?.reason ?? "\(error)"
            lock.lock()
            let first = bad[i] == nil
            bad[i] = reason
            lock.unlock()
            if first { warn("skipping \(path): cannot decode image: \(reason)") }
            return nil
        }
        let t = ImagePreprocessing.modelInput(decoded, inputShape: inputShape, normalization: normalization)
        store(i, t)
        return t
    }

    private func store(_ i: Int, _ t: Tensor) {
        let size = t.count * MemoryLayout<Float>.stride
        lock.lock(); defer { lock.unlock() }
        guard size <= cacheBytes, cache[i] == nil else { return }
        while bytes + size > cacheBytes, let oldest = order.min(by: { $0.value < $1.value })?.key {
            bytes -= cache.removeValue(forKey: oldest)!.count * MemoryLayout<Float>.stride
            order[oldest] = nil
        }
        clock += 1
        cache[i] = t; order[i] = clock; bytes += size
    }

    /// Bytes of preprocessed images held in the cache now (at most `cacheBytes`).
    public var cachedBytes: Int { lock.lock(); defer { lock.unlock() }; return bytes }
    /// Cache hits and misses so far.
    public var cacheStats: (hits: Int, misses: Int) { lock.lock(); defer { lock.unlock() }; return (hits, misses) }
    /// The files skipped so far (unreadable or corrupt), by entry index, with the reason.
    public var skipped: [Int: String] { lock.lock(); defer { lock.unlock() }; return bad }
    /// The paths of the skipped files, sorted.
    public var skippedPaths: [String] { skipped.keys.map { entries[$0].path }.sorted() }

    /// Every readable image of `indices` (default all) as an in-memory `Dataset` with their labels, in order;
    /// unreadable ones are skipped (see `skipped`). Returns the data set and the entry index of each of its rows.
    /// Holds all of them in memory: for folders that fit.
    public func dataset(_ indices: [Int]? = nil) throws -> (data: Dataset, entries: [Int]) {
        var kept: [Int] = [], rows: [Tensor] = []
        for i in indices ?? Array(entries.indices) {
            if let t = image(i) { kept.append(i); rows.append(t) }
        }
        guard !kept.isEmpty else { throw FormatError(file: name, reason: "none of the \(count) images could be decoded") }
        let images = Tensor(uninitialized: [kept.count] + inputShape)
        let p = images.mutableData, n = inputShape.reduce(1, *)
        for (k, t) in rows.enumerated() { let s = t.scalars; for j in 0..<n { p[k * n + j] = s[j] } }
        return (Dataset(name: name, images: images, labels: kept.map { entries[$0].label }, classes: classes, normalization: normalization), kept)
    }
}
