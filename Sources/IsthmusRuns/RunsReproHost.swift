import Foundation
import IsthmusNN
import IsthmusReport
import IsthmusReproduce

/// The reproduction's host for command-line runs: models through `ModelSpec` (the user's, ONNX included),
/// provenance through `writeConfig`, data specs through `DataSpec`, unit logs tracked for the interrupt message.
public struct RunsReproHost: ReproHost {
    public let user: ModelSpec?

    public init(user: ModelSpec?) { self.user = user }

    public static func model(_ m: ModelSpec) -> ReproModel { ReproModel(options: m.options, weights: m.weights, seed: m.seed, user: true) }

    func spec(_ m: ReproModel) -> ModelSpec {
        var a = m.user ? user! : ModelSpec(options: m.options, seed: m.seed)
        a.weights = m.weights
        return a
    }

    public func load(_ m: ReproModel) throws -> (Module, ModelInfo) { try spec(m).load() }

    public func writeConfig<C: Encodable>(_ dir: RunDirectory, seed: UInt64?, model: ReproModel?, _ config: C, kind: String?, data: String?) throws {
        try IsthmusRuns.writeConfig(dir, seed: seed, model: model.map(spec), config, kind: kind ?? RunState.command, data: data)
    }

    public func evaluationData(_ spec: String, model: Module, info: ModelInfo) throws -> Dataset {
        try DataSpec.evaluationData(spec, model: model, info: info)
    }

    public func imageSource(_ spec: String, model: Module, info: ModelInfo) throws -> (data: any ImageSource, spec: String) {
        let s = try DataSpec.evaluationSource(spec, model: model, info: info)
        return (s.data, s.spec)
    }

    public func units(_ dir: RunDirectory, quiet: Bool) -> UnitRun { unitRun(dir, quiet: quiet) }
}
