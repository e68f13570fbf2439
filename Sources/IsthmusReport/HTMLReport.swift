import Foundation

/// Builds one self-contained HTML page (inline CSS, no scripts or external assets) with a
/// table of contents linking its sections. Text arguments are escaped; `inlineSVG` is inserted verbatim.
public struct HTMLReport {
    public var title: String
    private var blocks: [String] = []
    private var sections: [(id: String, title: String)] = []

    public init(title: String) { self.title = title }

    /// Starts a section (an `<h2>` with anchor `id`, listed in the table of contents).
    public mutating func section(id: String, title: String) {
        sections.append((id, title))
        blocks.append("<h2 id=\"\(xmlEscape(id))\">\(xmlEscape(title))</h2>")
    }

    public mutating func paragraph(_ text: String) { blocks.append("<p>\(xmlEscape(text))</p>") }

    /// A two-column table of names and values.
    public mutating func keyValueTable(_ pairs: [(String, String)]) {
        let rows = pairs.map { "<tr><th scope=\"row\">\(xmlEscape($0.0))</th><td>\(xmlEscape($0.1))</td></tr>" }
        blocks.append("<table class=\"kv\"><tbody>\(rows.joined())</tbody></table>")
    }

    /// A table with a header row, e.g. our numbers next to the paper's.
    public mutating func comparisonTable(header: [String], rows: [[String]], caption: String? = nil) {
        var s = "<div class=\"scroll\"><table class=\"cmp\">"
        if let caption { s += "<caption>\(xmlEscape(caption))</caption>" }
        s += "<thead><tr>" + header.map { "<th>\(xmlEscape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for r in rows { s += "<tr>" + r.map { "<td>\(xmlEscape($0))</td>" }.joined() + "</tr>" }
        blocks.append(s + "</tbody></table></div>")
    }

    /// An SVG document (e.g. `SVGPlot.render()`) embedded in a captioned figure.
    public mutating func inlineSVG(_ svg: String, caption: String = "") {
        var body = svg
        if body.hasPrefix("<?xml"), let end = body.range(of: "?>") { body = String(body[end.upperBound...]) }
        blocks.append("<figure><div class=\"svg\">\(body)</div>\(figcaption(caption))</figure>")
    }

    /// An image file referenced by a path relative to the report.
    public mutating func image(_ relativePath: String, caption: String = "", width: Int? = nil) {
        let w = width.map { " width=\"\($0)\"" } ?? ""
        blocks.append("<figure><img src=\"\(escapePath(relativePath))\" alt=\"\(xmlEscape(caption))\"\(w)>\(figcaption(caption))</figure>")
    }

    /// A list of links to files relative to the report.
    public mutating func links(_ items: [(label: String, path: String)]) {
        let li = items.map { "<li><a href=\"\(escapePath($0.path))\">\(xmlEscape($0.label))</a></li>" }
        blocks.append("<ul class=\"links\">\(li.joined())</ul>")
    }

    /// Preformatted text (commands, configs, logs).
    public mutating func code(_ text: String) { blocks.append("<pre><code>\(xmlEscape(text))</code></pre>") }

    private func figcaption(_ c: String) -> String { c.isEmpty ? "" : "<figcaption>\(xmlEscape(c))</figcaption>" }

    private func escapePath(_ p: String) -> String {
        xmlEscape(p.addingPercentEncoding(withAllowedCharacters: HTMLReport.pathChars) ?? p)
    }

    private static let pathChars: CharacterSet = {
        var s = CharacterSet.urlPathAllowed
        s.insert(charactersIn: "#?=&")
        return s
    }()

    public func render() -> String {
        var toc = ""
        if !sections.isEmpty {
            toc = "<nav class=\"toc\"><strong>Contents</strong><ol>"
                + sections.map { "<li><a href=\"#\(xmlEscape($0.id))\">\(xmlEscape($0.title))</a></li>" }.joined()
                + "</ol></nav>\n"
        }
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(xmlEscape(title))</title>
        <style>\(HTMLReport.css)</style>
        </head>
        <body>
        <main>
        <h1>\(xmlEscape(title))</h1>
        \(toc)\(blocks.joined(separator: "\n"))
        </main>
        </body>
        </html>

        """
    }

    /// Writes the page atomically.
    public func write(to url: URL) throws { try atomicWrite(Data(render().utf8), to: url) }

    static let css = """
    :root{--fg:#1f2328;--muted:#57606a;--line:#d8dee4;--bg:#ffffff;--accent:#4e79a7;--soft:#f6f8fa}
    *{box-sizing:border-box}
    body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
    main{max-width:1100px;margin:0 auto;padding:24px 20px 64px}
    h1{font-size:1.9rem;margin:.4em 0 .6em;line-height:1.2}
    h2{font-size:1.35rem;margin:2.2em 0 .6em;padding-bottom:.25em;border-bottom:1px solid var(--line)}
    a{color:var(--accent)}
    .toc{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:12px 18px;margin:1em 0 2em}
    .toc ol{margin:.4em 0 0;padding-left:1.4em;columns:2 260px}
    table{border-collapse:collapse;margin:1em 0;font-size:.93rem;font-variant-numeric:tabular-nums}
    th,td{border:1px solid var(--line);padding:6px 10px;text-align:left;vertical-align:top}
    thead th{background:var(--soft);font-weight:600}
    tbody tr:nth-child(even){background:#fbfcfd}
    table.kv th{background:var(--soft);font-weight:600;white-space:nowrap}
    caption{caption-side:top;text-align:left;color:var(--muted);padding-bottom:4px}
    .scroll{overflow-x:auto}
    figure{margin:1.5em 0;text-align:center}
    figure .svg{overflow-x:auto}
    figure svg,figure img{max-width:100%;height:auto}
    figure img{image-rendering:pixelated;border:1px solid var(--line)}
    figcaption{color:var(--muted);font-size:.92rem;margin-top:.4em}
    pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:10px 14px;overflow-x:auto;font-size:.87rem}
    code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
    ul.links{padding-left:1.2em}
    @media (max-width:600px){main{padding:14px 10px 40px}h1{font-size:1.5rem}}
    """
}

/// Relative `href`/`src` targets in `html` that do not exist under `base` (a folder), plus `#id`
/// links with no matching `id`. External URLs (with a scheme, or starting with `//`) and `data:` are skipped.
public func validateLinks(html: String, base: URL) -> [String] {
    let ns = html as NSString
    func matches(_ pattern: String) -> [String] {
        guard let re = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return [] }
        return re.matches(in: html, range: NSRange(location: 0, length: ns.length)).compactMap { m in
            for g in 1..<m.numberOfRanges where m.range(at: g).location != NSNotFound { return ns.substring(with: m.range(at: g)) }
            return nil
        }
    }
    func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
    let ids = Set(matches(#"\sid\s*=\s*(?:"([^"]*)"|'([^']*)')"#).map(unescape))
    var missing: [String] = []
    for raw in matches(#"\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')"#) {
        let ref = unescape(raw)
        if ref.isEmpty || ref.hasPrefix("//") || ref.range(of: #"^[A-Za-z][A-Za-z0-9+.-]*:"#, options: .regularExpression) != nil { continue }
        var ok: Bool
        if ref.hasPrefix("#") {
            ok = ids.contains(String(ref.dropFirst()))
        } else {
            var path = ref
            if let cut = path.firstIndex(where: { $0 == "#" || $0 == "?" }) { path = String(path[..<cut]) }
            path = path.removingPercentEncoding ?? path
            ok = path.isEmpty || FileManager.default.fileExists(atPath: (path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)).path)
        }
        if !ok && !missing.contains(ref) { missing.append(ref) }
    }
    return missing
}
