import Foundation

/// The unreadable images of an image-folder source: those it met plus `replaced` (planned endpoints that units
/// replaced, possibly in other sessions or shards), as sorted paths; nil for in-memory sources.
public func unreadableFiles(_ data: any ImageSource, replaced: [Int] = []) -> [String]? {
    guard let folder = data as? ImageFolder else { return nil }
    return Array(Set(folder.skippedPaths + replaced.map { folder.entries[$0].path })).sorted()
}
