import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A progress reporter on stderr. On a terminal it redraws one line in place
/// (`label [#####.....] 12/100 3.4/s ETA 0:25`, at most every 0.1 s); otherwise it prints a plain
/// line at most every `interval` seconds (default 5) and one at the end. `quiet` prints nothing. Thread-safe.
public final class Progress: @unchecked Sendable {
    public let total: Int
    public let label: String
    public let quiet: Bool
    public let interval: Double
    public private(set) var count = 0

    private let clock: () -> Double
    private let output: (String) -> Void
    private let terminal: Bool
    private let start: Double
    private var lastDraw: Double
    private var finished = false
    private let lock = NSLock()

    /// - Parameters:
    ///   - clock: seconds from any fixed origin (default: monotonic time).
    ///   - terminal: draw in place; default `isatty(2)`.
    ///   - output: receives the text to print (default: stderr).
    public init(total: Int, label: String, quiet: Bool = false, interval: Double = 5,
                terminal: Bool? = nil, clock: (() -> Double)? = nil, output: ((String) -> Void)? = nil) {
        self.total = total; self.label = label; self.quiet = quiet; self.interval = interval
        self.terminal = terminal ?? (isatty(2) == 1)
        self.clock = clock ?? { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
        self.output = output ?? { s in fputs(s, stderr); fflush(stderr) }
        start = self.clock()
        lastDraw = start
    }

    /// Appended to every final line, e.g. " on 2 threads" (the CLI sets it, so run logs record the thread count).
    nonisolated(unsafe) public static var context: () -> String = { "" }

    /// Records `n` more finished units.
    public func advance(by n: Int = 1) {
        lock.lock(); defer { lock.unlock() }
        count += n
        guard !quiet, !finished else { return }
        let now = clock()
        if now - lastDraw >= (terminal ? 0.1 : interval) {
            lastDraw = now
            output(terminal ? "\r" + line(now: now, bar: true) + "\u{1B}[K" : line(now: now, bar: false) + "\n")
        }
    }

    /// Prints the final state once.
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        guard !finished else { return }
        finished = true
        guard !quiet else { return }
        let now = clock()
        let elapsed = now - start
        let rate = elapsed > 0 ? String(format: " %.1f/s", Double(count) / elapsed) : ""
        let done = total > 0 ? "\(count)/\(total)" : "\(count)"
        let text = "\(label) \(done) done in \(Progress.duration(elapsed))\(rate)\(Progress.context())"
        output(terminal ? "\r" + line(now: now, bar: true) + Progress.context() + "\u{1B}[K\n" : text + "\n")
    }

    /// The status line at time `now`.
    public func line(now: Double, bar: Bool) -> String {
        let elapsed = now - start
        let rate = elapsed > 0 ? Double(count) / elapsed : 0
        var s = label
        if total > 0 {
            if bar {
                let width = 20
                let filled = min(width, max(0, Int(Double(width) * Double(count) / Double(total))))
                s += " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
            }
            s += " \(count)/\(total)"
            if !bar { s += String(format: " (%.0f%%)", 100 * Double(count) / Double(total)) }
        } else {
            s += " \(count)"
        }
        s += String(format: " %.1f/s", rate)
        if total > 0 {
            s += " ETA " + (rate > 0 ? Progress.duration(Double(max(0, total - count)) / rate) : "?")
        }
        return s
    }

    /// `m:ss`, or `h:mm:ss` from one hour.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let t = Int(seconds.rounded())
        let h = t / 3600, m = (t % 3600) / 60, s = t % 60
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }
}
