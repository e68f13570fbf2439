import Foundation

/// Escapes text for XML/HTML content and attribute values; drops control characters XML forbids.
public func xmlEscape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for u in s.unicodeScalars {
        switch u {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default:
            if u.value < 0x20 && u != "\n" && u != "\t" && u != "\r" { out += " " } else { out.unicodeScalars.append(u) }
        }
    }
    return out
}

/// Axis scale.
public enum AxisScale: Sendable { case linear, log }

/// One data series of a line or scatter plot. Non-finite points (and non-positive ones on a log
/// axis) are skipped; lines break at them.
public struct Series: Sendable {
    public enum Style: Sendable { case line, points, lineAndPoints }

    public var x: [Double]
    public var y: [Double]
    /// Legend text; empty keeps the series out of the legend.
    public var label: String
    /// CSS color; nil picks from `SVGPlot.palette` by series index.
    public var color: String?
    /// SVG `stroke-dasharray`, e.g. `"6 3"`.
    public var dash: String?
    /// Shaded band (e.g. mean ± std), drawn where both bounds are finite.
    public var lower: [Double]?
    public var upper: [Double]?
    public var style: Style
    public var lineWidth: Double = 2
    public var pointRadius: Double = 3

    public init(x: [Double], y: [Double], label: String = "", color: String? = nil, dash: String? = nil,
                lower: [Double]? = nil, upper: [Double]? = nil, style: Style = .line) {
        self.x = x; self.y = y; self.label = label; self.color = color; self.dash = dash
        self.lower = lower; self.upper = upper; self.style = style
    }

    /// A series at x = 0, 1, 2, ...
    public init(y: [Double], label: String = "", color: String? = nil, dash: String? = nil, style: Style = .line) {
        self.init(x: (0..<y.count).map(Double.init), y: y, label: label, color: color, dash: dash, style: style)
    }
}

/// A labelled reference line across the plot (vertical at an x value, or horizontal at a y value).
public struct ReferenceLine: Sendable {
    public var value: Double
    public var label: String
    public var color: String
    public var dash: String?

    public init(_ value: Double, label: String = "", color: String = "#666666", dash: String? = "5 4") {
        self.value = value; self.label = label; self.color = color; self.dash = dash
    }
}

/// One box of a box plot, with an optional reference value (e.g. the paper's median) marked.
public struct BoxGroup: Sendable {
    public var label: String
    public var values: [Double]
    public var reference: Double?
    public var color: String?

    public init(_ label: String, _ values: [Double], reference: Double? = nil, color: String? = nil) {
        self.label = label; self.values = values; self.reference = reference; self.color = color
    }
}

/// Box-plot statistics as matplotlib draws them: type-7 quartiles, whiskers at the most extreme
/// data within 1.5 IQR of the box, points beyond as outliers. Non-finite values are ignored.
public struct BoxStats: Equatable, Sendable {
    public var median, q1, q3, lowerWhisker, upperWhisker: Double
    public var outliers: [Double]
    public var count: Int

    /// Nil when no finite values remain.
    public init?(_ values: [Double]) {
        let v = Stats.finite(values).values.sorted()
        guard !v.isEmpty else { return nil }
        let q = Stats.quantiles(sorted: v, [0.25, 0.5, 0.75])
        q1 = q[0]; median = q[1]; q3 = q[2]
        let iqr = q3 - q1
        let lo = q1 - 1.5 * iqr, hi = q3 + 1.5 * iqr
        lowerWhisker = v.first(where: { $0 >= lo }) ?? q1
        upperWhisker = v.last(where: { $0 <= hi }) ?? q3
        outliers = v.filter { $0 < lo || $0 > hi }
        count = v.count
    }
}

/// A self-contained SVG chart: line, scatter or box plot. Set properties, then `render()`.
public struct SVGPlot: Sendable {
    public enum LegendPosition: Sendable { case auto, topLeft, topRight, bottomLeft, bottomRight, none }

