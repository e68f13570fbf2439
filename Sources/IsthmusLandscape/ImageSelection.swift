// Per-class selection of the images that may be pair endpoints, for barrier statistics and connectivity runs.
import Foundation
import IsthmusCore
import IsthmusNN

/// Which images of each class may be the endpoints of pairs.
public enum ImageSelection: String, Codable, CaseIterable, Sendable {
    /// Every image. The plan comes from the labels alone (nothing is decoded up front); an unreadable endpoint is
    /// replaced when measured by the next readable image of its class (`ImageSource.readable`).
    case all
    /// The images the model classifies correctly (every image evaluated once, in batches).
    case correct
    /// Per class y, the `lowestLossCount` images with the smallest L_y, ties by index: low-loss modes, as the
    /// paper's saved per-class image tensors (every image evaluated once, in batches).
    case lowestLoss
}

/// The images a selection rule admits, by class.
public struct ImagePool: Equatable, Sendable {
    /// Eligible image indices of each class, ascending.
    public var byClass: [Int: [Int]]
    /// The model's evaluation of every image (nil entries: unreadable), when the rule needed one.
    public var evaluations: [ImageEvaluation?]?

    /// The classes with at least `minimum` eligible images, ascending.
    public func classes(minimum: Int = 2) -> [Int] { byClass.keys.sorted().filter { byClass[$0]!.count >= minimum } }

    /// Images evaluated as unreadable (empty when nothing was evaluated).
    public var unreadable: [Int] { evaluations.map { e in e.indices.filter { e[$0] == nil } } ?? [] }
}

extension ImageSelection {
    /// The eligible images of `data` under this rule; `.correct` and `.lowestLoss` evaluate every image with
    /// `model`, `batch` at a time (`ImageSource.evaluate`), `.all` reads none.
    public func pool(_ data: some ImageSource, model: Module, lowestLossCount: Int = 10, batch: Int = 64,
                     progress: ((Int) -> Void)? = nil) -> ImagePool {
        let labels = data.labels
        guard self != .all else {
            var byClass: [Int: [Int]] = [:]
            for (i, y) in labels.enumerated() { byClass[y, default: []].append(i) }
            return ImagePool(byClass: byClass, evaluations: nil)
        }
        let e = data.evaluate(model, batch: batch, progress: progress)
        var byClass: [Int: [Int]] = [:]
        for i in e.indices {
            guard let v = e[i], self == .lowestLoss || v.prediction == labels[i] else { continue }
            byClass[labels[i], default: []].append(i)
        }
        if self == .lowestLoss {
            byClass = byClass.mapValues { members in
                members.sorted { (e[$0]!.loss, $0) < (e[$1]!.loss, $1) }.prefix(max(0, lowestLossCount)).sorted()
            }
        }
        return ImagePool(byClass: byClass, evaluations: e)
    }
}
