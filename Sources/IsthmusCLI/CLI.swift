import Foundation
import IsthmusKernels
import IsthmusReport

/// One subcommand: parse, call the library, write the run folder. Its options are declared once, in `options`;
/// `--help`, the known-option check, parsing and validation all derive from that table (see `Option`).
public protocol Command {
    static var name: String { get }
    static var summary: String { get }
    /// The first line(s) of `--help`: `usage: isthmus NAME ...`.
    static var usage: String { get }
    static var options: OptionTable { get }
    /// Text after the options in `--help` (what the command writes).
    static var notes: String { get }
    static func run(_ args: inout Arguments) throws
}

extension Command {
    public static var notes: String { "" }
    /// `isthmus NAME --help`: usage, the option table, notes.
    public static var help: String { [usage, options.help, notes].filter { !$0.isEmpty }.joined(separator: "\n") }
}

public enum CLI {
    public static var commands: [Command.Type] = [
        TrainCommand.self,
        EvalCommand.self,
        InterpolateCommand.self,
        SaliencyCommand.self,
        BypassCommand.self,
        ChainCommand.self,
        ConnectivityCommand.self,
        ConnectCommand.self,
        ComparePathsCommand.self,
        AttackCommand.self,
        BarriersCommand.self,
        DetectCommand.self,
        PercolateCommand.self,
        ReproduceCommand.self,
        PlotCommand.self,
        MergeCommand.self,
        BenchCommand.self,
        KernelBenchCommand.self,
        PreprocessCommand.self,
        PhotoFolderCommand.self,
        PredictCommand.self,
        InspectCommand.self,
        ONNXBenchCommand.self,
        FVOCommand.self,
        UntrainedCommand.self,
        EvolutionCommand.self,
        WriteStressCommand.self,
        FolderCostsCommand.self,
    ]

    static func usage() -> String {
        var s = "isthmus: input-space mode connectivity of neural networks (Vrabel et al., ICLR 2025)\n\n"
        s += "usage: isthmus COMMAND [options]   (isthmus COMMAND --help or isthmus help COMMAND for its options;\n"
        s += "       isthmus --version)\n\ncommands:\n"
        for c in commands where !c.name.hasPrefix("_") {
            s += "  " + c.name.padding(toLength: 16, withPad: " ", startingAt: 0) + c.summary + "\n"
        }
        return s
    }

    /// `isthmus 0.1.0 (commit <hash>)`.
    static var versionLine: String { "isthmus \(IsthmusReportModule.version) (commit \(RunInfo.gitCommit()))" }

    /// Runs the CLI on `argv` (without the program name) and returns the exit code.
    public static func main(_ argv: [String]) -> Int32 {
        if argv.first == "--version" || argv.first == "version" {
            guard argv.count == 1 else { return fail("isthmus: error: --version takes no arguments") }
            print(versionLine)
            return 0
        }
        if argv.first == "help", argv.count >= 2 {
            guard argv.count == 2, let command = commands.first(where: { $0.name == argv[1] }) else {
                return fail("isthmus: error: " + (argv.count > 2 ? "help takes one command" : "unknown command '\(argv[1])' (see isthmus --help)"))
            }
            print("isthmus \(command.name): \(command.summary)\n\n\(command.help)")
            return 0
        }
        guard let name = argv.first, name != "--help", name != "-h", name != "help" else {
            print(usage(), terminator: "")
            return argv.isEmpty ? 2 : 0
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            return fail("isthmus: error: unknown command '\(name)' (see isthmus --help)")
        }
        let rest = Array(argv.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            print("isthmus \(command.name): \(command.summary)\n\n\(command.help)")
            return 0
        }
        RunState.command = name
        Progress.context = { " on \(Threads.count) thread\(Threads.count == 1 ? "" : "s")" }
        RunState.handleInterrupts(label: "isthmus \(name)")
        var args = Arguments(command: name, rest, table: command.options)
        do {
            try args.checkKnown()
            try command.run(&args)
            return 0
        } catch {
            RunState.cleanUpAfterFailure()
            let message = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
            return fail("isthmus \(name): error: \(message)")
        }
    }

    static func fail(_ line: String) -> Int32 {
        FileHandle.standardError.write(Data((line + "\n").utf8))
        return 2
    }
}