    /// Tableau 10.
    public static let palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                 "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var width: Double
    public var height: Double
    public var xScale: AxisScale = .linear
    public var yScale: AxisScale = .linear
    /// Fixed axis ranges; nil fits the data (y with a margin; x tight for lines, with a margin when points are drawn).
    public var xRange: ClosedRange<Double>?
    public var yRange: ClosedRange<Double>?
    public var series: [Series] = []
    /// When non-empty the plot is a box plot with one category per group (`series` is ignored).
    public var boxes: [BoxGroup] = []
    /// Legend text for box-plot reference markers.
    public var referenceLabel = "reference"
    public var verticalLines: [ReferenceLine] = []
    public var horizontalLines: [ReferenceLine] = []
    public var legend: LegendPosition = .auto

    public init(title: String = "", xLabel: String = "", yLabel: String = "", width: Double = 640, height: Double = 400) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.width = width; self.height = height
    }

    /// A line plot.
    public static func line(_ series: [Series], title: String = "", xLabel: String = "", yLabel: String = "") -> SVGPlot {
        var p = SVGPlot(title: title, xLabel: xLabel, yLabel: yLabel)
        p.series = series
        return p
    }

    /// A scatter plot (every series drawn as points).
    public static func scatter(_ series: [Series], title: String = "", xLabel: String = "", yLabel: String = "") -> SVGPlot {
        var p = line(series.map { var s = $0; s.style = .points; return s }, title: title, xLabel: xLabel, yLabel: yLabel)
        p.legend = .auto
        return p
    }

    /// A box plot; groups with a `reference` get a marker labelled `referenceLabel` in the legend.
    public static func box(_ groups: [BoxGroup], title: String = "", xLabel: String = "", yLabel: String = "",
                           referenceLabel: String = "reference") -> SVGPlot {
        var p = SVGPlot(title: title, xLabel: xLabel, yLabel: yLabel)
        p.boxes = groups
        p.referenceLabel = referenceLabel
        return p
    }

    /// ROC curves on the unit square with the chance diagonal.
    public static func roc(_ curves: [(label: String, fpr: [Double], tpr: [Double])], title: String = "ROC") -> SVGPlot {
        var s = curves.map { Series(x: $0.fpr, y: $0.tpr, label: $0.label) }
        for i in s.indices { s[i].color = palette[i % palette.count] }
        s.append(Series(x: [0, 1], y: [0, 1], label: "chance", color: "#999999", dash: "4 4"))
        s[s.count - 1].lineWidth = 1
        var p = line(s, title: title, xLabel: "False positive rate", yLabel: "True positive rate")
        p.xRange = 0...1; p.yRange = 0...1
        p.legend = .bottomRight
        return p
    }

    /// The complete `<svg>` document.
    public func render() -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" "
            + "font-family=\"\(SVGPlot.fontFamily)\">\n" + body() + "</svg>\n"
    }

    /// Writes the SVG atomically.
    public func write(to url: URL) throws { try atomicWrite(Data(render().utf8), to: url) }

    static let fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"

    // MARK: - Drawing

    struct Axis {
        var lo: Double, hi: Double, log: Bool, p0: Double, p1: Double
        func t(_ v: Double) -> Double? {
            guard v.isFinite else { return nil }
            if log { return v > 0 ? Foundation.log10(v) : nil }
            return v
        }
        func map(_ v: Double) -> Double? { t(v).map { mapT($0) } }
        func mapT(_ t: Double) -> Double { p0 + (t - lo) / (hi - lo) * (p1 - p0) }
    }

    /// Range in transformed space (log10 for log axes).
    static func fitRange(_ values: [Double], scale: AxisScale, fixed: ClosedRange<Double>?, pad: Bool) -> (Double, Double) {
        let log = scale == .log
        func tr(_ v: Double) -> Double? { v.isFinite ? (log ? (v > 0 ? log10(v) : nil) : min(max(v, -1e300), 1e300)) : nil }
        if let fixed, let a = tr(fixed.lowerBound), let b = tr(fixed.upperBound), b > a { return (a, b) }
        let t = values.compactMap(tr)
        guard var lo = t.min(), var hi = t.max() else { return (0, 1) }
        if hi - lo <= max(abs(lo), abs(hi)) * 1e-12 {
            let d = log ? 0.5 : (lo == 0 ? 1 : abs(lo) * 0.1)
            return (lo - d, hi + d)
        }
        if pad { let m = (hi / 2 - lo / 2) * 0.1; lo -= m; hi += m }
        return (lo, hi)
    }

    static func linearTicks(_ lo: Double, _ hi: Double, target: Double = 6) -> (ticks: [Double], step: Double) {
        let span = hi - lo
        guard span > 0, span.isFinite else { return ([lo], 1) }
        let raw = span / target
        let mag = pow(10, floor(log10(raw)))
        let n = raw / mag
        let step = (n < 1.5 ? 1 : n < 3 ? 2 : n < 7 ? 5 : 10) * mag
        let k0 = ceil(lo / step - 1e-9), k1 = floor(hi / step + 1e-9)
        guard k1 >= k0, k1 - k0 < 100 else { return ([lo, hi], span) }
        return (stride(from: k0, through: k1, by: 1).map { $0 * step }, step)
    }

    static func formatTick(_ v: Double, step: Double) -> String {
        let v = abs(v) < step * 1e-6 ? 0 : v
        if max(abs(v), step) >= 1e6 || step < 1e-4 {
            if v == 0 { return "0" }
            let e = Int(floor(log10(abs(v))))
            let digits = min(6, max(0, e - Int(floor(log10(step) + 1e-9))))
            var m = String(format: "%.\(digits)f", v / pow(10, Double(e)))
            if m.contains(".") { while m.hasSuffix("0") { m.removeLast() }; if m.hasSuffix(".") { m.removeLast() } }
            return "\(m)e\(e)"
        }
        let decimals = max(0, -Int(floor(log10(step) + 1e-9)))
        return String(format: "%.\(decimals)f", v)
    }

    /// Tick positions (in transformed space) and labels.
    static func ticks(_ lo: Double, _ hi: Double, scale: AxisScale) -> [(Double, String)] {
        if scale == .linear {
            let (t, step) = linearTicks(lo, hi)
            return t.map { ($0, formatTick($0, step: step)) }
        }
        func label(_ v: Double) -> String {
            let e = Int(floor(log10(v) + 1e-9))
            if (-3...4).contains(e) {
                var s = String(format: "%.\(max(0, -e))f", v)
                if s.contains(".") { while s.hasSuffix("0") { s.removeLast() }; if s.hasSuffix(".") { s.removeLast() } }
                return s
            }
            let m = v / pow(10, Double(e))
            return abs(m - 1) < 1e-9 ? "1e\(e)" : "\(Int(m.rounded()))e\(e)"
        }
        let d0 = Int(ceil(lo - 1e-9)), d1 = Int(floor(hi + 1e-9))
        if d1 - d0 >= 1 {
            let every = max(1, (d1 - d0 + 7) / 8)
            return stride(from: d0, through: d1, by: every).map { (Double($0), label(pow(10, Double($0)))) }
        }
        var out: [(Double, String)] = []
        for d in (d0 - 1)...(d1 + 1) { for m in [1.0, 2, 5] {
            let t = Double(d) + log10(m)
            if t >= lo - 1e-9 && t <= hi + 1e-9 { out.append((t, label(m * pow(10, Double(d))))) }
        } }
        if out.count >= 2 { return out }
        let (lt, step) = linearTicks(pow(10, lo), pow(10, hi), target: 4)
        return lt.filter { $0 > 0 }.map { (log10($0), formatTick($0, step: step)) }
    }

    static func textWidth(_ s: String, size: Double) -> Double { Double(s.count) * size * 0.58 }

    /// Pixel layout of one plot: the plot rectangle, the two axes and their ticks.
    struct Frame {
        var isBox: Bool
        var boxStats: [BoxStats?]
        var x0, x1, y0, y1: Double
        var ax, ay: Axis
        var xTicks, yTicks: [(Double, String)]
        var rotate: Bool
        let tickFont = 11.0
    }

    /// One legend row; `kind` 0 is a line, 1 a point, 2 a reference diamond.
    typealias LegendItem = (label: String, color: String, dash: String?, kind: Int)

    /// Everything inside the `<svg>` element: background, grid, data, reference lines, axes, legend.
    func body() -> String {
        let f = frame()
        var out = "<rect width=\"\(fmt(width))\" height=\"\(fmt(height))\" fill=\"#ffffff\"/>\n"
        out += "<defs><clipPath id=\"CLIPID\"><rect x=\"\(fmt(f.x0))\" y=\"\(fmt(f.y0))\" width=\"\(fmt(f.x1 - f.x0))\" height=\"\(fmt(f.y1 - f.y0))\"/></clipPath></defs>\n"
        out += grid(f) + "<g clip-path=\"url(#CLIPID)\">\n"
        var legendItems: [LegendItem] = []
        var occupied: [(Double, Double)] = []
        out += f.isBox ? boxMarks(f, legend: &legendItems, occupied: &occupied)
                       : seriesMarks(f, legend: &legendItems, occupied: &occupied)
        out += "</g>\n"
        out += referenceLines(f, occupied: &occupied)
        out += axes(f)
        out += legendBox(f, items: legendItems, occupied: occupied)
        let id = "clip-" + String(FNV1a.hash(out), radix: 16)
        return out.replacingOccurrences(of: "CLIPID", with: id)
    }

    /// Ranges, ticks and margins from the data, the labels and the size.
    func frame() -> Frame {
        let isBox = !boxes.isEmpty
        let boxStats = boxes.map { BoxStats($0.values) }

        var xs: [Double] = [], ys: [Double] = []
        if isBox {
            for (g, st) in zip(boxes, boxStats) {
                if let st { ys += [st.lowerWhisker, st.upperWhisker] + st.outliers }
                if let r = g.reference { ys.append(r) }
            }
        } else {
            for s in series {
                xs += s.x; ys += s.y
                ys += (s.lower ?? []) + (s.upper ?? [])
            }
            xs += verticalLines.map(\.value)
        }
        ys += horizontalLines.map(\.value)
        let (xlo, xhi) = isBox ? (-0.5, Double(boxes.count) - 0.5)
                               : SVGPlot.fitRange(xs, scale: xScale, fixed: xRange, pad: series.contains { $0.style != .line })
        let (ylo, yhi) = SVGPlot.fitRange(ys, scale: isBox ? .linear : yScale, fixed: yRange, pad: true)
        let yTicks = SVGPlot.ticks(ylo, yhi, scale: isBox ? .linear : yScale)
        let xTicks: [(Double, String)] = isBox ? boxes.enumerated().map { (Double($0.offset), $0.element.label) }
                                               : SVGPlot.ticks(xlo, xhi, scale: xScale)

        let tickFont = 11.0
        let maxY = yTicks.map { SVGPlot.textWidth($0.1, size: tickFont) }.max() ?? 0
        let left = 10 + (yLabel.isEmpty ? 0 : 22) + maxY + 8
        let right = 18.0
        let top = title.isEmpty ? 14.0 : 38.0
        var bottom = 26 + (xLabel.isEmpty ? 0 : 20) + 6.0
        let plotW = max(10, width - left - right)
        var rotate = false
        if isBox {
            let slot = plotW / Double(max(1, boxes.count))
            let longest = boxes.map { SVGPlot.textWidth($0.label, size: tickFont) }.max() ?? 0
            if longest > slot - 4 { rotate = true; bottom += min(longest, 160) * 0.6 }
        }
        let x0 = left, x1 = left + plotW, y0 = top, y1 = max(top + 10, height - bottom)
        return Frame(isBox: isBox, boxStats: boxStats, x0: x0, x1: x1, y0: y0, y1: y1,
                     ax: Axis(lo: xlo, hi: xhi, log: !isBox && xScale == .log, p0: x0, p1: x1),
                     ay: Axis(lo: ylo, hi: yhi, log: !isBox && yScale == .log, p0: y1, p1: y0),
                     xTicks: xTicks, yTicks: yTicks, rotate: rotate)
    }

    /// Light grid lines at the ticks (horizontal only for box plots).
    func grid(_ f: Frame) -> String {
        var out = "<g stroke=\"#e8e8e8\" stroke-width=\"1\">"
        for (t, _) in f.yTicks { let y = f.ay.mapT(t); out += "<line x1=\"\(fmt(f.x0))\" x2=\"\(fmt(f.x1))\" y1=\"\(fmt(y))\" y2=\"\(fmt(y))\"/>" }
        if !f.isBox { for (t, _) in f.xTicks { let x = f.ax.mapT(t); out += "<line x1=\"\(fmt(x))\" x2=\"\(fmt(x))\" y1=\"\(fmt(f.y0))\" y2=\"\(fmt(f.y1))\"/>" } }
        return out + "</g>\n"
    }

    /// One box per group (whiskers, quartile box, median, outliers) and the reference diamonds.
    func boxMarks(_ f: Frame, legend: inout [LegendItem], occupied: inout [(Double, Double)]) -> String {
        let ax = f.ax, ay = f.ay
        var out = ""
        let slot = (f.x1 - f.x0) / Double(boxes.count)
        let half = min(40, slot * 0.28)
        var hasRef = false
        for (i, (g, st)) in zip(boxes, f.boxStats).enumerated() {
            let color = xmlEscape(g.color ?? SVGPlot.palette[i % SVGPlot.palette.count])
            let cx = ax.mapT(Double(i))
            if let st, let yq1 = ay.map(st.q1), let yq3 = ay.map(st.q3), let ym = ay.map(st.median),
               let ylw = ay.map(st.lowerWhisker), let yuw = ay.map(st.upperWhisker) {
                out += "<g stroke=\"\(color)\" stroke-width=\"1.5\">"
                out += "<line x1=\"\(fmt(cx))\" x2=\"\(fmt(cx))\" y1=\"\(fmt(yq3))\" y2=\"\(fmt(yuw))\"/>"
                out += "<line x1=\"\(fmt(cx))\" x2=\"\(fmt(cx))\" y1=\"\(fmt(yq1))\" y2=\"\(fmt(ylw))\"/>"
                out += "<line x1=\"\(fmt(cx - half / 2))\" x2=\"\(fmt(cx + half / 2))\" y1=\"\(fmt(yuw))\" y2=\"\(fmt(yuw))\"/>"
                out += "<line x1=\"\(fmt(cx - half / 2))\" x2=\"\(fmt(cx + half / 2))\" y1=\"\(fmt(ylw))\" y2=\"\(fmt(ylw))\"/>"
                out += "<rect x=\"\(fmt(cx - half))\" y=\"\(fmt(yq3))\" width=\"\(fmt(2 * half))\" height=\"\(fmt(max(0, yq1 - yq3)))\" fill=\"\(color)\" fill-opacity=\"0.25\"/>"
                out += "<line x1=\"\(fmt(cx - half))\" x2=\"\(fmt(cx + half))\" y1=\"\(fmt(ym))\" y2=\"\(fmt(ym))\" stroke=\"#222222\" stroke-width=\"2.2\"/>"
                for o in st.outliers { if let yo = ay.map(o) { out += "<circle cx=\"\(fmt(cx))\" cy=\"\(fmt(yo))\" r=\"2.8\" fill=\"none\"/>" } }
                out += "</g>\n"
                occupied += [(cx, yq1), (cx, yq3), (cx, ylw), (cx, yuw)]
            }
            if let r = g.reference, let yr = ay.map(r) {
                hasRef = true
                out += SVGPlot.diamond(cx + half + 7, yr) + "\n"
                occupied.append((cx + half + 7, yr))
            }
        }
        if hasRef { legend.append((referenceLabel, "#d62728", nil, 2)) }
        return out
    }

    /// Each series: its band, its line (broken at missing points, isolated points as dots) and its points.
    func seriesMarks(_ f: Frame, legend: inout [LegendItem], occupied: inout [(Double, Double)]) -> String {
        let ax = f.ax, ay = f.ay
        var out = ""
        for (i, s) in series.enumerated() {
            let color = xmlEscape(s.color ?? SVGPlot.palette[i % SVGPlot.palette.count])
            let n = min(s.x.count, s.y.count)
            if let lo = s.lower, let hi = s.upper {
                var segment: [(Double, Double, Double)] = []
                func flushBand() {
                    if segment.count > 1 {
                        let top = segment.map { "\(fmt($0.0)),\(fmt($0.2))" }, bot = segment.reversed().map { "\(fmt($0.0)),\(fmt($0.1))" }
                        out += "<polygon points=\"\((top + bot).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.18\" stroke=\"none\"/>\n"
                    }
                    segment = []
                }
                for k in 0..<min(n, lo.count, hi.count) {
                    if let px = ax.map(s.x[k]), let pl = ay.map(lo[k]), let ph = ay.map(hi[k]) {
                        segment.append((px, pl, ph)); occupied += [(px, pl), (px, ph)]
                    } else { flushBand() }
                }
                flushBand()
            }
            var pts: [(Double, Double)?] = []
            for k in 0..<n {
                if let px = ax.map(s.x[k]), let py = ay.map(s.y[k]) { pts.append((px, py)); occupied.append((px, py)) } else { pts.append(nil) }
            }
            if s.style != .points {
                var d = "", run = 0, isolated: [(Double, Double)] = []
                for (k, p) in pts.enumerated() {
                    guard let p else { run = 0; continue }
                    d += (run == 0 ? "M" : "L") + "\(fmt(p.0)) \(fmt(p.1))"
                    run += 1
                    let nextMissing = k + 1 >= pts.count || pts[k + 1] == nil
                    if run == 1 && nextMissing { isolated.append(p) }
                }
                if !d.isEmpty {
                    let dash = s.dash.map { " stroke-dasharray=\"\(xmlEscape($0))\"" } ?? ""
                    out += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(fmt(s.lineWidth))\" stroke-linejoin=\"round\" stroke-linecap=\"round\"\(dash)/>\n"
                }
                if s.style == .line { for p in isolated { out += "<circle cx=\"\(fmt(p.0))\" cy=\"\(fmt(p.1))\" r=\"\(fmt(s.lineWidth))\" fill=\"\(color)\"/>" } }
            }
            if s.style != .line {
                out += "<g fill=\"\(color)\" fill-opacity=\"\(s.style == .points ? "0.75" : "1")\">"
                for p in pts.compactMap({ $0 }) { out += "<circle cx=\"\(fmt(p.0))\" cy=\"\(fmt(p.1))\" r=\"\(fmt(s.pointRadius))\"/>" }
                out += "</g>\n"
            }
            if !s.label.isEmpty { legend.append((s.label, color, s.dash, s.style == .points ? 1 : 0)) }
        }
        return out
    }

    /// Vertical and horizontal reference lines with their labels (labels mark space the legend avoids).
    func referenceLines(_ f: Frame, occupied: inout [(Double, Double)]) -> String {
        let (x0, x1, y0, y1) = (f.x0, f.x1, f.y0, f.y1)
        var out = ""
        for (i, v) in verticalLines.enumerated() {
            guard let x = f.ax.map(v.value), x >= x0 - 0.5, x <= x1 + 0.5 else { continue }
            let dash = v.dash.map { " stroke-dasharray=\"\(xmlEscape($0))\"" } ?? ""
            out += "<line x1=\"\(fmt(x))\" x2=\"\(fmt(x))\" y1=\"\(fmt(y0))\" y2=\"\(fmt(y1))\" stroke=\"\(xmlEscape(v.color))\" stroke-width=\"1.2\"\(dash)/>"
            if !v.label.isEmpty {
                let nearRight = x > x0 + (x1 - x0) * 0.75
                let ty = y0 + 12 + Double(i % 3) * 13, w = SVGPlot.textWidth(v.label, size: 10.5)
                for k in 0...4 { occupied.append((nearRight ? x - 4 - w * Double(k) / 4 : x + 4 + w * Double(k) / 4, ty - 4)) }
                out += SVGPlot.haloText(v.label, x: nearRight ? x - 4 : x + 4, y: ty,
                                        anchor: nearRight ? "end" : "start", color: v.color)
            }
            out += "\n"
        }
        for v in horizontalLines {
            guard let y = f.ay.map(v.value), y >= y0 - 0.5, y <= y1 + 0.5 else { continue }
            let dash = v.dash.map { " stroke-dasharray=\"\(xmlEscape($0))\"" } ?? ""
            out += "<line x1=\"\(fmt(x0))\" x2=\"\(fmt(x1))\" y1=\"\(fmt(y))\" y2=\"\(fmt(y))\" stroke=\"\(xmlEscape(v.color))\" stroke-width=\"1.2\"\(dash)/>"
            if !v.label.isEmpty {
                let w = SVGPlot.textWidth(v.label, size: 10.5)
                for k in 0...4 { occupied.append((x1 - 4 - w * Double(k) / 4, y - 8)) }
                out += SVGPlot.haloText(v.label, x: x1 - 4, y: y - 4, anchor: "end", color: v.color)
            }
            out += "\n"
        }
        return out
    }

    /// Axis lines, tick marks, tick labels, title and axis labels.
    func axes(_ f: Frame) -> String {
        let (x0, x1, y0, y1) = (f.x0, f.x1, f.y0, f.y1)
        var out = "<g stroke=\"#444444\" stroke-width=\"1\"><line x1=\"\(fmt(x0))\" x2=\"\(fmt(x0))\" y1=\"\(fmt(y0))\" y2=\"\(fmt(y1))\"/>"
        out += "<line x1=\"\(fmt(x0))\" x2=\"\(fmt(x1))\" y1=\"\(fmt(y1))\" y2=\"\(fmt(y1))\"/>"
        for (t, _) in f.yTicks { let y = f.ay.mapT(t); out += "<line x1=\"\(fmt(x0 - 5))\" x2=\"\(fmt(x0))\" y1=\"\(fmt(y))\" y2=\"\(fmt(y))\"/>" }
        for (t, _) in f.xTicks { let x = f.ax.mapT(t); out += "<line x1=\"\(fmt(x))\" x2=\"\(fmt(x))\" y1=\"\(fmt(y1))\" y2=\"\(fmt(y1 + 5))\"/>" }
        out += "</g>\n<g font-size=\"\(fmt(f.tickFont))\" fill=\"#333333\">"
        for (t, l) in f.yTicks { out += "<text x=\"\(fmt(x0 - 8))\" y=\"\(fmt(f.ay.mapT(t) + 4))\" text-anchor=\"end\">\(xmlEscape(l))</text>" }
        for (t, l) in f.xTicks {
            let x = f.ax.mapT(t)
            if f.rotate {
                out += "<text transform=\"translate(\(fmt(x + 3)),\(fmt(y1 + 14))) rotate(-35)\" text-anchor=\"end\">\(xmlEscape(l))</text>"
            } else {
                out += "<text x=\"\(fmt(x))\" y=\"\(fmt(y1 + 18))\" text-anchor=\"middle\">\(xmlEscape(l))</text>"
            }
        }
        out += "</g>\n"
        if !title.isEmpty {
            out += "<text x=\"\(fmt((x0 + x1) / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"600\" fill=\"#222222\">\(xmlEscape(title))</text>\n"
        }
        if !xLabel.isEmpty {
            out += "<text x=\"\(fmt((x0 + x1) / 2))\" y=\"\(fmt(height - 10))\" text-anchor=\"middle\" font-size=\"12.5\" fill=\"#222222\">\(xmlEscape(xLabel))</text>\n"
        }
        if !yLabel.isEmpty {
            out += "<text transform=\"translate(16,\(fmt((y0 + y1) / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12.5\" fill=\"#222222\">\(xmlEscape(yLabel))</text>\n"
        }
        return out
    }

    /// The legend, in the corner that covers the fewest `occupied` points when `legend` is `.auto`.
    func legendBox(_ f: Frame, items legendItems: [LegendItem], occupied: [(Double, Double)]) -> String {
        guard legend != .none, !legendItems.isEmpty else { return "" }
        let (x0, x1, y0, y1) = (f.x0, f.x1, f.y0, f.y1)
        let lw = 34 + (legendItems.map { SVGPlot.textWidth($0.label, size: 11.5) }.max() ?? 0) + 10
        let lh = Double(legendItems.count) * 17 + 8
        let corners: [LegendPosition] = [.topRight, .topLeft, .bottomRight, .bottomLeft]
        func origin(_ c: LegendPosition) -> (Double, Double) {
            switch c {
            case .topLeft: return (x0 + 8, y0 + 8)
            case .bottomLeft: return (x0 + 8, y1 - lh - 8)
            case .bottomRight: return (x1 - lw - 8, y1 - lh - 8)
            default: return (x1 - lw - 8, y0 + 8)
            }
        }
        var pos = legend
        if pos == .auto {
            pos = corners.min(by: { a, b in
                func hits(_ c: LegendPosition) -> Int {
                    let (lx, ly) = origin(c)
                    return occupied.filter { $0.0 >= lx - 4 && $0.0 <= lx + lw + 4 && $0.1 >= ly - 4 && $0.1 <= ly + lh + 4 }.count
                }
                return hits(a) < hits(b)
            }) ?? .topRight
        }
        let (lx, ly) = origin(pos)
        var out = "<g font-size=\"11.5\" fill=\"#222222\"><rect x=\"\(fmt(lx))\" y=\"\(fmt(ly))\" width=\"\(fmt(lw))\" height=\"\(fmt(lh))\" rx=\"4\" fill=\"#ffffff\" fill-opacity=\"0.88\" stroke=\"#cccccc\"/>"
        for (k, item) in legendItems.enumerated() {
            let cy = ly + 4 + 17 * Double(k) + 8.5
            switch item.kind {
            case 1: out += "<circle cx=\"\(fmt(lx + 19))\" cy=\"\(fmt(cy))\" r=\"3.5\" fill=\"\(item.color)\"/>"
            case 2: out += SVGPlot.diamond(lx + 19, cy)
            default:
                let dash = item.dash.map { " stroke-dasharray=\"\(xmlEscape($0))\"" } ?? ""
                out += "<line x1=\"\(fmt(lx + 8))\" x2=\"\(fmt(lx + 30))\" y1=\"\(fmt(cy))\" y2=\"\(fmt(cy))\" stroke=\"\(item.color)\" stroke-width=\"2.5\"\(dash)/>"
            }
            out += "<text x=\"\(fmt(lx + 36))\" y=\"\(fmt(cy + 4))\">\(xmlEscape(item.label))</text>"
        }
        return out + "</g>\n"
    }

    static func diamond(_ x: Double, _ y: Double) -> String {
        "<path d=\"M\(fmt(x)) \(fmt(y - 5.5))L\(fmt(x + 4.5)) \(fmt(y))L\(fmt(x)) \(fmt(y + 5.5))L\(fmt(x - 4.5)) \(fmt(y))Z\" fill=\"#d62728\" stroke=\"#ffffff\" stroke-width=\"0.8\"/>"
    }

    static func haloText(_ s: String, x: Double, y: Double, anchor: String, color: String) -> String {
        "<text x=\"\(fmt(x))\" y=\"\(fmt(y))\" text-anchor=\"\(anchor)\" font-size=\"10.5\" fill=\"\(xmlEscape(color))\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">\(xmlEscape(s))</text>"
    }
}

