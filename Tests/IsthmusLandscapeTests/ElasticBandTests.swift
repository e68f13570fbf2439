import XCTest
import IsthmusCore
import IsthmusNN
import IsthmusLandscape

/// The nudged elastic band with a climbing image.
final class ElasticBandTests: XCTestCase {
    let a = Tensor(shape: [1, 2, 1, 1], scalars: [-1, 0])
    let c = Tensor(shape: [1, 2, 1, 1], scalars: [1, 0])

    func testNEBFindsTheSaddleOfADoubleWell() throws {
        for spring in [nil, 1.0] as [Double?] {
            var cfg = ElasticBand.Config()
            cfg.images = 9; cfg.cycles = 2; cfg.stepsPerCycle = 3000; cfg.insertPerCycle = 0
            cfg.optimizer = .sgd; cfg.lr = 0.01; cfg.momentum = 0.9; cfg.forceTolerance = 1e-6; cfg.spring = spring
            let out = try ElasticBand.run(cfg, loss: DoubleWell.loss, from: a, to: c)
            let ci = try XCTUnwrap(out.climbingImage)
            let saddle = out.band.images[ci].scalars
            XCTAssertEqual(Double(saddle[0]), 0, accuracy: 1e-3, "spring \(String(describing: spring))")
            XCTAssertEqual(Double(saddle[1]), 0.5, accuracy: 1e-3, "spring \(String(describing: spring))")
            XCTAssertLessThan(out.maxForce, 1e-4)
            // The climbing image is the highest point of the band, at the saddle energy 1.
            let energies = out.band.images.map { DoubleWell.value(Double($0.scalars[0]), Double($0.scalars[1])) }
            XCTAssertEqual(energies[ci], 1, accuracy: 1e-5)
            XCTAssertEqual(energies.max()!, energies[ci])
        }
    }
}
