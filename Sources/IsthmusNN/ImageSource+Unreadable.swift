import Foundation

/// The unreadable images of an image-folder source: those it met plus `replaced` (planned endpoints that units
/// replaced, possibly in other sessions or shards), as sorted paths; nil for in-memory sources.
public func unreadableFiles(_ data: any ImageSource, replaced: [Int] = []) -> [String]? {
    guard let folder = data as? ImageFolder else { return nil }
    return Array(Set(folder.skippedPaths + replaced.map { folder.entries[$0].path })).sorted()
}

/// `unreadableFiles`, with one line on stderr when there are any.
public func noteUnreadableFiles(_ data: any ImageSource, replaced: [Int] = []) -> [String]? {
    let files = unreadableFiles(data, replaced: replaced)
    if let files, !files.isEmpty {
        FileHandle.standardError.write(Data("\(data.name): skipped \(files.count) of \(data.count) images that could not be decoded\n".utf8))
    }
    return files
}