/// Several plots in one SVG.
public enum SVGFigure {
    /// Lays plots out in a grid with `columns` columns (cells sized to the largest plot), with an optional overall title.
    public static func panels(_ plots: [SVGPlot], columns: Int, title: String? = nil) -> String {
        let cols = max(1, min(columns, plots.count))
        let cw = plots.map(\.width).max() ?? 0, ch = plots.map(\.height).max() ?? 0
        let rows = (plots.count + cols - 1) / cols
        let top = (title?.isEmpty ?? true) ? 0.0 : 34
        let w = Double(cols) * cw, h = Double(rows) * ch + top
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(w))\" height=\"\(fmt(h))\" viewBox=\"0 0 \(fmt(w)) \(fmt(h))\" font-family=\"\(SVGPlot.fontFamily)\">\n"
        out += "<rect width=\"\(fmt(w))\" height=\"\(fmt(h))\" fill=\"#ffffff\"/>\n"
        if let title, !title.isEmpty {
            out += "<text x=\"\(fmt(w / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"600\" fill=\"#222222\">\(xmlEscape(title))</text>\n"
        }
        for (i, p) in plots.enumerated() {
            out += "<g transform=\"translate(\(fmt(Double(i % cols) * cw)),\(fmt(top + Double(i / cols) * ch)))\">\n" + p.body() + "</g>\n"
        }
        return out + "</svg>\n"
    }

    /// Writes `panels(...)` atomically.
    public static func write(_ plots: [SVGPlot], columns: Int, title: String? = nil, to url: URL) throws {
        try atomicWrite(Data(panels(plots, columns: columns, title: title).utf8), to: url)
    }
}

/// Formats an SVG coordinate with at most two decimals.
func fmt(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    let r = (min(max(v, -1e7), 1e7) * 100).rounded() / 100
    if r == r.rounded() { return String(Int(r)) }
    return String(r)
}

