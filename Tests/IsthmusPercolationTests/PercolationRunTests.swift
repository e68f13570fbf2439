import XCTest
import IsthmusReport
@testable import IsthmusPercolation

final class PercolationRunTests: XCTestCase {
    func testSettingsThatCannotRunAreRefused() {
        func refused(_ edit: (inout PercolationRun.Settings) -> Void, _ text: String) {
            var s = PercolationRun.Settings()
            edit(&s)
            XCTAssertThrowsError(try PercolationRun.check(s)) { XCTAssertTrue("\($0)".contains(text), "\($0)") }
        }
        refused({ $0.pValues = [0.2, 1.5] }, "--p values must lie in [0, 1]")
        refused({ $0.size = 2 }, "periodic boxes need --size >= 3")
        refused({ $0.dim = 5; $0.size = 100 }, "do not fit in memory")
        refused({ $0.mode = .paperModel; $0.budget = 5 }, "--budget applies")
        XCTAssertNoThrow(try PercolationRun.check(PercolationRun.Settings()))
    }

    /// Each mode writes its files once, through the folder it is handed, and summarizes what it found.
    func testModesWriteTheirFilesAndSummaries() throws {
        var s = PercolationRun.Settings()
        (s.size, s.trials, s.points) = (8, 3, 5)
        for (mode, files, summary) in [(PercolationRun.Mode.curves, ["result.json", "curves.csv", "curves.svg"], "curves of 1 size(s)"),
                                       (.scan([2]), ["result.json", "scan.csv", "pc_vs_d.svg"], "d=2  p_c")] {
            s.mode = mode
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("isthmus-percolation-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root) }
            var writes = 0
            let text = try PercolationRun.run(s, quiet: true) { body in
                writes += 1
                try body(try RunDirectory(path: root.path, mode: .create))
            }
            XCTAssertEqual(writes, 1)
            XCTAssertTrue(text.hasPrefix(summary), text)
            for f in files { XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent(f).path), "\(mode): \(f)") }
        }
    }
}
