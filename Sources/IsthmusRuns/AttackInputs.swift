import Foundation
import IsthmusCore
import IsthmusLandscape
import IsthmusNN

/// The inputs of an attack run: `count` test images of a data spec picked with `seed` (`Attacks.pickInputs`:
/// correctly classified, outside the target class, paired with images A of it), or the images of a .npy file, all
/// of label `label`, with an optional .npy of anchors A (one, or one per input).
public enum AttackInputs {
    public enum Request {
        case data(spec: String, count: Int)
        case file(path: String, label: Int, pair: String?)
    }

    /// Images, labels, anchors (paired attacks) and where they came from.
    public static func load(_ r: Request, model: Module, info: ModelInfo, targetClass: Int?, paired: Bool, seed: UInt64) throws
        -> (inputs: Attacks.Inputs, source: Attacks.Source) {
        switch r {
        case .data(let spec, let count):
            let test = try DataSpec.evaluationData(spec, model: model, info: info)
            let pick = try Attacks.pickInputs(test, named: spec, model: model, count: count, targetClass: targetClass, paired: paired, seed: seed)
            return (pick, Attacks.Source(source: spec, indices: pick.indices, anchorIndices: pick.anchorIndices))
        case .file(let path, let label, let pair):
            let images = try DataSpec.inputBatch(path, info: info)
            var inputs = Attacks.Inputs(images: images, labels: Array(repeating: label, count: images.shape[0]), indices: [])
            if let pair {
                guard paired else { throw RunError("--pair goes with --method paper or adaptive") }
                let a = try DataSpec.inputBatch(pair, info: info)
                guard a.shape[0] == 1 || a.shape[0] == images.shape[0] else {
                    throw RunError("\(pair) has \(a.shape[0]) images for \(images.shape[0]) inputs")
                }
                inputs.anchors = a.shape[0] == 1 ? a.gathered(rows: Array(repeating: 0, count: images.shape[0])) : a
            }
            return (inputs, Attacks.Source(source: path))
        }
    }
}
