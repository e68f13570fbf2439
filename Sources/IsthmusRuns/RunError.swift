import Foundation

/// Bad input found while resolving a model, a data set or a run folder: one line for the user.
public struct RunError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ message: String) { description = message }
}

/// Writes a line to stderr (progress and notes; stdout is for results).
public func note(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}
