import XCTest
import Foundation
import IsthmusReport
@testable import IsthmusLandscape

/// `Attacks.Config` in JSON: {"method": ..., the method's own fields}, round-tripping every method, with clear errors.
final class AttacksConfigTests: XCTestCase {
    /// One non-default config per method (and both PGD norms), so a dropped or swapped field would show.
    static func configs() -> [Attacks.Config] {
        var paper = Attacks.PaperConfig.statistics
        paper.targetClass = 3; paper.minSteps = 7; paper.lr = 0.02
        var adaptive = Attacks.AdaptiveConfig(targetClass: 1)
        adaptive.barrierWeight = 2.5; adaptive.barrierPoints = 5; adaptive.tvWeight = 3e-9
        var fgsm = Attacks.FGSMConfig()
        fgsm.eps = 0.1; fgsm.batch = 7
        var linf = Attacks.PGDConfig(norm: .linf, targetClass: 4)
        linf.randomStart = false; linf.seed = 99
        var l2 = Attacks.PGDConfig(norm: .l2)
        l2.steps = 3
        var cw = Attacks.CWConfig(targetClass: 2)
        cw.c = 10; cw.kappa = 0.5
        return [.paper(paper), .adaptive(adaptive), .fgsm(fgsm), .pgd(linf), .pgd(l2), .cw(cw)]
    }

    func json(_ c: Attacks.Config) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: try JSONCoding.encoder().encode(c)) as? [String: Any])
    }

    func decode(_ text: String) throws -> Attacks.Config {
        try JSONCoding.decoder().decode(Attacks.Config.self, from: Data(text.utf8))
    }

    func testEveryMethodRoundTripsWithOnlyItsFields() throws {
        let fields: [Attacks.Method: Set<String>] = [
            .paper: ["method", "targetClass", "steps", "lr", "mseWeight", "tvWeight", "minSteps", "batch"],
            .adaptive: ["method", "targetClass", "steps", "lr", "mseWeight", "tvWeight", "barrierWeight", "barrierPoints",
                        "minSteps", "batch"],
            .fgsm: ["method", "eps", "batch"],
            .pgd: ["method", "targetClass", "norm", "eps", "step", "steps", "randomStart", "seed", "batch"],
            .cw: ["method", "targetClass", "c", "kappa", "lr", "steps", "batch"],
        ]
        var l2Seen = false
        for c in Self.configs() {
            let data = try JSONCoding.encoder().encode(c)
            XCTAssertEqual(try JSONCoding.decoder().decode(Attacks.Config.self, from: data), c)
            let object = try json(c)
            XCTAssertEqual(object["method"] as? String, c.method.rawValue)
            var expected = fields[c.method]!
            if case .pgd(let p) = c, p.targetClass == nil { expected.remove("targetClass"); l2Seen = true }
            XCTAssertEqual(Set(object.keys), expected, "\(c.method)")
        }
        XCTAssertTrue(l2Seen)
        XCTAssertEqual(try json(Self.configs()[3])["norm"] as? String, "linf")
        XCTAssertEqual(try json(Self.configs()[4])["norm"] as? String, "l2")
    }

    func testUnknownMethodIsAClearError() throws {
        XCTAssertThrowsError(try decode(#"{"method": "deepfool", "eps": 0.1, "batch": 4}"#)) { e in
            XCTAssertEqual(JSONCoding.describe(e),
                           "invalid JSON at method: unknown attack method 'deepfool' (expected paper, fgsm, pgd, cw, adaptive)")
        }
        XCTAssertThrowsError(try decode(#"{"eps": 0.1, "batch": 4}"#)) { e in
            XCTAssertEqual(JSONCoding.describe(e), "missing key 'method' at the top level")
        }
    }

    /// A field of the method left out is named, not defaulted (a run's config must say everything it ran with).
    func testMissingFieldIsAClearError() throws {
        var pgd = try json(.pgd(Attacks.PGDConfig()))
        pgd.removeValue(forKey: "eps")
        let text = String(decoding: try JSONSerialization.data(withJSONObject: pgd), as: UTF8.self)
        XCTAssertThrowsError(try decode(text)) { e in
            XCTAssertEqual(JSONCoding.describe(e), "missing key 'eps' at the top level")
        }
        // Another method's fields do not stand in: an FGSM record read as CW lacks c.
        XCTAssertThrowsError(try decode(#"{"method": "cw", "eps": 0.1, "batch": 4}"#)) { e in
            guard case .keyNotFound(let key, _)? = e as? DecodingError else { return XCTFail("\(e)") }
            XCTAssertTrue(["c", "kappa", "lr", "steps"].contains(key.stringValue), key.stringValue)
        }
    }

    /// Nested where runs record it: BarrierStatistics.Config's attack decodes back from its JSON.
    func testBarrierStatisticsConfigCarriesAnyAttack() throws {
        for a in Self.configs() {
            var c = BarrierStatistics.Config()
            c.attack = a
            let back = try JSONCoding.decoder().decode(BarrierStatistics.Config.self, from: try JSONCoding.encoder().encode(c))
            XCTAssertEqual(back.attack, a)
        }
    }

    func testDefaultsAndTargeting() {
        XCTAssertEqual(Attacks.Config(method: .paper), .paper(.demo))
        XCTAssertEqual(Attacks.Config.paperStatistics.steps, 512)
        XCTAssertEqual(Attacks.Config(method: .fgsm).steps, 1)
        XCTAssertEqual(Attacks.Config(method: .pgd, norm: .l2), .pgd(Attacks.PGDConfig(norm: .l2)))
        let t = Attacks.Config(method: .pgd).targeting(5, seed: 11)
        guard case .pgd(let p) = t else { return XCTFail("\(t)") }
        XCTAssertEqual(p.targetClass, 5); XCTAssertEqual(p.seed, 11); XCTAssertTrue(t.targeted)
        XCTAssertTrue(Attacks.Config(method: .paper).targeted)
        XCTAssertFalse(Attacks.Config(method: .cw).targeted)
    }
}
