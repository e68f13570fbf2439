import Foundation
import IsthmusKernels
import IsthmusNN
import IsthmusReport

/// What determines a run's results; the FNV-1a hash of its JSON is the run's config.hash, and config.json keeps it
/// so that a refused resume or merge can say what differs.
public struct Provenance: Codable, Equatable {
    /// The command that made the run.
    public var kind: String
    /// Isthmus version and git commit.
    public var code: String
    public var model: ModelOptions?
    public var untrained: Bool?
    public var seed: UInt64?
    /// `RunDirectory.contentDigest` of the weights file.
    public var weightsDigest: String?
    /// The data set's kind (`mnist5k`, `cifar10`, ...) and the content digest of its file or folder.
    public var data: String?
    public var dataDigest: String?
    /// The experiment's settings as sorted JSON.
    public var config: String
    public var shard: Shard?

    public init<C: Encodable>(kind: String = RunState.command, model m: ModelSpec?, seed: UInt64?, weightsDigest: String?,
                       data spec: String? = nil, dataDigest: String? = nil, config: C, shard: Shard? = nil) throws {
        self.kind = kind
        code = RunInfo.codeVersion
        model = m?.options; untrained = m?.untrained; self.seed = seed
        self.weightsDigest = weightsDigest
        data = spec.map { s in s.firstIndex(of: ":").map { String(s[..<$0]) } ?? s }
        self.dataDigest = dataDigest
        self.config = String(decoding: try JSONCoding.encoder(pretty: false).encode(config), as: UTF8.self)
        self.shard = shard
    }

    public var hash: String { String(FNV1a.hash((try? JSONCoding.encoder(pretty: false).encode(self)) ?? Data()), radix: 16) }

    /// What differs from `old`, in words ("different weights (digest A, now B)").
    public func differences(from old: Provenance) -> [String] {
        var d: [String] = []
        if old.kind != kind { d.append("a \(old.kind) run, not \(kind)") }
        if old.weightsDigest != weightsDigest || old.untrained != untrained {
            d.append("different weights (\(old.weightsDigest ?? "untrained"), now \(weightsDigest ?? "untrained"))")
        }
        if old.model != model { d.append("different model options") }
        if old.data != data || old.dataDigest != dataDigest {
            d.append("different data (\(old.data ?? "-") \(old.dataDigest ?? ""), now \(data ?? "-") \(dataDigest ?? ""))")
        }
        if old.seed != seed { d.append("seed \(old.seed.map(String.init) ?? "-"), now \(seed.map(String.init) ?? "-")") }
        if old.config != config { d.append("different settings") }
        if old.shard != shard { d.append("a different shard") }
        if old.code != code { d.append("Isthmus \(old.code), now \(code)") }
        return d
    }
}

/// The resolved configuration of a run, with provenance (config.json).
public struct RunConfig<C: Encodable>: Encodable {
    /// The command that made the run (`connectivity`, `barriers`, ...), checked by commands that read runs.
    public var kind: String
    public var run: RunInfo
    public var model: ModelOptions?
    public var weights: String?
    public var data: String?
    public var provenance: Provenance
    public var machine = MachineInfo.current
    public var config: C
}

/// Where a run ran: the compute threads (all cores unless `ISTHMUS_THREADS`), the CPU and oneDNN's ISA. Recorded in
/// config.json, outside the provenance hash: results agree across machines up to float32 rounding.
public struct MachineInfo: Encodable {
    public var threads: Int
    public var cores: Int
    public var cpu: String
    public var oneDNNISA: String

    public static var current: MachineInfo {
        MachineInfo(threads: Threads.count, cores: ProcessInfo.processInfo.activeProcessorCount, cpu: KernelSettings.cpuModel,
                    oneDNNISA: KernelSettings.oneDNNISA)
    }
}

/// The part of config.json that commands reading a run look at.
public struct RunConfigHeader: Decodable {
    public var kind: String?
    public var provenance: Provenance?
}

/// Writes config.json and, if the folder has none yet, config.hash (the provenance hash). The weights are hashed
/// here unless `provenance` (computed before the folder was made) is given.
public func writeConfig<C: Encodable>(_ dir: RunDirectory, seed: UInt64?, model: ModelSpec?, _ config: C, kind: String = RunState.command,
                               data: String? = nil, provenance: Provenance? = nil) throws {
    let p = try provenance ?? Provenance(kind: kind, model: model, seed: seed, weightsDigest: try model?.weightsDigest(), config: config)
    try dir.writeJSON(RunConfig(kind: p.kind, run: RunInfo.current(seed: seed ?? 0), model: model?.options, weights: model?.weights,
                                data: data, provenance: p, config: config), "config.json")
    if !dir.exists("config.hash") { try dir.writeText(p.hash + "\n", "config.hash") }
}

