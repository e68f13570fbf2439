import Foundation

/// JSON string literals (RFC 8259 Sec. 7).
public enum JSONString {
    /// `s` as a quoted JSON string: `"` and `\` escaped, `\n \r \t` as short escapes, other control
    /// characters below U+0020 as `\u00XX`; every other scalar (non-ASCII included) is written as is.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
