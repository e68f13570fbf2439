// A labelled image folder made of crops of the bundled photos, for image-folder runs without ImageNet at hand.
import Foundation
import IsthmusFormats
import IsthmusNN
import IsthmusReport

/// Writes DIR/<synset>/<photo>_<k>.png, torchvision's `ImageFolder` layout with ImageNet synset folder names: seeded
/// random crops of each photo (`PhotoSet.randomViews`), pixels copied as they are (no resampling), flipped as the
/// view says. Each photo's folder is the synset of the ImageNet class it shows.
public enum PhotoFolder {
    /// Photos of the scikit-image set and their class: EfficientNet-Lite0's top-1 on the whole photo (Resize 256,
    /// CenterCrop 224), each a fair name of what the photo shows. Left out: astronaut and horse (top-1 bobsled and
    /// Mexican hairless) and the textures.
    public static let defaultClasses: [String: Int] = [
        "coffee.png": 967,            // espresso (p 0.91 in PyTorch)
        "chelsea.png": 282,           // tiger cat (then 285 Egyptian cat, 281 tabby)
        "motorcycle_left.png": 665,   // moped
        "motorcycle_right.png": 665,
        "rocket.jpg": 657,            // missile
    ]

    /// Crops `viewsPerPhoto` views of every photo named in `classes` (file name -> ImageNet class index) into `dir`,
    /// which must not exist or be empty. Returns the paths written, sorted. Throws when a named photo is missing.
    @discardableResult
    public static func write(photos: [Photo], classes: [String: Int] = defaultClasses, to dir: String, viewsPerPhoto: Int = 10,
                             seed: UInt64 = 0, scales: ClosedRange<Double> = 0.6...0.9) throws -> [String] {
        let fm = FileManager.default
        if let items = try? fm.contentsOfDirectory(atPath: dir), !items.isEmpty {
            throw FormatError(file: dir, reason: "exists and is not empty; give a new folder for the photo crops")
        }
        let byName = Dictionary(photos.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var written: [String] = []
        for (k, (name, label)) in classes.sorted(by: { $0.key < $1.key }).enumerated() {
            guard let photo = byName[name] else { throw FormatError(file: name, reason: "no such photo among the \(photos.count) given") }
            guard ImageNetClasses.synsets.indices.contains(label) else { throw FormatError(file: name, reason: "class \(label) is not an ImageNet index") }
            let folder = dir + "/" + ImageNetClasses.synsets[label]
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let stem = (name as NSString).deletingPathExtension
            let img = photo.image
            for (v, view) in PhotoSet.randomViews(width: img.width, height: img.height, count: viewsPerPhoto,
                                                  seed: seed &+ UInt64(k) &* 0x9E37_79B9_7F4A_7C15, scales: scales).enumerated() {
                let c = img.channels
                var px = [UInt8](repeating: 0, count: view.width * view.height * c)
                for y in 0..<view.height {
                    for x in 0..<view.width {
                        let sx = view.x + (view.flip ? view.width - 1 - x : x)
                        for ch in 0..<c { px[(y * view.width + x) * c + ch] = img.pixels[((view.y + y) * img.width + sx) * c + ch] }
                    }
                }
                let path = folder + "/" + stem + String(format: "_%02d.png", v)
                try PNG.write(to: URL(fileURLWithPath: path), width: view.width, height: view.height, channels: c, pixels: px)
                written.append(path)
            }
        }
        return written.sorted()
    }
}
