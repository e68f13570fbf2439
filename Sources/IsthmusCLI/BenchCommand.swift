import Foundation
import IsthmusCore
import IsthmusKernels
import IsthmusLandscape
import IsthmusNN
import IsthmusReport

struct BenchCommand: Command {
    static let name = "bench", summary = "the paper's workloads (sweeps, bypass, attack, FVO and training steps), timed"
    static let usage = """
    usage: isthmus bench [--workload NAME] [--threads T] [--quick] [--json FILE] [--list]
    Times the paper's workloads: loss sweeps along a segment (batches of 64), one bypass, attack or FVO step at
    batch 1, one training step at batch 64 (the median of repetitions after 2 warm-ups), and whole many-pair runs
    of the connectivity and barrier experiments, batched and pair by pair (one timed run). scripts/peer_torch.py
    times the same workloads in PyTorch, and scripts/bench-vs-torch.sh runs both and prints the ratios.
    """
    static var notes: String { Workloads.help }
    static var options: OptionTable { OptionTable([
        .text("--workload", "NAME", "run the workloads whose name contains NAME (default all):\n"
              + Workloads.all.map(\.name).joined(separator: ", ")),
        .int("--threads", "T", nil, 1...256, "compute threads (default: ISTHMUS_THREADS or all cores)"),
        .flag("--quick", "fewer repetitions (as the peer benchmark's --quick)"),
        .text("--json", "FILE", "write {workload: {ms, unit}, _meta: {...}}, the peer benchmark's JSON shape"),
        .flag("--list", "print the names of the workloads --workload selects, one per line, and time nothing"),
    ]) }

    static func run(_ args: inout Arguments) throws {
        let only = try args.string("--workload") ?? ""
        let threads = try args.optionalInt("--threads")
        let quick = args.flag("--quick")
        let json = try args.string("--json")
        let list = args.flag("--list")
        try args.finish()
        if let threads { Threads.set(threads) }
        let chosen = Workloads.all.filter { only.isEmpty || $0.name.contains(only) }
        if chosen.isEmpty { throw CLIError("no workload matches '\(only)'") }
        if list { return print(chosen.map(\.name).joined(separator: "\n")) }
        print("\(KernelSettings.cpuModel), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Threads.count) threads; "
              + KernelSettings.summary)
        var results: [(workload: Workloads.Workload, ms: Double)] = []
        for w in chosen {
            let ms = try w.measure(quick: quick)
            print(w.name.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%10.2f ", ms) + w.unit)
            results.append((w, ms))
        }
        let out = Workloads.json(results, version: IsthmusReportModule.version, gitCommit: RunInfo.current(seed: 0).gitCommit)
        if let json { try atomicWrite(Data(out.render(pretty: true).utf8), to: URL(fileURLWithPath: json)) }
    }
}
