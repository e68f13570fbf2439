import Foundation
import XCTest

/// The real data of `scripts/setup.sh` (MNIST-5k, EfficientNet-Lite0 weights, photos), found in `data/` beside
/// Package.swift whatever the checkout's location.
public enum TestData {
    /// The package root: the nearest folder above this file that holds Package.swift.
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// A new empty folder under the system's temporary directory, named `prefix-<UUID>`.
    public static func scratchFolder(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The absolute path of `data/<relative>`; throws `XCTSkip` naming `scripts/setup.sh` when it is absent.
    public static func path(_ relative: String) throws -> String {
        let path = packageRoot.appendingPathComponent("data").appendingPathComponent(relative).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("data/\(relative) is absent: run `bash scripts/setup.sh` to fetch the pinned data")
        }
        return path
    }
}
