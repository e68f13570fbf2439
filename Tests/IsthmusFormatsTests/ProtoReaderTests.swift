import Foundation
import XCTest
@testable import IsthmusFormats

final class ProtoReaderTests: XCTestCase {
    func testRoundTripsEveryWireType() throws {
        var w = ProtoWriter()
        w.int(1, 150)
        w.int(2, -3)
        w.float(3, 2.5)
        w.string(4, "héllo")
        w.packedInts(5, [1, 300, -1, Int64.max])
        w.packedFloats(6, [0.5, -1])
        w.message(7) { $0.int(1, 42) }
        let bytes = w.bytes
        XCTAssertEqual(Array(bytes.prefix(3)), [0x08, 0x96, 0x01])  // the protobuf docs' example: field 1 = 150
        var r = ProtoReader(bytes, label: "t")
        var seen = [Int]()
        while let f = try r.next() {
            seen.append(f.number)
            switch f.number {
            case 1: XCTAssertEqual(try r.int64(f), 150)
            case 2: XCTAssertEqual(try r.int64(f), -3)
            case 3: XCTAssertEqual(try r.float(f), 2.5)
            case 4: XCTAssertEqual(try r.string(f), "héllo")
            case 5:
                var v = [Int64](); try r.appendInt64s(f, to: &v)
                XCTAssertEqual(v, [1, 300, -1, Int64.max])
            case 6:
                var v = [Float](); try r.appendFloats(f, to: &v)
                XCTAssertEqual(v, [0.5, -1])
            case 7:
                var sub = try r.message(f)
                let g = try XCTUnwrap(sub.next())
                XCTAssertEqual(try sub.int64(g), 42)
                XCTAssertNil(try sub.next())
            default: XCTFail("field \(f.number)")
            }
        }
        XCTAssertEqual(seen, [1, 2, 3, 4, 5, 6, 7])
    }

    func testMalformedInputThrows() {
        func fields(_ b: [UInt8]) throws -> Int {
            var r = ProtoReader(b, label: "bad")
            var n = 0
            while try r.next() != nil { n += 1 }
            return n
        }
        assertFormatError(try fields([0x08]), "varint cut off")
        assertFormatError(try fields([0x08] + [UInt8](repeating: 0xff, count: 10) + [0x01]), "varint over 10 bytes")
        assertFormatError(try fields([0x0a, 0x05, 1, 2]), "length past the end")
        assertFormatError(try fields([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), "huge length")
        assertFormatError(try fields([0x0b]), "group wire type")
        assertFormatError(try fields([0x00, 0x00]), "field number 0")
        assertFormatError(try fields([0x0d, 1, 2]), "fixed32 cut off")
        var w = ProtoWriter()
        w.bytes(1, [1, 2, 3])
        var r = ProtoReader(w.bytes, label: "bad")
        let f = try! r.next()!
        var floats = [Float]()
        assertFormatError(try r.appendFloats(f, to: &floats), "3 bytes of packed floats")
        assertFormatError(try r.int64(f), "bytes read as a varint")
    }

    func testEveryTruncationOfAMessageFailsCleanly() throws {
        var w = ProtoWriter()
        w.message(1) { $0.string(2, "abc"); $0.packedInts(3, [5, 1 << 40]) }
        w.float(2, 1)
        let full = w.bytes
        for n in 0..<full.count {
            var r = ProtoReader(Array(full.prefix(n)), label: "cut")
            do {
                while let f = try r.next() {
                    if f.number == 1 { var s = try r.message(f); while try s.next() != nil {} }
                }
            } catch is FormatError {}
        }
    }
}
