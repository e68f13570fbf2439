import Foundation
import IsthmusLandscape
import IsthmusNN

struct PhotoFolderCommand: Command {
    static let name = "photo-folder", summary = "an ImageNet-style image folder of crops of the bundled photos (for --data imagefolder:DIR)"
    static let usage = "usage: isthmus photo-folder --out DIR [--photos DIR] [--views N] [--seed S]"
    static let options = OptionTable([
        .text("--out", "DIR", "the folder to create (refused if it exists and is not empty)"),
        .text("--photos", "DIR", PhotoSet.defaultDirectory, "the scikit-image photos (default {}, fetched by scripts/setup.sh)"),
        .int("--views", "N", 10, 1...10_000, "seeded random crops per photo, 60-90% of each side, half of them flipped"),
        .seed("(default {})"),
    ])
    static var notes: String {
        "writes DIR/<synset>/<photo>_<k>.png, torchvision's ImageFolder layout: " + PhotoFolder.defaultClasses.sorted { $0.key < $1.key }
            .map { "\(($0.key as NSString).deletingPathExtension) -> \(ImageNetClasses.synsets[$0.value]) (\($0.value) \(ImageNetClasses.name($0.value)))" }
            .joined(separator: ", ")
    }

    static func run(_ args: inout Arguments) throws {
        let out = try args.required("--out")
        let photos = try args.required("--photos")
        let views = try args.int("--views")
        let seed = try args.seed()
        try args.finish()
        let fm = FileManager.default
        if let items = try? fm.contentsOfDirectory(atPath: out), !items.isEmpty { throw CLIError("\(out) exists and is not empty") }
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: out, isDirectory: &isDir) && !isDir.boolValue { throw CLIError("\(out) exists and is not a folder") }
        let loaded = try PhotoSet.load(dir: photos)
        // Built beside DIR under a hidden name, then renamed into place: DIR is absent or complete.
        let url = URL(fileURLWithPath: out).standardizedFileURL
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
        try? fm.removeItem(atPath: tmp)
        RunState.setTemporary(tmp)
        defer { RunState.setTemporary(nil) }
        let files: [String]
        do {
            files = try PhotoFolder.write(photos: loaded, to: tmp, viewsPerPhoto: views, seed: seed)
            if fm.fileExists(atPath: out) { try fm.removeItem(atPath: out) }   // an empty folder
            try fm.moveItem(atPath: tmp, toPath: out)
        } catch {
            try? fm.removeItem(atPath: tmp)
            throw error
        }
        print("wrote \(files.count) crops of \(PhotoFolder.defaultClasses.count) photos in \(Set(PhotoFolder.defaultClasses.values).count) class folders to \(out)")
    }
}
