import Foundation

/// A read-only ZIP archive held in memory: central directory parsed with bounds checks,
/// STORED and DEFLATE entries, zip64 sizes and offsets, CRC-32 verified on extraction.
struct ZipArchive {
    struct Entry {
        let name: String
        let method: UInt16
        let flags: UInt16
        let crc: UInt32
        let compressedSize: Int
        let size: Int
        let localHeaderOffset: Int
    }

    let bytes: [UInt8]
    let label: String
    /// Entries in central-directory order.
    private(set) var entries: [Entry] = []
    private var index: [String: Int] = [:]

    init(bytes: [UInt8], label: String) throws {
        self.bytes = bytes
        self.label = label
        let r = ByteReader(bytes: bytes, label: label)
        guard bytes.count >= 22 else { throw fail("too short to be a ZIP archive") }
        // End of central directory: last occurrence of its signature within the final 64 KiB + 22 bytes.
        var eocd = -1
        var p = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65535)
        while p >= lowest {
            if bytes[p] == 0x50, bytes[p + 1] == 0x4B, bytes[p + 2] == 0x05, bytes[p + 3] == 0x06 { eocd = p; break }
            p -= 1
        }
        guard eocd >= 0 else { throw fail("not a ZIP archive (no end-of-central-directory record)") }
        var count = Int(try r.le(UInt16.self, eocd + 10, "entry count"))
        var cdSize = Int(try r.le(UInt32.self, eocd + 12, "central directory size"))
        var cdOffset = Int(try r.le(UInt32.self, eocd + 16, "central directory offset"))
        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            let loc = eocd - 20
            guard loc >= 0, try r.le(UInt32.self, loc, "zip64 locator") == 0x0706_4B50 else {
                throw fail("zip64 end-of-central-directory locator missing")
            }
            let rec = try r.le(UInt64.self, loc + 8, "zip64 record offset")
            guard rec <= UInt64(loc), try r.le(UInt32.self, Int(rec), "zip64 record") == 0x0606_4B50 else {
                throw fail("bad zip64 end-of-central-directory record")
            }
            let c = try r.le(UInt64.self, Int(rec) + 32, "zip64 entry count")
            let s = try r.le(UInt64.self, Int(rec) + 40, "zip64 central directory size")
            let o = try r.le(UInt64.self, Int(rec) + 48, "zip64 central directory offset")
            guard c <= UInt64(bytes.count), s <= UInt64(bytes.count), o <= UInt64(bytes.count) else {
                throw fail("zip64 central directory lies outside the file")
            }
            (count, cdSize, cdOffset) = (Int(c), Int(s), Int(o))
        }
        guard cdOffset <= bytes.count, cdSize <= bytes.count - cdOffset else {
            throw fail("central directory (offset \(cdOffset), \(cdSize) bytes) lies outside the \(bytes.count)-byte file")
        }
        guard count <= cdSize / 46 + 1 else { throw fail("\(count) entries cannot fit in a \(cdSize)-byte central directory") }
        var q = cdOffset
        for k in 0..<count {
            guard try r.le(UInt32.self, q, "central directory entry \(k)") == 0x0201_4B50 else {
                throw fail("central directory entry \(k) has a bad signature")
            }
            let flags = try r.le(UInt16.self, q + 8, "flags")
            let method = try r.le(UInt16.self, q + 10, "method")
            let crc = try r.le(UInt32.self, q + 16, "crc")
            var csize = Int(try r.le(UInt32.self, q + 20, "compressed size"))
            var usize = Int(try r.le(UInt32.self, q + 24, "size"))
            let nameLen = Int(try r.le(UInt16.self, q + 28, "name length"))
            let extraLen = Int(try r.le(UInt16.self, q + 30, "extra length"))
            let commentLen = Int(try r.le(UInt16.self, q + 32, "comment length"))
            var offset = Int(try r.le(UInt32.self, q + 42, "local header offset"))
            let nameBytes = try r.slice(q + 46, nameLen, "entry name")
            let name = String(decoding: nameBytes, as: UTF8.self)
            // zip64 extended information: present fields replace the 0xFFFFFFFF placeholders, in this order.
            var e = q + 46 + nameLen
            let extraEnd = e + extraLen
            try r.require(e, extraLen, "extra field of \(name)")
            while e + 4 <= extraEnd {
                let id = try r.le(UInt16.self, e, "extra id"), len = Int(try r.le(UInt16.self, e + 2, "extra length"))
                guard e + 4 + len <= extraEnd else { throw fail("extra field of \(name) overruns its entry") }
                if id == 1 {
                    var f = e + 4
                    func next() throws -> Int {
                        guard f + 8 <= e + 4 + len else { throw fail("zip64 extra field of \(name) is too short") }
                        let v = try r.le(UInt64.self, f, "zip64 field")
                        guard v <= UInt64(Int.max / 2) else { throw fail("zip64 value of \(name) is too large") }
                        f += 8
                        return Int(v)
                    }
                    if usize == 0xFFFF_FFFF { usize = try next() }
                    if csize == 0xFFFF_FFFF { csize = try next() }
                    if offset == 0xFFFF_FFFF { offset = try next() }
                }
                e += 4 + len
            }
            entries.append(Entry(name: name, method: method, flags: flags, crc: crc, compressedSize: csize,
                                 size: usize, localHeaderOffset: offset))
            index[name] = entries.count - 1
            q = extraEnd + commentLen
            guard q <= cdOffset + cdSize else { throw fail("central directory entry \(k) overruns the directory") }
        }
    }

    func fail(_ why: String) -> FormatError { FormatError(file: label, reason: why) }

    func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    /// The uncompressed contents of `name`, refusing anything larger than `limit` bytes.
    func data(_ name: String, limit: Int = 1 << 34) throws -> [UInt8] {
        guard let e = entry(name) else { throw fail("archive has no entry \(name)") }
        guard e.flags & 1 == 0 else { throw fail("entry \(name) is encrypted") }
        guard e.size <= limit else { throw fail("entry \(name) is \(e.size) bytes, more than the \(limit)-byte limit") }
        let r = ByteReader(bytes: bytes, label: label)
        guard try r.le(UInt32.self, e.localHeaderOffset, "local header of \(name)") == 0x0403_4B50 else {
            throw fail("local header of \(name) has a bad signature")
        }
        let start = e.localHeaderOffset + 30 + Int(try r.le(UInt16.self, e.localHeaderOffset + 26, "name length"))
            + Int(try r.le(UInt16.self, e.localHeaderOffset + 28, "extra length"))
        let raw = try r.slice(start, e.compressedSize, "data of \(name)")
        let out: [UInt8]
        switch e.method {
        case 0:
            guard e.compressedSize == e.size else { throw fail("stored entry \(name) has mismatched sizes") }
            out = Array(raw)
        case 8:
            out = try Zlib.inflate(raw, windowBits: -15, limit: e.size, expected: e.size, label: "\(label) (\(name))")
            guard out.count == e.size else { throw fail("entry \(name) inflates to \(out.count) bytes, expected \(e.size)") }
        default:
            throw fail("entry \(name) uses unsupported compression method \(e.method)")
        }
        guard Zlib.crc32(out) == e.crc else { throw fail("entry \(name) fails its CRC-32 check (corrupt archive)") }
        return out
    }
}
