import Foundation

/// One subcommand: parse, call the library, write the run folder.
public protocol Command {
    static var name: String { get }
    static var summary: String { get }
    /// Usage text shown by `isthmus NAME --help`.
    static var help: String { get }
    static func run(_ args: inout Arguments) throws
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
        PredictCommand.self,
        InspectCommand.self,
        ONNXBenchCommand.self,
        FVOCommand.self,
        UntrainedCommand.self,
        EvolutionCommand.self,
        WriteStressCommand.self,
    ]

    static func usage() -> String {
        var s = "isthmus: input-space mode connectivity of neural networks (Vrabel et al., ICLR 2025)\n\n"
        s += "usage: isthmus COMMAND [options]   (isthmus COMMAND --help for its options)\n\ncommands:\n"
        for c in commands where !c.name.hasPrefix("_") {
            s += "  " + c.name.padding(toLength: 16, withPad: " ", startingAt: 0) + c.summary + "\n"
        }
        return s
    }

    /// Runs the CLI on `argv` (without the program name) and returns the exit code.
    public static func main(_ argv: [String]) -> Int32 {
        guard let name = argv.first, name != "--help", name != "-h", name != "help" else {
            print(usage(), terminator: "")
            return argv.isEmpty ? 2 : 0
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            FileHandle.standardError.write(Data("isthmus: error: unknown command '\(name)' (see isthmus --help)\n".utf8))
            return 2
        }
        let rest = Array(argv.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            print("isthmus \(command.name): \(command.summary)\n\n\(command.help)")
            return 0
        }
        var args = Arguments(command: name, rest)
        do {
            try checkKnownOptions(rest, of: command)
            try args.checkNoRepeats(except: command.name == "predict" ? ["--input"] : [])
            try command.run(&args)
            return 0
        } catch {
            let message = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
            FileHandle.standardError.write(Data("isthmus \(name): error: \(message)\n".utf8))
            return 2
        }
    }
}

/// Rejects options the command does not document: its help text is the list of what it accepts.
func checkKnownOptions(_ tokens: [String], of command: Command.Type) throws {
    var known: Set<String> = ["--help"]
    var rest = Substring(command.help)
    while let r = rest.range(of: "--") {
        let name = rest[r.lowerBound...].prefix { $0 == "-" || $0.isLetter || $0.isNumber }
        known.insert(String(name))
        rest = rest[r.upperBound...]
    }
    for t in tokens where t.hasPrefix("--") {
        let name = t.split(separator: "=", maxSplits: 1).first.map(String.init) ?? t
        if !known.contains(name) && Double(t) == nil {
            throw CLIError("unknown option \(name) for '\(command.name)' (see isthmus \(command.name) --help)")
        }
    }
}

/// Writes a line to stderr (progress and notes; stdout is for results).
func note(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}
