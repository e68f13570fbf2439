import XCTest
import IsthmusUtilities

/// Deterministic uniform values in [-1, 1) (SplitMix64).
struct TestRNG {
    var base: SplitMix64
    init(_ seed: UInt64) { base = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { base.next() }
    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
    mutating func array(_ n: Int) -> [Float] { (0..<n).map { _ in uniform() } }
}

/// max |a - b| relative to max |b|.
func relError(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    var diff: Float = 0, scale: Float = 1e-12
    for i in a.indices {
        if a[i].isNaN || b[i].isNaN { return .infinity }
        diff = max(diff, abs(a[i] - b[i])); scale = max(scale, abs(b[i]))
    }
    return diff / scale
}

func assertClose(_ a: [Float], _ b: [Float], rtol: Float = 1e-4, _ message: @autoclosure () -> String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    let e = relError(a, b)
    XCTAssertLessThanOrEqual(e, rtol, "relative error \(e) \(message())", file: file, line: line)
}

func assertClose(_ a: [Double], _ b: [Double], rtol: Double, _ message: @autoclosure () -> String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    var diff = 0.0, scale = 1e-12
    for i in a.indices { diff = max(diff, abs(a[i] - b[i])); scale = max(scale, abs(b[i])) }
    XCTAssertLessThanOrEqual(diff / scale, rtol, "relative error \(diff / scale) \(message())", file: file, line: line)
}
