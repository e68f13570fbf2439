import Foundation
import IsthmusCore

/// Labelled images read one at a time: an in-memory `Dataset`, or an `ImageFolder` that decodes on demand.
/// Labels come without reading any image, so pair plans can be drawn from the listing alone.
public protocol ImageSource {
    var name: String { get }
    var count: Int { get }
    /// The label of every image, in order.
    var labels: [Int] { get }
    var classes: Int { get }
    var normalization: Normalization { get }
    /// [C, H, W] of one image.
    var imageShape: [Int] { get }
    /// Image `i` as [1, C, H, W], or nil when it cannot be read (the source warns and counts it).
    func loadImage(_ i: Int) -> Tensor?
}

/// What a model makes of one image: its top-1 class and the cross-entropy of the image's own label.
public struct ImageEvaluation: Codable, Equatable, Sendable {
    public var prediction: Int
    public var loss: Double
    public init(prediction: Int, loss: Double) { self.prediction = prediction; self.loss = loss }
}

extension ImageSource {
    /// `model`'s evaluation of the images `indices` (default all), in order, nil for unreadable ones: eval mode, no
    /// tape, `batch` readable images stacked into one [batch, C, H, W] forward at a time, so memory is bounded by one
    /// batch whatever the number of images. `progress` is called after each batch with the images done so far.
    public func evaluate(_ model: Module, indices: [Int]? = nil, batch: Int = 64,
                         progress: ((Int) -> Void)? = nil) -> [ImageEvaluation?] {
        let todo = indices ?? Array(0..<count)
        let labels = self.labels
        var out = [ImageEvaluation?](repeating: nil, count: todo.count)
        withoutGradients {
            var k = 0
            while k < todo.count {
                var rows: [Tensor] = [], slots: [Int] = []
                while k < todo.count && rows.count < max(1, batch) {
                    if let x = loadImage(todo[k]) { rows.append(x); slots.append(k) }
                    k += 1
                }
                if !rows.isEmpty {
                    let logits = model(rows.count == 1 ? rows[0] : concat(rows, axis: 0))
                    let y = slots.map { labels[todo[$0]] }
                    let ce = crossEntropyPerSample(logits: logits, labels: y).scalars
                    for (j, (s, p)) in zip(slots, logits.argmax(axis: 1)).enumerated() {
                        out[s] = ImageEvaluation(prediction: p, loss: Double(ce[j]))
                    }
                }
                progress?(k)
            }
        }
        return out
    }

    /// Image `i` as [1, C, H, W] and its index, or, when it cannot be read, the first readable image after it
    /// (cyclically, by index) with the same label, other than `avoid`: a deterministic substitute, so shards and
    /// resumed runs agree. Throws when no image of that label can be read.
    public func readable(_ i: Int, avoiding avoid: Int? = nil) throws -> (index: Int, image: Tensor) {
        if let x = loadImage(i) { return (i, x) }
        let labels = self.labels, y = labels[i]
        for step in 1..<max(count, 1) {
            let j = (i + step) % count
            if labels[j] == y && j != avoid, let x = loadImage(j) { return (j, x) }
        }
        throw TrainingError("\(name): no readable image of class \(y) can stand in for unreadable image \(i)")
    }
}

extension Dataset: ImageSource {
    public func loadImage(_ i: Int) -> Tensor? { image(i) }
}

extension ImageFolder: ImageSource {
    public var imageShape: [Int] { inputShape }
    public func loadImage(_ i: Int) -> Tensor? { image(i) }
}
