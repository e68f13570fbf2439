import Foundation
import XCTest
@testable import IsthmusFormats

/// Asserts `body` either succeeds or throws a one-line `FormatError`; anything else (another error type) fails.
func assertParsesOrFormatError<T>(_ body: @autoclosure () throws -> T, _ message: String = "",
                                  file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
    } catch let e as FormatError {
        XCTAssertFalse(e.description.contains("\n"), message, file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error) \(message)", file: file, line: line)
    }
}

/// Asserts `body` throws a `FormatError` whose description contains `text` (any description if `text` is empty).
func assertFormatError<T>(_ body: @autoclosure () throws -> T, contains text: String,
                          file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected a FormatError containing '\(text)'", file: file, line: line)
    } catch let e as FormatError {
        XCTAssertTrue(text.isEmpty || e.description.contains(text), "'\(e.description)' lacks '\(text)'", file: file, line: line)
        XCTAssertFalse(e.description.contains("\n"), file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}

/// npy bytes with a raw header (version 1, 2 or 3) and data.
func npyBytes(_ header: String, data: [UInt8] = [], version: UInt8 = 1) -> [UInt8] {
    let h = Array(header.utf8)
    let len: [UInt8] = version == 1 ? [UInt8(h.count & 0xFF), UInt8(h.count >> 8)]
                                    : withUnsafeBytes(of: UInt32(h.count).littleEndian) { Array($0) }
    return Npy.magic + [version, 0] + len + h + data
}

func npyHeader(_ descr: String, _ shape: String) -> String {
    "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
}

/// safetensors bytes with a raw JSON header and a zero buffer.
func safetensorsBytes(_ json: String, buffer: Int) -> [UInt8] {
    let h = Array(json.utf8)
    return le64(UInt64(h.count)) + h + [UInt8](repeating: 0, count: buffer)
}

func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

/// Pickle opcodes used to build hostile pickles.
enum Op {
    static let proto: [UInt8] = [0x80, 0x02], stop: UInt8 = 0x2E, mark: UInt8 = 0x28, none: UInt8 = 0x4E
    static let emptyTuple: UInt8 = 0x29, emptyList: UInt8 = 0x5D, emptyDict: UInt8 = 0x7D
    static let tuple2: UInt8 = 0x86, append: UInt8 = 0x61, setitem: UInt8 = 0x73, memoize: UInt8 = 0x94
    static func binput(_ k: UInt8) -> [UInt8] { [0x71, k] }
    static func binget(_ k: UInt8) -> [UInt8] { [0x68, k] }
    static func short(_ s: String) -> [UInt8] { [0x8C, UInt8(s.utf8.count)] + Array(s.utf8) }
    static func binint2(_ v: UInt16) -> [UInt8] { [0x4D, UInt8(v & 0xFF), UInt8(v >> 8)] }
}

final class FuzzCorpusTests: XCTestCase {
    /// Every input the fuzzer kept (see `FuzzFindings`) parses or fails cleanly.
    func testFuzzFindings() {
        for (k, s) in FuzzFindings.npy.enumerated() { assertParsesOrFormatError(try Npy.decode(bytes: FuzzFindings.bytes(s)), "npy #\(k)") }
        for (k, s) in FuzzFindings.safetensors.enumerated() {
            assertParsesOrFormatError(try Safetensors.decode(bytes: FuzzFindings.bytes(s)), "safetensors #\(k)")
        }
        for (k, s) in FuzzFindings.idx.enumerated() { assertParsesOrFormatError(try IDX.decode(bytes: FuzzFindings.bytes(s)), "idx #\(k)") }
        for (k, s) in FuzzFindings.torch.enumerated() {
            assertParsesOrFormatError(try TorchCheckpoint.decode(bytes: FuzzFindings.bytes(s)), "torch #\(k)")
        }
        for (k, s) in FuzzFindings.image.enumerated() {
            assertParsesOrFormatError(try ImageDecode.decode(bytes: FuzzFindings.bytes(s)), "image #\(k)")
        }
        for (k, s) in FuzzFindings.csv.enumerated() { assertParsesOrFormatError(try MNIST5k.decode(bytes: FuzzFindings.bytes(s)), "csv #\(k)") }
        for (k, s) in FuzzFindings.onnx.enumerated() {
            assertParsesOrFormatError(try ONNXModelProto.decode(bytes: FuzzFindings.bytes(s)), "onnx #\(k)")
        }
    }

    func testHugeDeclaredSizes() {
        assertFormatError(try Safetensors.decode(bytes: le64(1 << 63) + Array("{}".utf8)), contains: "header length 9223372036854775808 exceeds")
        assertFormatError(try Safetensors.decode(bytes: le64(3) + Array("{}".utf8)), contains: "exceeds the 2 bytes")
        assertFormatError(try Npy.decode(bytes: npyBytes(npyHeader("<f4", "(1099511627776, 1099511627776)"))), contains: "too large")
        assertFormatError(try Npy.decode(bytes: Npy.magic + [2, 0] + le32(.max) + [0x7B]), contains: "header length 4294967295 exceeds")
        assertFormatError(try Npy.decode(bytes: Npy.magic + [1, 0, 0xFF, 0xFF, 0x7B]), contains: "truncated")
        assertFormatError(try IDX.decode(bytes: be32(0x803) + be32(.max) + be32(.max) + be32(.max) + [1, 2, 3]), contains: "too many")
        assertFormatError(try IDX.decode(bytes: be32(0x801) + be32(.max) + [1, 2, 3]), contains: "4294967295")
        assertFormatError(try CIFAR10.decode(bytes: [UInt8](repeating: 10, count: 3073)), contains: "label 10")
        // A 349-byte JPEG whose frame header claims 20336x29801 pixels (found by the fuzzer: it allocated 606 MB).
        var jpeg = Golden.jpegPillowGray
        let sof = (0..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 }!
        jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0x74, 0x69, 0x4F, 0x70])
        assertFormatError(try ImageDecode.decode(bytes: jpeg), contains: "20336x29801 image has more than 178956970 pixels")
        // Under the pixel limit, the same file still cannot code that many pixels.
        jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0x27, 0x10, 0x27, 0x10])
        assertFormatError(try ImageDecode.decode(bytes: jpeg), contains: "10000x10000 image cannot be coded in 349 bytes")
    }

    /// Shape products and byte counts that overflow Int are refused before any arithmetic traps.
    func testOverflowingShapes() {
        for (descr, shape) in [("<f8", "(4294967296, 4294967296)"), ("<f4", "(3037000500, 3037000500)"), ("<f8", "(2305843009213693952,)"),
                               ("|u1", "(2097152, 2097152, 2097152)"), ("<i8", "(0, 9223372036854775807, 2)")] {
            assertParsesOrFormatError(try Npy.decode(bytes: npyBytes(npyHeader(descr, shape))), "\(descr) \(shape)")
        }
        assertFormatError(try Npy.decode(bytes: npyBytes(npyHeader("<f8", "(2305843009213693952,)"))), contains: "too large")
        // A zero dimension makes the array empty whatever the others are.
        XCTAssertEqual(try Npy.decode(bytes: npyBytes(npyHeader("<f4", "(0, 1099511627776)"))).bytes, [])
        for shape in ["[4294967296,4294967296]", "[2305843009213693952]", "[2097152,2097152,2097152]"] {
            assertFormatError(try Safetensors.decode(bytes: safetensorsBytes(#"{"a":{"dtype":"F64","shape":\#(shape),"data_offsets":[0,8]}}"#, buffer: 8)),
                              contains: "too large")
        }
        assertFormatError(try IDX.decode(bytes: be32(0x803) + be32(1 << 31) + be32(1 << 31) + be32(4)), contains: "too many")
    }

    func testWrongMagicAndDtype() {
        var npy = Golden.npyF4
        npy[5] = 0x58
        assertFormatError(try Npy.decode(bytes: npy), contains: "bad magic")
        for d in ["<U4", "|O", "<c16", "<M8[ns]", "", "<f4'"] {
            assertFormatError(try Npy.decode(bytes: npyBytes(npyHeader(d, "(1,)"), data: [0, 0, 0, 0])), contains: "")
        }
        assertFormatError(try Npy.decode(bytes: npyBytes("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", data: [0, 0, 0, 0])),
                          contains: "bad npy header")
        assertFormatError(try Npy.decode(bytes: npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': [1], }", data: [0, 0, 0, 0])),
                          contains: "bad npy header")
        assertFormatError(try Npy.decode(bytes: npyBytes(npyHeader("<f4", "(1,)"), data: [0, 0, 0, 0], version: 3) + [0xFF]),
                          contains: "data bytes")
        var latin = npyBytes(npyHeader("<f4", "(1,)"), data: [0, 0, 0, 0], version: 3)
        latin[12 + 2] = 0xFF
        assertFormatError(try Npy.decode(bytes: latin), contains: "header is not text")
        for dt in ["F8_E4M3", "C64", "f32", "U16", ""] {
            assertFormatError(try Safetensors.decode(bytes: safetensorsBytes(#"{"a":{"dtype":"\#(dt)","shape":[1],"data_offsets":[0,1]}}"#, buffer: 1)),
                              contains: "unsupported dtype")
        }
        for magic: UInt32 in [0x903, 0x0D03, 0x804, 0x800, 0x0103, 0x0108_0803] {
            assertFormatError(try IDX.decode(bytes: be32(magic) + be32(1) + be32(1) + be32(1) + [0]), contains: "bad magic")
        }
        assertFormatError(try TorchCheckpoint.decode(bytes: Array("PK\u{3}\u{4}not really a zip, just some text".utf8)), contains: "not a ZIP archive")
        assertFormatError(try ImageDecode.decode(bytes: Array("GIF89a".utf8)), contains: "unrecognised magic")
    }

    func testAbsurdOffsets() {
        for off in ["[0,9000000000000000000]", "[-8,0]", "[8,0]", "[9223372036854775807,9223372036854775807]", "[0,8,16]", "[0]",
                    "[0.5,8.5]", "[true,8]", "[\"0\",8]", "[1e300,1e300]"] {
            assertFormatError(try Safetensors.decode(bytes: safetensorsBytes(#"{"a":{"dtype":"F64","shape":[1],"data_offsets":\#(off)}}"#, buffer: 8)),
                              contains: "tensor 'a'")
        }
        // Deeply nested JSON is refused by the parser (or yields a non-object), never a stack overflow.
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        assertFormatError(try Safetensors.decode(bytes: safetensorsBytes(deep, buffer: 0)), contains: "")
        let deepObject = #"{"__metadata__":"# + String(repeating: #"{"a":"#, count: 50_000) + "1" + String(repeating: "}", count: 50_001)
        assertFormatError(try Safetensors.decode(bytes: safetensorsBytes(deepObject, buffer: 0)), contains: "")
    }

    func testTruncatedZipCentralDirectory() {
        let good = Golden.deflatedPth
        let eocd = good.count - 22
        XCTAssertEqual(Array(good[eocd..<(eocd + 4)]), [0x50, 0x4B, 0x05, 0x06])
        func le32at(_ b: [UInt8], _ o: Int) -> Int { Int(b[o]) | Int(b[o + 1]) << 8 | Int(b[o + 2]) << 16 | Int(b[o + 3]) << 24 }
        let cdSize = le32at(good, eocd + 12), cdOffset = le32at(good, eocd + 16)
        XCTAssertEqual(cdOffset + cdSize, eocd)
        // The directory cut short (the end record kept): refused while the declared directory overruns the file; once
        // it fits, the entries that remain parse and a missing storage is reported by name.
        for k in stride(from: 0, to: cdSize, by: 3) {
            let cut = Array(good[..<(cdOffset + k)]) + Array(good[eocd...])
            if k < cdSize - 22 { assertFormatError(try TorchCheckpoint.decode(bytes: cut), contains: "lies outside") }
            else { assertParsesOrFormatError(try TorchCheckpoint.decode(bytes: cut), "cut at \(k)") }
        }
        func patched(_ at: Int, _ bytes: [UInt8]) -> [UInt8] {
            var b = good
            b.replaceSubrange(at..<(at + bytes.count), with: bytes)
            return b
        }
        assertFormatError(try TorchCheckpoint.decode(bytes: patched(eocd + 10, [0xFF, 0xFF])), contains: "zip64")
        assertFormatError(try TorchCheckpoint.decode(bytes: patched(eocd + 10, [0xFF, 0x7F])), contains: "entries cannot fit")
        assertFormatError(try TorchCheckpoint.decode(bytes: patched(eocd + 12, le32(0xFFFF_FFFE))), contains: "lies outside")
        assertFormatError(try TorchCheckpoint.decode(bytes: patched(eocd + 16, le32(0xFFFF_FFFE))), contains: "lies outside")
        assertFormatError(try TorchCheckpoint.decode(bytes: patched(eocd + 12, le32(UInt32(cdSize - 40)))), contains: "")
        // First central entry (data.pkl): absurd local header offset, compressed size and size.
        assertFormatError(try TorchCheckpoint.decode(bytes: patched(cdOffset + 42, le32(0x7FFF_FFFF))), contains: "local header")
        assertFormatError(try TorchCheckpoint.decode(bytes: patched(cdOffset + 20, le32(0x7FFF_FFFF))), contains: "data of archive/data.pkl")
        assertFormatError(try TorchCheckpoint.decode(bytes: patched(cdOffset + 24, le32(0xFFFF_FFF0))), contains: "limit")
        assertFormatError(try TorchCheckpoint.decode(bytes: patched(cdOffset + 24, le32(10))), contains: "")
        assertFormatError(try TorchCheckpoint.decode(bytes: patched(cdOffset + 10, [99, 0])), contains: "compression method 99")
        assertFormatError(try TorchCheckpoint.decode(bytes: patched(cdOffset + 28, [0xFF, 0xFF])), contains: "")
        // A zip64 end record pointing past the locator.
        let zip64 = Golden.ckptPth
        let loc = zip64.count - 22 - 20
        XCTAssertEqual(Array(zip64[loc..<(loc + 4)]), [0x50, 0x4B, 0x06, 0x07])
        var b = zip64
        b.replaceSubrange((b.count - 22 + 10)..<(b.count - 22 + 12), with: [0xFF, 0xFF])
        b.replaceSubrange((loc + 8)..<(loc + 16), with: le64(UInt64.max))
        assertFormatError(try TorchCheckpoint.decode(bytes: b), contains: "zip64")
    }

    func unpickle(_ body: [UInt8]) throws {
        var u = RestrictedUnpickler(data: Op.proto + body, label: "hostile.pkl")
        _ = try u.load()
    }

    func testPickleAbuse() {
        // Dicts nested 100 deep through the memo.
        var p = [Op.emptyDict] + Op.binput(0)
        for _ in 0..<100 { p += [Op.emptyDict] + Op.short("k") + Op.binget(0) + [Op.setitem] + Op.binput(0) }
        assertFormatError(try unpickle(p + [Op.stop]), contains: "nested more than 64 deep")
        // A dict changed after it was placed in a list (memo keeps a reference): refused, so no cycle can form.
        p = [Op.emptyDict] + Op.binput(0) + [Op.emptyList] + Op.binget(0) + [Op.append] + Op.binget(0) + Op.short("k") + [Op.none, Op.setitem]
        assertFormatError(try unpickle(p + [Op.stop]), contains: "SETITEM on a non-dict")
        // Huge string lengths.
        assertFormatError(try unpickle([0x58] + le32(.max) + [Op.stop]), contains: "too long")
        assertFormatError(try unpickle([0x8D] + le64(.max) + [Op.stop]), contains: "length field too large")
        assertFormatError(try unpickle([0x8D] + le64(1 << 62) + [Op.stop]), contains: "too long")
        assertFormatError(try unpickle([0x58] + le32(100) + Array("short".utf8)), contains: "truncated")
        assertFormatError(try unpickle([0x8A, 0xFF] + [UInt8](repeating: 1, count: 255) + [Op.stop]), contains: "too large")
        // Memo abuse: missing keys, huge keys, MEMOIZE with an empty stack.
        assertFormatError(try unpickle(Op.binget(7) + [Op.stop]), contains: "memo key 7 not found")
        assertFormatError(try unpickle([0x6A] + le32(.max) + [Op.stop]), contains: "not found")
        assertFormatError(try unpickle([Op.memoize, Op.stop]), contains: "empty stack")
        assertParsesOrFormatError(try unpickle([Op.none, 0x72] + le32(.max) + [0x6A] + le32(.max) + [0x85, Op.stop]))
        // Marks and stack floods.
        assertFormatError(try unpickle([UInt8](repeating: Op.mark, count: 100_000) + [Op.stop]), contains: "malformed stack")
        assertFormatError(try unpickle([UInt8](repeating: Op.none, count: (1 << 20) + 1) + [Op.stop]), contains: "stack or memo too large")
        assertFormatError(try unpickle([Op.mark, Op.none, 0x74, 0x74, Op.stop]), contains: "missing MARK")
        assertFormatError(try unpickle([Op.none, Op.mark, 0x85, Op.stop]), contains: "underflow")
        // Persistent ids that lie about their storage.
        let storage = Op.short("storage") + [0x63] + Array("torch\nFloatStorage\n".utf8) + Op.short("0") + Op.short("cpu")
        assertFormatError(try unpickle([Op.mark] + storage + [0x8A, 0x08] + le64(.max) + [0x74, 0x51, Op.stop]), contains: "negative storage size")
        assertFormatError(try unpickle([Op.mark] + storage + Op.binint2(4) + [Op.mark] + Op.short("v") + Op.binint2(3) + Op.binint2(2)
                                       + [0x74, 0x74, 0x51, Op.stop]), contains: "storage view outside")
    }

    /// A memoized tuple reused twice per level: 2^60 leaves in 60 levels. The legacy reader walks the object to
    /// find storages; it must refuse the blow-up instead of walking it.
    func testLegacyPickleSharedTupleBomb() {
        var root = [Op.emptyTuple]
        for _ in 0..<60 { root += Op.binput(0) + Op.binget(0) + [Op.tuple2] }
        let pickles: [[UInt8]] = [
            Op.proto + Op.binint2(1001) + [Op.stop],
            Op.proto + [Op.emptyDict] + Op.short("little_endian") + [0x88, Op.setitem, Op.stop],
            Op.proto + root + [Op.stop],
            Op.proto + [Op.emptyList, Op.stop],
        ]
        let bytes = TorchCheckpoint.legacyMagic + pickles.joined()
        let start = Date()
        assertFormatError(try TorchCheckpoint.decode(bytes: bytes, label: "bomb.pth"), contains: "bomb.pth")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
    }

    /// Errors from the file readers name the file they were given.
    func testErrorsNameTheFile() throws {
        let bad: [(String, [UInt8], (String) throws -> Void)] = [
            ("huge.safetensors", le64(1 << 63) + [0x7B, 0x7D], { _ = try Safetensors.read($0) }),
            ("huge.npy", npyBytes(npyHeader("<f4", "(1099511627776, 1099511627776)")), { _ = try Npy.read($0) }),
            ("huge.idx", be32(0x803) + be32(.max) + be32(.max) + be32(.max), { _ = try IDX.read($0) }),
            ("cut.pth", Array(Golden.ckptPth.prefix(1000)), { _ = try TorchCheckpoint.read($0) }),
            ("bad.png", Array(Golden.pngRGB8.prefix(40)), { _ = try ImageDecode.read($0) }),
            ("bad.bin", [1, 2, 3], { _ = try CIFAR10.read($0) }),
            ("bad.csv", Array("1,2,3\n".utf8), { _ = try MNIST5k.read($0) }),
            ("bad.csv.gz", [0x1F, 0x8B, 8, 0, 0, 0], { _ = try MNIST5k.read($0) }),
        ]
        for (name, bytes, read) in bad {
            let path = tempPath(name)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            assertFormatError(try read(path), contains: path + ": ")
        }
        // A folder where a file is expected.
        let dir = tempPath("folder.npy")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        assertFormatError(try Npy.read(dir), contains: dir + ": is a folder, not a file")
        assertFormatError(try Safetensors.read(dir), contains: dir)
        assertFormatError(try TorchCheckpoint.read(dir), contains: dir)
        assertFormatError(try IDX.read(dir), contains: dir)
    }
}

// MARK: - Fuzz findings (generated by Fuzz/embed_corpus.py)

/// Inputs kept by the fuzzer (scripts/fuzz.sh), base64: crashes first, then a coverage-preserving sample.
enum FuzzFindings {
    static func bytes(_ s: String) -> [UInt8] { [UInt8](Data(base64Encoded: s)!) }
    static let npy: [String] = [
        "Tg==",
        "kw==",
        "k05VTVBZAm8=",
        "k05VTVBZICA=",
        "k05VfHVyIAI=",
        "k05VTVBZA3Y=",
        "k04sPCYAAAA=",
        "T3B0aW/MzMw=",
        "kwCKTlUwcjo=",
        "k05VTVBZAZM=",
        "k05VTVBZAQAMbA==",
        "k05VTVBZAXMCAHtA",
        "k05VTVBZAzkAAAAA",
        "k05VTVBZAQABAGVw",
        "k05VTVBZAgCK/5NV",
        "k05VTVBZAQEDACcAcw==",
        "k05VTVBZAXMEAIW/ZnI=",
        "k05VTVBZAzkEAAAA9PT09A==",
        "k05VTVBZAXMIAMzMzAEAAGgA",
        "k05VTVBZAXMIAABsVQDNzc3N",
        "k05VTVBZAXMIAABOVU1QWQEA",
        "k05VTVBZAXMIAAAAAOMAACgA",
        "k05VTVBZAXMIAMzMzMzMzMzM",
        "k05VTVBZAXMJAAAAAAAAAAKTAA==",
        "k05VTVBZAXMOAH3///+/////zMzMzMwA",
        "k05VTVBZAXEOAP//zMzMzMzMzMzMzKBvAg==",
        "k05VTVBZAQAWAHuMY3InOiBmRG91ZXNdcic6ICc6INA=",
        "k05VTVBZAQAjAHsnjGRl/2BzYzEnCgoKCgoKCgogCv//dGZyb2GGigAgCj8C",
        "k05VTVBZAQAlAHsnRUVFRUVFb3JkZXJzACc6IEZhbHNlLCAnc2hhcGUnOiAoNyk=",
        "k05VTVBZAQAlAHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRykwCKYW5fb3JkZXInOk4=",
        "k05VTVBZAQAlAHsnZGVzY3InOiAnPGYyJywgJ2ZvRG91YW5fb3JkZXInOiBGYWwA",
        "k05VTVBZAQAlAHsnZGVzY3InOiAnPGYyJywgJ2Zvcm5fb3Jkcic6IEZhbHNlLCdz",
        "k05VTVBZAQAlAHsnZGVzY3InOiAnSWYyJywgJ29yIHQgcm5hICAgLAB7ZGVzbic6",
        "k05VTVBZAQAlAHsnRUVFRUVFb3JkZXJzACc6IEZhbHNlLCAnc2hhcGUnOiAoMyx2",
        "k05VTVBZAQAmAHsnZGVzJyAoYCwpIP9gX29yMWRyJzInJ2FmcnJhLCnUIH0gLCAg",
        "k05VTVBZAQAnAHtk//99////////////////////////////v///e2T/////8P9tUA==",
        "k05VTVBZAQAlAHsnZGVzY3InOiAnPGYyJywgJ2Zvcm5fb3JkZXInOiBGYWxzZbgAAA==",
        "k05VTVBZAQAnAHtk////////////////////////////////////PHNjJ1VNZGVzYw==",
        "k05VTVBZAQAnAP//+v8j//////+FhYWFhYWFhYWFhYWFhYWFhY2FhYWFhf////9zYw==",
        "k05VTVBZAQAlAHsnZGVzY3InOiAnPGYyJywgJ2Zvcm5fb3JkZXInOiBGYWxzZSxlJ3M=",
        "k05VTVBZAQAlAHsnRUVFRUVFb3JkZTcnOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDFuIJM=",
        "k05VTVBZAQAqAHsnLCAnZm+TTv//k05VTVBZIP8g////////////////////B/9GYWxzIA==",
        "k05VTVBZAQAxAAkA5ScCAAAAAAAAAAAAAAAAXgAAAAAAADogKDAgICAgICAgIAAnAAAgICAgICAKAQI=",
        "k05VTVBZAQAxAHsnZGVzY3BlJzogKDIsIDEpLCB9ICAAAAAAAAAAICAgICAgICAgICAgICAKCwABAAE=",
        "k05VTVBZAQA2AHsnZGVzY3InOiAnPGYyJywgJ2Zlcic6IEZhbHNlLCInc2hhcGUn//////////8m////////Nw==",
        "k05VTVBZAQA2AHsKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKClVJbgp0DpOTTlVNUFkBAScgIGEgfSA=",
        "k05VTVBZAQAjAHsnjGRlc2MxJwoKCgoKCgoKCgoKCgoKIB1mb3RyYW6hkHJkZXInOiD/////noaKnYyLcmkAAAAAAAAgCgEC",
        "k05VTVBZAQBAAHsnZGVzY3InOiAnPHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDEsICl9ICAgICAgICAgIAI=",
        "k05VTVBZAQpJAHsnZGVzY3InOiAnfHUxJwoKCgonc2hhcGUnOiAoMywgNzAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMP///yj//////wI=",
        "k05VTVBZAQBWAHsnZGUzY3InOiAnfGIxJywgJ2ZvT3B0aW9ydHJhbic6IEZhbHNlLCAnc2gjcGUnOiAoMywpLCB9ICAgICAgICAgICAgkyABRmxOVU1QWW8BAGEADGwB",
        "k05VTVBZAQBdAHt9AAAAJ2Q0ZXNjIEZhbGUsICwgMSksIH0gICggICAgIAH/ICAgIP+LLyB9ICAgICAgIJNOVU1QWQEAdgB7J1kBAHYnZXtkOiAnfGIxICBJbnQgICAgICgAIJNOVQ==",
        "k05VTVBZAQBdAHsnZGBzk05VMCcKCgr/////////Cf//SW50CgoKCgouAI5mb3J0cmFuX21BcnJheXJkJzog////AAAoAP8wMDAyMDc3Mzc5TbCwAQAwMDAwMDAgMDAwMDD/////AA==",
        "k05VTVBZAQBWAHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgPwAAAEAAACBA",
        "k05VTVBZAQBWAHsnZGVzY3InOiAnPGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDEsIDcpfSAgIEZsb2EgICAgICAgICAgICD/iyAgICAgICDg39/f39/f4yAKAQI=",
        "k05VTVBZAQBWAHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDEsIDcpfSAgIEZsb2EgICAgICAgICAgICD/iyAgICAgICDg39/f39/f4yAKAQI=",
        "k05VTVBZAQByAHsnZGVzY3InOiAoMywpLCB9ICAgOiAnPGYyJywgZSc6ICgyLCksIH0gICAgICAgIHogICAgICAgICAgOyAgICAgICAKADwAMAAAAAAAAAC4Y3IneiAgICAgICAgICAgICAgICAgICAKADwAuGNyJzoAAA==",
        "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoI3BlJzogKDMsKSy4IH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAE=",
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGYxJywgJyc6ICc8ZjInLCAnJzogJzxmMicsICdydHJhbl9vcic6ICc8ZicsICdmb3J0cmFuX29yJzogJzxmMicsICcnOiAnPDInLCAnJzonPGYyJywgJ2Zvcic6ICc8ZjInLCAnZm8gICA=",
        "k05VTVBZAQB2AHsnZGU6Y3JkZ3Njcic6ICc8ZjInLCAnZm9yY3InOiAnPGYzJywgJ2ZvdHJyDWFuXx9yZGVyJzogRmFsc2UsCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJQ2wJCQkJCQkJCQkJCQkJCQm4AAA=",
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDM0MiwAAAAAAAAAAAAAAJNOVVBUWQEAhAB7J2Qnc2Vzk060TVBZAXM6AAEAAI0AQAAAACcsICdmb3J0kZGRkZGRkZE=",
    ]
    static let safetensors: [String] = [
        "ZQ==",
        "AAAAAAAAAAA=",
        "UAAAAAAAAAA=",
        "cAB0k5fdmWc=",
        "AQAAAAAAAAAi",
        "UAAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJhIjoiYiJ9LCJ4Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOls0XSwiZGFrYV9vZmZzZXRzIjpbMSw4XX19IA==",
        "UAAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJhIjoiYiJ9LCJ4Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOls0XSwiZGFrYV9vZmZzZXRzIjpbMCw4XX19IAAA",
        "UAAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJhIjoiYiJ9LCJ4Ijp7ImR0eXBlIjoiRjM0Iiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbMCw4XX19IAAAAA==",
        "UAAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJhIjoiYiJ9LCJ4Ijp7ImR0eXBlIjoiRjMyIiwic2gycGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbMCw4XX19IAAAAAAA",
        "UAAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJhIjoiYiJ9LCJ4Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOls0XSwiZGF0YV9vZmZzZXRzIjpbMCw4XX19IAAAAAAAAAAA",
        "UAAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJhIjoiYiJ9LCJ4Ijp7ImR0eXBlIjoiRjE2Iiwic2hhcGUiOls0XSwiZGF0YV9vZmZzZXRzIjpbMCw4XX19IAAAAAAAAAAA",
        "UAAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJhIjoiYiJ9LCJ4Ijp7ImR0eXBlIjoiSTMyIiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbMCw4XX19IAAAAAAAAAAA",
        "cAAAAAAAAAB7IngiOnsiZHR5cGUiOiJVOCIsInNoYXBlIjpbMSwyXSwiZGF0YV9vZmZzZXRzIjpbMCwyXX0sInkiOnsiZHR5cGUiOiJCT09MIiwic2hhcGUiOltdLCJkYXxhX29mZnNldHMiOlsyLDNdfX0gICAg",
        "cAAAAAAAAAB7IngiOnsiZHR5cGUiOiJVOCIsInNoYXBlIjpbMSwyXSwiZGF0YV9vZmZzZXRzIjpbMCwyXX0sInkiOnsiZHR5cGUiOiJCT09MIiwic2hhcGUiOltdLCJkYXxhX29mZnNldHMiOlsxLDNdfX0gICAggAAA",
        "cAAAAAAAAAB7IngiOnsiZHR5cGUiOiJVOCIsInNoYXBlIjpbMSwyXSwiZGF0YV9vZmZzZXRzIjpbMCwyXX0sInkiOnsiZHR5cGUiOiJCT09MIiwic2hhcGUiOltdLCJkYXRhX29mZnNldHMiOlsyLDNdfX0gICAgAAAA",
        "cAAAAAAAAAB7IngiOnsiZHR5cGUiOiJVOCIsInNoYXBlIjpbMSwyXSwiZGF0YV9vZmZzZXRzIjpbMCwyXX0sInkiOnsiZHR5cGUiOiJCT09MIiwic2hhcGUiOltdLCJkYXRhX29mZnNldHMiOlszLDNdfX0gICAgAAAA",
        "cAAAAAAAAAB7IngiOnsiZHR5cGUiOiJVOCIsInNoYXBlIjpbMSwyXSwiZGF0YV9vZmZzZXRzIjpbMCwyXX0sInkiOnsiZHR5cGUiOiJCT09MIiwic3xhcGUiOltdLCJkYXRhX29mZnNldHMiOls0LDNdfX0gICAgAAAA",
        "cAAAAAAAAAB7IngiOnsiZHR5cGUiOiJVOCIsInNoYXBlIjpbMSwyXSwiZGF0YV9vZmZzZXRzIjpbMCwyXX0sInkiOnsiZHR5cGUiOltdLCJkYXRhX29mZnMiOltdLCJkYXRhX29mZnNldHMiOlsyLDNdfX0gICAgAAAA",
        "cAAAAAAAAAB7IngiOnsiZHR5cGUiOiJVOCIsInNoYXBlIjpbMSwyXSwiZGF0YV9vZmZzZXRlIjoiQk9PTCIsInNoYXBlIjpbXSwiZGF8YV9vZilzZXRhcGUiOltdLCJkYXRhX29mZnNldHMiOlsyLDNdfX0gICAgAAAA",
        "cAAAAAAAAAB7IngiOnsiZHR5cGUiOiJVOCIsInNoYXBlIjpbMSwyXSwiZGF0YV9vZmZzZXRzIjpbMCwyXX0sIngiOnsiZHR5cGUiOiJCT09MIiwic2hhcGUiOltdLCJkYXRhX29mZnNldHMiOlsyLDNdfX0gICAgAAAA",
        "cAAAAAAAAAB7IngiOnsiZHR5cGUiOiJVOCIsInNoYXBlIjoiVTgiLCJzaGF0YV9vZmZzZXRzIjpbMSwzXX0sInkiOnsiZHR5cGUiOiJCT09MIiwic2hhcGUiOltdLCJkYXRhX29mZnNldHMiOlsyLDNdfX0gICAgAAAA",
        "cAAAAAAAAAB7InR5cGUiOiJGMDgiLCJzaGFwZSI6WzJdLCJkYXRhdGFfXyI6eyJmb3JtYXQiOiJwdE9PTCIsInNoYXBlIjpbXSwiZGF8YV9vZilzZXRhcGUiOltdLCJkYXRhX29mZnNldHMiOlsyLDNdfX0gICAgAAAA",
        "cAAAAAAAAAB7IngiOnsiZHR5cGUiOiJVOCIsInNoYXBlIjpbMSwyXSwiZGF0YV9vZmZzZXRzIjpbMCwyXX0sInkiOnsiZHR5cGUiOiJCT09MIiwic2hhcGUiOltdLCJkYXRhX29mZnNldHMiOls0LDNdfX0gICAgAAAA",
        "cAAAAAAAAAB7IngiOnsiZHR5cGUiOiJVOCIsInNoYXBlIjpbMSwyXSwiZGF0YV9vZmZzZXRzIjpbMSwzXX0sInkiOnsiZHR5cGUiOiJCT09MIiwic2hhcGUiOltdLCJkYXRhX29mZnNldHMiOlsyLDNdfX0gICAgAAAA",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19LCJkIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMjQsMzJdfSwiYiI6eyJkWnlwZSI6IkYzMiIsInNoYXBlIjpbMzIsXSwiZGF0YV9vZmZzZXRzIjpbMzIsNTZdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU1LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzU2LDYwXX0sImgiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MC42NF19fSAgICAgAQA4AMA=",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXlwZSI6IkJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls1Niw2MF19LCJoIjp7ImR0eXBlIjoiRjE2Iiwic2hhcGUiOlsyXSwiZGF0YV9vZmYiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMjQsMzJdfSwiYiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMzIsNTZdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzU3LDYwXX0sImgiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/0AAAMBAgD9AwAA4AMA=",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYTY2NjY2NjY2NjY2NjZ5cGUiOiJGMzIiLCJzaGFwZSI6WzRdLCJkYWs2NjY2cGUiOiJJNjQiLCJzaGFwZSI6WzNdLCJkdHlwZSI6IkYsMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMzIsNTZdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMl0sImRhdGRhdGFfbzBmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBldHMiOls1Niw1Nl19LCJiZiI6eyJkdHlwZSI6IkJGMTYiLCJzaGFwcGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZmNldHMiOls2MSw2NF19fSAgIHRhdGFfb2Zmc2V0cyI6WzAsOF19fSAAAAAAgAAAAA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19LCJkIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMjQsMzJdfSwiYiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMywzXSwiZGF0YV9vZmZzZXRzIjpbMzIsNTZdfSwiZW1wdHkiOnsiZHR5cGUiOiJGNjQiLCJzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbLTJdLCJkYXRhX29mZnNldHMiOls1Niw2MF19LCJiIjp7ImR0eXBlIjoiRjE2Iiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbNjAsNjRdfX0gICAgIAEAAAAAAAAA////AwAAAAAAAAAAAAAAAAAAQAAAQEAAAIBAAACgQAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19LCJkIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMjQsMzJdfSwiYiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMzIsNTZdfSwiZW1wdHkiOnsiZHR5cGUiOiJGNjQiLCJzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzU2LDYwXX0sImIiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAAAAAAAAAAAAAAAAA0D8AAIA/AAAAQAAAQEAAAIBAAACgQAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19LCJkIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbNDksMzJdfSwiYiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMzIsNTZdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzU2LDYwXX0sImgiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAAAAAAAAAAAAAAAAA0D8AAIA/AAAAQAAAQEAAAIBAAACgQAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19LCJkIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMjQsMzJdfSwiYiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMzIsNTZdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzU2LDYwXX0sImgiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQC/AAAAAAD+/////////wMAAAAAAAAAAAAAAAAA0D8AAIA/AAAAQAAAQEAAAAAAQECAoAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzIsM10sImRhdGFfb2Zmc2V0cyI6WzMyLDU2XX0sImVtcHR5Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlswLDNdLCJkYXRhX29mZnNldHMiOls1Niw1Nl19LCJiZiI6eyJkdHlwZSI6IkJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHNzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBldHMiOls1Niw1Nl19LCJiZiI6eyJkdHlwZSI6IkJGMTYiLCJzaGFwcGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAAAAAAAAAAAAAAAAA0D8Ac2hhcGUiOlswLEAAAIBAAACgQAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTMyIiwic2hhcGUiOlszXSwiZHR5cGVkdHlwZSI6IkYzMiIsInNoYXBlIjpbMCwzXSwiZGF0YV9vZmZzZXRzIjpbNTYsNTZdfSwiYmYiOnsiZHR5cGUiOiJCRjE2Iiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzc2hhcGUiOlswLDNdLCJkYXRhX29mZnNldHMiOls1Niw1Nl19LCJiZiI6eyJkdHlwX29mZnNldHNzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBldHMiOls1Niw1Nl19LCJiZiI6eyJkdHlwZSI6IkJGMTYiLCJzaGFwcGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAAAAAAAAAAAAAAAAA0D8Ac2hhcGUiOlswLEAAAIBAAACgQAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzIsNl0sImRhdGFfb2Zmc2V0cyI6WzMyLDU2XX0sImVtcHR5Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlswLDNdLCJkYXRhX29mZnNldHMiOls1Niw1Nl19LCJiZiI6eyJkdHlwZSI6IkJGMTYiLCJzaGFwZXNldHMiOlszMiw1Nl19LCJlbnB0eSI6eyJkdHlwZSI6IkY2NCIsInNoYXBlIjpbMCwzXSwiZGF0YV9vZmZzZXRzIjpbNTYsNTZdfSwiYmYiOnsiZHR5cGUiOiJCRjE2Iiwic2hhcGUiOlstMl0sImRhdGFfb2Zmc2V0cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAZnNldAAAAAAAAAAA0D8Ac2hhcGUiOlswLEAABIBAAACgQAAAwEBdgEDAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzIsM10sImRhdGFfb2Zmc2V0cyI6WzMyLDU2XX0sImVtcHR5Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlswLDNdLCJkYXRhX29mZnNldHMiOls1Niw1Nl19LCJiZiI6eyJkdHlwZSI6IkJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHNzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzU2LDYwXX0sImgiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAAAAAAAAAAAAAAAAA0D8Ac2hhcGUiOlswLEAAAIBAAACgQAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzIsM10sImRhdGFfb2Zmc2V0cyI6WzMyLDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0c3NoYXBlIjpbMCwzXSwiZGF0YV9vZmZzZXRzIjpbNTYsNTZdfSwiYmYiOnsiZHR5cGUiOiJCRjE2Iiwic2hhcGV0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBwZWR0eXBlIjoiQkYxNiIsInNoYXBldHMiOls1Niw1Nl19LCJiZiI6eyJkdHlwZSI6IkJGMTYiLCJzaGFwcGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAAAAAAAAAAAAAAAAA0D8Ac2hhcGUiOlswLEAAAIBAAACgQAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZHR5cGVkdHlwZSI6IkYzMiIsInNoYXBlIjpbMCwzXSwiZGF0YV9vZmZzZXRzIjpbNTYsNTZdfSwiYmYiOnsiZHR5cGUiOiJCRjE2Iiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzc2hhcGUiOlswLDNdLCJkYXRhX29mZnNldHMiOls1Niw1Nl19LCJiZiI6eyJkdHlwX29mZnNldHNzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBldHMiOls1Niw1Nl19LCJiZiI6eyJkdHlwZSI6IkJGMTYiLCJzaGFwcGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAAAAAAAAAAAAAAAAA0D8Ac2hhcGUiOlswLEAAAIBAAACgQAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzIsM10sImRhdGFfb2Zmc2V0cyI6WzMyLDU2XX0sImVtcHR5Ijp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlswLDNdLCJkYXRhX29mZnNldHMiOls1Niw1Nl19LCJiZiI6eyJkdHlwZSI6IkJGMTYiLCJzaGFwZXNldHMiOlszMiw1Nl19LCJlbnB0eSI6eyJkdHlwZSI6IkY2NCIsInNoYXBlIjpbMCwzXSwiZGF0YV9vZmZzZXRzIjpbNTYsNTZdfSwiYmYiOnsiZHR5cGUiOiJCRjE2Iiwic2hhcGUiOlstMl0sImRhdGFfb2Zmc2V0cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAZnNldAAAAAAAAAAA0D8Ac2hhcGU6WzAsQAAAgEAAAKBAAADAQF2AP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWQhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19LCJkIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMjQsMzJdfSwiYiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMzIsNTZdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsM10sInthdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzU2MzYwXX0sImgiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAAAAAAAB/4/DP9rAA0D8AAIA/AAAAQAAAQEAAAAAAQECAoAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19LCJkIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMjQsMzJdfSwiYiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMzIsNTZdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzU2LDYwXX0sImgiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+////YP///wMAAAAAAAAAAAAAAAAA0D8AAIA/AAAAQAAAQEAAAIBAAACgQAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTMyIiwic2hhcGUiOlszXSwiZHR5L2UiOiJGMzIiLCJzaGFwZSI6WzIsM10sImRhdGFfb2Zmc2V0cyI6WzMyLDU2XX0sImVtcHR5Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlswLDNdLCJkYXRhX29mZnNldHMiOls1Niw1Nl19LCJiZiI6eyJkdHlwZSI6IkJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHNzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzU2LDYwXX0sImgiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAAAAAAAAAAAAAAAAA0D8Ac2hhcGUiOlswLEAAAIBAAACgQAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19LCJkIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMjQsMzJdfSwiYiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMzIsNTZdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzU2LDYwXX0sImgiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAACA////////wMAAAAAAAAAAAAAAAAA0D8AAIA/AAAAQAAAQEAAAAAAQECAoAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19LCJkIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMjQsMzJdfSwiYiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMzIsNTZdfSwiZW1wdHkiOnsiZHR5cGUiOiJGNjQiLCJzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzU2LDYwXX0sImgiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAAAAAAAAAAAAAAAAA0D8AAIA/AAAAQAAAQEAAAIBAAACgQAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19LCJkIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMjQsMzJdfSwiYiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMzIsNTZdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzU2LDYwXX0sImgiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAAAAAAAAAAAAAAAAA0D8AAIA/AAAAQAAAQEAAAIBAAACgQAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19LCJkIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMjQsMzJdfSwiYiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMzIsNTZdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzU2LDYwXX0sImgiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQC/AAAAAAD+/////////wMAAAAAAAAAAAAAAAAA0D8AAIA/AAAAQAAAQEAAAAAAQECAoAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19LCJkIjp7ImR0eXBlIjoiRjY0Iiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMjQsMzJdfSwiYiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMzIsNTZdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsM10sInthdGFfb2Zmc2V0cyI6WzU2LDU2XX0sImJmIjp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzU2LDYwXX0sImgiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAAAAAAAAAAAAAAAAA0D8AAIA/AAAAQAAAQEAAAAAAQECAoAAAwECAP0DAADgAwA==",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzIsM10sImRhdGFfb2Zmc2V0cyI6WzMyLDU2XX0sImVtcHR5Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlswLDNdLCJkYXRhX29mZnNldHMiOiJJNjQiLCJzaGFwZSI6WzNdLCJkdHlwZSI6IkYzMiIsInNoYXBldHMiOlszMiw1Nl19LCJlbnB0eSI6eyJkdHlwZSI6IkY2NCIsInNoYXBlIjpbMCwzXSwiZGF0YV9vZmZzZXRzIjpbNTYsNTZdfSwiYmYiOnsiZHR5cGUiOiJCRjE2Iiwic2hhcGUiOlstMl0sImRhdGFfb2Zmc2V0cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAZnNldAAAAAAAAAAA0D8Ac2hhcGUiOlswLEAABIBAAACgQAAAwEBdgD9AwAA4AMA=",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzIsM10sImRhdGFfb2Zmc2V0cyI6WzMyLDU2XX0sImVtcHR5Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlswLDNdLCJkYXRhX29mZnNldHMiOls1Niw1Nl19LCJiZiI6eyJkdHlwZSI6IkJGMTYiLCJzaGFwZXNldHMiOlszMiw1Nl19LCJlbnB0eSI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMCwzXSwiZGF0YV9vZmZzZXRzIjpbNTYsNTZdfSwiYmYiOnsiZHR5cGUiOiJCRjE2Iiwic2hhcGUiOlstMl0sImRhdGFfb2Zmc2V0cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAZnNldAAAAAAAAAAA0D8Ac2hhcGUiOlswLEAABIBAAACgQAAAwEBdgD9AwAA4AMA=",
        "eAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzIsM10sImRhdGFfb2Zmc2V0cyI6WzMyLDU2XX0sImVtcHR5Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlswLDNdLCJkYXRhX29mZnNldHMiOls1Niw1Nl19LCJiZiI6eyJkdHlwZSI6IkJGMTYiLCJzaGFwZXNldHMiOlszMiw1Nl19LCJlbnB0eSI6eyJkdHlwZSI6IkY2NCIsInNoYXBlIjpbMCwzXSwiZGF0YV9vZmZzZXRzIjpbNTYsNTZdfSwiYmYiOnsiZHR5cGUiOiJCRjE2Iiwic2hhcGUiOlstMl0sImRhdGFfb2Zmc2V0cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2MCw2NF19fSAgICAgAQAAAAAAAAD+/////////wMAZnNldAAAAAAAAAAA0D8Ac2hhcGUiOlswLEAABIBAAACgQAAAwEBdgD9AwAA4AMA=",
    ]
    static let idx: [String] = [
        "og==",
        "QA==",
        "AAAIAw==",
        "AAAIog==",
        "AAAIAQAAAAA=",
        "AAAIAQADAgM=",
        "gAAIAQAAAAMBAgM=",
        "AAAIAvsABPfVAgA7",
        "AAAIAssAAAgCAAAC",
        "AAAIAwAAAAAIAQAAAgMAAg==",
    ]
    static let torch: [String] = [
        "AA==",
        "gA==",
        "gIA=",
        "gAKK",
        "gAID",
        "gAKKbA==",
        "gAKKCmz8nPw=",
        "gAKKCv///wg=",
        "gAJAinE4AEA=",
        "gAKKCmz8nEb5IGqoUBku",
        "gAKKCmz8nEb5IGqoUBkuiA==",
        "gAKKCmz8nEb5IGqoUBkuLg==",
        "gAKKCmz8nEb5IGqoUBkugA==",
        "gAKKCmz8nEb5IGqoUBkuSw==",
        "gAKKCmz8nEb5IGqoUBkucg==",
        "gAKKCmz8nEb5IGqoUBkukw==",
        "gAKKCmz8nEb5IGqoUBkuWA==",
        "gAKKCmz8nEb5IGqoUBkuRw==",
        "gAKKCmz8nEb5IGqoUBkujA==",
        "gAKKCmz8nEb5IGqoUBkucw==",
        "gAKKCmz8nEb5IGqoUBkuigM=",
        "gAKKCmz8nEb5IGqoUBkugAI=",
        "gAKKCmz8nEb5IGqoUBkuUSg=",
        "gAKKCmz8nEb5IGqoUBkuagI=",
        "gAKKCmz8nEb5IGqoUBkuYQA=",
        "gAKKCmz8nEb5IGqoUBkuS24=",
        "gAKKCmz8nEb5IGqoUBkuKSg=",
        "gAKKCmz8nEb5IGqoUBkuZWw=",
        "gAKKCmz8nEb5IGqoUBkudKc=",
        "gAKKCmz8nEb5IGqoUBkuigEA",
        "gAKKCmz8nEb5IGqoUBkugAJN",
        "gAKKCmz8nEb5IGqoUBkuKJRf",
        "gAKKCmz8nEb5IGqoUBkuKGhA",
        "gAKKCmz8nEb5IGqoUBkuigIDig==",
        "gAKKCmz8nEb5IGqoUBkuTemFhQ==",
        "gAKKCmz8nEb5IGqoUBkufV1dXQ==",
        "gAKKCmz8nEb5IGqoUBkuiX1xQA==",
        "gAKKCmz8nEb5IGqoUBkuKHRQSw==",
        "gAKKCmz8nEb5IGqoUBkuXV1hbA==",
        "gAKKCmz8nEb5IGqoUBkugAJ9cw==",
        "gAKKCmz8nEb5IGqoUBkufX19ig==",
        "gAKKCmz8nEb5IGqoUBkugAiKCg==",
        "gAKKCmz8nEb5IGqoUBkugAJOeYo=",
        "gAKKCmz8nEb5IGqoUBkuXV1dYWE=",
        "gAKKCmz8nEb5IGqoUBkuXV2FhVA=",
        "gAKKCmz8nEb5IGqoUBkuXX1hfWE=",
        "gAKKCmz8nEb5IGqoUBkugAKFcf8=",
        "gAKKCmz8nEb5IGqoUBkugH1xA4k=",
        "gAKKCmz8nEb5IGqoUBkuXV0pYaM=",
        "gAKKCmz8nEb5IGqoUBkuTekClTRs",
        "gAKKCmz8nEb5IGqoUBkuXX1hfWFd",
        "gAKKCmz8nEb5IGqoUBkuXV1hfWFd",
        "gAKKCmz8nEb5IGqoUBkugAJN6QNh",
        "gAKKCmz8nEb5IGqoUBkuXYWFXYWF",
        "gAKKCmz8nEb5IGqoUBkufXEAKIZA",
        "gAKKCmz8nEb5IGqoUBkufXEAjAEA",
        "gAKKCmz8nEb5IGqoUBkufXEAKHRw",
        "gAKKCmz8nEb5IGqoUBkugAJKQAAAQA==",
        "gAKKCmz8nEb5IGqoUBkuigNQ3oR//Q==",
        "UEsFBgAAAAAAAAAAA0t0cTxSPQUAAA==",
    ]
    static let image: [String] = [
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/wAALCE9wdGkBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/APJPgT+yL4W4fT6V/9k=",
        "VA==",
        "iVA=",
        "/9j/",
        "iVBORw==",
        "/9j/AQ==",
        "/9j/ig==",
        "/9j/2A==",
        "iVBORw0KEw==",
        "/9j/Af/gAAA=",
        "iVBORw0KGgo=",
        "iUMAAHa7AAA=",
        "Dbt2kf+vdrA=",
        "iVBORw0KGgoR",
        "iVBORw0KGgryGFBO",
        "iVBORw0KGgoTAABO",
        "iVBORw0KGgoAAAAAKa5CYA==",
        "/9j/4AAQSkZJRgABCAgIAPwICAk=",
        "iVBORw0KGgoAAAAADQBnAElIIkQAAFIH",
        "iVBORw0KGgoAAAANSUhEUgAAAAAAAAAAAABrAABqEkzO",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAMAAImstE/A",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAJUeJz1hrnc",
        "iVBORw0KGgoAAAANSUhEUgvv6Ny1Ozauf8LBQym3P2VR",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAMAAImstE/Agg==",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGEAAAAAB69Qfpjw==",
        "iVBORw0KGgoAAAANSUhEUiUAAAcAAAAGCAIAAAFZOttRAA==",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGBAAAXQDggBWy+g==",
        "/9j/wAARCAAGAAcDASIAAhEBAxEC/9oADAMBAAIRAxHMANk=",
        "/9j/wAARCLgG9wcDASIAAhEBAxEB/9oADAMBAAIRAxEArtk=",
        "/9j/wAARCAAG9wcDASIAAhEBAxH6///aAAwDAQACEQMRAK7Z",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGBAAAAADvlTarAAD6",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAYAAAAPDoR2OGIAAQAARg==",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGEAIAAADQ/M9iADEqFhVz91hUgg==",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAIAAACAbBMhAAAAAP//////////",
        "iVBORw0KGgoAAAAdSURBVJgLCbDw8iIrZnAs9qjybwzriO1PmZY9FwBwtAsqjOubag==",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAMAAAA40HREAAAADUlIRFIAAAAHAAAABgQAAAAA75U2qwAT",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAMAAAA40HREAAAADFBMVEUAAAD/AAAA/wAKFB5v9JOxAAAAAElFTkSuQmCC",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAMAAAA40HREAAAAEUlEQVQvMxOYYmSBUIxQZcwAnxsHIRTZxPwAAAAASUVORK5CYII=",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAQAAAClB0z9AAAAHUlEQV14nGNgMGK35HMQdZfxUw7VimHktWdHAky8KIBZyomdu60A",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAIAAACAbBMhAAAAFUlEQVR4nGNkMEphxwAsvLy89BMFAEFBBGMWrpRGAAAAAElFTkSuQmCC",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAMAAAA40HREAAAADFBMVEUAAAD/AAAA/wAKFB5v9JOxAAAADFBMVEUAAAD/AAAA/wAKFB5v9JOx",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGEAAAAAB69QfpAAAAHUlEQVR4nGNgYGTn4OMXFZORVVbR0mbk5WNHAky8KIBZSig7AEoAAAAASUVORK5CYII=",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGEAAAAAB69QfpAAAAEUlEQVR4nGNgYGRiBmJGIPgLxEwQ6kcOyMsAAAARSURBVC8zE5hiZIFQjFBlzACfGwchFNnE/AAAAABJRU5ErkJggg==",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAYAAAAPDoR2AAAAL0lEQVRjn1QuHIAFpAKXsQyOxUuve1StueffuPlpWMeuN7H9Bz+nTDvxK3vueUYAyxUhZfKoocIAAAAASUVORK5CYII=",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGBAAAAADvlTarAAAAEUlEQVR4nGNgYGRiBmJGIPgLxEwQ6kcOyMsAAAARSURBVC8zE5hiZIFQjFBlzACfGwchFNnE/AAAAABJRU5ErkJggoI=",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAMAAAA40HREAAAADFBMVEUAAAD/AAAA/wAKFB5v9JOxAAAADFBMVEUAAAD/AAAA/wAKFB5v9JOxAAAADFBMVEUAAAD/AAAA/wAKFB5v9JOx",
        "/9j/4AAQ/////////ygAAQABAAD/2wBDAAIBAQEBAQIBAQH5AQICAgQDAoK5AgUEDAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsxCQoKigoKBggLDAsKDAkKCgr/wAALCQABAAcBAREA/8QAHwEBAQEBAAAAAAAAALnJytLT1A==",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAMAAAA40HREAAAADFBMVEUAAAD/AAAA/wAKFB5v9JOxAAAADFBMVEUAAAD/AAAA/wAKFB5v9JOxAAAADFBMVEUAAAD/AAAA/wAKFB5v9JOxAAAADFBMVEUAAAD/AAAA/wAKFB5v9JOxAAAMUA==",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAMAAAA40HREAAAADFBMVEUAAAD/AAAA/wAKFB5v9JOxAAAAEUlEQVR4nGNgYGRiBmJGIPgLxEwQ6kcOyMsAAAAMUExURQAAAP8AAAD/AAoUHm/0k7EAAAARSURBVHicY2BgZGIGYkYg+AvETBDqRw7IywAAABFJREFULzMTmGJkgVCMUGXMAJ8bByEU2cT8AAAAAJ8bB05ErkJggg==",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAMAAAA40HREAAAADFBMVEUAAAD/AAAA/wAKFB5v9JOxAAAAEUlEQVR4nGNgYGRiBmJGIPgLxEwQ6kcOyMsAAAARSURBVC8zE5hiZIFQjFBlzACfGwchFNnE/AAAAAxQTFRFAAAA/wAAAP8AChQeb/STsQAAABFJREFUeJxjYGBkYgZiRiD4C8RMEOpHDsjLAAAAEUlEQVQvMxOYYmSBUIxQZcwAnxsHIRTZxPwAAAAASUVORK5CAP8=",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGEAYAAABfnlg1AAAATklEQVR4nGNgYDQyTkmdNp2dw9IqO2fuPD5+B8ei4iVLRcXcPSqrVq+RkfXzb2jctFlZJTSsvWPnLi3tmNi+/gMHGXn57B0KixYvYScRMPGSCZhone+MAAAAT0lEQVSlpI1NfHxT07hIBCwwE0h1KoOjU3HJ0mXXb3h4VlWvWXvvvn9AY9PmLU+fhYV3dO7a/eZtbFz/hIOHPn8BBeCJk79+gwLw/AVGJgCj2EL/oWXF4QAAAABJRU5ErkJggg==",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAMAAAA40HREAAAADFBMVEUAAAD/AAAA/wAKFB5v9JOxAAAAEUlEQVR4nGNgYGRiBmJGIPgLxEwQ6kcOyMsAAAARSURBVC8zE5hiZIFQjFBlzACfGwchFNnE/AAAAAxQTFRFAAAA/wAAAP8AChQeb/STsQAAABFJREFUeJxjYGBkYgZiRiD4C8RMEOpHDsjLAAAAEUlEQVQvMxOYYmSBUIxQZcwAnxsHIRTZxPwAAAAMUExURQAAAP8AAAD/AAoUHm/0k7EA0czsZ52bfq5CAP8=",
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIDAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDP//////2wBDAQICAgICAgUDAwUKBwYHCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgr/wAARCAAGAAcDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcI+Pn6///aAAwDAQACEQMRAD8A8k+BssyFvp8zH+r/ALh9PpRRRX9CH4WfAQAAAAAA2Q==",
        "/9j/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkoCgr/wAALCABb/wcBAREA/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkMWJyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipywAAABFJREFULzMTmGJkgVCMUGXMANXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAIF9Pp3d",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGEAIAAADQ/M9iAAAAPklEQVR4nGNgYDQyTkll57C0ys7h43dwLCoWFXP3qKySkfXzb2hUVgkNa+/Q0o6J7etn5OWzdygsYicCMPESDZilpBwrPX0AAAA/SURBVI1NfHy5iAAsEB3EOIDB0am4ZOkyD8+q6jVr/QMamzZvCQvv6Ny1Ozauf8LBQymp06afOJmdM3fe+QsAJr0qrQxIsCEAAAA+SURBVHicY2BgNDJOSWXnsLTKzuHjd3AsKhYVc/eorJKR9fNvaFRWCQ1r79DSjont62fk5bN3KCxiJwIw8RINmKWkHCs9fQAAABNJREFUFBTkYxEUFPzN4OIalgAAHJUDZZdOUkEAAAAASUVORK5CYIKC",
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/wAALCAAGAAcBAREA/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/APJPgT+yL4W4fT6V/9k=",
        "/9j//9sAQwACAQEBAQECAQEBAgICAgIEAwICAgIFBAQDBAYFBgYGBQYGBgcJCAYHCQcGBggLCAkKCgoKCgYICwwLCgwJKAoK/8AACwgAWwAHAQERAP/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITBBBhNRYQcicRQygZGhCCNCscEVUtHwJDFicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/aAAgBAQAAPwDyT580H+r/ALh9Pp3/2Q==",
        "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAGCAMAAAA40HREAAAADFBMVEUAAAD/AAAA/wAKFB5v9JOxAAAAEUlEQVR4nGNgYGRiBmJGIPgLxEwQ6kcOyMsAAAARSURBVC8zE5hiZIFQjFBlzACfGwchFNnE/AAAAAxQTFRFAAAA/wAAAP8AChQeb/STsQAAABFJREFUeJxjYGBkYgZiRiD4C8RMEOpHDsjLAAAAEUlEQVQvMxOYYmSBUIxQZcwAnxsHIRTZxPwAAAAMUExURQAAAP8AAAD/AAoUHm/0k7EAAAARSURBVHicY2BgZGIGYkYg+AvETBDqRw7IywAAABFJREFULzMTmGJkgVCMUGXMAJ8bByEU2cT8AAAADFBMVEUAAAD/AAAA/wAKFB5v9JOxAAAAEUlEQVR4nGNgYGRiBmJGIPgLxEwQ6kcOyMsA",
        "/9j/4AAQSkYJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/wAALCAAEAAcBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZ/////6Wmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/APJPgT6V/9k=",
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/wAALCABbAAcBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/AC+f6v8AuH0+lf/Z",
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIRAAAAAQIBAQECAgICAgQDAgICAgUEBAMEBhUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/wAALCABbAAcBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAARRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkMWJyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/AAEBAQEBAgEFBAQDBAYFBgYGBQYGNB/q/wC4fT6V/9k=",
    ]
    static let csv: [String] = [
        "DQ==",
        "QQ==",
        "MA==",
        "IA==",
        "iw==",
        "CgA=",
        "IA0=",
        "NSw=",
        "NiA=",
        "MDQ=",
        "H4s=",
        "DQ0=",
        "MEc=",
        "DQ0N",
        "Cgr+",
        "ICAx",
        "MzEx",
        "IA0N",
        "H4t+AA==",
        "MCAgXw==",
        "MCw0Cg==",
        "CgoK/w==",
        "MDQwNA==",
        "CgoKCg==",
        "DQ0NDQ==",
        "MCAgIA==",
        "ICAgMQ==",
        "IA0NDQ==",
        "NDQsDQ0=",
        "DQ0NDQA=",
        "MDY2NjE=",
        "MA0NDQ0=",
        "IA0gICU=",
        "MCw4LDA=",
        "MTMzMAo=",
        "ICAgIDA=",
        "MCAgICAN",
        "MDAsMDAs",
        "MCw3LDcs",
        "MTMzMzBy",
        "MCwwLDAsMw==",
        "MjMzMTE3DA==",
        "MDYgLDQwLDA=",
        "CgoKZWVlZQA=",
        "OTByMHLI8vg=",
        "ejCsMA0AAAA=",
        "MTUyMjExAgA=",
        "MSwxLDcsNNw=",
        "MCwwLDAsNwo=",
        "MTAxMmb9Myw=",
        "MDE0LDE1MzI=",
        "MDAwLDAsMDA=",
        "Cv//////AhE=",
        "DQ0NDQ0NDQ0=",
        "CgoKCgoKCgo=",
        "OSAgICAgICAg",
        "MDM3MDMzMzA0",
        "CgoKCgoKCgoK",
        "ICAgICAgICAK",
        "MA0NDQ0NDQ0NDQ==",
    ]
    static let onnx: [String] = [
        "cHM=",
        "+5gB",
        "OgA6ADoA",
        "////////////",
        "CP//BAj///87///K7Q==",
        "CAgIhZAIhYVChYWFhf//AA==",
        "UP///////1BQhYWF4IeFMoWFhYWFhUb///8=",
        "hZmFAYWNAQiZhYUBhYVBCAgtBAoI////CC0ECgj/////L/8=",
        "CAQ6AAgEOgCwCAQ6ALA6ALAIBDoAsAgEOgCwCAQ6ALA6ALAIBDoAsDoAsAgEOgAIQg==",
        "hUB8eoWFhYVChYWFW4WFW4WQCIWFmYUASoWFKwiFkAgIhZAIhYVChYWFhYWFEf8ICIWQCIXQCIWFOw==",
        "CEFyAHIVzWHMzD0KCgFzEgF5IgfbQgQKABBBcgByFc1hzMw9CgoBcxIBeSIH20IECgAQQXIAcgAochUKCmE9ICggICAgIA==",
        "CAQ6AAgEOgCwCAQ6AAgEOgAIBDoAsAgEOgCwCAQ6ALAIBDoAsDoAsAgEOgCwCAQ6ALAIWzoAsD4AsAgEOgAIBDoACAQ6ALAIBDoAsDoEOgAIsARzzAhC",
        "CAg6VhIBZyodCAhCBAoAEBEQEBAQEBAQEBAQEBAQMBAQEBAQEBAQEBD/////DmAIARIRCmAAAAAAAABACgL/////////YBAQEAkQEBAICEIEEQAAYjoKEgFj",
        "OlYSAWcqHQoBBBABQgFlahEKCGxvY2F0aW9uEgV3LmJpbnABWhwKAXgSFwoVCAESEQoDEgFOCgIIAQoCCAQKAggEXWIUCgF5Eg8KDQgBCQoDEgEGEAFCASOKKg==",
        "CBE6VhIBZypRUVEAeHh4eCN4eHh4OmoAeHh4eHgxeHhqAHh4agD4eHh4eHh4eHh4eHh4agB4eGoAeHx4eGoAeHhqAHh4eHh4NXh4agB4eGoAeHhQUFCwr1BQUP//AA==",
        "CBhCBAoAEBE6VhIBZyodCgEEEAFCAWVqEQoIbG9jYXRpb24SBXcuYmlucAFaHAoBeBIXChUIARIRCgMSAU4KAggBCgIIBAoCCARiFAoDeRIPCgkIARIJCgMSAU4KAggC",
        "CAhCBAoAEBE6VhIBZypPcHQICAgICAgICAgICBIKAQIQAUIBYiIIAAAAZy5PcHQIAhABQgFiIgAAAHcILmJpbnABWhxVbnNhZmVNdWVzaGF3PwAAAMAlJf////////8K",
        "CAhCBAoAEBE6VhIBZyodCgEEEAFCAWVqEQoIbG9DYXRpMDAwMDAwMDAwMDAwMDAwMEAwMDBvbhIFdy5iaW5wAVocCgF4EhcKFQgBEhEKAxIBCAigAf//YxIBAWxjEiIJ",
        "QgQKABAROlYSAWcqHQoBBBABQgFlahEKCGxvY2F0aW9uEgV3LmJpbnABWhwKAXgSFwoVCAESEQoDMgFOCgIoAQoCCAQKAkgEYm8UCgEqCnkSASICSWYqHgoCCAL+/v7+",
        "CAhCBAoAEBE6VhIBZypPcHQICAgICAgICAgICAgICAgIeSICNDU0JSUlJSUlJSUlJQUhJSUDAAAAJSUlJSUlJSUlJSUlJSUlRGljdGlvJSUlJSUlJSX/////JSUlChAB",
        "CAhCBAoAEBE6VhIBZyodCgEEEAFCAWVqEQoIbG90YUNpMDAw+DAwMDAwMDAwVhIBZyodCgEEEAFCAWVqEQoIbG90YUNpNjM1NDI3M0AwWhwKAXgSFwoVCAESEQEBbCIJ",
        "CBhCBAoAEBE6VhIBZyodCgEEEApCAWVqEQoIbG9jYXRpb24SBXcuYmlucCxaHAoBeBIXChUIARIRCgMSAU4KAggBCgIIBAoCCARiFAoDeRIPCg0IARIJCgMSAU4KAggC",
        "CAhCBAoAEBE6VhIBZyodCgEEEAFCAWVqEQoIbG9jYXRpb24SBXcuYmlucAFaHAoBeBIXChUoAQ0RCgMSAU4KAggBCgIIBAoCCARiFHkSD1sKDQgBEgkKAxIBTgoCCAEAAg==",
        "CBE6YwowCgFjEgF5IgJJZiojCgt0aGUVFRUVFTcVFRUVFRUVFVUVFRUVFRUVFRUVFRUVABAROtMBCiMKAQAAAAAAAAIBeAoBJHcKdfq6AEAABAAAAAAAAAAAAAAAAf/////////MeA==",
        "CAhCBAoAEBE6YwoqCgFjEgF5IgJJZioeCgt0aGVuX2JyYW5jaDIMCgF4EgFyIgRSZWx1oAEFEgFnWhwKAXgSFwoVCAESEQoDEv+x9fkIAQoCCAQKAggEYhQKAXkSDwoNCAESCQoDEgFOCgIIAg==",
        "CAhCZRAQEHcQEBAQhXyFhYWFhYWFEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEDAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQFQoEAhAQEBAsAQEBEP+9/oj3/8AABv///wqFhQ==",
        "CAhCBAoAEEFycmEICEItCgAQETpWEgFnKh0KAQQQAUIBABBBcmEkeSMAAAAAAAAAAHkSQQUSCgF4AUxlYWt5UmVsZSoMCgVhbHBoYRXNzMw9ChIKAWwKAUNsb3NlZFJlc2hhcGUSaQFnKhUKBEIBd0oIAACAFwpo////zAhC",
        "CAQ6AAgEOgCwCAQ6ALA6ALAIBDoACAQ6ALA6ALAIBDoAsAgEOgCwCAQ6ALA6ALAIBDoAsAgEOgCwCAQ6ALA6ALAIALAIBDoAsDoAsAgEOgAIBDoAsDoAsAgEOgCwCAQ6ALAIBDoAsDoAsAgEOgCwCAQ6ALAIBDoAsDoAsAgEOgCwOgCwCAQ6ALAIBDoAsDoAsAgEOgCwCARzzAhC",
        "CAhCBAoAEBE6qQEKIwoBeAoBdwoBYhIBCCUEQwgIQgQKABAROmMKKgoBYxIBeSICSWYqHgoLdGhlbl9ZcmFuY2gxDAoBeBIBciIEUmVsdaABBRIBZ1ocCgF4AQAKFQgBEhEKAxIBTgoCCAEKAghvbnYqDwoEBAoCCHBhZHNCBAEBAQGgAQRiFAoBeRIHCh8KAWMSAWwiCUxlYWt5UmVsdcQAAAAAAAAAAA8KDQgBEBE6Ywoq",
        "CAhCBAoAEBE60wEKIwoBeAoBdwoBJxIBCCIEQ29udioPCgRwYWRzQgQBAQEBoAEHCh8KAWMSAWwiCUxlYWt5KmV1bFIMCgVhbHBoYRXNzMw9ChIKAWwKAXMSAXkiB1Jlc2hhcGUSAWcqFQoEAgEFARABQgF3SggAAIA/AAAAwCoSChBCAWIBIgIBCAASCgFsCgFzEgF5IgdSZXNoYXBlEgFnKhUKBAIAAAEQAUIBd0IIAACAPwAAAMAqEgoBAhABQgFiIggAAAA/AACAPioPCg0IARIJCgMSAU4KAggC",
        "CAhCBAoAEBE60wEKIwoBeAoBdwoBYhIBCCIEQ295dioPCgRwYWRzQgQBAQEBoAEHCh8KAWMSAWwiCUxlYWt5U2VsfyoMCgVhbHBoYRXNzMw9ChIKAWwKAXMSAXkiB1Jlc2hhcGUSFSpnAQoEAgEBARABQgF3SggBCCIEQ215dioPCgRwYWRzQgQBAQEBoAEHCh8KAWMSAWwiCUxlYWt5U2VsfyoMCgVhbHBoYRXNzMw9ChIKAWwKAXMSAXkiB1Jlc2hhcGUSIgdSZXMBeRIPCg0IARIJCgTu/rEKHQoB",
        "CAhCBAoAEBE60wEKIwoBeAoBdwoBJxIBCCIEQ29udioPCgRwYWRzQgQBAQEBoAEHCh8KAWMSAWwiCUxlYWt5UmVsdSoMCgVhbHBoYRXNzMw9ChIKAWwKAXMSAXkiB1Jlc2hhcGUSAWcqFQoEAgEBARABQgF3SggAAIA/AAAAwCoSCgECEAFCAWIiCAASCgFsCgFzEgF5IgdSZXNoYXBlEgFnKhUKBAIBAQEQAUIBd0oIAACAPwAAAMAqEgoBAhABQgFiIggAAAA/AACAPioPCg0IARIJCgMSAU4KAggC",
        "CAhCBAoAEBE60wEKIwoBeAoBdwoBYhIBCCIEQ29udioPCgRwYWRzQgQBAQEBoAEHCh8KAWMSAWwiCUxlYWt5UmVsdSoMCgVhbHBoYRXNzMw9ChIKAWwKAXMSAXkiB1Jlc2hhcGUSAWcqFQoEAoEBARABQgF3SggAAIA/AAAAwDISCgECEAFCAWIiCAAAAD8AAIA+KhUKAQIQB0IBczoLAf///////////wFaHAoBeBIXChUIARIRCgMSAU4KAggBCgIIBAoCCARiFAoBeRIPCg0IARIJCgMSAU4KAggC",
        "CAhCBAoAEBE60wEKIwoBeAoBdwoBYhIBCCIEQ29udioPCgRwYWRzQgQBAQEBoAEHCh8KAWMSAWwiCUxlYWt5UmVsdSoMCgoSCgFsCgFzEgF5IgdSZXNoYXBlEgFnKhUKBAIBAQEQAUIBd3BwcHBwcHBwcHBwcHBwcHBKCAAAgD8AAADAKhIKAQIQAUIBYiIIAAAAPwAAgD4qFQoBAhAHQgFzOgsBARIRCh8KAWMSAWwiCUwKAxIBTgoCCPgKAggECoICCAEKAggECgIBeRIPCg0IARIJCgMSAU4KAggC",
        "CAhCBAoAEBE60wEKIwoBeAoBdwoBYhIBCCIEQ29udmoPCgRwYWRzQgQBAQEBoAEHCh8KAWMSAWwiCUxlYWt5UmVsdWoMCgVhbHBoYRXNzMw9ChIKAWwKAXMSAXkiB1Jlc2hhcGUSAWcqFQoEAgEBARABQgF3SggAAIA/AAAAwCoSCgECEAFCAWIiCAAAAD8AAIA+KhUKAQIQB0IBczoLAf///////////wFaHAoBeBIXChUIARIRCgMSAU4KAggBCgIIBGICCAQKFAoBeRIPCg0IARIJCgMSAU4KAggC",
        "CAhCBAoAEBE60wEKIwoBeAoBdwoBJxIBCCIEQ29udioPCgRwYWRzQgQBAQEBoAEHCh8KAWMSAWwiCUxlYWt5UmVsdSoMCgVhbHAoYRXNzMw9ChIKAWwKAXMSAXkiB1Jlc2hhcGUSAWcqFQoEAgEBARAlQgF3QggAAIA/AAAAwCoSChBCAWIBIgIBCAASCgFsCgFzEgF5IgdSZXNoYXBlEgFnKhUKBAIBIQElAUIBd0oIAACAPwAAAMAqEgoBAhABQgFiIggAAAA/AACAPioPCg0IARIJCgMSAU4KAggC",
        "CAhCBAoAEBE60wEKIwoBeAoBdwoBYhIBCCIEQ29udioPCgRwYWRzQgQBAQEBoAEHCh8KAWMSAWwiCUxt/////////xoMCgVhbHBoYQQBAQEBoAEHCh8KAWMSAWwiCUxl/////////xoMCgVhbHBoYRXNzMw9ChIKAWwKAXMaAXkiBwoAEBE60wEKIwoBeBoaAAAAAAAAAB8fHx8fAAAaGhoaehoaGhoaAAAAAAAAADdfX19CAAAAAAAAAF8aGhpfX19fX19fX19fX19fX19fX19fX19lX2FreVJlbHUq",
        "CAhCBAoAEBE60wEKIwoBeAoBdwoBJxIBCCIEQ29udioPCgRwYWRzQgQBAQEBoAEHCh8KAWMSAWwiCUxlYWt5UmVsdSoMCgVhbHAVzD3NYWjMChIKAWwKAXMSAXkiB1Jlc2hhcGUSAWcqFQoEAgEBARABQgF3QggAAIA/AAAAwCoSChBCAWIBIgIBCAASCgFsCgFzEgF5IgdSZXNoYXBlEgFnKhUKBAIBIQElAUIBd0oIAACAPwAAAMAqEgoBAhABQgFiIggAAAA/AACAPioPCg0IARIJCgMSAU4KAggC",
        "CAhCBAoAEBE60wEKIwoBeAoBdwoBYhIBCCIEQ29udioPCgQEQmRzYQEBcAEBoAEHCh8KAWMSAWwiCUwwAAAAAAAAACoMCgojCgF4CgF3CgFiEgEIIgRDb252Kg8KBHBhZHNCBAEBAQGgAQcKHwoBYxIBbCIJTGVha3lSZWx1KgwKChJCBAEBAQGgAQcKHwoBYxIBbCIJTGVha3lSZWx1KgwKChIKAWwKAXMSAXkiB1Jlc2hhcGUSAWcqFQoEAgEIBARiFAoBeQ8KDQgBCcywaP//CgMSAU4KAv8IAswIQg==",
        "CAhCBAoAEBE60wEKIwoBeAoBdwoBYhIBCCIEQ29udioPCgRwYWRzQgQBAQEBoAEHCh8KAWMSAWwiCUxlYWt5U2VsdSoMCgVhbHBoYRXNzMw9ChIKAWwKAXMSAXkiBwoAEBE60wEKIwoBeAoBdwoBYhIBCCIEQ29udioPCgRwYWRzQgQBAQEBoAEHChIKAWwKAXMSAXlCBAEBAQGgAQcKEgoBbAoBcxIBeSIHCgAQETrTAQojCgF4CgF3CgFiEgEIIgRDC3RoZW5fYnJhbmNoMgwKAXgSAXIiBFJlbHWgAQUSAWdaHAoBeBIXChU=",
    ]
}
